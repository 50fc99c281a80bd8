"""Subscription filters and schedules, on events shaped like the store's."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from diffs.errors import InputError
from notify.items import EventItem
from notify.subscriptions import Filters, Subscription, is_due

GAZETTE = "上海市人民政府公报"


def event(kind="new_version", id=1, title=None, document=None, rule_row=None, source=GAZETTE, **payload) -> EventItem:
    return EventItem(id=id, kind=kind, at="2025-01-06T02:00:00+00:00", source=source, title=title, url=None,
                     document_id=(document or {}).get("id"), version_id=None, rule_id=(rule_row or {}).get("id"),
                     payload=payload, document=document, rule=rule_row)


RULE_DOC = {"id": 7, "title": "上海市音像制品管理条例", "issuer": "上海市人民代表大会常务委员会",
            "doc_type": "地方性法规", "section": "地方性法规", "issue": "2025年第1期"}
NOTICE = {"id": 8, "title": "上海市人民政府办公厅关于印发《上海市促进智能终端产业高质量发展行动方案》的通知",
          "issuer": "上海市人民政府办公厅", "doc_type": "规范性文件", "section": "市政府办公厅文件", "issue": "2022年第14期"}


def no_text(item: EventItem) -> str:
    raise AssertionError("the text must not be loaded when the title decides")


def test_empty_filters_match_every_event_but_operator_errors():
    everything = Filters()
    assert everything.matches(event(document=RULE_DOC), no_text)
    assert everything.matches(event("repealed", rule_row={"id": 3, "name": "上海市音像制品管理条例"}), no_text)
    assert not everything.matches(event("source_error", error="HTTP 500"), no_text)
    assert Filters(kinds=("source_error",)).matches(event("source_error", error="HTTP 500"), no_text)


@pytest.mark.parametrize("filters, doc, expected", [
    (Filters(sources=(GAZETTE,)), NOTICE, True),
    (Filters(sources=("国务院公报",)), NOTICE, False),
    (Filters(sections=("市政府办公厅文件",)), NOTICE, True),
    (Filters(sections=("市政府办公厅文件",)), RULE_DOC, False),
    (Filters(issuers=("上海市人民政府",)), NOTICE, True),      # a contained name: its 办公厅 too
    (Filters(issuers=("上海市人民政府",)), RULE_DOC, False),
    (Filters(doc_types=("规范性文件", "规章")), NOTICE, True),
    (Filters(doc_types=("规章",)), NOTICE, False),
    (Filters(doc_types=("规范性文件",), issuers=("人民代表大会",)), NOTICE, False),  # AND across filters
])
def test_document_filters(filters, doc, expected):
    assert filters.matches(event(document=doc), no_text) is expected


def test_keyword_in_title_or_text():
    texts = {8: "第一条 为推动智能终端产业……\n第二条 本方案所称元宇宙……"}
    text_of = lambda item: texts.get(item.document_id, "")  # noqa: E731
    assert Filters(keywords=("智能终端",)).matches(event(document=NOTICE), no_text)
    assert Filters(keywords=("元宇宙",)).matches(event(document=NOTICE), text_of)
    assert not Filters(keywords=("碳达峰",)).matches(event(document=NOTICE), text_of)


def test_followed_rule_matches_its_events_and_the_decisions_naming_it():
    follow = Filters(rules=("上海市音像制品管理条例",))
    rule = {"id": 3, "name": "上海市音像制品管理条例", "number": None}
    assert follow.matches(event("repealed", rule_row=rule), no_text)
    assert follow.matches(event("amended", title="上海市人民代表大会常务委员会关于修改《上海市音像制品管理条例》的决定"),
                          lambda i: "")
    assert follow.matches(event("amended", title="关于修改《上海市公路管理条例》等10件地方性法规的决定",
                                rule="上海市音像制品管理条例"), no_text)
    ten_laws = event("new_document", title="上海市人民代表大会常务委员会关于修改《上海市公路管理条例》等10件地方性法规的决定")
    assert not follow.matches(ten_laws, lambda i: "")
    ten_laws.laws = ("上海市公路管理条例", "上海市音像制品管理条例", "上海市社会救助条例")  # as the pipeline parsed it
    assert follow.matches(ten_laws, no_text)
    assert not follow.matches(event("amended", rule_row={"id": 4, "name": "上海市社会救助条例"}), lambda i: "")
    assert Filters(rules=("3",)).matches(event("expiring", rule_row=rule, days_left=10), no_text)


def test_kinds_and_since():
    assert not Filters(kinds=("repealed",)).matches(event("new_document", document=NOTICE), no_text)
    assert Filters(since="2025-01-01").matches(event(document=NOTICE), no_text)
    assert not Filters(since="2025-02-01").matches(event(document=NOTICE), no_text)


@pytest.mark.parametrize("bad", [
    lambda: Subscription(emails=["not-an-address"]),
    lambda: Subscription(emails=[]),
    lambda: Subscription(emails=["a@b.cn"], frequency="hourly"),
    lambda: Subscription(emails=["a@b.cn"], hour=24),
    lambda: Filters(kinds=("rumour",)),
    lambda: Filters(since="next week"),
    lambda: Filters.from_mapping({"colour": ["red"]}),
])
def test_bad_subscriptions_are_refused_clearly(bad):
    with pytest.raises(InputError):
        bad()


def test_from_config_table_round_trips_through_a_row():
    sub = Subscription.from_mapping({"name": "rules", "emails": ["法务@example.cn".replace("法务", "legal")],
                                     "rules": ["上海市音像制品管理条例"], "kinds": ["amended", "repealed"],
                                     "frequency": "daily", "hour": 9})
    row = {**sub.to_row(), "id": 5}
    again = Subscription.from_row(row)
    assert (again.emails, again.filters, again.frequency, again.hour) == (["legal@example.cn"], sub.filters, "daily", 9)


def test_daily_and_weekly_schedules_in_beijing_time():
    daily = Subscription(emails=["a@b.cn"], frequency="daily", hour=8)
    monday_0730_cst = datetime(2025, 1, 5, 23, 30, tzinfo=timezone.utc)
    monday_0810_cst = datetime(2025, 1, 6, 0, 10, tzinfo=timezone.utc)
    assert is_due(daily, monday_0810_cst, None)
    assert not is_due(daily, monday_0810_cst, last_digest_at=datetime(2025, 1, 6, 0, 5, tzinfo=timezone.utc))
    assert is_due(daily, monday_0810_cst, last_digest_at=datetime(2025, 1, 5, 0, 5, tzinfo=timezone.utc))
    assert not is_due(daily, monday_0730_cst, last_digest_at=datetime(2025, 1, 5, 0, 5, tzinfo=timezone.utc))
    weekly = Subscription(emails=["a@b.cn"], frequency="weekly", hour=8)
    friday = datetime(2025, 1, 10, 3, 0, tzinfo=timezone.utc)
    assert not is_due(weekly, friday, last_digest_at=monday_0810_cst)
    assert is_due(weekly, datetime(2025, 1, 13, 1, 0, tzinfo=timezone.utc), last_digest_at=monday_0810_cst)
    assert is_due(Subscription(emails=["a@b.cn"]), friday, last_digest_at=friday)
