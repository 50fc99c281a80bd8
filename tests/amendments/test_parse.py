"""Drafting language -> operations: the sentence forms of national, State Council and local decisions."""
from __future__ import annotations

import pytest

from diffs.amendments import parse_decision
from diffs.amendments.parse import parse_ops, read_sentence
from diffs.errors import ParseError


def ops_of(sentence: str):
    ops, problems = read_sentence(sentence)
    assert problems == [], problems
    return [(op.action, op.target) for op in ops], ops


def test_replace_phrase_in_listed_places_with_two_groups_and_one_verb():
    pairs, ops = ops_of("将第七条、第九条中的“市交通、道路运输行政管理部门”，第十七条、第二十七条第一款中的"
                        "“市道路运输行政管理部门”，统一修改为“市交通行政管理部门”")
    assert pairs == [("replace_phrase", "条7"), ("replace_phrase", "条9"), ("replace_phrase", "条17"),
                     ("replace_phrase", "条27/款1")]
    assert {op.text for op in ops} == {"市交通行政管理部门"}
    assert ops[2].phrase == "市道路运输行政管理部门"


def test_several_replacements_share_the_place_named_last():
    pairs, ops = ops_of("将第二十条中的“音像出版、制作单位”修改为“音像出版单位”，“审批”修改为“相关”")
    assert pairs == [("replace_phrase", "条20")] * 2
    assert [(op.phrase, op.text) for op in ops] == [("音像出版、制作单位", "音像出版单位"), ("审批", "相关")]


def test_everywhere_and_ranges_with_old_numbering():
    pairs, _ = ops_of("将条例中的“区、县”均修改为“区”")
    assert pairs == [("replace_phrase", "全文")]
    pairs, _ = ops_of("将第六条第一款、第八条至原第十一条、第十七条中的“乡、镇人民政府”均修改为“街道办事处、乡镇人民政府”")
    assert [t for _, t in pairs] == ["条6/款1", "条8", "条9", "条10", "条11", "条17"]


def test_bare_paragraph_and_item_continue_the_article_named_last():
    pairs, _ = ops_of("删去第二十九条第二款、第三十条、第四十一条")
    assert pairs == [("delete", "条29/款2"), ("delete", "条30"), ("delete", "条41")]
    pairs, _ = ops_of("删去第四条第二款第三项、第五项，增加一项作为第四项")
    assert pairs == [("delete", "条4/款2/项3"), ("delete", "条4/款2/项5"), ("insert", "条4/款2/项4")]
    pairs, _ = ops_of("删去第三十三条第一款和第二款")
    assert pairs == [("delete", "条33/款1"), ("delete", "条33/款2")]


def test_renumber_then_edit_uses_the_old_number_for_what_follows():
    pairs, ops = ops_of("将第三十二条改为第三十一条，第一款修改为：")
    assert pairs == [("renumber", "条32"), ("replace", "条32/款1")]
    assert ops[0].new_path == "条31"
    pairs, ops = ops_of("将原第八条改为第九条，增加一项，作为第一款第五项：")
    assert pairs == [("renumber", "条8"), ("insert", "条8/款1/项5")]


def test_titles_openings_endings_and_phrase_insertions():
    pairs, ops = ops_of("将第十七条条标修改为“数据报送”，条文修改为：")
    assert pairs == [("rename", "条17"), ("replace", "条17")]
    assert ops[0].text == "数据报送"
    pairs, ops = ops_of("将第五条第一款中的“经济信息化”修改为“科技”，款尾增加：“浦东新区科技部门负责具体工作”，"
                        "第二款中的“科技”修改为“经济信息化”")
    assert pairs == [("replace_phrase", "条5/款1"), ("append", "条5/款1"), ("replace_phrase", "条5/款2")]
    pairs, ops = ops_of("在第二条第二款中的“民用航空”后增加“核与辐射、特种设备”")
    assert pairs == [("insert_phrase", "条2/款2")] and ops[0].position == "after"
    pairs, ops = ops_of("在第二十条第三款中的“使用”前增加“优先”")
    assert ops[0].position == "before" and ops[0].text == "优先"
    pairs, _ = ops_of("将第七条第一款款首修改为：")
    assert pairs == [("replace_opening", "条7/款1")]
    pairs, ops = ops_of("删去法规名称中的“暂行”、第一条中的“《某条例》”")
    assert pairs == [("delete_phrase", "标题"), ("delete_phrase", "条1")]
    pairs, ops = ops_of("将第二章的章名修改为“监督管理”")
    assert pairs == [("rename", "章2")]


