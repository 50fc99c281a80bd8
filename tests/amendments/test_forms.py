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
    assert "农业、水利、林业部门" in article(run("在第五条中的“农业”后增加“水利”。"), 5)
    assert "农业、水利、林业部门" in article(run("在第五条中的“林业”前增加“水利”。"), 5)
    assert "农业、林业、水利部门" in article(run("在第五条中的“部门”前增加“、水利”。"), 5)
    assert "农业、林业主管部门" in article(run("在第五条中的“林业”后增加“主管”。"), 5)


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


def test_judicial_interpretation_decision_with_a_heading_per_document():
    text = ("最高人民法院关于修改《最高人民法院关于审理河道纠纷案件适用法律若干问题的解释》等二件司法解释的决定\n"
            "（2020年12月23日最高人民法院审判委员会第1823次会议通过，自2021年1月1日起施行）\n"
            "最高人民法院审判委员会第1823次会议决定，对《最高人民法院关于审理河道纠纷案件适用法律若干问题的解释》"
            "等二件司法解释作如下修改：\n"
            "一、修改《最高人民法院关于审理河道纠纷案件适用法律若干问题的解释》\n"
            "1.将第一条修改为：“人民法院审理河道纠纷案件，适用民法典。”\n2.删除第三条。\n"
            "二、修改《最高人民法院关于审理湖泊纠纷案件的规定》\n1.将第二条中的“合同法”修改为“民法典”。\n"
            "本决定自2021年1月1日起施行。\n")
    decision = parse_decision(text)
    assert [p.target for p in decision.parts] == ["最高人民法院关于审理河道纠纷案件适用法律若干问题的解释",
                                                  "最高人民法院关于审理湖泊纠纷案件的规定"]
    assert [op.action for op in decision.parts[0].ops] == ["replace", "delete"]
    assert [op.phrase for op in decision.parts[1].ops] == ["合同法"]


def test_amendment_bill_names_its_law_in_its_title():
    text = ("中华人民共和国刑法修正案（二十）\n一、在刑法第三条后增加一条，作为第三条之一：“有下列情形之一的，处罚金：\n"
            "“（一）侵占河道的；\n“（二）弃置垃圾的。”\n二、本修正案自2021年3月1日起施行。\n")
    decision = parse_decision(text)
    op = decision.part("中华人民共和国刑法").ops[0]
    assert (op.action, op.target) == ("insert", "条3之1")
    assert op.text == "有下列情形之一的，处罚金：\n（一）侵占河道的；\n（二）弃置垃圾的。"


def test_a_part_is_never_given_to_a_law_whose_name_merely_contains_it():
    text = ("国务院关于修改《河道管理条例》的决定\n国务院决定对《河道管理条例》作如下修改：\n删去第二条。\n"
            "本决定自公布之日起施行。\n")
    decision = parse_decision(text)
    assert decision.part("上海市河道管理条例") is decision.parts[0]
    assert decision.part("河道管理条例实施细则") is None


def test_dates_of_repealed_rules_in_an_annex_are_not_the_decisions_own():
    text = ("国务院关于修改和废止部分行政法规的决定\n国务院决定：\n一、对1部行政法规的部分条款予以修改。（附件1）\n"
            "二、对1部行政法规予以废止。（附件2）\n本决定自2024年5月1日起施行。\n附件：1.国务院决定修改的行政法规\n"
            "2.国务院决定废止的行政法规\n附件1\n国务院决定修改的行政法规\n一、将《河道管理条例》第五条修改为：“河道实行统一管理。”\n"
            "附件2\n国务院决定废止的行政法规\n1.水库管理办法（1990年1月1日国务院令第1号发布）\n")
    decision = parse_decision(text)
    assert str(decision.effective) == "2024-05-01" and decision.number is None
    assert decision.part("河道管理条例").ops[0].target == "条5"


# -- structure -----------------------------------------------------------------------------------

CODE = """某法
第一编 总则
第一章 一般规定
第一条 甲。
第二条 乙。
第二章 管理
第三条 丙。
第二编 分则
第三章 罚则
第四条 丁。
第五条 戊。
己。
"""


def code(*lines: str):
    ops, problems = parse_ops(list(lines))
    assert problems == [], problems
    result = apply(parse(CODE), ops)
    assert result.failed == [], [(op.describe(), why) for op, why in result.failed]
    return result.document.to_text().splitlines()[1:]


def test_chapters_numbered_straight_through_the_parts_stay_so():
    assert code("删去第二章。") == ["第一编 总则", "第一章 一般规定", "第一条 甲。", "第二条 乙。", "第二编 分则",
                                 "第二章 罚则", "第三条 丁。", "第四条 戊。", "己。"]


