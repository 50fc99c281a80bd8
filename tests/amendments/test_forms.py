"""Drafting forms of 修改决定 and 修正案, each on a small law invented for the test."""
from __future__ import annotations

from diffs.amendments import apply, parse_decision
from diffs.amendments.parse import parse_ops
from diffs.model import Loc, cn_path_label
from diffs.structure import parse

LAW = """某省河道管理条例
第一条 为了加强河道管理，制定本条例。
第二条 本条例适用于本省行政区域内的河道。
县级以上人民政府水行政主管部门负责河道管理。
第三条 河道管理单位应当履行下列职责：
（一）巡查河道；
（二）清理障碍物。
第四条 禁止在河道内弃置垃圾。违反者由水行政主管部门处理。
禁止在河道内堆放物料，影响行洪的，依法处理。
第五条 农业、林业部门按照职责做好相关工作。
第六条 违反本条例第四条规定的，依照本条例第七条处理。
第七条 本条例自2020年1月1日起施行。
"""


def run(*lines: str):
    ops, problems = parse_ops(list(lines))
    assert problems == [], problems
    result = apply(parse(LAW), ops)
    assert result.failed == [], [(op.describe(), why) for op, why in result.failed]
    return result


def article(result, n: int) -> str:
    return next(a.display_line() for a in result.document.articles() if a.num == n and not a.sub)


# -- quotations (GB/T 15834) ---------------------------------------------------------------------

def test_straight_double_and_single_quotes_read_as_quotation_marks():
    for line in ('将第四条中的"垃圾"修改为"废弃物"。', "将第四条中的'垃圾'修改为'废弃物'。"):
        assert article(run(line), 4).startswith("第四条 禁止在河道内弃置废弃物。")


def test_nested_single_quotes_become_the_laws_double_quotes():
    result = run("将第一条修改为：“为了加强‘河长制’下的河道管理，制定本条例。”")
    assert article(result, 1) == "第一条 为了加强“河长制”下的河道管理，制定本条例。"


def test_quotation_over_paragraphs_each_opening_and_only_the_last_closing():
    result = run("将第二条修改为：", "“第二条 本条例适用于本省的河道和湖泊。", "“县级以上人民政府负责。”")
    assert article(result, 2) == "第二条 本条例适用于本省的河道和湖泊。\n县级以上人民政府负责。"


def test_article_label_alone_on_its_line_inside_the_quotation():
    result = run("将第一条修改为：“第一条", "为了保护河道，制定本条例。”")
    assert article(result, 1) == "第一条 为了保护河道，制定本条例。"


# -- parts of a multi-law decision ---------------------------------------------------------------

def test_parts_headed_zuochu_xiugai_with_or_without_colon_stay_with_their_law():
    text = ("关于修改《某省河道管理条例》等两件地方性法规的决定\n某省人民代表大会常务委员会决定：\n"
            "一、对《某省河道管理条例》作出修改\n删去第七条。\n"
            "二、对《某省湖泊保护条例》作如下修改：\n删去第三条。\n本决定自公布之日起施行。\n")
    decision = parse_decision(text)
    assert [p.target for p in decision.parts] == ["某省河道管理条例", "某省湖泊保护条例"]
    assert [op.target for op in decision.part("某省河道管理条例").ops] == ["条7"]
    assert [op.target for op in decision.part("某省湖泊保护条例").ops] == ["条3"]


# -- scope ---------------------------------------------------------------------------------------

def test_qizhong_refers_to_the_old_article_named_last():
    result = run("将第四条改为第二条，其中的“垃圾”修改为“废弃物”。")
    assert article(result, 2).startswith("第二条 禁止在河道内弃置废弃物。")
    assert "垃圾" not in result.document.to_text()


def test_related_provisions_with_no_list_means_everywhere():
    result = run("将相关条文中的“水行政主管部门”修改为“水务部门”。")
    assert result.document.to_text().count("水务部门") == 2


def test_phrase_without_place_inside_a_numbered_item_stays_in_that_items_article():
    result = run("1.将第二条第二款修改为：“县级以上人民政府水行政主管部门负责河道的管理。”",
                 "2.将第四条第二款修改为：“禁止在河道内堆放物料。”“水行政主管部门”修改为“河道主管部门”。")
    assert "水行政主管部门负责河道的管理" in article(result, 2)
    assert article(result, 4) == "第四条 禁止在河道内弃置垃圾。违反者由河道主管部门处理。\n禁止在河道内堆放物料。"


# -- ordinal lists, pairing, moving paragraphs ---------------------------------------------------

