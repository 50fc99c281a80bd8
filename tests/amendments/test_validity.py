"""Repeals in their three forms, validity dates, and a rule's status on a date, on the seed gazettes."""
from __future__ import annotations

import datetime as dt

from diffs.validity import RuleFacts, extract_validity, find_repeals, order_number, parse_date, status_on

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
