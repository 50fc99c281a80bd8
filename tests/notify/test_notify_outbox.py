"""The durable outbox against a real SMTP server (aiosmtpd, STARTTLS + AUTH) on loopback."""
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
from notify.mailer import EmlFolderTransport, transport_for
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
        assert outbox.deliver(store, untrusted, now=T0).retrying == [oid]
        assert "CERTIFICATE_VERIFY_FAILED" in row(store, oid).last_error and server.handler.received == []
        assert outbox.deliver(store, transport_for(server.mail_settings()), now=T0 + timedelta(hours=1)).sent == [oid]
        assert len(server.handler.received) == 1 and server.handler.logins == [USER]
    finally:
        server.stop()


def test_server_down_then_up_delivers_once_after_recovery(store, tls_files, smtp_password):
    server = SMTPServer(tls_files, port=free_port())  # not started yet: connection refused
    transport = transport_for(server.mail_settings())
    oid = outbox.enqueue(store, message(), None, [], T0)
    report = outbox.deliver(store, transport, now=T0)
    assert report.retrying == [oid]
    entry = row(store, oid)
    assert entry.status == "pending" and entry.attempts == 1 and "refused" in entry.last_error.lower()
    assert entry.next_attempt_at == (T0 + outbox.backoff(1)).isoformat(timespec="seconds")
    # Not due yet: nothing is attempted before the backoff ends.
    assert outbox.deliver(store, transport, now=T0 + timedelta(seconds=30)).retrying == []
    outbox.deliver(store, transport, now=T0 + timedelta(minutes=2))
    assert row(store, oid).attempts == 2 and row(store, oid).next_attempt_at > entry.next_attempt_at  # backoff grows
    server.start()
    try:
        assert outbox.deliver(store, transport, now=T0 + timedelta(hours=1)).sent == [oid]
        assert outbox.deliver(store, transport, now=T0 + timedelta(hours=2)).sent == []
        assert len(server.handler.received) == 1
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


def test_connection_lost_after_the_end_of_data_is_not_resent(store, smtp_server):
    """The server kept the message but its answer never came: sending again could deliver it twice."""
    smtp_server.handler.hang_up_after_data = True
    oid = outbox.enqueue(store, message(), None, [], T0)
    transport = transport_for(smtp_server.mail_settings())
    assert outbox.deliver(store, transport, now=T0).sent == [oid]
    entry = row(store, oid)
    assert entry.status == "sent" and entry.last_error.startswith(outbox.UNCONFIRMED)
    assert outbox.deliver(store, transport, now=T0 + timedelta(hours=1)).sent == []
    assert len(smtp_server.handler.received) == 1


def test_wrong_password_fails_without_revealing_it(store, smtp_server, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "wrong-password-value")
    oid = outbox.enqueue(store, message(), None, [], T0)
    outbox.deliver(store, transport_for(smtp_server.mail_settings()), now=T0)
    entry = row(store, oid)
    assert entry.status == "failed" and entry.last_error.startswith("535")
    assert "wrong-password-value" not in entry.last_error
    body = store.db.execute("SELECT group_concat(body) FROM outbox").fetchone()[0]
    assert "wrong-password-value" not in body and smtp_server.handler.received == []


def test_too_many_temporary_failures_end_as_failed(store, tls_files, smtp_password):
    transport = transport_for(SMTPServer(tls_files, port=free_port()).mail_settings())
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
    delivered = store.db.execute("SELECT subscription_id, event_id FROM deliveries ORDER BY 1, 2").fetchall()
    assert [tuple(r) for r in delivered] == [(one, e1), (one, e2), (two, e2), (two, e3)]
    assert [e.message_id for e in outbox.entries(store)] == ["<test.1@regwatch.test>", "<test.3@regwatch.test>"]


def test_eml_folder_transport_writes_one_file_per_message_id(store, tmp_path):
    folder = tmp_path / "outbox"
    oid = outbox.enqueue(store, message(), None, [], T0)
    assert outbox.deliver(store, EmlFolderTransport(folder), now=T0).sent == [oid]
    (eml,) = folder.glob("*.eml")
    assert eml.read_bytes() == outbox.message_bytes(store, oid)
    # Resending (after a crash) rewrites the same file: never two copies.
    EmlFolderTransport(folder).send(eml.read_bytes(), "", [], lambda: None)
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
def test_kill_9_while_sending_then_restart_no_duplicate_no_loss(tmp_path, smtp_server, stall_at):
    """RCPT: killed before the end of DATA, the restart resends. DATA: killed after the server got the
    whole message but before its answer, the restart records it sent (unconfirmed) and does not resend."""
    store_path = tmp_path / "regwatch.db"
    store = Store(store_path)
    oid = outbox.enqueue(store, message(), None, [], datetime.now(timezone.utc))
    smtp_server.handler.stall_at = stall_at
    _kill_while_stalled(store_path, smtp_server)
    assert row(store, oid).status == "sending"
    transport = transport_for(smtp_server.mail_settings())
    # Within the lease the row may still belong to a live process: leave it alone.
    assert outbox.deliver(store, transport).sent == [] and row(store, oid).status == "sending"
    after_lease = datetime.now(timezone.utc) + outbox.LEASE + timedelta(seconds=1)
    report = outbox.deliver(store, transport, now=after_lease)
    assert report.recovered == [oid]
    outbox.deliver(store, transport, now=after_lease + timedelta(hours=1))
    entry = row(store, oid)
    assert entry.status == "sent"
    assert len(smtp_server.handler.received) == 1, "exactly one copy reached the server"
    assert smtp_server.handler.received[0].message["Message-ID"] == "<test.1@regwatch.test>"
    assert (entry.last_error == outbox.UNCONFIRMED) is (stall_at == "DATA")
    assert entry.attempts == (2 if stall_at == "RCPT" else 1)
    store.close()
