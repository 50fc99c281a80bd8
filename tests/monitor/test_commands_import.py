"""`regwatch import`: texts a user downloaded themselves (for sites that forbid crawling) become
versions like fetched ones. The law below is invented for this test."""
from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

CLI = [sys.executable, "-m", "regwatch"]
TITLE = "某市文明养犬管理办法"
OLD = [TITLE, "第一条　为了规范养犬行为，制定本办法。", "第二条　本办法适用于本市行政区域内的养犬活动。",
       "第三条　养犬人应当为犬只办理登记。"]
NEW = OLD[:3] + ["第三条　养犬人应当在取得犬只之日起三十日内为犬只办理登记。", "第四条　本办法自2025年1月1日起施行。"]


def regwatch(*args, cwd):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "regwatch.toml").write_text('[store]\npath = "regwatch.db"\n', encoding="utf-8")
    return tmp_path


def test_imported_versions_are_diffed_and_alerted(workdir):
    import docx

    old = docx.Document()
    for line in OLD:
        old.add_paragraph(line)
    old.save(workdir / "old.docx")
    (workdir / "new.txt").write_bytes("\n".join(NEW).encode("gb18030"))  # a GBK download
    page = "<html><head><title>x</title></head><body><div class='law'>" + "".join(f"<p>{line}</p>" for line in NEW) \
        + "</div></body></html>"
    (workdir / "same.html").write_text(page, encoding="utf-8")

    first = regwatch("import", "old.docx", "new.txt", "--source", "npc-laws", cwd=workdir)
    assert first.returncode == 0, first.stderr
    assert [line.split()[0] for line in first.stdout.splitlines()] == ["new", "changed"]
    again = regwatch("import", "same.html", "--source", "npc-laws", "--title", TITLE, cwd=workdir)
    assert again.returncode == 0 and again.stdout.split()[0] == "unchanged", again.stdout + again.stderr

    conn = sqlite3.connect(workdir / "regwatch.db")
    (doc_id, title, source), = conn.execute("SELECT id, title, source FROM documents").fetchall()
    assert (title, source) == (TITLE, "npc-laws")
    assert conn.execute("SELECT count(*) FROM versions WHERE document_id = ?", [doc_id]).fetchone()[0] == 2
    kinds = [k for (k,) in conn.execute("SELECT kind FROM events ORDER BY id")]
    assert kinds[:2] == ["new_document", "new_version"]
    (payload,) = conn.execute("SELECT payload FROM events WHERE kind = 'new_version'").fetchone()
    assert json.loads(payload)["summary"]
    assert conn.execute("SELECT effective FROM documents").fetchone()[0] == "2025-01-01"
    conn.close()
    diff = regwatch("diff", f"{doc_id}@1", f"{doc_id}@2", cwd=workdir)
    assert "三十日内" in diff.stdout and "第四条" in diff.stdout, diff.stdout + diff.stderr


def test_unreadable_files_are_one_clear_error_and_store_nothing(workdir):
    (workdir / "empty.txt").write_bytes(b"")
    (workdir / "law.doc").write_bytes(b"\xd0\xcf\x11\xe0 old word file")
    for name, message in (("missing.txt", "no such file"), ("empty.txt", "empty"), ("law.doc", ".docx")):
        run = regwatch("import", name, "--source", "npc-laws", cwd=workdir)
        assert run.returncode == 2 and message in run.stderr and "Traceback" not in run.stderr, run.stderr
    (workdir / "ok.txt").write_text("\n".join(OLD), encoding="utf-8")
    run = regwatch("import", "ok.txt", "empty.txt", "--source", "npc-laws", cwd=workdir)
    assert run.returncode == 2
    conn = sqlite3.connect(workdir / "regwatch.db")
    assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == 0  # all or nothing
    conn.close()
