"""What stored documents say about rules: registration, validity events once each, repeals that
name the decision, and a new edition that "repeals" its own older text."""
from __future__ import annotations

from datetime import date

from understood_pages import save_understood as save
from snapshots.decisions import validity_events

RULE_TEXT = ("上海市试点管理办法\n第一条 为了规范试点工作，制定本办法。\n"
             "第二条 本办法自2020年4月1日起施行，有效期至2025年3月31日。")


def kinds(store):
    return [e["kind"] for e in store.events()]


def test_expiring_then_expired_once_each(store):
    document = save(store, "http://127.0.0.1/a.html", "上海市试点管理办法", RULE_TEXT)
    rule = store.rule(document["rule_id"])
    assert (rule["effective"], rule["expires"]) == ("2020-04-01", "2025-03-31")
    assert validity_events(store, date(2025, 1, 1), 30) == []           # 89 days ahead: not yet
    [expiring] = validity_events(store, date(2025, 3, 15), 30)
    assert validity_events(store, date(2025, 3, 16), 30) == []          # once only
    event = next(e for e in store.events() if e["id"] == expiring)
    assert event["kind"] == "expiring" and event["payload"]["days_left"] == 16
    assert event["document_id"] == document["id"]
    [expired] = validity_events(store, date(2025, 4, 1), 30)
    assert validity_events(store, date(2025, 5, 1), 30) == []
    assert kinds(store) == ["expired", "expiring"]
    on = {r["id"]: r for r in store.rules(at="2025-04-01")}[rule["id"]]
    assert (on["status"], on["since"]) == ("已失效", "2025-04-01")
    assert store.rule_history(rule["id"])[-1]["status"] == "已失效"


def test_a_simultaneous_repeal_names_the_new_rule_and_date(store):
    save(store, "http://127.0.0.1/old.html", "上海市旧管理办法", "第一条 旧办法。\n第二条 本办法自2000年1月1日起施行。")
    new_text = ("第一条 为了规范管理，制定本办法。\n第二条 本办法自2021年1月1日起施行。"
                "2000年1月1日市人民政府发布的《上海市旧管理办法》同时废止。")
    new = save(store, "http://127.0.0.1/new.html", "上海市新管理办法", new_text)
    [event] = store.events(kind="repealed")
    assert (event["title"], event["payload"]["by"], event["payload"]["effective"]) == \
        ("上海市旧管理办法", "上海市新管理办法", "2021-01-01")
    old_rule = next(r for r in store.rules(at="2021-01-01") if r["name"] == "上海市旧管理办法")
    assert (old_rule["status"], old_rule["by_document_id"]) == ("已废止", new["id"])
    assert next(r for r in store.rules(at="2020-12-31") if r["name"] == "上海市旧管理办法")["status"] == "现行有效"


def test_a_new_edition_does_not_repeal_itself(store):
    text = ("第一条 为了加强停车场管理，制定本办法。\n第二条 本办法自2013年1月1日起施行。"
            "1994年市人民政府发布的《上海市停车场(库)管理办法》同时废止。")
    save(store, "http://127.0.0.1/park.html", "上海市停车场（库）管理办法", text)
    assert store.events(kind="repealed") == []
    assert [r["status"] for r in store.rules(at="2014-01-01")] == ["现行有效"]