def test_insert_merge_split_and_nested_quotes():
    pairs, ops = ops_of("增加一条，作为第十三条（事后核查）：")
    assert pairs == [("insert", "条13")] and ops[0].title == "事后核查"
    pairs, ops = ops_of("在第十六条后增加一条，作为第十六条之一：“第十六条之一 新的条文。”")
    assert pairs == [("insert", "条16之1")] and ops[0].text.startswith("第十六条之一")
    pairs, ops = ops_of("将第十一条、第十二条、第十三条合并为一条，作为第十一条，修改为：")
    assert pairs == [("merge", "条11")] and ops[0].sources == ["条11", "条12", "条13"]
    pairs, ops = ops_of("将第五条第一款分为两款，作为第一款、第二款，修改为：")
    assert pairs == [("split", "条5/款1")] and ops[0].count == 2 and ops[0].new_paths == ["条5/款1", "条5/款2"]
    pairs, ops = ops_of("第五条中的“产业园区”修改为“以及开发区等功能区（以下统称“功能区”）”")
    assert ops[0].text == "以及开发区等功能区（以下统称“功能区”）"
    pairs, ops = ops_of("将本规定中的“城管执法部门”“市或者区城管执法部门”均修改为“城市管理综合执法部门”")
    assert [op.phrase for op in ops] == ["市或者区城管执法部门", "城管执法部门"]   # longest first


def test_unquoted_paragraphs_follow_their_instruction():
    ops, problems = parse_ops(["1.将第九条修改为：", "从事业务，应当具备下列条件：", "（一）有名称；", "（二）有资金。",
                               "2.删去第十条。", "3.将第十一条改为第十条，第二款修改为：", "新的第二款。", "删去第三款。"])
    assert problems == []
    assert [(op.action, op.target) for op in ops] == [("replace", "条9"), ("delete", "条10"), ("renumber", "条11"),
                                                      ("replace", "条11/款2"), ("delete", "条11/款3")]
    assert ops[0].text == "从事业务，应当具备下列条件：\n（一）有名称；\n（二）有资金。"


def test_npc_style_quotation_over_several_paragraphs():
    ops, problems = parse_ops(["一、将第十条修改为：“第十条　第一款的文字。", "“第二款的文字。”",
                               "二、删去第十一条。"])
    assert problems == []
    assert ops[0].text == "第十条　第一款的文字。\n第二款的文字。"
    assert (ops[1].action, ops[1].target) == ("delete", "条11")


def test_truncated_and_garbled_instructions_are_reported_and_the_rest_kept():
    ops, problems = parse_ops(["1.将第三条修改为：", "2.将第五条中的“甲”修改为“乙”，将第六条中的“丙修改为",
                               "3.删去第七条。", "4.将第八条嘛嘛修改为", "5.删去第九条。"])
    assert [(op.action, op.target) for op in ops] == [("replace_phrase", "条5"), ("delete", "条7"),
                                                      ("delete", "条9")]
    reasons = " ".join(p.reason for p in problems)
    assert "缺少新的条文内容" in reasons          # 1. nothing follows the colon
    assert "引号未闭合" in reasons                # 2. second clause cut off
    assert len(problems) == 3


def test_seed_order_13_amends_six_rules_and_repeals_seventeen(order13):
    decision = parse_decision(order13)
    assert decision.title == "上海市人民政府关于修改和废止部分市政府规章的决定"
    assert decision.issuer == "上海市人民政府" and decision.number == "令第13号"
    assert str(decision.effective) == "2024-05-15" and str(decision.published) == "2024-04-02"
    assert str(decision.adopted) == "2024-03-25"
    assert [p.target for p in decision.parts] == [
        "上海市医患纠纷预防与调解办法", "上海市市标制作使用管理暂行规定", "上海市安全生产事故隐患排查治理办法",
        "上海市停车场（库）管理办法", "上海市流动户外广告设置管理规定", "上海市国有土地上房屋征收与补偿实施细则"]
    assert all(p.ops and not p.problems for p in decision.parts)
    parking = decision.part("上海市停车场（库）管理办法")
    assert [(op.action, op.target, op.new_path) for op in parking.ops] == [
        ("insert", "条17", "条17"), ("renumber", "条33", "条34"), ("insert", "条33/款1/项3", "条33/款1/项3"),
        ("delete", "条34", None)]
    safety = decision.part("上海市安全生产事故隐患排查治理办法")
    assert ("rename", "条17") in [(op.action, op.target) for op in safety.ops]
    repealed = {r.name: r.number for r in decision.repeals}
    assert len(repealed) == 17
    assert repealed["上海市行政执法过错责任追究办法"] == "令第68号"
    assert repealed["上海市社会保险费征缴实施办法"] == "令第117号"      # not 令第52号, the later amendment
    assert repealed["上海市化学事故应急救援办法"] == "令第3号"           # written 第3号令
    assert repealed["上海市城市维护建设税实施细则"] is None                # issued without an order number
    assert all(str(r.effective) == "2024-05-15" and r.form == "list" for r in decision.repeals)


