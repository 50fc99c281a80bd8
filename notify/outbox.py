"""The durable outbox: a message is written to the store before it is sent, and sent at least once.

States of a row: ``pending`` (waiting for ``next_attempt_at``) -> ``sending`` (claimed by one
process; ``next_attempt_at`` is then the end of its lease) -> ``sent`` (only on the server's 250,
or the .eml file renamed into place, or the webhook's 2xx) or ``failed`` (a 5xx answer, or too
many temporary refusals of this message), or back to ``pending`` with exponential backoff.

The guarantee is at-least-once, de-duplicated by Message-ID, as mail systems give it. A row left
``sending`` by a process that died (its lease ran out, or its process is gone from this host) has an
unknown outcome and goes back to ``pending``: it is sent again with the same Message-ID, so a
second copy, if the server had kept the first, is one that mail clients fold into the first. A
live process that loses the connection after the end of DATA decides the same way. Nothing is
ever marked sent without the server's answer. ``handed_at`` records that the whole message left
(the resend note says a duplicate is possible).

Failures of the way out (connection, TLS, authentication, a missing password: a
:class:`TransportError`) are not the message's fault: the row keeps its events, waits with backoff
without using up its attempts, the other messages for that transport wait without being tried, and
one ``delivery_error`` event per broken transport is recorded; the report is then not ``ok``.

``deliveries`` (unique subscription, channel, event) is written with the outbox row in one
transaction, so an event is put into one message per subscription and channel, even when two
processes compose digests at the same time.
"""
from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import SMTP
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Iterable

from diffs.errors import InputError

from .mailer import Answer, Envelope, PermanentMailError, TransientMailError, Transport, TransportError

STATUSES = ("pending", "sending", "sent", "failed")
MAIL = ""  # the channel of email rows
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=2)
MAX_ATTEMPTS = 10
LEASE = timedelta(minutes=10)  # far longer than an SMTP attempt with its 30 s timeouts
RESENT = "outcome unknown (the sending process stopped before the server's answer): sent again with the same Message-ID"


def stamp(moment: datetime) -> str:
    """Outbox times are UTC ISO strings, so SQL string comparison orders them."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def _start_time(pid: int) -> str | None:
    """The kernel's start tick of a process (Linux), so a recycled pid is not taken for the owner."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rpartition(")")[2].split()[19]


OWNER = f"{socket.gethostname()}:{os.getpid()}:{_start_time(os.getpid())}"


def _owner_gone(owner: str | None) -> bool:
    """Whether the process that claimed a row is certainly dead (it ran on this host and is not running)."""
    host, _, rest = (owner or "").partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return False  # another machine's process: only its lease tells
    if started == "None":
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False
    return _start_time(int(pid)) != started


@dataclass
class OutboxEntry:
    id: int
    message_id: str
    subscription_id: int | None
    channel: str
    recipients: list[str]
    subject: str
    status: str
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    created_at: str
    sent_at: str | None
    accepted: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "OutboxEntry":
        return cls(**{k: row[k] for k in cls.__dataclass_fields__ if k != "attempts"}, attempts=row["attempts"] or 0)


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)
    held: list[int] = field(default_factory=list)              # waiting on a broken transport
    errors: dict[str, str] = field(default_factory=dict)      # transport (channel, '' = mail) -> its error

    @property
    def ok(self) -> bool:
        return not (self.held or self.failed or self.errors)


def enqueue(store: Any, message: EmailMessage, subscription_id: int | None, event_ids: list[int],
            now: datetime) -> int | None:
    """Store an email and its deliveries atomically; None when another run already took these events.

    Enqueueing the same Message-ID again returns the existing row (the message id is stable).
    """
    recipients = [parseaddr(a)[1] for a in str(message["To"]).split(",")]
    return store.enqueue_message(message["Message-ID"], subscription_id, MAIL, recipients, str(message["Subject"]),
                                 message.as_bytes().decode("utf-8"), stamp(now), event_ids)


def recover(store: Any, now: datetime) -> list[int]:
    """Put back in the queue the rows a dead process left ``sending`` (see the module docstring)."""
    recovered = []
    for row in store.outbox_claimed():
        if row["next_attempt_at"] < stamp(now) or _owner_gone(row["claimed_by"]):
            note = RESENT if row["handed_at"] else None
            if store.release_claim(row["id"], row["claimed_by"], stamp(now), note):
                recovered.append(row["id"])
    return recovered