def test_chapters_restarting_in_each_part_stay_so():
    law = CODE.replace("第三章 罚则", "第一章 罚则")
    ops, _ = parse_ops(["删去第二章。"])
    lines = apply(parse(law), ops).document.to_text().splitlines()
    assert "第一章 罚则" in lines and "第二章 罚则" not in lines


def test_new_chapter_with_its_articles_goes_where_its_number_says():
    lines = code("增加一章，作为第三章“监督”，内容如下：", "“第三章 监督", "“第四条 监督甲。”")
    assert lines[5:11] == ["第三条 丙。", "第三章 监督", "第四条 监督甲。", "第二编 分则", "第四章 罚则", "第五条 丁。"]


def test_chapter_folded_into_another():
    assert code("将第二章并入第一章。")[:6] == ["第一编 总则", "第一章 一般规定", "第一条 甲。", "第二条 乙。", "第三条 丙。",
                                        "第二编 分则"]


def test_article_placed_by_chapter_and_number():
    assert code("增加一条，作为第三章第四条：“第四条 新。”")[7:10] == ["第三章 罚则", "第四条 新。", "第五条 丁。"]


def test_paragraphs_merged_within_an_article_and_an_article_folded_into_another():
    assert code("将第五条第一款和第二款合并为一款。")[-1] == "第五条 戊。己。"
    assert code("将第五条并入第四条。")[-3:] == ["第四条 丁。", "戊。", "己。"]


def test_natural_paragraph_is_the_paragraph_of_that_rank():
    assert code("删去第五条第二自然段。")[-1] == "第五条 戊。"


def test_a_new_section_without_its_articles_is_reported_not_guessed():
    ops, _ = parse_ops(["增加一节，作为第一章第一节：“第一节 通则”"])
    result = apply(parse(CODE), ops)
    assert len(result.failed) == 1 and result.document.to_text() == parse(CODE).to_text()


def test_paragraphs_of_several_articles_merged_into_a_new_article():
    ops, problems = parse_ops(["将第四条第一款、第五条第二款合并为一条，作为第五条。"])
    assert problems == [] and ops[0].sources == ["条4/款1", "条5/款2"]
    lines = apply(parse(CODE), ops).document.to_text().splitlines()[1:]
    # 第四条 is emptied and goes; 第五条 keeps 戊 and moves up; the new article takes the last place.
    assert lines[-3:] == ["第四条 戊。", "第五条 丁。", "己。"]


def test_item_added_after_or_before_an_item_takes_the_next_place():
    after = article(run("在第三条第二项后增加一项：“（三）报告险情。”"), 3)
    assert "（一）巡查河道；\n（二）清理障碍物；\n（三）报告险情。" in after
    assert "职责：\n（一）报告险情；\n（二）巡查河道；" in article(run("在第三条第一项前增加一项：“报告险情；”"), 3)


def test_article_rewritten_as_two_articles():
    result = run("将第一条修改为两条，作为第一条、第二条：", "“第一条 为了保护河道，制定本条例。", "“第二条 河道实行统一管理。”")
    assert [a.display_line() for a in result.document.articles()][:3] == [
        "第一条 为了保护河道，制定本条例。", "第二条 河道实行统一管理。", "第三条 本条例适用于本省行政区域内的河道。\n"
        "县级以上人民政府水行政主管部门负责河道管理。"]


def test_phrase_of_a_paragraph_written_with_de_instead_of_zhongde():
    assert article(run("将第四条第一款的“垃圾”修改为“废弃物”。"), 4).startswith("第四条 禁止在河道内弃置废弃物。")


def test_adverbial_before_a_short_verb_is_not_set_off():
    law = LAW.replace("按照职责做好相关工作", "应当办理")
    ops, _ = parse_ops(["在第五条中的“应当”后增加“按照国家有关规定”。"])
    assert "应当按照国家有关规定办理。" in apply(parse(law), ops).document.to_text()


def test_paragraphs_moved_into_a_new_article_one_after_another():
    law = LAW.replace("禁止在河道内堆放物料，影响行洪的，依法处理。", "禁止在河道内堆放物料。\n禁止在河道内采砂。")
    ops, problems = parse_ops(["将第四条第二款、第三款分别改为第五条第一款、第二款。"])
    assert problems == [] and [op.new_path for op in ops] == ["条5/款1", "条5/款2"]
    result = apply(parse(law), ops)
    assert result.failed == []
    texts = [a.display_line() for a in result.document.articles()]
    assert texts[3:6] == ["第四条 禁止在河道内弃置垃圾。违反者由水行政主管部门处理。",
                          "第五条 禁止在河道内堆放物料。\n禁止在河道内采砂。", "第六条 农业、林业部门按照职责做好相关工作。"]