def test_abbreviated_ordinal_list():
    ops, problems = parse_ops(["删去第三条第一、二项。"])
    assert problems == [] and [op.target for op in ops] == ["条3/项1", "条3/项2"]


def test_fenbie_pairs_places_element_by_element():
    ops, problems = parse_ops(["将第五条、第六条分别改为第六条、第五条。"])
    assert problems == [] and [(op.target, op.new_path) for op in ops] == [("条5", "条6"), ("条6", "条5")]
    result = apply(parse(LAW), ops)
    assert article(result, 5).startswith("第五条 违反本条例第四条规定的，依照本条例第七条处理。")


def test_paragraph_moved_out_becomes_an_article_and_later_articles_shift():
    result = run("将第二条第二款单列一条，作为第三条。")
    assert article(result, 2) == "第二条 本条例适用于本省行政区域内的河道。"
    assert article(result, 3) == "第三条 县级以上人民政府水行政主管部门负责河道管理。"
    assert article(result, 8) == "第八条 本条例自2020年1月1日起施行。"


def test_unread_place_is_refused_never_widened():
    ops, problems = parse_ops(["删去第二条第二款第三目。"])
    assert ops == [] and problems


# -- 修正案 forms --------------------------------------------------------------------------------

def test_article_zhi_yi_after_an_article():
    result = run("在第四条后增加一条，作为第四条之一：“第四条之一 禁止在河道内采砂。”")
    labels = [a.label for a in result.document.articles()]
    assert labels[3:6] == ["第四条", "第四条之一", "第五条"]


def test_paragraph_added_then_whole_article_restated():
    result = run("在第一条中增加一款作为第二款，将该条修改为：“第一条 为了加强河道管理，制定本条例。",
                 "“本条例所称河道包括湖泊。”")
    assert article(result, 1) == "第一条 为了加强河道管理，制定本条例。\n本条例所称河道包括湖泊。"


# -- finer places --------------------------------------------------------------------------------

def test_nth_sentence_deleted_and_replaced():
    assert article(run("删去第四条第一款第二句。"), 4).startswith("第四条 禁止在河道内弃置垃圾。\n")
    result = run("将第四条第一款第二句修改为“违反者由河道主管部门处理”。")
    assert article(result, 4).startswith("第四条 禁止在河道内弃置垃圾。违反者由河道主管部门处理。\n")


def test_item_added_after_the_last_turns_its_full_stop_into_a_semicolon():
    result = run("在第三条中增加一项，作为第三项：“（三）报告险情。”")
    assert "（二）清理障碍物；\n（三）报告险情。" in article(result, 3)


# -- punctuation conventions ---------------------------------------------------------------------

def test_inserted_list_member_gets_the_list_separator():
    assert "农业、林业、水利部门" in article(run("在第五条中的“林业”后增加“水利”。"), 5)
    assert "农业、林业、水利部门" in article(run("在第五条中的“部门”前增加“、水利”。"), 5)


def test_inserted_adverbial_of_authority_is_set_off_by_a_comma():
    result = run("在第五条中的“部门”后增加“按照国家有关规定”。")
    assert "农业、林业部门按照国家有关规定，按照职责做好相关工作。" in article(result, 5)


def test_deleted_sentence_takes_its_stop_and_deleted_clause_its_comma():
    assert article(run("删去第四条第一款中的“违反者由水行政主管部门处理”。"), 4).startswith(
        "第四条 禁止在河道内弃置垃圾。\n")
    assert "禁止在河道内堆放物料，依法处理。" in article(run("删去第四条第二款中的“影响行洪的”。"), 4)


def test_deleted_connecting_words_leave_a_list_separator():
    law = LAW.replace("农业、林业部门", "农业部门或者林业部门及水利部门")
    ops, _ = parse_ops(["删去第五条中的“或者林业部门及”。"])
    text = apply(parse(law), ops).document.to_text()
    assert "农业部门、水利部门按照职责" in text


# -- the typed location --------------------------------------------------------------------------

def test_location_round_trips_as_a_path_and_reads_in_chinese():
    loc = Loc.parse("条12之1/款2/项3")
    assert str(loc) == "条12之1/款2/项3" and (loc.kind, loc.num, loc.parent.kind) == ("项", 3, "款")
    assert loc.steps[0].sub == 1 and cn_path_label("条12之1/款2/项3") == "第十二条之一第二款第三项"
    assert str(Loc.parse("条4/款1").child("句", 2)) == "条4/款1/句2"
