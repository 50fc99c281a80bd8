"""Chat channels (Apprise) through the durable outbox, against a loopback webhook receiver that
records what arrives: once per event, subscriber and channel; within the service's size limit;
sent again after a crash mid-request with the same Message-ID; held (not lost) while broken."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from diffs.errors import InputError
from notify import api, channels
from notify.digest import Digest, DigestEntry
from notify.items import EventItem
from notify.subscriptions import Subscription
from snapshots import Store

from notify_scenario import HOLIDAYS, build
from notify_webhook import Receiver

CONFIG = """[store]
path = "regwatch.db"

[review]
url = "http://127.0.0.1:8000"

""" + HOLIDAYS + "channels = [{channels}]\n"
# The scenario's four events (notify_scenario) make two overview lines: one per decision (the decision
# and the amendment it makes) and one per other document (the rule's first and republished texts).
HOLIDAY_LINES = 2
T0 = datetime(2025, 1, 6, 1, 0, tzinfo=timezone.utc)


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture
def workdir(tmp_path):
    with Store(tmp_path / "regwatch.db") as store:
        build(store)
    return tmp_path


def write_config(folder: Path, *urls: str) -> str:
    path = folder / "regwatch.toml"
    path.write_text(CONFIG.format(channels=", ".join(f'"{u}"' for u in urls)), encoding="utf-8")
    return str(path)


def regwatch(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regwatch", *args], capture_output=True, text=True, timeout=60,
                          env=env or os.environ.copy())


def test_each_channel_gets_the_digest_once_and_mail_still_goes(workdir, receiver):
    config = write_config(workdir, receiver.url("/team-a"), receiver.url("/team-b"))
    first = regwatch("digest", "--config", config)
    assert first.returncode == 0, first.stderr
    assert "sent 3, retrying 0, failed 0" in first.stdout   # the email and one post per channel
    (a,), (b,) = receiver.on("/team-a"), receiver.on("/team-b")
    assert a.message == b.message
    assert a.message.startswith("**regwatch：") and "全国年节及纪念日放假办法" in a.message
    assert a.message.count("\n- ") == HOLIDAY_LINES
    assert "http://127.0.0.1:8000/diff/" in a.message              # the amendment links to its 新旧对照
    assert a.headers["X-Regwatch-Message-Id"] != b.headers["X-Regwatch-Message-Id"]
    assert len(list((workdir / "outbox").glob("*.eml"))) == 1

    again = regwatch("digest", "--config", config)
    assert again.returncode == 0 and "no new events" in again.stdout and len(receiver.hits) == 2
    listing = regwatch("outbox", "--config", config).stdout
    assert listing.count(" sent ") == 3 and "json://127.0.0.1" in listing


def test_a_channel_added_later_gets_the_events_it_has_not_had(workdir, receiver):
    regwatch("digest", "--config", write_config(workdir, receiver.url("/team-a")))
    config = write_config(workdir, receiver.url("/team-a"), receiver.url("/late"))
    assert regwatch("digest", "--config", config).returncode == 0
    assert len(receiver.on("/team-a")) == 1 and receiver.on("/late")[0].message.count("\n- ") == HOLIDAY_LINES


def test_a_failing_hook_is_retried_then_posted_once(workdir, receiver):
    receiver.statuses = [500]
    with Store(workdir / "regwatch.db") as store:
        api.subscribe(store, [], channels=[receiver.url()], rules=["全国年节及纪念日放假办法"])
        run = api.digest(store, now=T0)
        assert run.delivery.retrying == [run.digests[0].outbox_id] and len(receiver.hits) == 1
        assert "500" in store.outbox_row(run.digests[0].outbox_id)["last_error"]
        later = api.deliver(store, now=T0 + timedelta(minutes=5))
        assert later.sent == [run.digests[0].outbox_id]
    assert len(receiver.hits) == 2 and receiver.hits[0].body == receiver.hits[1].body


def test_a_channel_secret_from_the_environment_held_until_set(workdir, receiver, monkeypatch):
    port = receiver.server.server_port
    monkeypatch.delenv("REGWATCH_TEST_HOOK", raising=False)
    with Store(workdir / "regwatch.db") as store:
        sub = api.subscribe(store, [], channels=["json://127.0.0.1:${REGWATCH_TEST_HOOK}/secret"], kinds=["repealed"])
        assert "${REGWATCH_TEST_HOOK}" in sub.describe()
        run = api.digest(store, now=T0)
        assert not run.delivery.ok and run.delivery.held == [run.digests[0].outbox_id]
        (error,) = store.events(kind="delivery_error")
        assert "REGWATCH_TEST_HOOK is not set" in error["payload"]["error"]
        assert str(port) not in str(store.outbox_rows())          # the secret never lands in the store
        monkeypatch.setenv("REGWATCH_TEST_HOOK", str(port))
        assert api.deliver(store, now=T0 + timedelta(hours=1)).sent == [run.digests[0].outbox_id]
    (hit,) = receiver.on("/secret")
    assert "上海市公路管理条例" in hit.message


def test_kill_9_mid_request_then_restart_posts_again_with_the_same_message_id(workdir, receiver):
    config = write_config(workdir, receiver.url("/slow"))
    receiver.stall_next = True
    child = subprocess.Popen([sys.executable, "-m", "regwatch", "digest", "--config", config],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        assert receiver.stalled.wait(30), "the hook never got the post"
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    receiver.release.set()
    restart = regwatch("digest", "--config", config)
    assert restart.returncode == 0, restart.stderr
    first, second = receiver.on("/slow")
    assert first.headers["X-Regwatch-Message-Id"] == second.headers["X-Regwatch-Message-Id"]
    assert first.message == second.message
    assert regwatch("digest", "--config", config).returncode == 0 and len(receiver.on("/slow")) == 2


def _digest(entries: list[DigestEntry], review: str | None = None) -> Digest:
    return Digest(Subscription(emails=["a@example.cn"], id=1), entries,
                  datetime(2025, 3, 2, tzinfo=timezone.utc), review)


def _entries(n: int) -> list[DigestEntry]:
    """n invented repeal events with long Chinese titles."""
    return [DigestEntry(EventItem(id=i, kind="repealed", at="2025-03-01T00:00:00+00:00", source="上海市人民政府公报",
                                  title=f"上海市第{i}号关于加强城市管理若干问题的实施办法", url=None, document_id=None,
                                  version_id=None, rule_id=None, payload={"effective": "2025-03-01"}))
            for i in range(1, n + 1)]


@pytest.mark.parametrize("url, limit, plain", [
    ("wecombot://abcdef0123", 2048, True), ("tgram://123456789:abcdefghij_klmnop/12345", 4096, False),
    ("dingtalk://0123456789abcdef", 19985, False), ("feishu://0123456789abcdef", 19985, False)])
def test_the_message_fits_each_services_limit_and_says_what_it_left_out(url, limit, plain):
    assert channels.budget(url) == limit and channels.plain_only(url) is plain
    digest = _digest(_entries(300), review="http://127.0.0.1:8000")
    text = channels.message_for(digest, url)
    assert len(text.encode("utf-8")) <= limit
    shown = text.count("\n- ")
    assert 0 < shown < 300 and f"另有 {300 - shown} 项未列出" in text and "http://127.0.0.1:8000/" in text
    assert "300" in digest.title and "废止" in digest.title
    assert text.startswith(f"{digest.title}\n" if plain else f"**{digest.title}**\n")


def test_text_only_services_get_links_as_label_and_address():
    markdown = "**regwatch：1 项废止**\n\n- 2025-03-01 《\\[草案\\]\\*办法\\*》：废止 [查看](http://127.0.0.1:8000/documents/3)\n"
    assert channels.as_plain(markdown) == ("regwatch：1 项废止\n\n- 2025-03-01 《[草案]*办法*》：废止 查看 "
                                           "http://127.0.0.1:8000/documents/3\n")


def test_scraped_titles_cannot_form_links_or_markup():
    entry = _entries(1)[0]
    entry.item.title = "[点我](javascript:alert(1)) <b>粗</b> *强调*"
    text = channels.render_markdown(_digest([entry]), 1000)
    assert r"\[点我\]\(javascript:alert\(1\)\) \<b\>粗\</b\> \*强调\*" in text


@pytest.mark.parametrize("url", ["nope://x", "https//missing-colon", "wecombot://"])
def test_unknown_or_invalid_channel_urls_are_refused(url):
    with pytest.raises(InputError, match="channel|Apprise"):
        channels.validate(url)


def test_config_channel_errors_name_the_file(workdir):
    config = write_config(workdir, "nope://x")
    result = regwatch("subscriptions", "--config", config)
    assert result.returncode == 2 and "regwatch.toml" in result.stderr and "nope://" in result.stderr
    assert "Traceback" not in result.stderr


def test_subscribe_a_channel_from_the_command_line(workdir, receiver):
    config = write_config(workdir, receiver.url("/team-a"))
    added = regwatch("subscribe", "--channel", receiver.url("/ops"), "--kind", "repealed", "--config", config)
    assert added.returncode == 0, added.stderr
    assert f"→ {receiver.url('/ops')}" in added.stdout and added.stdout.startswith("subscription ")
    nothing = regwatch("subscribe", "--kind", "repealed", "--config", config)
    assert nothing.returncode == 2 and "at least one email address or channel" in nothing.stderr
    sent = regwatch("digest", "--config", config)
    assert sent.returncode == 0 and f"→ {receiver.url('/ops')}: " in sent.stdout
    (ops,) = receiver.on("/ops")
    assert "上海市公路管理条例" in ops.message and ops.message.count("\n- ") == 1   # the one repeal of the scenario