def test_paragraph_moved_into_an_existing_article_is_reported_not_guessed():
    ops, _ = parse_ops(["将第四条第二款改为第五条第二款。"])
    result = apply(parse(LAW), ops)
    assert len(result.failed) == 1 and "新设" in result.failed[0][1]


def test_listed_and_related_provisions_mean_everywhere():
    result = run("将第二条等相关条文中的“水行政主管部门”修改为“水务部门”。")
    assert result.document.to_text().count("水务部门") == 2


def test_preamble_of_a_judicial_interpretation():
    law = ("最高人民法院关于审理河道纠纷案件的解释\n为正确审理河道纠纷案件，根据《中华人民共和国合同法》的规定，制定本解释。\n"
           "第一条 甲。\n第二条 乙。\n")
    ops, problems = parse_ops(["1.将引言中的“《中华人民共和国合同法》”修改为“《中华人民共和国民法典》”。",
                               "2.将第一条修改为：“人民法院依法审理。”"])
    assert problems == []
    result = apply(parse(law), ops)
    assert result.failed == []
    assert result.document.to_text().splitlines()[1:3] == [
        "为正确审理河道纠纷案件，根据《中华人民共和国民法典》的规定，制定本解释。", "第一条 人民法院依法审理。"]


def test_deleting_the_last_item_closes_the_list_with_a_full_stop():
    assert article(run("删去第三条第二项。"), 3) == "第三条 河道管理单位应当履行下列职责：\n（一）巡查河道。"


def test_a_base_titled_with_its_edition_finds_its_part():
    text = ("国务院关于修改《河道管理条例》的决定\n国务院决定对《河道管理条例》作如下修改：\n删去第二条。\n"
            "本决定自公布之日起施行。\n")
    assert parse_decision(text).part("河道管理条例（2017年修订）") is not None


def test_adjacent_quotations_are_successive_items():
    result = run("在第三条中增加三项，作为第三项、第四项、第五项：“（三）报告险情；”“（四）协助执法；”“（五）宣传。”")
    assert article(result, 3).endswith("（二）清理障碍物；\n（三）报告险情；\n（四）协助执法；\n（五）宣传。")


def test_fenbie_rewrites_each_place_with_its_own_wording():
    result = run("将第一条、第七条分别修改为：“第一条 为了保护河道，制定本条例。”“第七条 本条例自2025年1月1日起施行。”")
    assert article(result, 1) == "第一条 为了保护河道，制定本条例。"
    assert article(result, 7) == "第七条 本条例自2025年1月1日起施行。"


def test_new_section_with_its_articles_among_the_sections_of_its_chapter():
    law = CODE.replace("第三章 罚则\n", "第三章 罚则\n第一节 一般\n").replace("第五条 戊。", "第二节 特别\n第五条 戊。")
    ops, problems = parse_ops(["增加一节，作为第三章第二节：“第二节 加重", "“第五条 新。”"])
    assert problems == []
    result = apply(parse(law), ops)
    assert result.failed == []
    lines = result.document.to_text().splitlines()
    assert lines[-7:] == ["第一节 一般", "第四条 丁。", "第二节 加重", "第五条 新。", "第三节 特别", "第六条 戊。", "己。"]


# -- forms of judicial-interpretation decisions and early 修正案 ---------------------------------

def test_quotation_over_paragraphs_opening_only_the_first():
    """Many publishers open only the first paragraph of a quotation; items and paragraphs run on."""
    result = run("1.将第三条修改为：", "“河道管理单位应当履行下列职责：", "（一）巡查河道；", "（二）清理障碍物；",
                 "（三）报告险情。", "河道管理单位可以聘请巡河员。”", "2.删去第五条。")
    assert article(result, 3) == ("第三条 河道管理单位应当履行下列职责：\n（一）巡查河道；\n（二）清理障碍物；\n"
                                  "（三）报告险情。\n河道管理单位可以聘请巡河员。")
    assert len(result.document.articles()) == 6


def test_a_quotation_whose_close_mark_was_lost_ends_at_the_next_numbered_instruction():
    result = run("一、将第二条修改为：“本条例适用于本省的河道。", "“县级以上人民政府负责河道管理。",
                 "二、删去第五条。")
    assert article(result, 2) == "第二条 本条例适用于本省的河道。\n县级以上人民政府负责河道管理。"
    assert len(result.document.articles()) == 6


def test_a_quote_left_open_in_one_line_is_still_reported():
    ops, problems = parse_ops(["1.将第四条中的“垃圾修改为", "2.删去第五条。"])
    assert [op.target for op in ops] == ["条5"]
    assert any("引号未闭合" in p.reason for p in problems)