def test_seed_order_58_operations(order58):
    decision = parse_decision(order58)
    (part,) = decision.parts
    assert part.target == "上海市城市管理行政执法条例实施办法" and part.problems == []
    assert decision.number == "令第58号" and str(decision.effective) == "2021-11-01"
    pairs = [(op.action, op.target) for op in part.ops]
    assert pairs[:5] == [("delete", "条4/款2/项3"), ("delete", "条4/款2/项5"), ("insert", "条4/款2/项4"),
                         ("replace", "条4/款3"), ("insert", "条4/款4")]
    assert ("insert", "条15/款2/项5") in pairs
    assert ("replace_phrase", "全文") in pairs
    # 第八条至原第十四条 expands to every article in between
    township = [op.target for op in part.ops if op.phrase == "乡、镇人民政府"]
    assert township == ["条2", "条3", "条5", "条6/款1", "条8", "条9", "条10", "条11", "条12", "条13", "条14", "条17"]


def test_seed_order_15_operations_up_to_where_the_page_is_cut(order15):
    decision = parse_decision(order15)
    assert decision.number == "令第15号" and str(decision.effective) == "2025-02-08"
    part = decision.part("上海市行政审批告知承诺管理办法")
    pairs = [(op.action, op.target) for op in part.ops]
    assert pairs[0] == ("split", "条5/款1") and part.ops[0].text.count("\n") == 1
    assert ("renumber", "条12") in pairs and ("rename", "条12") in pairs
    assert ("insert", "条7/款2") in pairs and ("insert", "条13") in pairs
    assert [op.new_path for op in part.ops if op.action == "renumber"][:3] == ["条6", "条8", "条7/款3"]


def test_not_a_decision_is_a_parse_error():
    with pytest.raises(ParseError):
        parse_decision("上海市某某管理办法\n第一条 为了加强管理，制定本办法。\n第二条 本办法自公布之日起施行。")


def test_describe_and_to_dict(order58):
    op = parse_decision(order58).parts[0].ops[0]
    assert op.describe() == "删去第四条第二款第三项"
    assert op.to_dict()["action"] == "delete" and "text" not in op.to_dict()


def test_national_forms_law_prefixes_pairwise_and_amendment_acts():
    pairs, ops = ops_of("将第三条中的“甲”、“乙”分别修改为“丙”、“丁”")
    assert [(op.phrase, op.text) for op in ops] == [("甲", "丙"), ("乙", "丁")]
    pairs, _ = ops_of("将本法第二十二条中的“甲”修改为“乙”")
    assert pairs == [("replace_phrase", "条22")]
    pairs, _ = ops_of("在第十五条中增加一款，作为第二款：“新款。”")
    assert pairs == [("insert", "条15/款2")]
    decision = parse_decision("中华人民共和国刑法修正案（十二）\n为了惩治行贿犯罪，对刑法作如下修改：\n"
                              "一、将刑法第一百六十五条修改为：“第一百六十五条　甲。\n“乙。”\n"
                              "二、在刑法第一百六十六条中增加一款作为第二款：“丙。”\n三、删去刑法第三百九十条第二款。\n"
                              "四、本修正案自2024年3月1日起施行。")
    (part,) = decision.parts
    assert part.problems == [] and str(decision.effective) == "2024-03-01"
    assert [(op.action, op.target) for op in part.ops] == [("replace", "条165"), ("insert", "条166/款2"),
                                                           ("delete", "条390/款2")]
    assert part.ops[0].text.endswith("甲。\n乙。")
    assert decision.part("中华人民共和国刑法") is part


