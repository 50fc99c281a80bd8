"""`regwatch repair` on a history corrupted the way regwatch did before suspect versions were held:
an error page stored as version 2, the real page back but never recorded."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from monitor.pipeline import hold_if_suspect, save
from regwatch import api
from monitor.sources.base import DocumentRef, FetchedDocument
from snapshots import Store

ROOT = Path(__file__).resolve().parents[2]
URL = "http://127.0.0.1/law.html"
TITLE = "上海市测试水域管理办法"
REAL = "\n".join(f"第{n}条　本条规定测试水域管理的第{n}项要求，有关部门应当依照本办法执行。" for n in "一二三四五六") + "\n"
BUSY = "系统繁忙，请稍后再试。\n"


def fetched(text: str, title: str) -> FetchedDocument:
    return FetchedDocument(DocumentRef(url=URL, title=title), URL, text.encode("utf-8"), "text/html", text,
                           {"title": title})


def corrupted_store(directory: Path) -> Path:
    (directory / "regwatch.toml").write_text('[store]\npath = "regwatch.db"\n', encoding="utf-8")
    with Store(directory / "regwatch.db") as store:
        with store.transaction():
            save(store, "test", URL, fetched(REAL, TITLE))
        with store.transaction():
            save(store, "test", URL, fetched(BUSY, "系统繁忙"))
        # What the old code left when the real page came back: the URL's last text is the real one,
        # and no version says so.
        store.conn.execute("UPDATE urls SET text_sha = (SELECT text_sha FROM versions WHERE seq = 1) WHERE url = ?", [URL])
    return directory


def regwatch(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regwatch", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=60, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_repair_flags_the_error_page_and_records_the_revert(tmp_path):
    home = corrupted_store(tmp_path)
    dry = regwatch("repair", "--dry-run", "--format", "json", cwd=home)
    assert dry.returncode == 0, dry.stderr
    assert [(f["seq"], f["action"]) for f in json.loads(dry.stdout)] == [(2, "would flag"), (1, "would revert")]
    with Store(home / "regwatch.db") as store:
        assert len(store.versions(1)) == 2 and store.suspects(1) == []

    result = regwatch("repair", "--format", "json", cwd=home)
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    assert [(f["seq"], f["action"]) for f in findings] == [(2, "flagged"), (1, "reverted")]
    assert any("系统繁忙" in r for r in findings[0]["reasons"])
    with Store(home / "regwatch.db") as store:
        versions = store.versions(1)
        assert [v["seq"] for v in versions] == [1, 2, 3] and versions[2]["text_sha"] == versions[0]["text_sha"]
        assert versions[2]["diff"]["summary"]["added"] == 6     # from the error page back to six articles
        assert store.document(1)["title"] == TITLE
        (flag,) = store.suspects(1)
        assert flag["status"] == "flagged" and flag["version_id"] == versions[1]["id"]
        kinds = [(e["kind"], e["payload"].get("reverted_to")) for e in reversed(store.events())]
        assert kinds[-2:] == [("suspect_version", None), ("new_version", 1)]

    again = regwatch("repair", "--format", "json", cwd=home)   # nothing more to do
    assert [(f["seq"], f["action"]) for f in json.loads(again.stdout)] == [(2, "already flagged")]
    history = regwatch("history", "1", cwd=home)
    assert "@2" in history.stdout and "(suspect: error phrase '系统繁忙'" in history.stdout


def test_after_repair_another_error_page_is_judged_by_the_last_real_version(tmp_path):
    home = corrupted_store(tmp_path)
    with Store(home / "regwatch.db") as store:
        # The page still shows the error page: the URL's last text is version 2's.
        store.conn.execute("UPDATE urls SET text_sha = (SELECT text_sha FROM versions WHERE seq = 2) WHERE url = ?", [URL])
        assert [f["action"] for f in api.repair(store)] == ["flagged"]
        # Another placeholder, in no list of error phrases: next to the flagged 系统繁忙 page it looks
        # ordinary (as short, no articles either); next to the real version 1 it is suspect.
        with store.transaction():
            outcome = hold_if_suspect(store, "test", URL, fetched("本站正在升级，敬请谅解。\n", TITLE), "cycle-2")
        assert outcome == "suspect" and len(store.versions(1)) == 2