def test_article_added_after_another_without_zai():
    """修正案 drafting: 第X条后增加一条，作为第X条之一 with no 在 before the place."""
    for line in ("一、第四条后增加一条，作为第四条之一：“禁止在河道内采砂。”",
                 "二、条例第四条后增加一条，作为第四条之一：“禁止在河道内采砂。”"):
        result = run(line)
        added = [a.display_line() for a in result.document.articles() if a.num == 4 and a.sub == 1]
        assert added == ["第四条之一 禁止在河道内采砂。"], line


def test_purpose_clause_before_the_only_instruction_of_an_amendment_bill():
    decision = parse_decision("某省河道管理条例修正案\n为了保护河道资源，将条例第四条修改为：\n"
                              "“禁止在河道内弃置垃圾、堆放物料。”\n本修正案自公布之日起施行。")
    assert [(op.action, op.target) for p in decision.parts for op in p.ops] == [("replace", "条4")]


def test_article_moved_to_a_new_number_with_xiugaiwei_and_given_new_wording():
    """将第二条修改为第六条：“…” moves the article and rewrites it; 将第五条修改为第七条。 only moves it."""
    result = run("一、增加一条作为第二条：“河道实行分级管理。”",
                 "二、将第二条修改为第六条：“本条例适用于本省的河道和湖泊。”",
                 "三、将第三条修改为第三条。")
    lines = [a.display_line().split("\n")[0] for a in result.document.articles()]
    assert lines[1] == "第二条 河道实行分级管理。"
    assert "第六条 本条例适用于本省的河道和湖泊。" in lines


def test_abbreviated_name_of_the_interpretation_and_its_new_numbering():
    decision = parse_decision(
        "最高人民法院关于修改《最高人民法院关于审理河道纠纷案件的解释》的决定\n"
        "最高人民法院审判委员会决定，对《最高人民法院关于审理河道纠纷案件的解释》（以下简称《解释》）作如下修改：\n"
        "一、删去第一条。\n二、将《解释》原第三条改为修改后《解释》第二条，修改为：“河道纠纷由河道所在地法院管辖。”\n"
        "三、将《解释》的条文顺序作相应调整：“第四条”调整为“第三条”，“第五条”调整为“第四条”。\n"
        "本决定自2030年1月1日起施行。")
    assert len(decision.parts) == 1 and decision.parts[0].problems == []
    ops = [(op.action, op.target, op.new_path) for op in decision.parts[0].ops]
    assert ops == [("delete", "条1", None), ("renumber", "条3", "条2"), ("replace", "条3", None),
                   ("renumber", "条4", "条3"), ("renumber", "条5", "条4")]


def test_opening_part_added_with_guiding_and_phrase_deleted_at_the_end():
    result = run("一、第二条第二款开始部分增加规定：“河道管理实行属地负责，”",
                 "二、删去第四条第一款末尾的“违反者由水行政主管部门处理。”和第二款规定的“，影响行洪的，依法处理”，"
                 "并将第二款中的“物料”修改为“建筑材料”。",
                 "三、第三条条首部分修改为：“河道管理单位履行下列职责”；并增加一项作为第三项规定：“（三）报告险情。”")
    assert article(result, 2).endswith("河道管理实行属地负责，县级以上人民政府水行政主管部门负责河道管理。")
    assert article(result, 4) == "第四条 禁止在河道内弃置垃圾。\n禁止在河道内堆放建筑材料。"
    assert article(result, 3).startswith("第三条 河道管理单位履行下列职责：")
    assert article(result, 3).endswith("（二）清理障碍物；\n（三）报告险情。")


INTERPRETATION = """最高人民法院关于审理河道纠纷案件适用法律问题的解释
为正确审理河道纠纷案件，制定本解释。
一、河道纠纷的认定
第一条 因河道占用发生的纠纷，属于河道纠纷。
第二条 河道管理单位可以作为原告。
二、责任承担
第三条 占用河道造成损失的，应当赔偿。
第四条 本解释自2030年1月1日起施行。
"""


def test_parts_of_an_interpretation_are_headings_not_text_of_the_article_before():
    doc = parse(INTERPRETATION)
    assert [a.display_line() for a in doc.articles()][1] == "第二条 河道管理单位可以作为原告。"
    assert parse(doc.to_text()).to_text() == doc.to_text() == INTERPRETATION


def test_an_article_rewritten_or_deleted_before_a_part_heading_leaves_the_heading():
    ops, problems = parse_ops(["一、将第二条修改为：“河道管理单位可以作为原告或者第三人。”",
                               "二、将第二部分标题修改为：“二、赔偿责任”。", "三、删去第一条。"])
    assert problems == []
    result = apply(parse(INTERPRETATION), ops)
    assert result.failed == []
    assert result.document.to_text().splitlines()[2:] == [
        "一、河道纠纷的认定", "第一条 河道管理单位可以作为原告或者第三人。", "二、赔偿责任",
        "第二条 占用河道造成损失的，应当赔偿。", "第三条 本解释自2030年1月1日起施行。"]


