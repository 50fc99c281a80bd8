"""A rule's status in words, as legal databases write it, from invented history rows (no database)."""
from __future__ import annotations

from snapshots.rules import cause, status_on

RULE = {"id": 1, "name": "上海市某某管理办法", "effective": "2015-01-01", "expires": None, "document_id": 3}


def history(*rows):
    return [{"id": i, "by_document_id": None, "by_url": None, **row} for i, row in enumerate(rows, 1)]


def test_an_amended_rule_is_in_force_with_its_amendments_and_the_next_one_pending():
    rows = history({"status": "现行有效", "since": "2015-01-01", "by_title": None},
                   {"status": "已被修改", "since": "2020-03-01", "by_title": "关于修改《上海市某某管理办法》的决定"},
                   {"status": "已被修改", "since": "2025-05-15", "by_title": "关于修改和废止部分规章的决定"})
    on = status_on(RULE, rows, "2024-01-01")
    assert on["status"] == "现行有效" and [a["since"] for a in on["amendments"]] == ["2020-03-01"]
    assert cause(on) == ("现行有效（1次修正，最近一次2020-03-01起依据《关于修改〈上海市某某管理办法〉的决定》）"
                         "；尚未生效的修改：2025-05-15起，依据《关于修改和废止部分规章的决定》")


def test_repeal_and_expiry_name_their_document_and_date():
    rows = history({"status": "现行有效", "since": "2015-01-01", "by_title": None},
                   {"status": "已废止", "since": "2024-05-15", "by_title": "废止决定"})
    repealed = status_on(RULE, rows, "2024-06-01")
    assert cause(repealed) == "已废止：2024-05-15起，依据《废止决定》"
    expired = status_on({**RULE, "expires": "2019-12-31"},
                        history({"status": "现行有效", "since": "2015-01-01", "by_title": None}), "2020-01-01")
    assert (expired["status"], expired["since"]) == ("已失效", "2020-01-01")
    assert cause({**expired, "by_title": "上海市某某管理办法"}) == \
        "已失效：2020-01-01起（有效期至2019-12-31，《上海市某某管理办法》）"
    not_yet = status_on(RULE, history({"status": "现行有效", "since": "2015-01-01", "by_title": None}), "2014-12-31")
    assert cause(not_yet) == "尚未施行：2015-01-01起施行"
