"""The durable outbox against a real SMTP server (aiosmtpd, STARTTLS + AUTH) on loopback:
at least once, never marked sent without the server's 250, a broken way out never loses a message."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from diffs.errors import InputError
from notify import outbox
from notify.mailer import EmlFolderTransport, Envelope, transport_for
from snapshots import Store

from notify_smtp import PASSWORD_ENV, USER, SMTPServer, free_port

T0 = datetime(2025, 1, 6, 1, 0, tzinfo=timezone.utc)
HERE = Path(__file__).parent


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "regwatch.db")
    yield s
    s.close()


def message(n: int = 1, to: str = "法务 <legal@example.cn>") -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = f"regwatch：{n} 项规章修改 — 上海市人民政府公报 2022年第14期"
    msg["From"] = "regwatch <alerts@regwatch.test>"
    msg["To"] = to
    msg["Message-ID"] = f"<test.{n}@regwatch.test>"
    msg.set_content("第十二条 修改为……", charset="utf-8", cte="base64")
    return msg


def row(store, outbox_id):
    return next(e for e in outbox.entries(store) if e.id == outbox_id)


def delivery_errors(store) -> list[dict]:
    return store.events(kind="delivery_error")


def test_sent_once_over_starttls_with_auth(store, smtp_server):
    oid = outbox.enqueue(store, message(), None, [], T0)
    transport = transport_for(smtp_server.mail_settings())
    assert outbox.deliver(store, transport, now=T0).sent == [oid]
    assert outbox.deliver(store, transport, now=T0 + timedelta(hours=1)).sent == []
    (got,) = smtp_server.handler.received
    assert smtp_server.handler.logins == [USER]
    assert got.recipients == ["legal@example.cn"] and got.sender == "alerts@regwatch.test"
    assert got.message["Message-ID"] == "<test.1@regwatch.test>"
    assert got.message["Subject"] == "regwatch：1 项规章修改 — 上海市人民政府公报 2022年第14期"
    entry = row(store, oid)
    assert (entry.status, entry.attempts, entry.sent_at) == ("sent", 1, T0.isoformat(timespec="seconds"))


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # it is TLS from the first byte
def test_implicit_tls_and_certificate_verification(store, tls_files, smtp_password):
    server = SMTPServer(tls_files, implicit_tls=True).start()
    try:
        oid = outbox.enqueue(store, message(), None, [], T0)
        untrusted = transport_for(server.mail_settings(cafile=None))  # the self-signed cert is not trusted
        report = outbox.deliver(store, untrusted, now=T0)
        assert report.held == [oid] and not report.ok
        assert "CERTIFICATE_VERIFY_FAILED" in row(store, oid).last_error and server.handler.received == []
        (event,) = delivery_errors(store)
        assert "CERTIFICATE_VERIFY_FAILED" in event["payload"]["error"] and event["payload"]["held"] == 1
        assert outbox.deliver(store, transport_for(server.mail_settings()), now=T0 + timedelta(hours=1)).sent == [oid]
        assert len(server.handler.received) == 1 and server.handler.logins == [USER]
    finally:
        server.stop()


def test_server_down_holds_every_message_without_giving_up_then_delivers_once(store, tls_files, smtp_password):
    server = SMTPServer(tls_files, port=free_port())  # not started yet: connection refused
    transport = transport_for(server.mail_settings())
    oid = outbox.enqueue(store, message(), None, [], T0)
    other = outbox.enqueue(store, message(2), None, [], T0)
    report = outbox.deliver(store, transport, now=T0)
    # One refused connection is enough: the second message waits without a second try.
    assert report.held == [oid, other] and report.retrying == report.failed == [] and not report.ok
    entry = row(store, oid)
    assert entry.status == "pending" and entry.attempts == 1 and "refused" in entry.last_error.lower()
    assert row(store, other).attempts == 0
    assert entry.next_attempt_at == (T0 + outbox.backoff(1)).isoformat(timespec="seconds")
    # Not due yet: nothing is attempted before the backoff ends.
    assert outbox.deliver(store, transport, now=T0 + timedelta(seconds=30)).held == [other]
    outbox.deliver(store, transport, now=T0 + timedelta(minutes=2))
    assert row(store, oid).attempts == 2 and row(store, oid).next_attempt_at > entry.next_attempt_at  # backoff grows
    for hour in range(1, 13):  # more failures than max_attempts: a broken server never makes a message fail
        outbox.deliver(store, transport, now=T0 + timedelta(hours=hour), max_attempts=3)
    assert {row(store, oid).status, row(store, other).status} == {"pending"}
    assert len(delivery_errors(store)) == 3 + 12  # one per run that met the broken server, not one per message
    server.start()
    try:
        assert outbox.deliver(store, transport, now=T0 + timedelta(days=1)).sent == [oid, other]
        assert outbox.deliver(store, transport, now=T0 + timedelta(days=2)).sent == []
        assert len(server.handler.received) == 2
        assert row(store, oid).status == "sent"
    finally:
        server.stop()


def test_550_is_failed_with_the_server_answer_and_not_retried(store, smtp_server):
    smtp_server.handler.reject = "550 5.7.1 Message refused: 收件人拒收"
    oid = outbox.enqueue(store, message(), None, [], T0)
    transport = transport_for(smtp_server.mail_settings())
    assert outbox.deliver(store, transport, now=T0).failed == [oid]
    entry = row(store, oid)
    assert entry.status == "failed" and entry.last_error.startswith("550 5.7.1 Message refused")
    smtp_server.handler.reject = None
    assert outbox.deliver(store, transport, now=T0 + timedelta(days=1)).sent == []
    assert smtp_server.handler.received == [] and row(store, oid).attempts == 1
    # Once the operator has fixed the cause, the message can be sent again, once.
    outbox.requeue(store, oid, T0 + timedelta(days=1))
    assert outbox.deliver(store, transport, now=T0 + timedelta(days=1)).sent == [oid]
    assert len(smtp_server.handler.received) == 1
    with pytest.raises(InputError):
        outbox.requeue(store, oid, T0 + timedelta(days=2))  # a sent message is never requeued


def test_4xx_is_retried_then_sent(store, smtp_server):
    smtp_server.handler.reject = "451 4.3.0 Try again later"
    oid = outbox.enqueue(store, message(), None, [], T0)
    transport = transport_for(smtp_server.mail_settings())
    assert outbox.deliver(store, transport, now=T0).retrying == [oid]
    assert row(store, oid).last_error.startswith("451 4.3.0")
    smtp_server.handler.reject = None
    assert outbox.deliver(store, transport, now=T0 + timedelta(minutes=5)).sent == [oid]
    assert len(smtp_server.handler.received) == 1


def test_connection_lost_after_the_end_of_data_is_sent_again_with_the_same_message_id(store, smtp_server):
    """The server kept the message but its answer never came: never marked sent without a 250, so it
    is sent again, and the copy carries the same Message-ID for mail clients to fold."""
    smtp_server.handler.hang_up_after_data = True
    oid = outbox.enqueue(store, message(), None, [], T0)
    transport = transport_for(smtp_server.mail_settings())
    assert outbox.deliver(store, transport, now=T0).retrying == [oid]
    assert row(store, oid).status == "pending" and row(store, oid).sent_at is None
    smtp_server.handler.hang_up_after_data = False
    assert outbox.deliver(store, transport, now=T0 + timedelta(hours=1)).sent == [oid]
    copies = smtp_server.handler.received
    assert len(copies) == 2 and {c.message["Message-ID"] for c in copies} == {"<test.1@regwatch.test>"}


def test_wrong_then_missing_password_holds_the_message_until_fixed(store, smtp_server, monkeypatch):
    from notify import api

    sub = api.subscribe(store, "legal@example.cn")
    event = store.add_event("new_document", title="上海市测试办法")
    monkeypatch.setenv(PASSWORD_ENV, "wrong-password-value")
    oid = outbox.enqueue(store, message(), sub.id, [event], T0)
    transport = transport_for(smtp_server.mail_settings())
    report = outbox.deliver(store, transport, now=T0)
    assert report.held == [oid] and not report.ok
    entry = row(store, oid)
    assert entry.status == "pending" and "535" in entry.last_error
    assert "wrong-password-value" not in entry.last_error
    monkeypatch.delenv(PASSWORD_ENV)
    outbox.deliver(store, transport, now=T0 + timedelta(hours=3))
    assert row(store, oid).status == "pending" and f"{PASSWORD_ENV}, which is not set" in row(store, oid).last_error
    events = delivery_errors(store)
    assert len(events) == 2 and all("wrong-password-value" not in str(e) for e in events)
    body = "".join(r["body"] for r in store.outbox_rows())
    assert "wrong-password-value" not in body and smtp_server.handler.received == []
    assert event not in [e["id"] for e in store.undelivered_events(sub.id)]  # the event stays with its message
    monkeypatch.setenv(PASSWORD_ENV, "s3cret-pass")
    assert outbox.deliver(store, transport, now=T0 + timedelta(days=1)).sent == [oid]
    assert len(smtp_server.handler.received) == 1


def test_a_refused_recipient_fails_alone_a_deferred_one_is_retried(store, smtp_server):
    handler = smtp_server.handler
    handler.rcpt_answers = {"gone@example.cn": "550 5.1.1 no such user", "busy@example.cn": "451 4.2.1 mailbox busy"}
    oid = outbox.enqueue(store, message(to="legal@example.cn, gone@example.cn, busy@example.cn"), None, [], T0)
    transport = transport_for(smtp_server.mail_settings())
    assert outbox.deliver(store, transport, now=T0).retrying == [oid]
    entry = row(store, oid)
    assert entry.accepted == ["legal@example.cn"] and entry.refused == {"gone@example.cn": "550 5.1.1 no such user"}
    assert entry.status == "pending" and "busy@example.cn: 451 4.2.1 mailbox busy" in entry.last_error
    del handler.rcpt_answers["busy@example.cn"]
    assert outbox.deliver(store, transport, now=T0 + timedelta(minutes=5)).sent == [oid]
    assert [c.recipients for c in handler.received] == [["legal@example.cn"], ["busy@example.cn"]]
    entry = row(store, oid)
    assert entry.status == "sent" and entry.last_error == "refused gone@example.cn: 550 5.1.1 no such user"


def test_every_recipient_refused_is_failed(store, smtp_server):
    smtp_server.handler.rcpt_answers = {"gone@example.cn": "550 5.1.1 no such user"}
    oid = outbox.enqueue(store, message(to="gone@example.cn"), None, [], T0)
    assert outbox.deliver(store, transport_for(smtp_server.mail_settings()), now=T0).failed == [oid]
    assert row(store, oid).last_error == "gone@example.cn: 550 5.1.1 no such user"


def test_too_many_temporary_refusals_end_as_failed(store, smtp_server):
    smtp_server.handler.reject = "451 4.3.0 Try again later"
    transport = transport_for(smtp_server.mail_settings())
    oid = outbox.enqueue(store, message(), None, [], T0)
    for hour in range(3):
        outbox.deliver(store, transport, now=T0 + timedelta(hours=hour), max_attempts=3)
    entry = row(store, oid)
    assert entry.status == "failed" and entry.attempts == 3 and entry.last_error.startswith("gave up after 3 attempts")


def test_enqueue_is_idempotent_and_an_event_goes_into_one_message_per_subscription(store):
    from notify import api

    one, two = (api.subscribe(store, f"r{i}@example.cn").id for i in (1, 2))
    e1, e2, e3 = (store.add_event("new_document", title=f"文件{i}") for i in range(3))
    first = outbox.enqueue(store, message(1), one, [e1, e2], T0)
    assert outbox.enqueue(store, message(1), one, [e1, e2], T0) == first      # same Message-ID
    assert outbox.enqueue(store, message(2), one, [e2, e3], T0) is None       # event e2 already taken
    assert outbox.enqueue(store, message(3), two, [e2, e3], T0) is not None   # another subscription
    delivered = store.conn.execute("SELECT subscription_id, event_id FROM deliveries ORDER BY 1, 2").fetchall()
    assert [tuple(r) for r in delivered] == [(one, e1), (one, e2), (two, e2), (two, e3)]
    assert [e.message_id for e in outbox.entries(store)] == ["<test.1@regwatch.test>", "<test.3@regwatch.test>"]


def test_eml_folder_transport_writes_one_file_per_message_id(store, tmp_path):
    folder = tmp_path / "outbox"
    oid = outbox.enqueue(store, message(), None, [], T0)
    assert outbox.deliver(store, EmlFolderTransport(folder), now=T0).sent == [oid]
    (eml,) = folder.glob("*.eml")
    assert eml.read_bytes() == outbox.message_bytes(store, oid)
    # Resending (after a crash) rewrites the same file: never two copies.
    EmlFolderTransport(folder).send(Envelope(eml.read_bytes(), "", [], "<test.1@regwatch.test>"), lambda: None)
    assert list(folder.iterdir()) == [eml]


def _kill_while_stalled(store_path: Path, server: SMTPServer) -> None:
    """Start a delivering process, wait until the server stalls its answer, then kill -9 it."""
    child = subprocess.Popen(
        [sys.executable, str(HERE / "deliver_child.py"), str(store_path), "127.0.0.1", str(server.port),
         server.cafile, USER, PASSWORD_ENV],
        cwd=HERE, env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert server.handler.stalled.wait(20), child.communicate(timeout=5)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL


@pytest.mark.parametrize("stall_at", ["RCPT", "DATA"])
def test_kill_9_while_sending_then_restart_resends_after_the_lease(tmp_path, smtp_server, stall_at):
    """Killed before the end of DATA (RCPT) or after it, before the answer (DATA): the outcome is
    unknown, the row waits for its lease (the process may live elsewhere), then the message is sent
    again: one copy, or two with the same Message-ID when the server had kept the first."""
    store_path = tmp_path / "regwatch.db"
    store = Store(store_path)
    oid = outbox.enqueue(store, message(), None, [], datetime.now(timezone.utc))
    smtp_server.handler.stall_at = stall_at
    _kill_while_stalled(store_path, smtp_server)
    assert row(store, oid).status == "sending"
    transport = transport_for(smtp_server.mail_settings())
    # Within the lease the row may belong to a live process elsewhere: leave it alone.
    store.conn.execute("UPDATE outbox SET claimed_by = 'another-host:1:1'")
    assert outbox.deliver(store, transport).sent == [] and row(store, oid).status == "sending"
    after_lease = datetime.now(timezone.utc) + outbox.LEASE + timedelta(seconds=1)
    report = outbox.deliver(store, transport, now=after_lease)
    assert report.recovered == [oid]
    outbox.deliver(store, transport, now=after_lease + timedelta(hours=1))
    entry = row(store, oid)
    assert entry.status == "sent" and entry.attempts == 2
    copies = smtp_server.handler.received
    assert len(copies) == (1 if stall_at == "RCPT" else 2)
    assert {c.message["Message-ID"] for c in copies} == {"<test.1@regwatch.test>"}
    store.close()


def test_upgrade_requeues_messages_whose_outcome_was_unknown(tmp_path):
    """A store written by the at-most-once outbox: its "sent (unconfirmed)" rows and rows left
    sending after the hand-over are queued again; deliveries keep their events, now per channel."""
    import sqlite3

    from snapshots.migrations import _statements
    from snapshots.schema import MIGRATIONS

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for version, script in enumerate(MIGRATIONS[:4], 1):
        for statement in _statements(script):
            conn.execute(statement)
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", [str(version)])
    conn.execute("INSERT INTO subscriptions (id, emails, frequency) VALUES (1, '[\"a@example.cn\"]', 'immediate')")
    conn.execute("INSERT INTO events (id, at, kind) VALUES (7, '2025-01-01', 'new_document')")
    rows = [(1, "sent", "2025-01-01T00:00:00+00:00", "unconfirmed: the whole message was handed over, …"),
            (2, "sending", "2025-01-01T00:00:00+00:00", None), (3, "sent", "2025-01-01T00:00:00+00:00", None),
            (4, "sending", None, None)]
    for oid, status, sent_at, error in rows:
        conn.execute("INSERT INTO outbox (id, message_id, subscription_id, recipients, subject, body, status, attempts,"
                     " next_attempt_at, last_error, created_at, sent_at) VALUES (?, ?, 1, '[\"a@example.cn\"]', 's', 'b',"
                     " ?, 1, '2025-01-01T00:10:00+00:00', ?, '2025-01-01', ?)", [oid, f"<m{oid}@x>", status, error, sent_at])
    conn.execute("INSERT INTO deliveries (subscription_id, event_id, outbox_id) VALUES (1, 7, 1)")
    conn.close()
    with Store(path) as store:
        got = {r["id"]: (r["status"], r["sent_at"], r["handed_at"]) for r in store.outbox_rows()}
        assert got == {1: ("pending", None, "2025-01-01T00:00:00+00:00"), 2: ("sending", None, "2025-01-01T00:00:00+00:00"),
                       3: ("sent", "2025-01-01T00:00:00+00:00", None), 4: ("sending", None, None)}
        assert store.undelivered_events(1) == [] and [e["id"] for e in store.undelivered_events(1, "json://h/x")] == [7]
        recovered = outbox.recover(store, datetime(2025, 1, 2, tzinfo=timezone.utc))   # the old leases are over
        assert sorted(recovered) == [2, 4] and {r["status"] for r in store.outbox_rows() if r["id"] != 3} == {"pending"}