def test_paragraph_added_after_one_moved_out_belongs_to_the_article_it_made():
    """改为第五条第一款，增加一款作为第二款: the new 款 is the made article's, not the old article's."""
    result = run("将第四条第二款改为第五条第一款，增加一款作为第二款：“违反前款规定的，依法处理。”")
    assert article(result, 4) == "第四条 禁止在河道内弃置垃圾。违反者由水行政主管部门处理。"
    assert article(result, 5) == "第五条 禁止在河道内堆放物料，影响行洪的，依法处理。\n违反前款规定的，依法处理。"
    # Another article named afterwards takes its own paragraphs again.
    result = run("将第四条第二款改为第五条第一款；在第二条中增加一款作为第三款：“乡镇人民政府配合。”")
    assert article(result, 2).endswith("负责河道管理。\n乡镇人民政府配合。")


# -- forms met in real local decisions and 司法解释 (texts invented for the test) ------------------

def test_a_paragraph_and_a_whole_article_merged_with_yu_into_a_new_article():
    result = run("一、将第四条第二款与第五条合并，作为第五条：“禁止在河道内堆放物料。", "“农业、林业部门做好相关工作。”")
    assert article(result, 4) == "第四条 禁止在河道内弃置垃圾。违反者由水行政主管部门处理。"
    assert article(result, 5) == "第五条 禁止在河道内堆放物料。\n农业、林业部门做好相关工作。"
    assert len(result.document.articles()) == 7         # old 第五条 went into the new one, nothing else moved


def test_paragraphs_of_two_articles_zuowei_one_article():
    result = run("将第二条第二款和第四条第二款作为第三条，修改为：“县级人民政府负责河道管理和物料堆放的监督。”")
    assert article(result, 3) == "第三条 县级人民政府负责河道管理和物料堆放的监督。"
    assert article(result, 2) == "第二条 本条例适用于本省行政区域内的河道。"


def test_an_article_whose_last_paragraph_is_merged_away_disappears():
    result = run("一、将第二条第二款改为第三条第一款。", "二、将第二条第一款与第一条合并，修改为：“为了加强河道管理，制定本条例。本条例适用于本省。”")
    labels = [a.display_line().split(" ")[0] for a in result.document.articles()]
    assert labels == ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条", "第七条"]
    assert article(result, 1) == "第一条 为了加强河道管理，制定本条例。本条例适用于本省。"


def test_a_numbered_part_heading_ends_a_quotation_left_open():
    ops, problems = parse_ops(["一、将第一条修改为：“为了保护河道，制定本条例。", "二、对部分条文作以下修改：",
                               "（一）删去第五条。"])
    assert [(op.action, op.target, op.text) for op in ops] == [("replace", "条1", "为了保护河道，制定本条例。"),
                                                              ("delete", "条5", None)]


def test_phrase_right_after_its_place_without_zhongde():
    assert article(run("将第三条第二项“障碍物”修改为“漂浮物”。"), 3).endswith("（二）清理漂浮物。")


def test_straight_quotes_over_paragraphs_close_on_the_last_line():
    result = run('1.将第二条修改为："本条例适用于本省的河道。', '县级以上人民政府负责河道管理。"', "2.删去第五条。")
    assert article(result, 2) == "第二条 本条例适用于本省的河道。\n县级以上人民政府负责河道管理。"


def test_the_law_named_generically_with_zhong_and_no_de():
    result = run("将法规中“水行政主管部门”统一修改为“水务部门”。")
    assert "水行政主管部门" not in result.document.to_text()


def test_a_decision_wide_wording_change_in_the_closing_clause_reaches_every_law_that_uses_it():
    decision = parse_decision("某省人民代表大会常务委员会关于修改《甲条例》等2件地方性法规的决定\n"
                              "某省人民代表大会常务委员会决定对下列地方性法规作出修改：\n"
                              "一、对《甲条例》作出修改\n删去第二条。\n二、对《乙条例》作出修改\n删去第三条。\n"
                              '此外，根据本决定将相关地方性法规中"水行政主管部门"的提法统一修改为"水务部门"，并对部分文字作相应调整。\n'
                              "本决定自2030年1月1日起施行。")
    for name in ("甲条例", "乙条例"):
        ops = decision.part(name).ops
        assert [(op.action, op.target, op.phrase, op.text) for op in ops][-1] == \
            ("replace_phrase", "全文", "水行政主管部门", "水务部门")
    result = apply(parse(LAW), decision.part("甲条例").ops)
    assert result.failed == [] and "水务部门" in result.document.to_text()
    other = apply(parse(LAW.replace("水行政主管部门", "河道部门")), decision.part("乙条例").ops)
    assert other.failed == []            # a law without the words is not a failure of the change


