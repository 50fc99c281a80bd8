"""A real SQLite store holding an amendment, its decision, a repeal and a hostile scraped page,
served by the review app on 127.0.0.1."""
from __future__ import annotations

from pathlib import Path

import pytest

from review import create_app
from snapshots import Store

from review_live import serving

SOURCE = "sh-gazette"
BASE = "http://127.0.0.1:9"   # never fetched: these are the documents' source links
CASE = Path(__file__).resolve().parents[2] / "corpus" / "eval-dev" / "sh-yinxiang"
LAW = "上海市音像制品管理条例"
ISSUE, SECTION = "2025年第1期", "地方性法规"
REPEALED_RULE = "上海市音像制品经营许可办法"
REPEALER = "上海市人民政府关于废止《上海市音像制品经营许可办法》的决定"
REPEALER_NUMBER = "沪府令第28号"
REPEALER_TEXT = f"""{REPEALER}
（2025年1月20日上海市人民政府令第28号公布）
市政府决定：废止《{REPEALED_RULE}》（2003年6月1日上海市人民政府令第6号发布）。
本决定自2025年2月1日起施行。
"""
HOSTILE_TITLE = '<script>alert("title")</script>恶意页面'
HOSTILE_TEXT = """<script>alert("body")</script>
第一条 <img src=x onerror=alert(1)> 本办法自公布之日起施行。
第二条 详见<a href="javascript:alert(2)">点我</a>。
"""


def _title(text: str) -> str:
    return next(line[2:].strip() for line in text.splitlines() if line.startswith("# "))


@pytest.fixture(scope="session")
def law_texts() -> tuple[str, str]:
    return (CASE / "old.md").read_text(encoding="utf-8"), (CASE / "new.md").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def review_data(tmp_path_factory, law_texts):
    """(store path, ids): the store is filled through the Store's own write methods."""
    path = tmp_path_factory.mktemp("review") / "regwatch.db"
    old, new = law_texts
    decision_text = (CASE / "decision.md").read_text(encoding="utf-8")
    decision_title = _title(decision_text)
    law_url, decision_url = f"{BASE}/dfxfg/yinxiang.html", f"{BASE}/202501dfxfg/20250103/decision.html"
    with Store(path) as store:
        store.upsert_source(SOURCE, "shanghai-gazette", f"{BASE}/nw2404/index.html")
        law_meta = dict(title=LAW, issuer="上海市人民代表大会常务委员会", doc_type="地方性法规",
                        published="2021-08-25", issue="2021年第18期", section=SECTION)
        v1 = store.save_version(SOURCE, law_url, old.encode(), old, law_meta, fetched_at="2024-01-02T08:00:00+00:00")
        store.add_event("new_document", at="2024-01-02T08:00:00+00:00", source=SOURCE, document_id=v1.document_id,
                        version_id=v1.version_id, title=LAW, url=law_url)
        decision = store.save_version(SOURCE, decision_url, decision_text.encode(), decision_text,
                                      dict(title=decision_title, issuer="上海市人民代表大会常务委员会", doc_type="决定",
                                           published="2024-12-31", issue=ISSUE, section=SECTION),
                                      fetched_at="2025-01-03T08:00:00+00:00")
        store.add_event("new_document", at="2025-01-03T08:00:00+00:00", source=SOURCE,
                        document_id=decision.document_id, version_id=decision.version_id, title=decision_title,
                        url=decision_url)
        v2 = store.save_version(SOURCE, law_url, new.encode(), new, dict(law_meta, published="2024-12-31"),
                                fetched_at="2025-01-03T09:00:00+00:00")
        store.add_event("amended", at="2025-01-03T09:00:00+00:00", source=SOURCE, document_id=v2.document_id,
                        version_id=v2.version_id, title=LAW, url=law_url, by=decision_title, by_url=decision_url)

        repealer_url = f"{BASE}/202502zfl/20250120/repeal.html"
        repealer = store.save_version(SOURCE, repealer_url, REPEALER_TEXT.encode(), REPEALER_TEXT,
                                      dict(title=REPEALER, number=REPEALER_NUMBER, issuer="上海市人民政府",
                                           published="2025-01-20", issue=ISSUE, section="市政府令"),
                                      fetched_at="2025-01-21T08:00:00+00:00")
        rule_id = store.ensure_rule(REPEALED_RULE, "沪府令第6号", effective="2003-06-01")
        store.set_rule_status(rule_id, "已废止", since="2025-02-01", by_document_id=repealer.document_id,
                              by_title=REPEALER, by_url=repealer_url)
        store.add_event("repealed", at="2025-01-21T08:00:00+00:00", source=SOURCE, document_id=repealer.document_id,
                        rule_id=rule_id, title=REPEALED_RULE, url=repealer_url, rule=REPEALED_RULE, by=REPEALER,
                        by_url=repealer_url, effective="2025-02-01")
        law_rule = store.ensure_rule(LAW, document_id=v1.document_id, effective="2021-08-25")
        store.set_document_rule(v1.document_id, law_rule)

        hostile = store.save_version(SOURCE, f"{BASE}/hostile.html", HOSTILE_TEXT.encode(), HOSTILE_TEXT,
                                     dict(title=HOSTILE_TITLE, issuer='<img src=x onerror=alert("issuer")>'),
                                     fetched_at="2025-03-01T08:00:00+00:00")
        store.add_event("new_document", at="2025-03-01T08:00:00+00:00", source=SOURCE,
                        document_id=hostile.document_id, version_id=hostile.version_id, title=HOSTILE_TITLE,
                        url="javascript:alert(3)", by="<script>alert(4)</script>", by_url="javascript:alert(5)")
    ids = dict(law=v1.document_id, law_v1=v1.version_id, law_v2=v2.version_id, law_title=LAW,
               decision=decision.document_id, decision_title=decision_title, hostile=hostile.document_id,
               repealed_rule=REPEALED_RULE, repealer_title=REPEALER, repealer_number=REPEALER_NUMBER,
               audit_date="2025-03-01", source=SOURCE, issue=ISSUE, section=SECTION)
    return path, ids


@pytest.fixture(scope="session")
def review_store(review_data):
    return review_data[0]


@pytest.fixture(scope="session")
def ids(review_data):
    return review_data[1]


@pytest.fixture(scope="session")
def site(review_store):
    with serving(create_app(review_store)) as base:
        yield base
