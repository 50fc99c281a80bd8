"""A store written by regwatch 1ae741a, which merged two rules issued as 上海市人民政府令第12号 (1992
and 2014) into one document, is repaired when opened: the documents split again, and the versions,
URLs, events and rule history follow the right rule.

The fixture was built by running fixtures/build_merged.py with the checkout of commit 1ae741a on
PYTHONPATH; the expected values below come from that script's invented texts.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from snapshots import Store

FIXTURE = Path(__file__).parent / "fixtures" / "merged-1ae741a.db"


@pytest.fixture
def repaired(tmp_path):
    path = tmp_path / "regwatch.db"
    shutil.copy(FIXTURE, path)
    store = Store(path)
    yield store
    store.close()


def test_the_fixture_holds_the_merge_this_repairs():
    import sqlite3
    conn = sqlite3.connect(FIXTURE)
    try:
        assert conn.execute("SELECT count(*) FROM versions WHERE document_id = 1").fetchone()[0] == 2
        assert conn.execute("SELECT title FROM documents WHERE id = 1").fetchone()[0] == "上海市医患纠纷调解办法"
    finally:
        conn.close()


def test_merged_documents_split_with_their_versions_urls_and_events(repaired):
    by_title = {d["title"]: d for d in repaired.documents()}
    old, new = by_title["上海市保税区车辆出入管理办法"], by_title["上海市医患纠纷调解办法"]
    assert (old["versions"], new["versions"]) == (1, 1)
    assert old["url"] == "http://127.0.0.1/1992.html" and new["url"] == "http://127.0.0.1/2014.html"
    assert repaired.document_by_url("http://127.0.0.1/2014.html")["id"] == new["id"]
    assert repaired.version_text(new["id"], 1).startswith("（2014年1月11日")
    assert (old["published"], new["published"]) == ("1992-02-29", "2014-01-11")
    new_events = [e for e in repaired.events() if e["document_id"] == new["id"]]
    assert [e["kind"] for e in new_events] == ["new_document"]   # was reported as a new version of the 1992 rule


def test_each_rule_keeps_its_own_history(repaired):
    rules = {r["name"]: r for r in repaired.rules(at="2025-01-01")}
    old, new = rules["上海市保税区车辆出入管理办法"], rules["上海市医患纠纷调解办法"]
    assert (old["status"], old["since"]) == ("已废止", "2024-05-15")
    assert old["by_title"] == "上海市人民政府关于废止部分市政府规章的决定"
    assert (new["status"], new["effective"]) == ("现行有效", "2014-03-01")
    assert old["effective"] == "1992-03-01"
    documents = {d["title"]: d for d in repaired.documents()}
    assert documents["上海市医患纠纷调解办法"]["rule_id"] == new["id"]
    assert documents["上海市保税区车辆出入管理办法"]["rule_id"] == old["id"]
    [repealed] = repaired.events(kind="repealed")
    assert repealed["rule_id"] == old["id"] and repealed["document_id"] == documents["上海市保税区车辆出入管理办法"]["id"]


def test_a_new_page_under_the_same_number_no_longer_joins_either(repaired):
    text = "（1992年2月29日上海市人民政府令第12号发布）\n第一条 为了加强保税区出入管理，制定本办法。\n第二条 新的措辞。"
    again = repaired.save_version("shanghai-rules", "http://127.0.0.1/1992-b.html", None, text,
                                  {"title": "上海市保税区车辆出入管理办法", "number": "上海市人民政府令第12号",
                                   "published": "1992-02-29"})
    old = next(d for d in repaired.documents() if d["title"] == "上海市保税区车辆出入管理办法")
    assert again.document_id == old["id"] and again.outcome == "changed"


def test_an_expiry_read_from_a_licence_term_is_dropped(repaired):
    # 1ae741a read 许可证有效期为5年 as the rule's own term: 2019-12-31, then 已失效 from 2020-01-01.
    rule = next(r for r in repaired.rules(at="2026-06-01") if r["name"] == "上海市某某许可管理办法")
    assert (rule["status"], rule["expires"], rule["effective"]) == ("现行有效", None, "2015-01-01")
    assert [h["status"] for h in repaired.rule_history(rule["id"])] == ["现行有效"]