def test_places_joined_by_ji_and_words_added_after_each():
    result = run("在第四条第一款中的“垃圾”及第三条中的“障碍物”后均增加“和杂物”。")
    assert "弃置垃圾和杂物" in article(result, 4) and "清理障碍物和杂物" in article(result, 3)


def test_numbered_heading_naming_an_interpretation_with_its_ordinal_starts_a_part():
    decision = parse_decision("最高人民法院关于修改《甲规定》等二件司法解释的决定\n最高人民法院决定：\n"
                              "一、修改《最高人民法院关于审理河道纠纷案件的规定》\n删去第二条。\n"
                              "二、《最高人民法院关于审理湖泊纠纷案件的解释（一）》\n删去第三条。\n"
                              "本决定自2030年1月1日起施行。")
    assert [(p.target, [op.target for op in p.ops]) for p in decision.parts] == [
        ("最高人民法院关于审理河道纠纷案件的规定", ["条2"]), ("最高人民法院关于审理湖泊纠纷案件的解释（一）", ["条3"])]


def test_the_preamble_is_the_sentence_before_the_first_article_under_a_gazette_header():
    base = parse("---\nid: \"x\"\ntitle: \"最高人民法院关于审理河道纠纷案件的解释\"\n---\n\n"
                 "# 最高人民法院关于审理河道纠纷案件的解释\n\n法释〔2030〕1号\n\n"
                 "为正确审理河道纠纷案件，根据有关法律，作如下解释：\n\n第一条 河道纠纷由河道所在地法院管辖。\n\n"
                 "第二条 本解释自2030年1月1日起施行。\n")
    assert base.title == "最高人民法院关于审理河道纠纷案件的解释"
    ops, problems = parse_ops(["将引言修改为：“为正确审理河道纠纷案件，根据《中华人民共和国水法》，制定本解释。”"])
    result = apply(base, ops)
    assert result.failed == []
    assert "根据《中华人民共和国水法》，制定本解释。\n第一条" in result.document.to_text()


def test_words_of_the_same_kind_added_after_a_noun_join_it_as_a_list_member():
    text = LAW.replace("第五条 农业、林业部门", "第五条 河道管理所以外的单位不得处理刑事案件的物料；农业、林业部门")
    ops, _ = parse_ops(["在第五条中的“河道管理所”后增加“河道服务站”，“刑事案件”后增加“交通事故”，“林业”后增加“主管”。"])
    result = apply(parse(text), ops)
    assert result.failed == []
    assert article(result, 5).startswith("第五条 河道管理所、河道服务站以外的单位不得处理刑事案件、交通事故的物料；"
                                         "农业、林业主管部门")


def test_the_last_member_before_deng_deleted_takes_its_separator():
    text = LAW.replace("禁止在河道内弃置垃圾。", "禁止在河道内弃置垃圾、渣土、杂物等。")
    ops, _ = parse_ops(["删去第四条第一款中的“杂物”。"])
    assert article(apply(parse(text), ops), 4).startswith("第四条 禁止在河道内弃置垃圾、渣土等。")
    ops, _ = parse_ops(["删去第三条中的“清理障碍物”。"])
    listed = LAW.replace("河道管理单位应当履行下列职责：", "河道管理单位应当巡查河道、清理障碍物：")
    assert article(apply(parse(listed), ops), 3).startswith("第三条 河道管理单位应当巡查河道：")


def test_words_replaced_with_a_full_stop_take_the_stop_already_there():
    result = run("将第四条第一款中的“违反者由水行政主管部门处理”修改为“违反者由水行政主管部门处理。情节严重的，依法追究责任。”")
    assert article(result, 4).startswith("第四条 禁止在河道内弃置垃圾。违反者由水行政主管部门处理。情节严重的，依法追究责任。\n")


def test_a_clause_added_at_the_start_of_a_paragraph_is_set_off():
    result = run("第二条第二款开始部分增加规定：“乡镇人民政府协助开展巡查，但不承担管理职责”。")
    assert article(result, 2).endswith("\n乡镇人民政府协助开展巡查，但不承担管理职责；县级以上人民政府水行政主管部门负责河道管理。")
    result = run("在第二条第二款款首增加相关内容：", "根据本条例")
    assert article(result, 2).endswith("\n根据本条例，县级以上人民政府水行政主管部门负责河道管理。")


def test_deleted_member_before_a_conjunction_and_deleted_last_clause_keep_the_right_punctuation():
    text = LAW.replace("第五条 农业、林业部门按照职责做好相关工作。",
                       "第五条 农业、林业、水利部门以及乡镇人民政府按照职责做好相关工作；街道办事处予以配合。")
    ops, _ = parse_ops(["删去第五条中的“水利部门”“街道办事处予以配合”。"])
    result = apply(parse(text), ops)
    assert article(result, 5) == "第五条 农业、林业以及乡镇人民政府按照职责做好相关工作。"


