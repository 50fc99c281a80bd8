"""`regwatch digest` as an operator meets it: a broken password is a non-zero exit that loses
nothing, and kill -9 at the worst moment (the server has the whole message, its answer is late)
never loses the message: it arrives, at most twice with the same Message-ID."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from datetime import datetime, timezone
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

import pytest

from notify import outbox
from snapshots import Store

from notify_scenario import HOLIDAYS, build
from notify_smtp import PASSWORD, PASSWORD_ENV, USER, Handler

CONFIG = """[store]
path = "regwatch.db"

[mail]
from = "regwatch <alerts@regwatch.test>"
host = "127.0.0.1"
port = {port}
security = "starttls"
username = "{user}"
password_env = "{env}"
cafile = "{cafile}"
timeout = 10
{subscription}"""

def write_config(folder: Path, server, subscription: str = "") -> Path:
    path = folder / "regwatch.toml"
    path.write_text(CONFIG.format(port=server.port, user=USER, env=PASSWORD_ENV, cafile=server.cafile,
                                  subscription=subscription), encoding="utf-8")
    return path


def regwatch(*args: str, env: dict | None = None, **popen) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regwatch", *args], capture_output=True, text=True, timeout=60,
                          env=env or os.environ.copy(), **popen)


def test_wrong_or_unset_password_exits_non_zero_and_loses_nothing(tmp_path, smtp_server):
    with Store(tmp_path / "regwatch.db") as store:
        build(store)
    config = str(write_config(tmp_path, smtp_server, "\n" + HOLIDAYS))
    wrong = {**os.environ, PASSWORD_ENV: "not-the-password"}
    first = regwatch("digest", "--config", config, env=wrong)
    assert first.returncode == 2 and "Traceback" not in first.stderr and first.stderr.count("\n") == 1
    assert "535" in first.stderr and "kept in the outbox" in first.stderr and "not-the-password" not in first.stderr
    assert "→ hr@example.cn" in first.stdout and "1 held" in first.stdout
    unset = {k: v for k, v in os.environ.items() if k != PASSWORD_ENV}
    second = regwatch("digest", "--config", config, env=unset)
    assert second.returncode == 2 and f"{PASSWORD_ENV}, which is not set" in second.stderr
    assert "no new events" in second.stdout  # the events stay with the message composed the first time
    listing = regwatch("outbox", "--config", config, env=unset)
    assert listing.returncode == 0 and " pending " in listing.stdout and "hr@example.cn" in listing.stdout
    assert smtp_server.handler.received == []
    with Store(tmp_path / "regwatch.db") as store:
        errors = store.events(kind="delivery_error")
        assert len(errors) == 2 and errors[-1]["payload"]["held"] == 1 and "535" in errors[-1]["payload"]["error"]

    fixed = regwatch("digest", "--config", config, env={**os.environ, PASSWORD_ENV: PASSWORD})
    assert fixed.returncode == 0, fixed.stderr
    assert "sent 1, retrying 0, failed 0" in fixed.stdout
    (got,) = smtp_server.handler.received
    assert got.recipients == ["hr@example.cn"] and "全国年节及纪念日放假办法" in got.message.get_body(("plain",)).get_content()
    again = regwatch("digest", "--config", config, env={**os.environ, PASSWORD_ENV: PASSWORD})
    assert again.returncode == 0 and "sent 0" in again.stdout and len(smtp_server.handler.received) == 1


def _message(n: int) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["Subject"], msg["From"], msg["To"] = f"regwatch：试验 {n}", "regwatch <alerts@regwatch.test>", "legal@example.cn"
    msg["Message-ID"] = f"<trial.{n}@regwatch.test>"
    msg.set_content(f"第{n}条 本办法自公布之日起施行。", charset="utf-8", cte="base64")
    return msg


TRIALS = 20


@pytest.mark.slow
def test_kill_9_of_digest_while_the_server_delays_its_answer_never_loses_the_message(tmp_path, smtp_server):
    """20 trials: `regwatch digest` is killed while the server sits on its answer after DATA (or,
    one trial in four, at RCPT, before the message is complete); the server keeps an unanswered
    message in half the trials and discards it (as RFC 5321 allows) in the others. The next
    `regwatch digest` resends at once (the claimant is dead): every message arrives, never more
    than twice, always with its Message-ID."""
    env = {**os.environ, PASSWORD_ENV: PASSWORD, "PYTHONPATH": os.pathsep.join(sys.path)}
    chance = random.Random(16)
    copies = []
    for n in range(TRIALS):
        folder = tmp_path / f"trial{n}"
        folder.mkdir()
        config = str(write_config(folder, smtp_server))
        with Store(folder / "regwatch.db") as store:
            oid = outbox.enqueue(store, _message(n), None, [], datetime.now(timezone.utc))
        smtp_server.handler = handler = Handler(stall_at="RCPT" if n % 4 == 3 else "DATA", keep_unanswered=n % 2 == 0)
        smtp_server.controller.handler = handler
        child = subprocess.Popen([sys.executable, "-m", "regwatch", "digest", "--config", config], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            assert handler.stalled.wait(20), f"trial {n}: the server never saw the message"
            time.sleep(chance.uniform(0, 0.2))  # anywhere in the server's silence
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(10)
        assert child.returncode == -signal.SIGKILL
        with Store(folder / "regwatch.db") as store:
            assert store.outbox_row(oid)["status"] == "sending"
        restart = regwatch("digest", "--config", config, env=env)
        assert restart.returncode == 0, restart.stderr
        with Store(folder / "regwatch.db") as store:
            row = store.outbox_row(oid)
            assert row["status"] == "sent" and row["attempts"] == 2
        ids = [c.message["Message-ID"] for c in handler.received]
        assert ids and set(ids) == {f"<trial.{n}@regwatch.test>"}, f"trial {n}: {ids}"
        assert len(ids) <= 2
        # Two copies exactly when the server kept the unanswered one (and had it whole: killed after DATA).
        assert len(ids) == (2 if handler.stall_at == "DATA" and handler.keep_unanswered else 1)
        copies.append(len(ids))
    print(f"\n{TRIALS} kill -9 trials: lost 0, delivered once {copies.count(1)}, twice (same Message-ID) {copies.count(2)}")


def test_the_scheduler_run_logs_and_records_a_broken_server_and_goes_on(tmp_path, smtp_server, monkeypatch, caplog):
    from monitor.config import load
    from notify import api

    with Store(tmp_path / "regwatch.db") as store:
        build(store)
        config = load(write_config(tmp_path, smtp_server, "\n" + HOLIDAYS))
        monkeypatch.setenv(PASSWORD_ENV, "not-the-password")
        run = api.digest_for_config(store, config, only_due=False)
        assert not run.delivery.ok and len(run.delivery.held) == 1
        assert "not delivered via mail (1 message(s) kept in the outbox): 127.0.0.1" in caplog.text
        assert "535" in caplog.text and "not-the-password" not in caplog.text
        assert len(store.events(kind="delivery_error")) == 1
