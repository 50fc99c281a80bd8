"""Consolidation on small laws: layout after inserts/deletes, pins, 之一, failures that keep the rest."""
from __future__ import annotations

import pytest

from diffs.amendments import apply, parse_decision
from diffs.amendments.parse import parse_ops
from diffs.amendments.report import consolidate
from diffs.errors import InputError
from diffs.structure import parse

LAW = """某市示范条例
第一章 总则
第一条 为了示范，制定本条例。
第二条 本条例适用于本市。
市人民政府负责实施。
第二章 管理
第三条 有关部门应当履行下列职责：
（一）制定规划；
（二）监督检查；
（三）其他职责。
第四条 违反本条例第三条规定的，依照本条例第五条处理。
第五条 区、县人民政府按照本条例第四条的规定处理。
第三章 附则
第六条 本条例自2020年1月1日起施行。
"""


def run(*lines: str):
    ops, problems = parse_ops(list(lines))
    assert problems == [], problems
    return apply(parse(LAW), ops)


def articles(result) -> list[str]:
    return [a.display_line() for a in result.document.articles()]


def test_delete_renumbers_and_rewrites_cross_references():
    result = run("删去第三条。")
    text = result.document.to_text()
    assert [a.label for a in result.document.articles()] == [f"第{n}条" for n in "一二三四五"]
    assert "第三条 违反本条例第三条规定的，依照本条例第四条处理。" in text     # old 4 -> 3; its ref to deleted 3 kept
    assert "第四条 区、县人民政府按照本条例第三条的规定处理。" in text
    assert result.failed == []


def test_insert_with_its_number_goes_in_its_slot_and_chapter():
    result = run("增加一条，作为第四条：", "区人民政府应当配合。")
    labels = articles(result)
    assert labels[3] == "第四条 区人民政府应当配合。"
    assert labels[4].startswith("第五条 违反本条例第三条规定的，依照本条例第六条处理。")
    chapter2 = result.document.root.children[1]
    assert [a.label for a in chapter2.children] == ["第三条", "第四条", "第五条", "第六条"]


def test_article_zhi_yi_keeps_everyone_else_in_place():
    result = run("在第三条后增加一条，作为第三条之一：“第三条之一　备案的规定。”")
    assert [a.label for a in result.document.articles()][2:5] == ["第三条", "第三条之一", "第四条"]
    assert "第三条之一 备案的规定。" in result.document.to_text()


def test_items_and_paragraphs_by_position():
    result = run("删去第三条第一项，增加一项作为第二项：", "（二）组织培训；", "第二条增加一款，作为第一款：",
                 "本条例所称示范，是指示范活动。")
    text = result.document.to_text()
    assert "（一）监督检查；\n（二）组织培训；\n（三）其他职责。" in text
    assert "第二条 本条例所称示范，是指示范活动。\n本条例适用于本市。\n市人民政府负责实施。" in text


def test_merge_split_rename_and_phrases():
    result = run("将条例中的“区、县”均修改为“区”。", "将第四条、第五条合并为一条，作为第四条，修改为：",
                 "违反本条例的，依法处理。", "将第二章的章名修改为“监督”。",
                 "将第二条第二款分为两款，作为第二款、第三款，修改为：", "市人民政府负责实施。", "区人民政府配合。",
                 "在第一条中的“示范”后增加“活动”。", "删去第六条中的“2020年”。")
    text = result.document.to_text()
    assert result.failed == []
    assert "第二章 监督" in text
    assert "第四条 违反本条例的，依法处理。\n第三章 附则\n第五条 本条例自1月1日起施行。" in text
    assert "第二条 本条例适用于本市。\n市人民政府负责实施。\n区人民政府配合。" in text
    assert "第一条 为了示范活动，制定本条例。" in text


def test_opening_and_end_of_a_paragraph():
    result = run("将第三条款首修改为：", "有关部门负责下列工作：", "在第一条款尾增加“并规范管理”。")
    text = result.document.to_text()
    assert "第三条 有关部门负责下列工作：\n（一）制定规划；" in text
    assert "第一条 为了示范，制定本条例；并规范管理。" in text


def test_drop_all_chapter_headings():
    result = run("删去所有章名。")
    assert "第一章" not in result.document.to_text()
    assert len(result.document.articles()) == 6


def test_unappliable_ops_are_reported_and_the_rest_still_apply():
    result = run("删去第九条。", "将第二条中的“不存在的词”修改为“新词”。", "删去第三条。", "将第三条修改为：", "重复的。")
    reasons = [why for _, why in result.failed]
    assert reasons[0] == "基础文本中没有第九条"
    assert "未找到“不存在的词”" in reasons[1]
    assert reasons[2] == "第三条已被删除"
    assert len(result.applied) == 1 and len(result.document.articles()) == 5


