"""What the CLI promises around the commands: --format json on every listing, colours that obey
--color and NO_COLOR, `diff --exit-code`, `init`, `demo` that keeps a store, a missing store named as
such, hints that repeat --config, `run`'s next run times. Real processes on a real store file."""
from __future__ import annotations

import json
import os
import pty
import re
import signal
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from diffs.compare import compare
from mirror.server import MirrorServer
from monitor.config import load
from notify import api as notify_api
from snapshots import Store

OLD = "某市测试管理办法\n第一条 为了加强管理，制定本办法。\n第二条 本办法自2025年1月1日起施行。\n"
NEW = "某市测试管理办法\n第一条 为了加强和改进管理，制定本办法。\n第二条 本办法自2025年1月1日起施行。\n"
NOTICE = "某市关于做好测试工作的通知\n各区人民政府：\n请认真做好测试工作。\n"
REPEALER = "某市人民政府关于废止部分规章的决定"
CONFIG = """[store]
path = "regwatch.db"

[mail]
outbox_dir = "outbox"

[[subscription]]
name = "legal"
email = "legal@example.com"
"""


def regwatch(*args: str, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regwatch", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=120, cwd=cwd, env=env)


def as_json(*args: str) -> object:
    run = regwatch(*args, "--format", "json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """regwatch.toml and a store with an invented rule in two versions, repealed later, and a notice."""
    folder = tmp_path_factory.mktemp("cli")
    config = folder / "regwatch.toml"
    config.write_text(CONFIG, encoding="utf-8")
    url = "http://127.0.0.1:9/rule.html"
    with Store(folder / "regwatch.db") as db:
        first = db.save_version("test", url, None, OLD, {"title": "某市测试管理办法"}, "2025-01-01T00:00:00+00:00")
        second = db.save_version("test", url, None, NEW, {"title": "某市测试管理办法"}, "2025-02-01T00:00:00+00:00")
        db.set_version_diff(second.version_id, compare(OLD, NEW).to_dict())
        notice = db.save_version("test", "http://127.0.0.1:9/notice.html", None, NOTICE,
                                 {"title": "某市关于做好测试工作的通知"}, "2025-02-02T00:00:00+00:00")
        rule = db.ensure_rule("某市测试管理办法", document_id=first.document_id, effective="2025-01-01")
        db.set_rule_status(rule, "已废止", since="2025-03-01", by_title=REPEALER)
        db.add_event("new_document", at="2025-01-01T00:00:00+00:00", source="test", document_id=first.document_id,
                     version_id=first.version_id, title="某市测试管理办法", url=url)
        db.add_event("new_version", at="2025-02-01T00:00:00+00:00", source="test", document_id=first.document_id,
                     version_id=second.version_id, title="某市测试管理办法", url=url,
                     summary={"modified": 1, "unchanged": 1})
        db.add_event("repealed", at="2025-03-01T00:00:00+00:00", source="test", document_id=first.document_id,
                     rule_id=rule, title="某市测试管理办法", url=url, rule="某市测试管理办法", by=REPEALER,
                     effective="2025-03-01")
    return config, first.document_id, notice.document_id


def test_listings_as_json(store):
    config, rule_doc, notice_doc = store
    c = ("--config", str(config))
    documents = as_json("documents", *c)
    assert [(d["id"], d["title"], d["versions"]) for d in documents] == [
        (rule_doc, "某市测试管理办法", 2), (notice_doc, "某市关于做好测试工作的通知", 1)]
    history = as_json("history", str(rule_doc), *c)
    assert history["document"]["title"] == "某市测试管理办法"
    assert [(v["seq"], (v["summary"] or {}).get("modified")) for v in history["versions"]] == [(1, None), (2, 1)]
    events = as_json("events", *c)
    assert [e["kind"] for e in events] == ["repealed", "new_version", "new_document"]
    assert events[0]["by"] == REPEALER and events[0]["effective"] == "2025-03-01"
    before, after = as_json("status", "--at", "2025-02-15", *c), as_json("status", "--at", "2025-06-01", *c)
    assert [(r["name"], r["status"]) for r in before] == [("某市测试管理办法", "现行有效")]
    assert [(r["name"], r["status"], r["since"], r["by_title"]) for r in after] == [
        ("某市测试管理办法", "已废止", "2025-03-01", REPEALER)]
    subscriptions = as_json("subscriptions", *c)
    assert [(s["name"], s["emails"]) for s in subscriptions] == [("config:legal", ["legal@example.com"])]
    assert as_json("outbox", *c) == []
    sent = regwatch("digest", *c)
    assert sent.returncode == 0, sent.stderr
    (message,) = as_json("outbox", *c)
    assert message["status"] == "sent" and message["recipients"] == ["legal@example.com"]


def test_check_report_as_json(tmp_path):
    with MirrorServer(state=0) as mirror:
        config = tmp_path / "regwatch.toml"
        config.write_text(f'[store]\npath = "regwatch.db"\n\n[[source]]\nname = "gongbao"\nkind = "gov-gongbao"\n'
                          f'url = "{mirror.urls["www.gov.cn"]}/gongbao/gbgl.json"\n', encoding="utf-8")
        run = regwatch("check", "--config", str(config), "--format", "json")
        coloured = regwatch("check", "--config", str(config), "--color", "always")
    assert run.returncode == 0, run.stderr
    assert coloured.stdout.startswith("\x1b[32mok ") and "\x1b[0m" in coloured.stdout
    report = json.loads(run.stdout)
    (source,) = report["sources"]
    assert report["ok"] and source["ok"] and source["name"] == "gongbao" and source["failed"] is None
    documents = as_json("documents", "--config", str(config))
    assert source["outcomes"]["new"] == len(documents) == source["discovered"] > 0
    assert report["events"] == len(as_json("events", "--config", str(config)))


def in_terminal(*args: str, env: dict) -> str:
    """The output of the command with its stdout on a pseudo-terminal, as a user sees it."""
    leader, follower = pty.openpty()
    child = subprocess.Popen([sys.executable, "-m", "regwatch", *args], stdout=follower, stderr=subprocess.PIPE,
                             env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:   # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert child.wait(60) == 0, child.stderr.read()
    return b"".join(chunks).decode("utf-8")


def test_colour_follows_the_terminal_no_color_and_the_option(tmp_path):
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    assert "\x1b[" in in_terminal("diff", str(old), str(new), env=env)
    assert "\x1b[" not in in_terminal("diff", str(old), str(new), env={**env, "NO_COLOR": "1"})
    assert "\x1b[" not in in_terminal("diff", "--color", "never", str(old), str(new), env=env)
    assert "\x1b[" in regwatch("diff", "--color", "always", str(old), str(new), env={**env, "NO_COLOR": "1"}).stdout
    assert "\x1b[" not in regwatch("diff", str(old), str(new), env=env).stdout   # a pipe, not a terminal


def test_diff_exit_code_like_git(tmp_path):
    old, new, same = tmp_path / "old.txt", tmp_path / "new.txt", tmp_path / "same.md"
    old.write_text(OLD, encoding="utf-8")
    new.write_text(NEW, encoding="utf-8")
    same.write_text(OLD.replace("，", ", "), encoding="utf-8")   # a formatting difference only
    assert regwatch("diff", "--exit-code", str(old), str(new)).returncode == 1
    assert regwatch("diff", "--exit-code", str(old), str(same)).returncode == 0
    assert regwatch("diff", "--exit-code", "--show-formatting", str(old), str(same)).returncode == 1
    assert regwatch("diff", str(old), str(new)).returncode == 0    # without the flag: 0 whenever it worked
    assert regwatch("diff", "--exit-code", str(old), str(tmp_path / "missing.txt")).returncode == 2


def test_init_writes_a_commented_config_that_loads(tmp_path):
    run = regwatch("init", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout == "wrote regwatch.toml; edit it, then: regwatch check\n"
    text = (tmp_path / "regwatch.toml").read_text(encoding="utf-8")
    assert sum(line.startswith("#") for line in text.splitlines()) >= 20
    config = load(tmp_path / "regwatch.toml")
    assert {s.kind for s in config.sources} == {"shanghai-gazette", "shanghai-series", "shanghai-rules", "gov-gongbao"}
    assert all(s.url.startswith(("https://www.shanghai.gov.cn/", "https://www.gov.cn/")) for s in config.sources)
    # Every commented example is valid once uncommented: the keys exist and the values pass.
    examples = re.sub(r"(?m)^# (?=\[|[a-z_]+ = )", "", text)
    (tmp_path / "examples.toml").write_text(examples, encoding="utf-8")
    uncommented = load(tmp_path / "examples.toml")
    assert uncommented.review_url and uncommented.mail["host"] == "smtp.example.com"
    with Store(tmp_path / "examples.db") as db:
        assert notify_api.prepare(db, uncommented).security == "starttls"
        (subscription,) = notify_api.subscriptions(db)
    assert subscription.name == "config:legal" and subscription.frequency == "daily"
    again = regwatch("init", cwd=tmp_path)
    assert again.returncode == 2
    assert again.stderr == "regwatch: error: regwatch.toml already exists; give --force to overwrite it\n"
    elsewhere = tmp_path / "elsewhere.toml"
    other = regwatch("init", str(elsewhere))
    assert other.stdout == f"wrote {elsewhere}; edit it, then: regwatch check --config {elsewhere}\n"
    (tmp_path / "regwatch.toml").write_text("# mine\n", encoding="utf-8")
    assert regwatch("init", "--force", cwd=tmp_path).returncode == 0
    assert (tmp_path / "regwatch.toml").read_text(encoding="utf-8") == text


def test_demo_keeps_an_existing_store(tmp_path):
    (tmp_path / "regwatch.db").write_bytes(b"someone's store")
    run = regwatch("demo", "--dir", str(tmp_path))
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr == (f"regwatch: error: {tmp_path / 'regwatch.db'} already exists; give --force to replace it "
                          "(or --dir for another folder)\n")
    assert (tmp_path / "regwatch.db").read_bytes() == b"someone's store"


def test_a_missing_store_is_named_not_created(tmp_path):
    config = tmp_path / "regwatch.toml"
    config.write_text('[store]\npath = "data/watch.db"\n', encoding="utf-8")
    store = tmp_path / "data" / "watch.db"
    for command in (["events"], ["documents"], ["history", "1"], ["status"], ["subscriptions"], ["outbox"],
                    ["digest"], ["unsubscribe", "a@example.com"], ["diff", "1@1", "1@2"], ["serve", "--port", "0"]):
        run = regwatch(*command, "--config", str(config))
        assert run.returncode == 2 and run.stdout == "", command
        assert run.stderr == (f"regwatch: error: {config}: the store {store} does not exist yet; "
                              f"fill it with `regwatch check --config {config}` (or fix [store] path)\n"), command
    default = regwatch("events", cwd=tmp_path)   # ./regwatch.toml: the hint does not add --config
    assert "fill it with `regwatch check` (or fix" in default.stderr
    assert not store.exists() and not store.parent.exists()


def test_hints_repeat_the_config_given(store, tmp_path):
    config, rule_doc, _ = store
    run = regwatch("history", str(rule_doc), "--config", str(config))
    assert run.stderr == f"diff two versions: regwatch diff --config {config} {rule_doc}@1 {rule_doc}@2\n"
    (tmp_path / "regwatch.toml").write_text(config.read_text(encoding="utf-8").replace(
        '"regwatch.db"', json.dumps(str(config.parent / "regwatch.db"))), encoding="utf-8")
    here = regwatch("history", str(rule_doc), cwd=tmp_path)
    assert here.stderr == f"diff two versions: regwatch diff {rule_doc}@1 {rule_doc}@2\n"
    unknown = regwatch("diff", "没有这个文件@1", "没有这个文件@2", "--config", str(config))
    assert unknown.returncode == 2 and unknown.stderr == (
        f"regwatch: error: no stored document '没有这个文件' (give an id from `regwatch documents --config {config}`, "
        "a URL or a title)\n")


NEXT_RUN = re.compile(r"^regwatch run: (\S+): next run (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) Asia/Shanghai$")


def test_run_prints_each_sources_next_run_time(tmp_path):
    shanghai = ZoneInfo("Asia/Shanghai")
    with MirrorServer(state=0) as mirror:
        config = tmp_path / "regwatch.toml"
        config.write_text(f'[store]\npath = "regwatch.db"\n\n[[source]]\nname = "gongbao"\nkind = "gov-gongbao"\n'
                          f'url = "{mirror.urls["www.gov.cn"]}/gongbao/gbgl.json"\nschedule = "6h"\n', encoding="utf-8")
        started = datetime.now(shanghai).replace(microsecond=0)
        child = subprocess.Popen([sys.executable, "-m", "regwatch", "run", "--config", str(config)],
                                 stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, encoding="utf-8")
        times: list[datetime] = []
        two_announced = threading.Event()

        def read() -> None:   # the daemon's stderr, line by line, until it has announced two run times
            for line in child.stderr:
                match = NEXT_RUN.match(line.strip())
                if match:
                    assert match[1] == "gongbao"
                    times.append(datetime.fromisoformat(match[2]).replace(tzinfo=shanghai))
                    if len(times) == 2:
                        two_announced.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        announced = two_announced.wait(120)
        child.send_signal(signal.SIGTERM)
        code = child.wait(60)
    assert announced and code == 0
    # Never run before: due at once; after that run, six hours later (without the scheduler's jitter).
    assert started <= times[0] <= started + timedelta(seconds=30)
    assert timedelta(hours=6) - timedelta(seconds=1) <= times[1] - started <= timedelta(hours=6, seconds=120)
