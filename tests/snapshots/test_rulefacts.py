"""Identity, validity and 题注 links decided by the pure step (diffs.rulefacts), on invented texts,
without a database; then the same facts recorded in a real store."""
from __future__ import annotations

import datetime as dt

from understood_pages import save_understood as _save
from diffs.identity import issued_year, names_agree, number_key
from diffs.rulefacts import Context, match_rule, names_decision, read, wanted
from diffs.validity import headnote
from snapshots.decisions import understand

ORDER_1992 = "（1992年2月29日上海市人民政府令第12号发布）\n第一条 为了管理保税区车辆出入，制定本办法。"
ORDER_2014 = "（2014年1月11日上海市人民政府令第12号公布）\n第一条 为了预防医患纠纷，制定本办法。"


def test_a_ling_number_identifies_a_rule_only_with_its_year():
    assert number_key("上海市人民政府令第12号", issued_year("上海市人民政府令第12号", "1992-02-29", ORDER_1992)) == \
        "上海市人民政府令第12号@1992"
    assert number_key("上海市人民政府令第12号", 2014) != number_key("上海市人民政府令第12号", 1992)
    assert number_key("上海市人民政府令第12号") is None          # a bare 令 number names no rule
    assert number_key("沪府规〔2018〕21号") == "沪府规[2018]21号"   # a 文号 carries its year


def test_a_republished_page_takes_the_year_of_its_own_order_from_the_tinote():
    text = "（2014年1月11日上海市人民政府令第12号公布　根据2024年4月2日上海市人民政府令第13号修正）\n第一条 甲。"
    assert issued_year("上海市人民政府令第12号", "2024-04-02", text) == 2014
    # The number of the amending decision identifies the decision, not the rule.
    assert issued_year("上海市人民政府令第13号", "2024-04-02", text) is None


def test_same_number_in_different_years_or_disagreeing_names_is_not_one_rule():
    rules = [{"id": 1, "name": "上海市保税区车辆出入管理办法", "name_key": "上海市保税区车辆出入管理办法",
              "number_key": "上海市人民政府令第12号@1992"}]
    assert match_rule(rules, "上海市医患纠纷调解办法", "上海市人民政府令第12号", 2014) is None
    assert match_rule(rules, "上海市医患纠纷调解办法", "上海市人民政府令第12号", 1992) is None   # names disagree
    assert match_rule(rules, "上海市保税区车辆出入管理暂行办法", "上海市人民政府令第12号", 1992)["id"] == 1
    assert names_agree("上海市停车场管理办法", "上海市停车场(库)管理办法")
    assert not names_agree("上海市停车场管理办法", "上海市医患纠纷调解办法")


def _rule(document_id, title, text, **meta):
    document = {"id": document_id, "title": title, "url": f"http://127.0.0.1/{document_id}.html", "source": "s",
                "doc_type": "规章", **meta}
    return document, read(document, document_id * 10, text, Context(**{"today": "2026-01-01"}))


def test_a_permit_term_never_expires_the_rule():
    text = ("上海市某某许可管理办法\n第五条 许可证有效期为5年。有效期届满需要延续的，应当申请。\n"
            "第六条 本办法规定的登记证，有效期至2021年12月31日。\n第九条 本办法自2020年1月1日起施行。")
    _, facts = _rule(1, "上海市某某许可管理办法", text)
    assert facts.document_rule.effective == "2020-01-01" and facts.document_rule.expires is None


def test_a_rules_own_term_does_expire_it():
    text = "上海市某某试点办法\n第一条 为了试点，制定本办法。\n第九条 本办法自2020年1月1日起施行，有效期至2024年12月31日。"
    _, facts = _rule(1, "上海市某某试点办法", text)
    assert facts.document_rule.expires == "2024-12-31"
    text = "某某通知\n一、许可证有效期3年。\n自2021年3月1日起施行，有效期为5年。"
    _, facts = _rule(2, "上海市某某规定", text)
    assert (facts.document_rule.effective, facts.document_rule.expires) == ("2021-03-01", "2026-02-28")