def test_decision_for_another_law_names_the_laws_it_amends(eval_cases):
    decision = ("国务院关于修改《某甲条例》的决定\n国务院决定对《某甲条例》作如下修改：\n删去第二条。\n"
                "本决定自2025年1月1日起施行。")
    with pytest.raises(InputError, match="某甲条例.*某市示范条例"):
        consolidate(decision, LAW)
    result = consolidate(decision, LAW, target="某甲条例")
    assert len(result.consolidation.document.articles()) == 5


def test_decision_with_the_laws_name_picks_its_part():
    text = ("某市人大常委会关于修改《某乙条例》等2件地方性法规的决定\n某市人大常委会决定：\n"
            "一、对《某乙条例》的修改\n删去第一条。\n"
            "二、对《某市示范条例》的修改\n删去第六条。\n本决定自2025年1月1日起施行。")
    decision = parse_decision(text)
    assert [p.target for p in decision.parts] == ["某乙条例", "某市示范条例"]
    result = consolidate(text, LAW)
    assert result.part.target == "某市示范条例" and len(result.consolidation.document.articles()) == 5


def test_inserted_chapter_brings_its_articles_and_pushes_the_rest_back():
    result = run("一、增加一章，作为第三章：“第三章　法律责任", "“第六条　违反本条例的，依法处理。", "“第七条　其他责任。”",
                 "二、将第三条第二项、第三项修改为：“（二）组织检查；", "“（三）其他工作。”")
    text = result.document.to_text()
    assert result.failed == []
    assert "第三章 法律责任\n第六条 违反本条例的，依法处理。\n第七条 其他责任。\n第四章 附则\n第八条 本条例自" in text
    assert "（一）制定规划；\n（二）组织检查；\n（三）其他工作。\n第四条" in text


def test_article_split_in_two_renumbers_what_follows():
    result = run("将第二条分为两条，作为第二条、第三条，修改为：", "本条例适用于本市。", "市人民政府负责实施本条例。")
    text = result.document.to_text()
    assert result.failed == []
    assert "第二条 本条例适用于本市。\n第三条 市人民政府负责实施本条例。\n第二章 管理\n第四条 有关部门" in text
    assert "第五条 违反本条例第四条规定的，依照本条例第六条处理。" in text


def test_paragraph_inserted_by_full_path_then_old_paragraph_moved_behind_it():
    result = run("二、增加一款，作为第二条第二款：", "各区人民政府配合实施。", "原第二款改为第三款，修改为：",
                 "市人民政府统一实施。")
    assert "第二条 本条例适用于本市。\n各区人民政府配合实施。\n市人民政府统一实施。\n第二章" in result.document.to_text()


def test_single_quotes_inside_a_quoted_phrase_stand_for_the_texts_double_quotes():
    ops, _ = parse_ops(["将第一条中的“‘一网通办’平台”修改为“政务服务平台”。"])
    result = apply(parse("某条例\n第一条 推行“一网通办”平台。\n第二条 其他。\n"), ops)
    assert result.failed == [] and "第一条 推行政务服务平台。" in result.document.to_text()


def test_npc_forms_two_articles_two_paragraphs_two_items_and_a_reference_the_decision_rewrites():
    result = run("四、将第二条改为两条，作为第二条、第三条，修改为：“第二条　本条例适用于本市。", "“市人民政府负责实施。”",
                 "“第三条　区人民政府配合。”",
                 "十、将第三条改为第四条，增加两款，作为第二款、第三款：“甲款。", "“乙款。”",
                 "（八）将第四条中的“第五条”修改为“第六条”。",
                 "三十一、将第三条增加两项，作为第二项、第四项：“（二）新二；", "“（四）新四；”")
    text = result.document.to_text()
    assert result.failed == []
    assert "第二条 本条例适用于本市。\n市人民政府负责实施。\n第三条 区人民政府配合。\n第二章" in text
    assert "（一）制定规划；\n（二）新二；\n（三）监督检查；\n（四）新四；\n（五）其他职责。\n甲款。\n乙款。\n第五条" in text
    # 本条例第三条 follows the renumbering; the decision's own “第六条” is already in the new numbering
    assert "第五条 违反本条例第四条规定的，依照本条例第六条处理。" in text
    assert "第六条 区、县人民政府按照本条例第五条的规定处理。" in text


def test_base_articles_zhi_yi_move_with_their_article():
    law = "某条例\n第一条 甲。\n第二条 乙。\n第三条 丙。\n第三条之一 依照本条例第三条之一和第四条处理。\n第四条 丁。\n"
    ops, _ = parse_ops(["删去第二条。"])
    result = apply(parse(law), ops)
    assert [a.label for a in result.document.articles()] == ["第一条", "第二条", "第二条之一", "第三条"]
    assert "第二条之一 依照本条例第二条之一和第三条处理。" in result.document.to_text()
