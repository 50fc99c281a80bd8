"""The durable outbox: a message is written to the store before it is sent, and sent once.

States of a row: ``pending`` (waiting for ``next_attempt_at``) -> ``sending`` (claimed by one
process; ``next_attempt_at`` is then the end of its lease) -> ``sent`` or ``failed`` (a 5xx answer,
or too many temporary failures), or back to ``pending`` with exponential backoff.

Crash safety. While ``sending``, ``sent_at`` stays empty until the transport reaches the point of
no return (just before the final ``.`` of DATA, or the rename of the .eml file), when it is
written in its own transaction. A row still ``sending`` after its lease ran out belonged to a
process that died; it is resolved thus:

* ``sent_at`` empty: the server never got the end of the message, and an SMTP server discards an
  unfinished transaction (RFC 5321 4.1.1.4), so the row goes back to ``pending`` and is resent.
* ``sent_at`` set: the server has (or had) the whole message; resending could deliver it twice, so
  the row becomes ``sent`` with ``last_error`` saying the answer was not seen. We prefer this
  at-most-once choice for the short window between writing the last byte and reading the answer;
  the note lets an operator check the mail log. A live process that loses the connection after
  the end of DATA, before any answer, decides the same way; a 4xx/5xx answer is never ambiguous.

``deliveries`` (unique subscription_id, event_id) is written with the outbox row in one
transaction, so an event is put into at most one message per subscription, even when two
processes compose digests at the same time.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.policy import SMTP
from email.utils import parseaddr
from typing import Any, Iterable

from diffs.errors import InputError

from .items import query
from .mailer import PermanentMailError, TransientMailError, Transport

STATUSES = ("pending", "sending", "sent", "failed")
BACKOFF_BASE = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=2)
MAX_ATTEMPTS = 10
LEASE = timedelta(minutes=10)  # far longer than an SMTP attempt with its 30 s timeouts
UNCONFIRMED = "unconfirmed: the whole message was handed over, the server's answer was never seen"


def stamp(moment: datetime) -> str:
    """Outbox times are UTC ISO strings, so SQL string comparison orders them."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def backoff(attempts: int) -> timedelta:
    return min(BACKOFF_BASE * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


@dataclass
class OutboxEntry:
    id: int
    message_id: str
    subscription_id: int | None
    recipients: list[str]
    subject: str
    status: str
    attempts: int
    next_attempt_at: str | None
    last_error: str | None
    created_at: str
    sent_at: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> "OutboxEntry":
        return cls(id=row["id"], message_id=row["message_id"], subscription_id=row["subscription_id"],
                   recipients=json.loads(row["recipients"]), subject=row["subject"], status=row["status"],
                   attempts=row["attempts"] or 0, next_attempt_at=row["next_attempt_at"],
                   last_error=row["last_error"], created_at=row["created_at"], sent_at=row["sent_at"])


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    recovered: list[int] = field(default_factory=list)



def enqueue(store: Any, message: EmailMessage, subscription_id: int | None, event_ids: list[int],
            now: datetime) -> int | None:
    """Store the message and its deliveries atomically; None when another run already took these events.

    Enqueueing the same Message-ID again returns the existing row (the message id is stable).
    """
    message_id = message["Message-ID"]
    recipients = [parseaddr(a)[1] for a in str(message["To"]).split(",")]
    with store.transaction():
        existing = query(store, "SELECT id FROM outbox WHERE message_id = ?", [message_id])
        if existing:
            return existing[0]["id"]
        if event_ids:
            marks = ",".join("?" * len(event_ids))
            taken = query(store, f"SELECT event_id FROM deliveries WHERE subscription_id = ? AND event_id IN ({marks})",
                          [subscription_id, *event_ids])
            if taken:
                return None
        cursor = store.db.execute(
            "INSERT INTO outbox (message_id, subscription_id, recipients, subject, body, status, attempts,"
            " next_attempt_at, last_error, created_at, sent_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, NULL, ?, NULL)",
            [message_id, subscription_id, json.dumps(recipients, ensure_ascii=False), str(message["Subject"]),
             message.as_bytes().decode("utf-8"), stamp(now), stamp(now)])
        outbox_id = cursor.lastrowid
        for event_id in event_ids:
            store.db.execute("INSERT INTO deliveries (subscription_id, event_id, outbox_id) VALUES (?, ?, ?)",
                             [subscription_id, event_id, outbox_id])
    return outbox_id


def recover(store: Any, now: datetime) -> list[int]:
    """Resolve rows left ``sending`` by a process that died (see the module docstring)."""
    stale = query(store, "SELECT id, sent_at FROM outbox WHERE status = 'sending' AND next_attempt_at < ?", [stamp(now)])
    with store.transaction():
        for row in stale:
            if row["sent_at"]:
                store.db.execute("UPDATE outbox SET status = 'sent', last_error = ? WHERE id = ? AND status = 'sending'",
                                 [UNCONFIRMED, row["id"]])
            else:
                store.db.execute("UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE id = ? AND status = 'sending'",
                                 [stamp(now), row["id"]])
    return [row["id"] for row in stale]


def deliver(store: Any, transport: Transport, now: datetime | None = None,
            max_attempts: int = MAX_ATTEMPTS, only: Iterable[int] | None = None) -> DeliveryReport:
    """Send every due pending message (or only the given outbox ids) once."""
    now = now or datetime.now(timezone.utc)
    report = DeliveryReport(recovered=recover(store, now))
    due = query(store, "SELECT id FROM outbox WHERE status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
                " ORDER BY id", [stamp(now)])
    wanted = set(only) if only is not None else None
    for row in due:
        if wanted is None or row["id"] in wanted:
            _deliver_one(store, transport, row["id"], now, max_attempts, report)
    return report


def _deliver_one(store: Any, transport: Transport, outbox_id: int, now: datetime, max_attempts: int,
                 report: DeliveryReport) -> None:
    with store.transaction():
        claimed = store.db.execute(
            "UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = ?, sent_at = NULL"
            " WHERE id = ? AND status = 'pending'", [stamp(now + LEASE), outbox_id]).rowcount
    if not claimed:
        return  # another process took it
    row = query(store, "SELECT * FROM outbox WHERE id = ?", [outbox_id])[0]
    raw = row["body"].encode("utf-8")
    sender = _header(raw, "From")

    handed: list[bool] = []

    def handed_over() -> None:
        with store.transaction():
            store.db.execute("UPDATE outbox SET sent_at = ? WHERE id = ?", [stamp(now), outbox_id])
        handed.append(True)

    try:
        answer = transport.send(raw, sender, json.loads(row["recipients"]), handed_over)
    except PermanentMailError as e:
        _finish(store, outbox_id, "failed", str(e), sent_at=None)
        report.failed.append(outbox_id)
    except TransientMailError as e:
        if handed and not e.answered:
            # The whole message went out and the connection broke before the answer: the same
            # at-most-once choice as after a crash (module docstring).
            _finish(store, outbox_id, "sent", f"{UNCONFIRMED}: {e}", sent_at=stamp(now))
            report.sent.append(outbox_id)
        elif row["attempts"] >= max_attempts:
            _finish(store, outbox_id, "failed", f"gave up after {row['attempts']} attempts: {e}", sent_at=None)
            report.failed.append(outbox_id)
        else:
            with store.transaction():
                store.db.execute("UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, sent_at = NULL"
                                 " WHERE id = ?", [stamp(now + backoff(row["attempts"])), str(e), outbox_id])
            report.retrying.append(outbox_id)
    else:
        _finish(store, outbox_id, "sent", answer if "refused" in answer else None, sent_at=stamp(now))
        report.sent.append(outbox_id)


def _finish(store: Any, outbox_id: int, status: str, error: str | None, sent_at: str | None) -> None:
    with store.transaction():
        store.db.execute("UPDATE outbox SET status = ?, last_error = ?, sent_at = ?, next_attempt_at = NULL WHERE id = ?",
                         [status, error, sent_at, outbox_id])


def _header(raw: bytes, name: str) -> str:
    return parseaddr(str(BytesHeaderParser(policy=SMTP).parsebytes(raw)[name] or ""))[1]


def requeue(store: Any, outbox_id: int, now: datetime) -> None:
    """Send a failed message again (after the operator fixed the address or the server)."""
    with store.transaction():
        changed = store.db.execute("UPDATE outbox SET status = 'pending', next_attempt_at = ? WHERE id = ? AND status = 'failed'",
                                   [stamp(now), outbox_id]).rowcount
    if not changed:
        raise InputError(f"outbox message {outbox_id} does not exist or has not failed")


def entries(store: Any, status: str | None = None) -> list[OutboxEntry]:
    if status is not None and status not in STATUSES:
        raise InputError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    sql = "SELECT * FROM outbox" + (" WHERE status = ?" if status else "") + " ORDER BY id"
    return [OutboxEntry.from_row(r) for r in query(store, sql, [status] if status else [])]


def last_digest_at(store: Any, subscription_id: int) -> datetime | None:
    rows = query(store, "SELECT max(created_at) AS at FROM outbox WHERE subscription_id = ?", [subscription_id])
    return datetime.fromisoformat(rows[0]["at"]) if rows and rows[0]["at"] else None


def message_bytes(store: Any, outbox_id: int) -> bytes:
    rows = query(store, "SELECT body FROM outbox WHERE id = ?", [outbox_id])
    return rows[0]["body"].encode("utf-8") if rows else b""
