"""The discrepancy report's categories, and the one cross-reference rule of apply and compare."""
from __future__ import annotations

from diffs import compare
from diffs.amendments import apply, check
from diffs.amendments.check import unapplied_articles
from diffs.amendments.parse import parse_ops
from diffs.crossrefs import renumber_articles, renumber_paragraphs
from diffs.structure import parse

LAW = """某市停车管理办法
第一条 为了规范停车管理，制定本办法。
第二条 本办法适用于本市。
第三条 停车场经营者应当遵守《某市价格条例》第五条和本办法第四条的规定。
第四条 违反第二条、第三条规定的，由交通部门处理；刑法第二条另有规定的，从其规定。
第五条 本办法自2020年1月1日起施行。
"""


def categories(consolidated: str, published: str, **kw) -> dict[str, str]:
    return {d.label: d.category for d in check(parse(consolidated), parse(published), **kw)}


def test_convention_punctuation_is_expected_not_a_deviation():
    ours = "某法\n第一条 依照《甲法》、《乙法》制定。\n第二条 下列事项：\n（一）甲；\n（二）乙；\n"
    theirs = "某法\n第一条 依照《甲法》《乙法》制定。\n第二条 下列事项：\n（一）甲；\n（二）乙。\n"
    assert categories(ours, theirs) == {"第一条": "convention", "第二条": "convention"}


def test_annotation_marks_and_heading_noise_are_named_as_such():
    ours = "某法\n第一条 为了规范管理，制定本法。\n第二条 本法适用于全国。第二章 管理\n"
    theirs = "某法\n第一条 为了规范管理，制定本法。[1]\n第二章 管理\n第二条 本法适用于全国。\n"
    assert categories(ours, theirs) == {"第一条": "annotation", "第二条": "old_text_noise"}


def test_an_article_named_by_a_failed_or_unread_instruction_is_not_applied_in_the_new_numbering():
    ops, problems = parse_ops(["删去第一条。", "将第三条中的“不存在的词”修改为“新词”。", "将第四条第三句修改为“甲”。"])
    assert problems == []
    result = apply(parse(LAW), ops)
    assert {op.target for op, _ in result.failed} == {"条3", "条4/句3"}
    labels = unapplied_articles(result)
    assert labels == {"第二条", "第三条"}          # old 3 and 4 are now 2 and 3
    theirs = parse(result.document.to_text().replace("停车场经营者", "经营者"))
    report = check(result.document, theirs, ops, labels)
    assert [(d.label, d.category) for d in report] == [("第二条", "not_applied")]


def test_own_references_follow_the_renumbering_other_laws_do_not():
    result = apply(parse(LAW), parse_ops(["删去第一条。"])[0])
    third, fourth = [a.display_line() for a in result.document.articles()][1:3]
    assert third == "第二条 停车场经营者应当遵守《某市价格条例》第五条和本办法第三条的规定。"
    assert fourth == "第三条 违反第一条、第二条规定的，由交通部门处理；刑法第二条另有规定的，从其规定。"


def test_paragraph_references_inside_the_article_follow_an_inserted_paragraph():
    law = "某法\n第一条 甲。\n乙。\n丙。\n第二条 违反本条第二款规定的，依照本条第三款处理。\n丁。\n戊。\n"
    ops, _ = parse_ops(["增加一款，作为第二条第二款：“新增一款。”"])
    text = apply(parse(law), ops).document.to_text()
    assert "违反本条第三款规定的，依照本条第四款处理。" in text
    assert renumber_paragraphs("本条第二款和前款", {2: 3}) == "本条第三款和前款"


def test_one_rule_for_apply_and_compare():
    text, changes = renumber_articles("依照本法第十条、第十二条和《乙法》第十条，以及民法典第十条。",
                                      lambda num, sub: {10: "第九条", 12: "第十一条"}.get(num))
    assert text == "依照本法第九条、第十一条和《乙法》第十条，以及民法典第十条。"
    assert changes == [("第十条", "第九条"), ("第十二条", "第十一条")]
    old = "某法\n第一条 甲。\n第二条 乙。\n第三条 依照第二条办理。\n"
    new = "某法\n第一条 乙。\n第二条 依照第一条办理。\n"
    pair = next(p for p in compare(old, new).pairs if p.old_label == "第三条")
    assert pair.note and "第二条→第一条" in pair.note