def test_a_commencement_quoted_from_another_rule_is_not_the_documents():
    text = ("上海市某某实施细则\n第一条 根据《上海市某某条例》（自2019年1月1日起施行），制定本细则。\n"
            "第二条 本细则自2021年5月1日起施行。")
    _, facts = _rule(1, "上海市某某实施细则", text)
    assert facts.document_rule.effective == "2021-05-01"
    _, facts = _rule(2, "上海市某某实施细则", "上海市某某实施细则\n第一条 《上海市某某条例》自2019年1月1日起施行。")
    assert facts.document_rule.effective is None


DECISION = """上海市人民政府关于修改部分市政府规章的决定
（2024年4月2日上海市人民政府令第13号公布　自2024年5月15日起施行）
经研究，市人民政府决定，对下列市政府规章予以修改：
一、对下列政府规章的部分条款予以修改
（一）
1.将第一条修改为：
为了规范甲事项，保障甲方合法权益，制定本办法。
2.删去第三条。
（二）
1.将第二条修改为：
乙事项由市乙部门负责管理和监督。
2.删去第三条。
本决定自2024年5月15日起施行。"""
REPUBLISHED = ("（2010年5月1日上海市人民政府令第30号公布　根据2024年4月2日上海市人民政府令第13号修正）\n"
               "第一条 为了规范乙事项，制定本规定。\n第二条 乙事项由市乙部门负责管理和监督。\n"
               "第三条 本规定自2010年6月1日起施行。")


def test_a_tinote_links_a_republished_text_to_its_decision_and_its_own_part():
    decision = {"id": 7, "title": "上海市人民政府关于修改部分市政府规章的决定", "number": "上海市人民政府令第13号",
                "published": "2024-04-02", "url": "http://127.0.0.1/7.html", "text": DECISION}
    document = {"id": 3, "title": "上海市乙事项管理规定", "url": "http://127.0.0.1/3.html", "source": "s"}
    assert wanted(document, REPUBLISHED).decision_numbers == ["令第13号"]
    facts = read(document, 30, REPUBLISHED, Context(decisions=[decision], today="2024-04-10"))
    [event] = facts.events
    assert (event.kind, event.rule.name, event.payload["by"], event.payload["effective"]) == \
        ("amended", "上海市乙事项管理规定", decision["title"], "2024-05-15")
    # Part （二） is this rule's: its new 第二条 wording is in the republished text; part （一） is another
    # rule's, though both say 删去第三条。
    assert event.payload["changes"] == {"modified": 1, "added": 0, "deleted": 1, "renumbered": 0}
    assert event.payload["pending"] is True and event.version_id == 30
    [change] = facts.changes
    assert (change.status, change.since, change.by_document_id) == ("已被修改", "2024-05-15", 7)
    # A 令第13号 of another year is another decision.
    other_year = {**decision, "published": "2019-04-02"}
    assert read(document, 30, REPUBLISHED, Context(decisions=[other_year])).events == []
    # …and so is another issuer's 令第13号 of the same year.
    other_issuer = {**decision, "number": "国务院令第13号"}
    assert read(document, 30, REPUBLISHED, Context(decisions=[other_issuer])).events == []


def test_two_rules_under_one_ling_number_stay_apart_in_the_store(store):
    old = _save(store, "http://127.0.0.1/1992.html", "上海市保税区车辆出入管理办法", ORDER_1992,
                number="上海市人民政府令第12号", published="1992-02-29")
    new = _save(store, "http://127.0.0.1/2014.html", "上海市医患纠纷调解办法", ORDER_2014,
                number="上海市人民政府令第12号", published="2014-01-11")
    assert old["id"] != new["id"] and old["rule_id"] != new["rule_id"]
    repeal = ("上海市人民政府关于废止部分市政府规章的决定\n（2024年4月2日上海市人民政府令第13号公布　自2024年5月15日起施行）\n"
              "经研究，市人民政府决定，对下列政府规章予以废止：\n"
              "（一）上海市保税区车辆出入管理办法（1992年2月29日上海市人民政府令第12号发布）\n本决定自2024年5月15日起施行。")
    _save(store, "http://127.0.0.1/13.html", "上海市人民政府关于废止部分市政府规章的决定", repeal,
          number="上海市人民政府令第13号", published="2024-04-02")
    status = {r["name"]: r["status"] for r in store.rules(at="2025-01-01")}
    assert status == {"上海市保税区车辆出入管理办法": "已废止", "上海市医患纠纷调解办法": "现行有效"}


