"""Repeals in their three forms, validity dates, and a rule's status on a date, on the seed gazettes."""
from __future__ import annotations

import datetime as dt

from diffs.validity import RuleFacts, extract_validity, find_repeals, headnote, order_number, parse_date, status_on

D = dt.date


def test_seed_001_order_68_repeals_the_migrant_family_planning_rule(order68):
    page = order68
    (repeal,) = find_repeals(page)
    assert repeal.name == "上海市流动人口计划生育工作规定"
    assert repeal.effective == D(2022, 6, 18) and repeal.form == "decision"
    assert repeal.number == "令第74号" and repeal.issued == D(2011, 12, 22)
    assert order_number(page) == "令第68号"


def test_simultaneous_repeal_inside_a_new_rule(seed3):
    clause = seed3[seed3.index("本办法自2023年4月1日起施行。2012年9月24日"):][:120]
    (repeal,) = find_repeals(clause)
    assert (repeal.name, repeal.number, repeal.effective, repeal.form) == (
        "上海市行政执法证管理办法", "令第88号", D(2023, 4, 1), "simultaneous")
    several = seed3[seed3.index("本细则自公布之日起施行。2001年10月29日"):][:300]
    assert [r.number for r in find_repeals(several)] == ["令第111号", "令第61号"]


def test_expiry_dates_in_seed_003(seed3):
    clause = seed3[seed3.index("本规定自2020年12月1日起施行，有效期至"):][:40]
    v = extract_validity(clause)
    assert v.effective == D(2020, 12, 1) and v.expires == D(2025, 11, 30)
    found = {extract_validity(l).expires for l in seed3.splitlines() if "有效期至" in l}
    assert {D(2025, 11, 30), D(2027, 2, 28), D(2029, 1, 31), D(2027, 10, 9), D(2030, 2, 28)} <= found


def test_dates_in_every_written_form():
    assert parse_date("2022 年 6 月 18 日") == D(2022, 6, 18)
    assert parse_date("二〇二四年五月十五日") == D(2024, 5, 15)
    assert parse_date("２０２５年１月８日") == D(2025, 1, 8)
    assert parse_date("2024年2月30日") is None
    v = extract_validity("某办法（试行）\n（2024年3月1日发布）\n本办法自公布之日起施行，有效期延长至2027年12月31日。")
    assert v.effective_on_publication and v.effective == D(2024, 3, 1) and v.trial
    assert v.extended_to == D(2027, 12, 31)
    assert extract_validity("某某暂行规定\n本规定自2019年1月1日起实施。").provisional


def test_status_on_a_date():
    rule = RuleFacts("某办法", effective=D(2020, 1, 1), expires=D(2025, 12, 31),
                     amended=[(D(2022, 5, 1), "修改决定")], repealed=(D(2026, 6, 1), "废止决定"))
    assert status_on(D(2019, 12, 31), rule).status == "尚未施行"
    assert status_on(D(2021, 1, 1), rule).status == "现行有效"
    assert status_on(D(2023, 1, 1), rule).to_dict() == {"status": "已被修改", "since": "2022-05-01", "by": "修改决定"}
    assert status_on(D(2026, 1, 1), rule).to_dict() == {"status": "已失效", "since": "2026-01-01", "by": "某办法"}
    assert status_on(D(2026, 6, 1), rule).to_dict() == {"status": "已废止", "since": "2026-06-01", "by": "废止决定"}
    extended = RuleFacts("某办法", effective=D(2020, 1, 1), expires=D(2025, 12, 31), extended_to=D(2027, 12, 31))
    assert status_on(D(2026, 1, 1), extended).status == "现行有效"


def test_term_in_years_gives_the_last_day():
    assert extract_validity("某办法\n本办法自2022年3月1日起施行，有效期为5年。").expires == D(2027, 2, 28)
    assert extract_validity("某办法\n本办法自2024年2月29日起施行，有效期两年。").expires == D(2026, 2, 28)


def test_a_term_is_the_documents_only_when_the_document_is_its_subject():
    permit = "某某管理办法\n第八条 许可证有效期为5年。\n第九条 本办法自2020年1月1日起施行。"
    assert extract_validity(permit).expires is None
    granted = "某某管理办法\n第八条 本办法规定的登记证，有效期至2021年6月30日。\n第九条 本办法自2020年1月1日起施行。"
    assert extract_validity(granted).expires is None
    before = "某某条例\n第五十条 本条例施行前取得的排放许可证，有效期届满前继续有效。\n第五十一条 本条例自2020年1月1日起施行。"
    assert extract_validity(before).expires is None
    own = "某某实施意见\n六、本意见自2021年1月1日起施行，有效期至2025年12月31日。"
    assert extract_validity(own).expires == D(2025, 12, 31)
    bare = "某某通知\n一、证书有效期3年。\n自2021年3月1日起施行，有效期为5年。"
    assert extract_validity(bare).expires == D(2026, 2, 28)
    extended = ("某某办法\n第十条 许可证有效期延长至2030年1月1日。\n"
                "第十一条 本办法自2020年1月1日起施行，有效期延长至2027年12月31日。")
    assert extract_validity(extended).extended_to == D(2027, 12, 31)


def test_the_commencement_is_the_documents_own_clause():
    quoted = ("某某实施细则\n第一条 《某某条例》自2019年1月1日起施行，为实施该条例，制定本细则。\n"
              "第二十条 本细则自2021年5月1日起施行。")
    assert extract_validity(quoted).effective == D(2021, 5, 1)
    assert extract_validity("某某实施细则\n第一条 《某某条例》自2019年1月1日起施行。").effective is None
    order = "上海市人民政府令\n第9号\n《某某办法》已经市政府常务会议通过，现予公布，自2023年4月1日起施行。"
    assert extract_validity(order).effective == D(2023, 4, 1)


def test_the_tinote_gives_the_rules_own_order_and_each_amendment():
    note = headnote("某某办法\n（2010年12月30日上海市人民政府令第57号公布　根据2017年7月13日上海市人民政府令第53号"
                    "第一次修正　根据2024年4月2日上海市人民政府令第13号第二次修正）\n第一条 甲。")
    assert (note.published, note.number) == (D(2010, 12, 30), "令第57号")
    assert [(a.date, a.number) for a in note.amendments] == [(D(2017, 7, 13), "令第53号"), (D(2024, 4, 2), "令第13号")]
    quoted = headnote("（1996年2月18日发布　根据2010年12月20日上海市人民政府令第52号公布的《上海市人民政府关于修改〈上海市某某"
                      "暂行规定〉等148件市政府规章的决定》修正并重新发布）")
    assert quoted.number is None and quoted.amendments[0].decision.startswith("上海市人民政府关于修改〈")
    assert headnote("第一条 本办法自2020年1月1日起施行。") is None
