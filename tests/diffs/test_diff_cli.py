"""`regwatch diff` as a user runs it: a subprocess, real files, exit codes and stderr."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.inputs import Input, read_file

EVAL_DEV = Path(__file__).resolve().parents[2] / "corpus" / "eval-dev"
OLD, NEW = EVAL_DEV / "nianjie" / "old.md", EVAL_DEV / "nianjie" / "new.md"


def regwatch(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regwatch", *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


@pytest.fixture(scope="module")
def as_json():
    run = regwatch("diff", str(OLD), str(NEW), "--format", "json")
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_json_output(as_json):
    assert as_json["old"]["articles"] == 7 and as_json["new"]["articles"] == 8
    statuses = {(p["old"], p["new"]): p["status"] for p in as_json["pairs"]}
    assert statuses[("第二条", "第二条")] == "modified"
    assert statuses[(None, "第七条")] == "added"
    assert statuses[("第七条", "第八条")] == "renumbered"


@pytest.mark.parametrize("fmt, marker", [("text", "【修改】第二条"), ("md", "### 第二条（修改）"),
                                         ("html", '<table class="rw-table">')])
def test_each_format(fmt, marker):
    run = regwatch("diff", str(OLD), str(NEW), "--format", fmt)
    assert run.returncode == 0 and run.stderr == ""
    assert marker in run.stdout
    assert "\x1b[" not in run.stdout          # not a terminal: no colours


def test_show_formatting_flag(tmp_path):
    old, new = tmp_path / "a.txt", tmp_path / "b.txt"
    old.write_text("某条例\n第一条 下列情形:\n第二条 施行。\n", encoding="utf-8")
    new.write_text("某条例\n第一条 下列情形：\n第二条 施行。\n", encoding="utf-8")
    assert "仅格式" not in regwatch("diff", str(old), str(new), "--format", "html").stdout
    assert "仅格式" in regwatch("diff", str(old), str(new), "--format", "html", "--show-formatting").stdout


def test_gbk_file_reads_like_utf8(tmp_path, as_json):
    gbk = tmp_path / "old-gbk.md"
    gbk.write_bytes(OLD.read_text(encoding="utf-8").encode("gb18030"))
    run = regwatch("diff", str(gbk), str(NEW), "--format", "json")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == as_json
    assert read_file(str(gbk)) == Input("old-gbk.md", OLD.read_text(encoding="utf-8"), "md")


def test_html_input_files(tmp_path):
    def page(body: str) -> str:
        return f"<html><body><h1>某办法</h1>{body}</body></html>"
    old, new = tmp_path / "old.html", tmp_path / "new.html"
    old.write_text(page("<p>第一条 为了管理。</p><p>第二条 施行。</p>"), encoding="utf-8")
    new.write_text(page("<p>第一条 为了加强管理。</p><p>第二条 施行。</p>"), encoding="utf-8")
    data = json.loads(regwatch("diff", str(old), str(new), "--format", "json").stdout)
    assert [(p["old"], p["status"]) for p in data["pairs"]] == [("第一条", "modified"), ("第二条", "unchanged")]


def test_identical_files_report_nothing_changed():
    data = json.loads(regwatch("diff", str(NEW), str(NEW), "--format", "json").stdout)
    assert data["summary"]["unchanged"] == 8
    assert all(data["summary"][k] == 0 for k in ("modified", "added", "deleted", "renumbered", "moved"))


def test_document_without_numbering(tmp_path):
    old, new = tmp_path / "a.txt", tmp_path / "b.txt"
    old.write_text("通知\n请各单位做好准备。\n时间另行通知。\n", encoding="utf-8")
    new.write_text("通知\n请各单位认真做好准备。\n时间另行通知。\n", encoding="utf-8")
    data = json.loads(regwatch("diff", str(old), str(new), "--format", "json").stdout)
    assert [(p["old"], p["status"]) for p in data["pairs"]] == [("第一段", "modified"), ("第二段", "unchanged")]


@pytest.mark.parametrize("content, message", [
    (None, "no such file"),
    (b"", "empty"),
    (b"\n \r\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
    (bytes(range(1, 9)) * 300 + "第一条".encode(), "binary"),
])
def test_bad_input_is_one_clear_line(tmp_path, content, message):
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_bytes(content)
    run = regwatch("diff", str(path), str(NEW))
    assert run.returncode != 0 and run.stdout == ""
    assert run.stderr.count("\n") == 1 and message in run.stderr and "Traceback" not in run.stderr


def test_bytes_invalid_in_their_announced_encoding_are_an_error(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"\xff\xfe" + "第一条".encode("utf-16-le") + b"\x00\xd8")   # UTF-16 BOM, broken surrogate
    run = regwatch("diff", str(path), str(NEW))
    assert run.returncode != 0 and run.stderr.startswith("regwatch: error:") and "Traceback" not in run.stderr


@pytest.mark.browser
def test_pdf_input_reads_like_the_text_it_shows(browser, tmp_path):
    """A real PDF (Chromium prints the law) diffs against the Markdown it was made from as unchanged."""
    lines = [line for line in OLD.read_text(encoding="utf-8").split("<!-- INFO END -->")[1].splitlines() if line.strip()]
    page = browser.new_page()
    page.set_content('<html><head><meta charset="utf-8"></head><body><h1>全国年节及纪念日放假办法</h1>'
                     + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>")
    pdf = tmp_path / "old.pdf"
    pdf.write_bytes(page.pdf())
    page.close()
    run = regwatch("diff", str(pdf), str(OLD), "--format", "json")
    assert run.returncode == 0, run.stderr
    data = json.loads(run.stdout)
    assert data["old"] == {"title": "全国年节及纪念日放假办法", "articles": 7}
    assert data["summary"]["unchanged"] == 7 and data["summary"]["modified"] == 0