def test_replacement_opening_with_de_attaches_to_the_word_before_the_comma():
    text = LAW.replace("违反者由水行政主管部门处理。", "违反者与管理单位之间，按照过错分担责任。")
    ops, _ = parse_ops(["将第四条第一款中的“按照过错分担责任”修改为“的责任份额根据各自责任大小确定”。"])
    assert article(apply(parse(text), ops), 4).startswith("第四条 禁止在河道内弃置垃圾。违反者与管理单位之间的责任份额根据各自责任大小确定。")


def test_a_phrase_widened_where_the_text_already_reads_so_is_not_widened_twice():
    text = LAW.replace("禁止在河道内堆放物料", "禁止在河道内堆放物料或者建筑物料")
    ops, _ = parse_ops(["将第四条中的“物料”修改为“建筑物料”。"])
    assert "禁止在河道内堆放建筑物料或者建筑物料" in article(apply(parse(text), ops), 4)


def test_article_renumbered_with_a_paragraph_added_and_restated_whole():
    result = run("一、删去第一条。", "二、将第二条改为第一条，增加一款作为第一款，修改为：“河道管理坚持统筹规划。",
                 "“本条例适用于本省行政区域内的河道。”")
    assert article(result, 1) == "第一条 河道管理坚持统筹规划。\n本条例适用于本省行政区域内的河道。"


# -- forms met in real national laws' decisions (texts invented for the test) ----------------------

def test_words_added_with_no_place_in_an_item_stay_in_that_items_article():
    result = run("一、将第四条改为第五条，在“水行政主管部门”后增加“和河道管理机构”。", "二、增加一条，作为第四条：“河道实行巡查制度。”")
    assert "水行政主管部门和河道管理机构处理" in article(result, 5)
    assert "和河道管理机构" not in article(result, 2)         # 第二条 also names 水行政主管部门


def test_words_added_where_the_text_already_has_them_are_not_doubled():
    text = LAW.replace("县级以上人民政府水行政主管部门负责", "县级以上人民政府水行政主管部门和河道管理机构负责")
    ops, _ = parse_ops(["在本条例中的“水行政主管部门”后增加“和河道管理机构”。"])
    document = apply(parse(text), ops).document.to_text()
    assert document.count("和河道管理机构和河道管理机构") == 0 and document.count("和河道管理机构") == 2


def test_a_clause_added_after_a_clause_is_set_off_by_a_comma():
    result = run("在第一条中的“加强河道管理”后增加“保障行洪安全”。",
                 "在第二条第二款中的“负责河道管理”后增加“并将其纳入河长制考核”。")
    assert article(result, 1) == "第一条 为了加强河道管理，保障行洪安全，制定本条例。"
    assert article(result, 2).endswith("负责河道管理，并将其纳入河长制考核。")


def test_only_the_nth_occurrence_and_deletions_spare_the_new_words():
    text = LAW.replace("第五条 农业、林业部门", "第五条 水利、农业、林业、卫生、民政部门和水利站")
    result = apply(parse(text), parse_ops(["将第五条中的第一处“水利”修改为“卫生健康”，删去“卫生”。"])[0])
    assert result.failed == []
    assert article(result, 5).startswith("第五条 卫生健康、农业、林业、民政部门和水利站")


def test_delete_inside_qizhong_and_a_later_bare_replacement_in_the_items_article():
    result = run("一、将第六条中的“依照”修改为“按照”，删去其中的“第四条”；", "二、删去第三条第二项中的“障碍物”，将“巡查”修改为“巡视”。")
    assert article(result, 6) == "第六条 违反本条例规定的，按照本条例第七条处理。"
    assert "（一）巡视河道" in article(result, 3)


def test_first_natural_paragraph_of_a_paragraph_with_items_is_its_lead_in():
    result = run("将第三条第一款第一自然段修改为：“河道管理单位应当履行下列河道管护职责：”")
    assert article(result, 3).startswith("第三条 河道管理单位应当履行下列河道管护职责：\n（一）巡查河道；")


def test_an_item_quoted_without_its_stop_gets_the_lists_punctuation():
    result = run("在第三条中增加一项，作为第三项：“（三）报告险情”。")
    assert article(result, 3).endswith("（二）清理障碍物；\n（三）报告险情。")


def test_an_item_split_in_two_and_an_article_restated_as_two_paragraphs():
    result = run("一、将第三条第一项分为二项，修改为“（一）巡查河道；", "（二）登记河道；”。",
                 "二、将第一条改为第一条，分为两款，修改为：“为了加强河道管理，制定本条例。", "“本条例所称河道包括湖泊。”")
    assert article(result, 3) == "第三条 河道管理单位应当履行下列职责：\n（一）巡查河道；\n（二）登记河道；\n（三）清理障碍物。"
    assert article(result, 1) == "第一条 为了加强河道管理，制定本条例。\n本条例所称河道包括湖泊。"


