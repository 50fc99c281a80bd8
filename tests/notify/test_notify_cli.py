"""The notify commands over a regwatch.toml: .eml folder without SMTP, real SMTP with it."""
from __future__ import annotations

import subprocess
import sys
from email import message_from_bytes
from email.policy import default
from pathlib import Path

import pytest
from click.testing import CliRunner

from regwatch.cli import cli
from snapshots import Store

from notify_scenario import HOLIDAYS, SH_GAZETTE, build
from notify_smtp import PASSWORD

CONFIG = """
[store]
path = "regwatch.db"

[mail]
from = "regwatch <alerts@regwatch.test>"
{mail}

[review]
url = "http://127.0.0.1:8000"

""" + HOLIDAYS


@pytest.fixture
def workdir(tmp_path):
    store = Store(tmp_path / "regwatch.db")
    scenario = build(store)
    store.close()
    return tmp_path, scenario


def write_config(folder: Path, mail: str = "") -> Path:
    path = folder / "regwatch.toml"
    path.write_text(CONFIG.format(mail=mail), encoding="utf-8")
    return path


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_subscribe_digest_to_eml_folder_and_outbox(workdir, monkeypatch):
    folder, scenario = workdir
    config = str(write_config(folder))
    monkeypatch.chdir(folder.parent)  # the .eml folder is next to regwatch.toml, not in the cwd
    out = run("subscribe", "legal@example.cn", "--source", SH_GAZETTE, "--kind", "amended", "--kind", "repealed",
              "--frequency", "daily", "--hour", "9", "--config", config)
    assert out.startswith("subscription ") and "daily@09" in out
    listed = run("subscriptions", "--config", config)
    assert "config:holidays" in listed and "hr@example.cn" in listed and "legal@example.cn" in listed

    dry = run("digest", "--dry-run", "--config", config)
    assert ("→ hr@example.cn: regwatch：1 项行政法规修改，1 项行政法规更新，2 项新文件"
            " — 国务院公报 2024年第33号 (4 events)") in dry and "【修改】第二条" in dry
    assert run("outbox", "--config", config) == "outbox is empty\n" and not (folder / "outbox").exists()

    sent = run("digest", "--config", config)
    assert f"sent 2, retrying 0, failed 0 via .eml files in {folder / 'outbox'}" in sent
    emls = sorted((folder / "outbox").glob("*.eml"))
    messages = {message_from_bytes(p.read_bytes(), policy=default)["To"]: p for p in emls}
    assert set(messages) == {"hr@example.cn", "legal@example.cn"}
    listing = run("outbox", "--status", "sent", "--config", config)
    assert listing.count("sent") == 2 and "hr@example.cn" in listing
    assert run("outbox", "--status", "failed", "--config", config) == "no failed messages\n"
    assert run("digest", "--config", config).startswith("no new events for any subscription")

    assert "unsubscribed legal@example.cn" in run("unsubscribe", "legal@example.cn", "--config", config)
    assert "legal@example.cn" not in run("subscriptions", "--config", config)


def test_errors_are_one_line(workdir):
    folder, _ = workdir
    config = write_config(folder, mail='security = "tls13"')

    def regwatch(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "regwatch", *args],
                              capture_output=True, text=True, timeout=60)

    bad_mail = regwatch("digest", "--config", str(config))
    assert bad_mail.returncode == 2 and bad_mail.stderr.count("\n") == 1
    assert "regwatch.toml" in bad_mail.stderr and "[mail] security must be one of starttls, ssl, none" in bad_mail.stderr
    config = write_config(folder)
    nobody = regwatch("unsubscribe", "nobody@example.cn", "--config", str(config))
    assert nobody.returncode == 2 and nobody.stderr == "regwatch: error: no subscription for nobody@example.cn\n"
    bad_address = regwatch("subscribe", "not-an-address", "--config", str(config))
    assert bad_address.returncode == 2 and "not an email address" in bad_address.stderr
    retry = regwatch("outbox", "--retry", "99", "--config", str(config))
    assert retry.returncode == 2 and retry.stderr == "regwatch: error: outbox message 99 does not exist or has not failed\n"


def test_digest_over_smtp_from_config_never_prints_the_password(workdir, smtp_server):
    folder, scenario = workdir
    config = write_config(folder, mail=f"""host = "127.0.0.1"
port = {smtp_server.port}
security = "starttls"
username = "digest-bot"
password_env = "REGWATCH_TEST_SMTP_PASSWORD"
cafile = "{smtp_server.cafile}"
""")
    out = run("digest", "--config", str(config))
    assert f"sent 1, retrying 0, failed 0 via smtp starttls digest-bot@127.0.0.1:{smtp_server.port}" in out
    assert smtp_server.handler.logins == ["digest-bot"]
    (got,) = smtp_server.handler.received
    assert got.recipients == ["hr@example.cn"]
    assert PASSWORD not in out
    assert not any(PASSWORD.encode() in f.read_bytes() for f in folder.glob("regwatch.db*"))