def test_a_decision_stored_first_is_linked_when_the_republished_text_arrives(store):
    _save(store, "http://127.0.0.1/b1.html", "上海市乙事项管理规定",
          "（2010年5月1日上海市人民政府令第30号公布）", number="上海市人民政府令第30号", published="2010-05-01")
    _save(store, "http://127.0.0.1/7.html", "上海市人民政府关于修改部分市政府规章的决定", DECISION,
          number="上海市人民政府令第13号", published="2024-04-02")
    document = _save(store, "http://127.0.0.1/b1.html", "上海市乙事项管理规定", REPUBLISHED,
                     number="上海市人民政府令第30号", published="2010-05-01")
    [event] = store.events(kind="amended")
    assert event["rule_id"] == document["rule_id"] and event["payload"]["changes"]["deleted"] == 1
    rule = store.rule_on(document["rule_id"], "2024-05-01")
    assert rule["status"] == "现行有效" and rule["pending"]["status"] == "尚未生效的修改"
    assert rule["pending"]["since"] == "2024-05-15"
    after = store.rule_on(document["rule_id"], "2024-05-15")
    assert after["status"] == "现行有效" and [a["since"] for a in after["amendments"]] == ["2024-05-15"]
    # Reading the same text again reports nothing twice.
    understand(store, store.document(document["id"]), None, REPUBLISHED)
    assert len(store.events(kind="amended")) == 1


def test_the_decision_links_rules_stored_before_it(store):
    document = _save(store, "http://127.0.0.1/b1.html", "上海市乙事项管理规定", REPUBLISHED,
                     number="上海市人民政府令第30号", published="2010-05-01")
    assert store.events(kind="amended") == []
    _save(store, "http://127.0.0.1/7.html", "上海市人民政府关于修改部分市政府规章的决定", DECISION,
          number="上海市人民政府令第13号", published="2024-04-02")
    [event] = store.events(kind="amended")
    assert event["document_id"] == document["id"] and event["payload"]["linked_by"] == "题注"
    assert dt.date.fromisoformat(event["payload"]["effective"]) == dt.date(2024, 5, 15)


def test_parts_headed_by_the_rules_name_without_quotes_amend_those_rules():
    named = DECISION.replace("（一）\n", "（一）上海市甲事项管理办法\n").replace("（二）\n", "（二）上海市乙事项管理规定\n")
    decision = {"id": 7, "title": "上海市人民政府关于修改部分市政府规章的决定", "url": "http://127.0.0.1/7.html",
                "source": "s", "number": "上海市人民政府令第13号", "published": "2024-04-02"}
    facts = read(decision, 70, named, Context(today="2024-06-01"))
    changes = {e.rule.name: e.payload["changes"] for e in facts.events if e.kind == "amended"}
    assert changes == {"上海市甲事项管理办法": {"modified": 1, "added": 0, "deleted": 1, "renumbered": 0},
                       "上海市乙事项管理规定": {"modified": 1, "added": 0, "deleted": 1, "renumbered": 0}}
    assert all("pending" not in e.payload for e in facts.events)     # in force by 2024-06-01
    assert {c.since for c in facts.changes} == {"2024-05-15"}


def test_a_tinote_line_quoting_a_decisions_title_names_it_in_its_year():
    note = headnote("2010年5月1日 上海市人民代表大会常务委员会第九次会议通过\n"
                    "2024年12月31日 上海市人民代表大会常务委员会第十八次会议"
                    "《关于修改〈上海市甲条例〉等2件地方性法规的决定》修正\n"
                    "第一条 为了甲，制定本条例。")
    [amendment] = note.amendments
    stored = {"title": "上海市人民代表大会常务委员会关于修改《上海市甲条例》等2件地方性法规的决定", "number": None,
              "published": "2024-12-31"}
    assert names_decision(amendment, stored)
    assert not names_decision(amendment, {**stored, "published": "2019-12-31"})
    assert not names_decision(amendment, {**stored, "title": "上海市人民代表大会常务委员会关于修改《上海市乙条例》的决定"})