def test_a_department_of_the_body_named_is_a_compound_not_a_list_member():
    text = LAW.replace("县级以上人民政府水行政主管部门负责河道管理。", "县级以上人民政府负责河道管理。")
    ops, _ = parse_ops(["在第二条第二款中的“县级以上人民政府”后增加“有关部门”。"])
    assert article(apply(parse(text), ops), 2).endswith("\n县级以上人民政府有关部门负责河道管理。")


def test_pairs_of_one_sentence_are_one_change_the_containing_phrase_first():
    text = LAW.replace("第五条 农业、林业部门", "第五条 农业部门、林业部门和农业、林业部门")
    ops, _ = parse_ops(["将本条例中的“农业部门”修改为“农业农村部门”，“林业部门”修改为“林业草原部门”，"
                        "“农业、林业部门”修改为“农业农村、林业草原部门”。"])
    result = apply(parse(text), ops)
    assert result.failed == []
    assert article(result, 5).startswith("第五条 农业农村部门、林业草原部门和农业农村、林业草原部门")


def test_a_reference_added_after_a_reference_joins_the_list_and_a_paragraph_narrows_it():
    result = run("在第六条中的“第四条”后增加“第五条”。")
    assert "违反本条例第四条、第五条规定的" in article(result, 6)
    result = run("在第六条中的“第四条”后增加“第二款”。")
    assert "违反本条例第四条第二款规定的" in article(result, 6)


def test_paragraphs_inside_an_item_stay_with_it_and_an_item_is_added_after_the_last():
    text = LAW.replace("（一）巡查河道；\n（二）清理障碍物。",
                       "（一）巡查河道；\n巡查每月不少于一次。\n巡查发现险情的，应当报告。\n（二）清理障碍物。")
    doc = parse(text)
    assert parse(doc.to_text()).to_text() == doc.to_text()
    ops, _ = parse_ops(["在第三条中增加一项，作为第三项：“（三）报告险情。”"])
    result = apply(doc, ops)
    assert article(result, 3) == ("第三条 河道管理单位应当履行下列职责：\n（一）巡查河道；\n巡查每月不少于一次。\n"
                                  "巡查发现险情的，应当报告。\n（二）清理障碍物；\n（三）报告险情。")


def test_a_converters_highlight_marks_do_not_hide_instructions():
    decision = parse_decision("某省人民代表大会常务委员会关于修改《某省河道管理条例》等二项地方性法规的决定\n"
                              "某省人民代表大会常务委员会决定对下列地方性法规作出修改：\n"
                              "一、对《某省河道管理条例》作出修改\n[（一）删去第五条。]{.mark}\n"
                              "[（二）将法规条文中的“水行政主管部门”修改为“水务部门”。]{.mark}\n本决定自2030年1月1日起施行。")
    assert [(op.action, op.target) for op in decision.part("某省河道管理条例").ops] == [("delete", "条5"),
                                                                                ("replace_phrase", "全文")]


def test_gaikuan_refers_to_the_paragraph_named_last():
    result = run("将第二条第一款中的“本省”修改为“本省各级”，并将该款改作第二款。")
    assert article(result, 2) == "第二条 县级以上人民政府水行政主管部门负责河道管理。\n本条例适用于本省各级行政区域内的河道。"


def test_words_inside_a_longer_term_the_decision_changes_on_its_own_are_left_to_it():
    text = LAW.replace("第五条 农业、林业部门按照职责做好相关工作。",
                       "第五条 管理人应当告知被管理人，被管理人应当配合管理人。")
    ops, problems = parse_ops(["一、将第五条中的“管理人”修改为“河道管理单位”。",
                               "二、将第五条中的“被管理人”修改为“河道使用人”。"])
    result = apply(parse(text), ops)
    assert result.failed == []
    assert article(result, 5) == "第五条 河道管理单位应当告知河道使用人，河道使用人应当配合河道管理单位。"


def test_a_chapter_name_printed_without_its_number_is_a_heading_not_text():
    text = LAW.replace("第七条 本条例自", "附 则\n第七条 本条例自")
    doc = parse(text)
    assert article(type("R", (), {"document": doc})(), 6) == "第六条 违反本条例第四条规定的，依照本条例第七条处理。"
    assert parse(doc.to_text()).to_text() == doc.to_text()
    result = apply(doc, parse_ops(["删去第六条。"])[0])
    assert result.document.to_text().endswith("附 则\n第六条 本条例自2020年1月1日起施行。\n")