STATE_COUNCIL = """国务院关于修改和废止部分行政法规的决定
中华人民共和国国务院令第797号
国务院决定：
一、对2部行政法规的部分条款予以修改。
二、对2部行政法规予以废止。
本决定自2025年1月20日起施行。
附件：1.国务院决定修改的行政法规
2.国务院决定废止的行政法规
附件1
国务院决定修改的行政法规
一、将《婚姻登记条例》第二条第一款修改为：“内地居民办理婚姻登记的机关是县级人民政府民政部门。”
删去第三条中的“乡（镇）”。
二、删去《某某条例》第十条。
附件2
国务院决定废止的行政法规
1.甲管理办法（1985年1月1日国务院发布）
2.乙条例（1990年1月1日国务院令第55号发布）
"""


def test_state_council_annexes_name_each_law_inline():
    decision = parse_decision(STATE_COUNCIL)
    assert decision.number == "令第797号" and str(decision.effective) == "2025-01-20"
    assert [(p.target, [(op.action, op.target) for op in p.ops]) for p in decision.parts] == [
        ("婚姻登记条例", [("replace", "条2/款1"), ("delete_phrase", "条3")]), ("某某条例", [("delete", "条10")])]
    assert [(r.name, r.number, r.form) for r in decision.repeals] == [("甲管理办法", None, "list"),
                                                                      ("乙条例", "令第55号", "list")]


def test_local_decision_that_amends_and_repeals():
    decision = parse_decision(
        "某市人大常委会关于修改《某甲条例》等2件地方性法规和废止《某丙规定》的决定\n某市人大常委会决定：\n"
        "一、修改《某甲条例》等2件地方性法规\n（一）对《某甲条例》的修改\n"
        "1.增加一项，作为第一百零四条第二款第（六）项：\n（六）歧视老年人的；\n"
        "2.删去第四条中的“卢湾”“闸北”；第五十五条中的“行政处分”修改为“处分”；“区、县”均修改为“区”。\n"
        "（二）对《某乙条例》的修改\n将第十三条和第十四条合并，作为第十三条。\n"
        "二、废止《某丙规定》\n（一）废止1988年4月7日某市人大常委会第三十六次会议通过的《某丙规定》。\n"
        "本决定自2023年12月28日起施行。")
    first, second = decision.parts
    assert [(op.action, op.target) for op in first.ops] == [
        ("insert", "条104/款2/项6"), ("delete_phrase", "条4"), ("delete_phrase", "条4"), ("replace_phrase", "条55"),
        ("replace_phrase", "全文")]          # after ；, a bare “区、县”均修改为 means everywhere
    assert [(op.action, op.sources) for op in second.ops] == [("merge", ["条13", "条14"])]
    (repeal,) = decision.repeals
    assert (repeal.name, str(repeal.issued), str(repeal.effective)) == ("某丙规定", "1988-04-07", "2023-12-28")


def test_replacement_text_that_reads_like_an_instruction_stays_text():
    ops, problems = parse_ops(["1.将第九条修改为：", "在本市从事业务，应当具备下列条件：", "将本市规划纳入。",
                               "删除个人信息的，依法处理。", "增加财政投入。", "2.删除第十条。"])
    assert problems == []
    assert [(op.action, op.target) for op in ops] == [("replace", "条9"), ("delete", "条10")]
    assert ops[0].text.splitlines()[1:] == ["将本市规划纳入。", "删除个人信息的，依法处理。", "增加财政投入。"]


def test_decision_whose_only_instruction_is_cut_off_says_why():
    with pytest.raises(ParseError, match="缺少新的条文内容"):
        parse_decision("国务院关于修改《某条例》的决定\n国务院决定对《某条例》作如下修改：\n将第三条修改为：\n")


def test_parts_headed_zuo_ru_xia_xiugai_and_arabic_item_numbers():
    decision = parse_decision("某市人大常委会关于修改《甲条例》等2件地方性法规的决定\n某市人大常委会决定：\n"
                              "一、对《甲条例》作如下修改：\n（1）删去第一条。\n（2）将第二条中的“A”修改为“B”。\n"
                              "二、对《乙条例》作如下修改：\n删去第三条。\n本决定自2025年1月1日起施行。")
    assert [(p.target, [(op.action, op.target) for op in p.ops]) for p in decision.parts] == [
        ("甲条例", [("delete", "条1"), ("replace_phrase", "条2")]), ("乙条例", [("delete", "条3")])]