def deliver(store: Any, transport: Transport, now: datetime | None = None, max_attempts: int = MAX_ATTEMPTS,
            only: Iterable[int] | None = None, ignore_backoff: bool = False) -> DeliveryReport:
    """Send every due pending message (or only the given outbox ids) once: email rows through
    ``transport``, chat rows to their channels through Apprise.

    ``ignore_backoff``: also the rows waiting for their next attempt (an operator's explicit run).
    """
    from .channels import ChannelTransport, describe

    now = now or datetime.now(timezone.utc)
    chat = ChannelTransport()
    report = DeliveryReport(recovered=recover(store, now))
    wanted = set(only) if only is not None else None
    for outbox_id in store.outbox_due(stamp(now), ignore_backoff=ignore_backoff):
        if wanted is not None and outbox_id not in wanted:
            continue
        row = store.outbox_row(outbox_id)
        if row["channel"] in report.errors:
            report.held.append(outbox_id)  # its transport just failed: do not hammer it
            continue
        _deliver_one(store, transport if row["channel"] == MAIL else chat, row, now, max_attempts, report)
    for channel, error in report.errors.items():
        store.add_event("delivery_error", at=stamp(now), title=("邮件发送失败" if channel == MAIL else "消息推送失败"),
                        error=error, channel=describe(channel) if channel else "mail", held=sum(
                            1 for i in report.held if store.outbox_row(i)["channel"] == channel))
    return report


def _deliver_one(store: Any, transport: Transport, row: dict, now: datetime, max_attempts: int,
                 report: DeliveryReport) -> None:
    outbox_id = row["id"]
    if not store.claim_message(outbox_id, stamp(now + LEASE), OWNER):
        return  # another process took it
    attempts = row["attempts"] + 1
    # Backoff grows with every attempt; giving up counts only the attempts that failed for this message.
    own_attempts = attempts - row["transport_failures"]
    raw = row["body"].encode("utf-8")
    done = set(row["accepted"]) | set(row["refused"])
    envelope = Envelope(raw=raw, sender=_header(raw, "From"), recipients=[r for r in row["recipients"] if r not in done],
                        message_id=row["message_id"], channel=row["channel"])
    try:
        answer = transport.send(envelope, lambda: store.mark_handed(outbox_id, stamp(now)))
    except TransportError as e:
        store.defer_message(outbox_id, stamp(now + backoff(attempts)), str(e), counted=False)
        report.errors.setdefault(row["channel"], str(e))
        report.held.append(outbox_id)
    except PermanentMailError as e:
        if row["accepted"]:  # the rest were delivered on an earlier attempt
            store.finish_message(outbox_id, "sent", f"refused {e}", sent_at=stamp(now))
            report.sent.append(outbox_id)
        else:
            store.finish_message(outbox_id, "failed", str(e), sent_at=None)
            report.failed.append(outbox_id)
    except TransientMailError as e:
        _temporary(store, outbox_id, attempts, own_attempts >= max_attempts, now, str(e), report)
    else:
        _answered(store, row, answer, attempts, own_attempts >= max_attempts, now, report)


def _answered(store: Any, row: dict, answer: Answer, attempts: int, last: bool, now: datetime,
              report: DeliveryReport) -> None:
    """The server took the message for some recipients: those are done; 5xx ones failed; 4xx ones wait."""
    accepted = row["accepted"] + answer.accepted
    refused = {**row["refused"], **answer.refused}
    if answer.refused or answer.deferred or row["refused"]:
        store.record_recipients(row["id"], accepted, refused)
    if answer.deferred:
        _temporary(store, row["id"], attempts, last, now,
                   "; ".join(f"{r}: {a}" for r, a in answer.deferred.items()), report)
        return
    note = "refused " + "; ".join(f"{r}: {a}" for r, a in refused.items()) if refused else None
    store.finish_message(row["id"], "sent", note, sent_at=stamp(now))
    report.sent.append(row["id"])


def _temporary(store: Any, outbox_id: int, attempts: int, last: bool, now: datetime, error: str,
               report: DeliveryReport) -> None:
    if last:
        store.finish_message(outbox_id, "failed", f"gave up after {attempts} attempts: {error}", sent_at=None)
        report.failed.append(outbox_id)
    else:
        store.defer_message(outbox_id, stamp(now + backoff(attempts)), error)
        report.retrying.append(outbox_id)


def _header(raw: bytes, name: str) -> str:
    return parseaddr(str(BytesHeaderParser(policy=SMTP).parsebytes(raw)[name] or ""))[1]


def requeue(store: Any, outbox_id: int, now: datetime) -> None:
    """Send a failed message again (after the operator fixed the address or the server)."""
    if not store.requeue_message(outbox_id, stamp(now)):
        raise InputError(f"outbox message {outbox_id} does not exist or has not failed")


def entries(store: Any, status: str | None = None) -> list[OutboxEntry]:
    if status is not None and status not in STATUSES:
        raise InputError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    return [OutboxEntry.from_row(r) for r in store.outbox_rows(status)]


def last_digest_at(store: Any, subscription_id: int) -> datetime | None:
    at = store.last_digest_at(subscription_id)
    return datetime.fromisoformat(at) if at else None


def message_bytes(store: Any, outbox_id: int) -> bytes:
    row = store.outbox_row(outbox_id)
    return row["body"].encode("utf-8") if row else b""
