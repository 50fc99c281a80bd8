"""The one input reader of the text commands: encodings, formats, stored versions, and files that
are not documents — each refused in one line, a named pipe without blocking."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import pytest

from diffs.errors import InputError
from monitor import inputs
from monitor.inputs import Input, read_file
from regwatch import api
from snapshots import Store

LAW = "某市测试管理办法\n第一条 为了加强管理，制定本办法。\n第二条 本办法自2025年1月1日起施行。\n"


def regwatch(*args: str, cwd=None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "regwatch", *args], capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout, cwd=cwd)


@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16", "utf-16-le", "utf-16-be"])
def test_text_in_each_encoding_reads_the_same(tmp_path, codec):
    path = tmp_path / "law.txt"
    path.write_bytes(LAW.encode(codec))
    assert read_file(path) == Input("law.txt", LAW, "text")


def test_gb18030_only_characters(tmp_path):
    text = "某市测试管理办法\n第一条 㐀䶵𠀀等字亦应收录。\n"   # CJK Extension A/B: not in GBK
    path = tmp_path / "law.md"
    path.write_bytes(text.encode("gb18030"))
    assert read_file(path) == Input("law.md", text, "md")


def test_html_gazette_page_keeps_its_body_only(tmp_path):
    page = ("<html><head><meta charset='gbk'><title>某市测试管理办法</title></head><body>"
            "<div class='nav'>首页 > 政府公报</div><div id='ivs_content'><p>第一条 为了加强管理，制定本办法。</p>"
            "<p>第二条 本办法自2025年1月1日起施行。</p></div><div class='footer'>版权所有</div></body></html>")
    path = tmp_path / "page.html"
    path.write_bytes(page.encode("gbk"))
    assert read_file(path).text == LAW.rstrip("\n")


def test_html_page_of_another_site_reads_its_body(tmp_path):
    path = tmp_path / "saved"   # no suffix: recognised by its content
    path.write_text("<!DOCTYPE html><html><body><h1>某市测试管理办法</h1><p>第一条 为了加强管理，制定本办法。</p>"
                    "<p>第二条 本办法自2025年1月1日起施行。</p></body></html>", encoding="utf-8")
    assert read_file(path).text == LAW.rstrip("\n")


def test_docx_paragraphs_and_tables_in_order(tmp_path):
    import docx

    document = docx.Document()
    for line in LAW.splitlines():
        document.add_paragraph(line)
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].text, table.rows[0].cells[1].text = "附件", "申请表"
    document.add_paragraph("第三条 附则。")
    path = tmp_path / "law.docx"
    document.save(path)
    assert read_file(path).text == LAW + "附件\t申请表\n第三条 附则。"


def test_docx_and_markdown_of_one_text_diff_as_equal(tmp_path):
    import docx

    document = docx.Document()
    for line in LAW.splitlines():
        document.add_paragraph(line)
    document.save(tmp_path / "law.docx")
    (tmp_path / "law.md").write_text(LAW, encoding="utf-8")
    (tmp_path / "changed.md").write_text(LAW.replace("加强管理", "加强和改进管理"), encoding="utf-8")
    assert regwatch("diff", "--exit-code", str(tmp_path / "law.docx"), str(tmp_path / "law.md")).returncode == 0
    assert regwatch("diff", "--exit-code", str(tmp_path / "law.docx"), str(tmp_path / "changed.md")).returncode == 1


@pytest.mark.parametrize("content, message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500), "legacy Word/WPS"),
    (None, "not a Word .docx"),
    (b"   \n\t\r\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
])
def test_files_that_are_not_documents(tmp_path, content, message):
    path = tmp_path / "input.doc"
    if content is None:
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "not a word document")
    else:
        path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_file(path)


def test_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "MAX_BYTES", 1000)
    path = tmp_path / "big.txt"
    path.write_text("第一条 " + "很长" * 1000, encoding="utf-8")
    with pytest.raises(InputError, match="at most 1000 bytes"):
        read_file(path)


def test_directory_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="is a directory"):
        read_file(tmp_path)
    with pytest.raises(InputError, match="no such file"):
        read_file(tmp_path / "nowhere.txt")


def test_named_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    other = tmp_path / "b.txt"
    other.write_text(LAW, encoding="utf-8")
    for args in (["diff", str(fifo), str(other)], ["ops", str(fifo)], ["validity", str(fifo)]):
        run = regwatch(*args, timeout=30)   # nobody writes to the pipe: reading it would block forever
        assert run.returncode == 2 and run.stdout == ""
        assert run.stderr == f"regwatch: error: {fifo}: is a named pipe, not a regular file; save the document to a file first\n"


@pytest.fixture
def stored(tmp_path):
    """A store holding two versions of one invented rule, and its regwatch.toml."""
    config = tmp_path / "regwatch.toml"
    config.write_text('[store]\npath = "regwatch.db"\n', encoding="utf-8")
    with Store(tmp_path / "regwatch.db") as store:
        first = store.save_version("test", "http://127.0.0.1/a.html", None, LAW, {"title": "某市测试管理办法"})
        store.save_version("test", "http://127.0.0.1/a.html", None, LAW.replace("加强管理", "加强和改进管理"),
                           {"title": "某市测试管理办法"})
    return config, first.document_id


def test_stored_versions_read_like_files(stored, tmp_path):
    config, document_id = stored
    old = api.read(f"{document_id}@1", config)
    assert old.text == LAW and old.label == "某市测试管理办法 @1"
    assert api.read("测试管理办法@2", config).text.startswith("某市测试管理办法\n第一条 为了加强和改进管理")
    with pytest.raises(InputError, match="has versions 1..2, not 3"):
        api.read(f"{document_id}@3", config)
    result = api.diff(f"{document_id}@1", f"{document_id}@2", config)
    assert [(p.old_label, p.status) for p in result.pairs] == [("第一条", "modified"), ("第二条", "unchanged")]
    # The same DOC@N for the other text commands.
    run = regwatch("validity", f"{document_id}@1", "--format", "json", "--at", "2025-06-01", "--config", str(config))
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["effective"] == "2025-01-01"


def test_a_file_named_like_a_version_is_a_file(tmp_path):
    path = tmp_path / "law@1"
    path.write_text(LAW, encoding="utf-8")
    assert api.read(str(path)).text == LAW    # no store is asked for (none exists here)
