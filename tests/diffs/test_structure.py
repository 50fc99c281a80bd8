import re
from pathlib import Path

import pytest

from diffs.errors import ParseError
from diffs.model import cn_path_label
from diffs.structure import detect_format, parse

EVAL_DEV = Path(__file__).resolve().parents[2] / "corpus" / "eval-dev"


@pytest.fixture(scope="module")
def shanghai_rules(seed_text) -> str:
    """上海市城市管理综合行政执法条例实施办法 as republished in gazette seed 003 (PDF-converted)."""
    text = seed_text("003")
    start = text.index("\n上海市城市管理综合行政执法条例实施办法\n")
    return text[start: text.index("同时废止。", start) + len("同时废止。")]


def test_shanghai_titled_articles(shanghai_rules):
    doc = parse(shanghai_rules)
    assert doc.kind == "statute"
    assert doc.title == "上海市城市管理综合行政执法条例实施办法"
    assert len(doc.header) == 1 and "重新公布" in doc.header[0]
    written = re.findall(r"(?m)^\s*第([一二三四五六七八九十]+)条（([^）]+)）\s*$", shanghai_rules)
    assert [(a.label, a.title) for a in doc.articles()] == [(f"第{n}条", t) for n, t in written]
    assert len(written) == 17
    first = doc.articles()[0]
    assert first.title == "目的和依据" and first.children[0].text.startswith("为了加强本市城市管理综合行政执法工作")
    # 第四条: five paragraphs; the first lists six items, the second four.
    fourth = doc.articles()[3]
    assert [len(p.children) for p in fourth.children] == [6, 4, 0, 0, 0]
    assert fourth.children[0].children[5].label == "（六）"


def test_cross_references_at_line_start_are_not_articles(shanghai_rules):
    doc = parse(shanghai_rules)
    fifth = doc.articles()[4]
    assert fifth.children[-1].text.startswith("第二款第七项关于中心城区重点区域的范围")


def test_policy_document_sections(seed_text):
    text = seed_text("001")
    start = text.index("# 上海市人民政府关于做好本市当前和今后一个时期稳就业工作的意见")
    doc = parse(text[start: text.index("\n## 【市政府办公厅文件】", start)])
    assert doc.kind == "policy"
    assert doc.title == "上海市人民政府关于做好本市当前和今后一个时期稳就业工作的意见"
    assert "沪府规〔2022〕6号" in doc.header
    top = [n for n in doc.root.children if n.kind == "一、"]
    # Heading levels of the PDF conversion are unreliable (## and ### for the same level): the
    # numbering decides.
    assert [n.label for n in top] == ["一、", "二、", "三、", "四、", "五、", "六、", "七、"]
    assert top[1].title == "指导思想和基本原则"
    assert [(c.label, c.title) for c in top[1].children if c.kind == "（一）"] == [("(一)", "指导思想"), ("(二)", "基本原则")]
    assert [c.title for c in top[4].children if c.kind == "（一）"][-1] == "推动自主创业和灵活就业"
    assert all(c.kind == "段" for c in top[0].children) and top[0].children[0].text


def test_lawrefbook_markdown_front_matter_and_chapters():
    doc = parse((EVAL_DEV / "sh-yinxiang" / "old.md").read_text(encoding="utf-8"))
    assert doc.title == "上海市音像制品管理条例"
    assert len(doc.header) == 4 and doc.header[-1].startswith("2021年8月25日")
    chapters = [n for n in doc.root.children if n.kind == "章"]
    assert chapters[0].label == "第一章" and chapters[0].title == "总则"
    assert sum(len([a for a in c.children if a.kind == "条"]) for c in chapters) == len(doc.articles()) == 42


def test_every_eval_file_round_trips_through_to_text():
    for path in sorted(EVAL_DEV.glob("*/*.md")):
        if path.name == "decision.md":
            continue
        doc = parse(path.read_text(encoding="utf-8"))
        again = parse(doc.to_text())
        assert (again.title, again.header) == (doc.title, doc.header), path
        assert again.root == doc.root, path


def test_levels_zhi_articles_items_and_subitems():
    text = "\n".join([
        "某某法", "（2020年1月1日第十三届全国人民代表大会常务委员会第十五次会议通过）",
        "第一编 总则", "第一章 一般规定", "第一节 目的",
        "第一条 为了规范，制定本法。",
        "第一条之一 本法所称的主管部门，包括：",
        "（一）市主管部门；", "1.本级；", "2.下级；", "（二）区主管部门。",
        "前款规定的部门应当依照本法第一条第一款规定的职责履行职能。",
        "第二节 范围",
        "第二条　本法适用于本市。",
        "第二编 分则",
        "第二章 管理",
        "第三条（管理）",
        "本市实行统一管理。",
    ])
    doc = parse(text)
    assert doc.header == ["（2020年1月1日第十三届全国人民代表大会常务委员会第十五次会议通过）"]
    labels = [(a.label, a.num, a.sub) for a in doc.articles()]
    assert labels == [("第一条", 1, 0), ("第一条之一", 1, 1), ("第二条", 2, 0), ("第三条", 3, 0)]
    part1, part2 = [n for n in doc.root.children if n.kind == "编"]
    assert [c.title for c in part1.children] == ["一般规定"]
    assert [s.title for s in part1.children[0].children] == ["目的", "范围"]
    zhi = doc.articles()[1]
    assert zhi.key == "条1之1"
    items = zhi.children[0].children
    assert [i.label for i in items] == ["（一）", "（二）"] and [s.label for s in items[0].children] == ["1.", "2."]
    assert zhi.children[1].text.startswith("前款规定的部门")          # 款2 after the items
    assert doc.articles()[3].title == "管理" and doc.articles()[3].children[0].text == "本市实行统一管理。"
    assert cn_path_label("条1之1/款1/项1/目2") == "第一条之一第一款第一项第二目"


def test_html_bodies_become_paragraphs():
    html = """<html><head><title>t</title><script>var x = "第九条 不是条文";</script></head><body>
    <h1>某某办法</h1><p>&#8195;&#8195;第一条&#8195;为了<b>加强</b>管理，制定本办法。</p>
    <p>第二条 本办法自公布之日起施行。<br>有关部门应当执行。</p><div><p>附件：目录</p></div></body></html>"""
    assert detect_format(html) == "html"
    doc = parse(html)
    assert doc.title == "某某办法"
    assert [a.label for a in doc.articles()] == ["第一条", "第二条"]
    assert doc.articles()[0].children[0].text == "为了加强管理，制定本办法。"
    assert [p.text for p in doc.articles()[1].children] == ["本办法自公布之日起施行。", "有关部门应当执行。"]


def test_text_without_numbering_is_paragraphs():
    doc = parse("关于某事的说明\n这是第一段，没有编号。\n这是第二段。\n")
    assert doc.kind == "plain" and doc.title == "关于某事的说明"
    assert [(p.key, p.text) for p in doc.root.children] == [("段1", "这是第一段，没有编号。"), ("段2", "这是第二段。")]


@pytest.mark.parametrize("text", ["", "   \n\u3000\n", "<!-- INFO END -->\n"])
def test_no_text_is_a_parse_error(text):
    with pytest.raises(ParseError):
        parse(text)


def test_unknown_format_is_a_parse_error():
    with pytest.raises(ParseError):
        parse("第一条 内容", fmt="docx")


def test_table_of_contents_goes_to_the_header():
    text = "\n".join(["中华人民共和国某某法", "（2020年1月1日第十三届全国人民代表大会常务委员会第十五次会议通过）",
                      "目　　录", "第一章　总　　则", "第二章　管理", "第一章　总　　则", "第一条　为了规范，制定本法。",
                      "第二条　本法适用于全国。", "第二章　管理", "第三条　国家实行管理。"])
    doc = parse(text)
    assert doc.header[1:] == ["目　　录", "第一章　总　　则", "第二章　管理"]
    assert [(c.label, len(c.children)) for c in doc.root.children] == [("第一章", 2), ("第二章", 1)]


def test_seed_documents_round_trip(shanghai_rules, seed_text):
    text = seed_text("001")
    start = text.index("# 上海市人民政府关于做好本市当前和今后一个时期稳就业工作的意见")
    for doc in (parse(shanghai_rules), parse(text[start: text.index("\n## 【市政府办公厅文件】", start)])):
        again = parse(doc.to_text())
        assert (again.title, again.header, again.kind) == (doc.title, doc.header, doc.kind)
        assert again.root == doc.root


def test_articles_run_on_without_a_space_when_numbered_in_sequence():
    text = "某某办法\n第一条为了规范管理，制定本办法。\n第二条本办法适用于本市。\n第三条规定的事项由市政府另行公布。\n第三条本办法自公布之日起施行。\n"
    doc = parse(text)
    assert [a.label for a in doc.articles()] == ["第一条", "第二条", "第三条"]
    assert [p.text for p in doc.articles()[1].children] == ["本办法适用于本市。", "第三条规定的事项由市政府另行公布。"]
    # Out of sequence, run-on 第X条 lines are references, and the text has no articles.
    assert parse("说明\n第三条规定的事项另行公布。\n第五条所称部门包括区政府。\n").kind == "plain"


def test_html_pages_start_at_the_document_not_the_navigation():
    gov = """<html><head><title>中华人民共和国对外贸易法__2016年第34号国务院公报_中国政府网</title></head><body>
    <ul><li>首页</li><li>政策</li></ul>
    <p>1994年5月12日 第八届全国人民代表大会常务委员会第七次会议通过</p>
    <p>第一章 总则</p><p>第一条 为了扩大对外开放，制定本法。</p><p>第二条 本法适用于对外贸易。</p></body></html>"""
    doc = parse(gov)
    assert doc.title == "中华人民共和国对外贸易法" and doc.header[0].startswith("1994年5月12日")
    assert [a.label for a in doc.articles()] == ["第一条", "第二条"]
    shanghai = """<html><head><title>上海市电子证照管理办法</title></head><body>
    <div><a>首页</a></div><div>首页 &gt; 行政规范性文件</div><h2>上海市电子证照管理办法</h2><div>2022-06-08</div>
    <p>第一条（目的）</p><p>为了规范电子证照管理，制定本办法。</p>
    <p>附件：电子证照目录</p><p>第二条（施行日期）</p><p>本办法自2022年7月1日起施行。</p></body></html>"""
    doc = parse(shanghai)
    assert doc.title == "上海市电子证照管理办法" and doc.header == ["2022-06-08"]
    assert [(a.label, a.title) for a in doc.articles()] == [("第一条", "目的"), ("第二条", "施行日期")]


def test_article_titles_with_or_without_a_space_before_the_bracket():
    doc = parse("某办法\n第一条 （目的）\n为了规范，制定本办法。\n第二条(定义) 本办法所称部门，是指市政府部门。\n")
    assert [(a.label, a.title, a.children[0].text) for a in doc.articles()] == [
        ("第一条", "目的", "为了规范，制定本办法。"), ("第二条", "定义", "本办法所称部门，是指市政府部门。")]


def test_an_article_may_open_with_its_first_item():
    doc = parse("某办法\n第一条 下列事项：\n（一）甲；\n第二条 （一）乙；\n（二）丙。\n")
    second = doc.articles()[1]
    assert second.title == "" and second.children[0].text == ""
    assert [(i.label, i.text) for i in second.children[0].children] == [("（一）", "乙；"), ("（二）", "丙。")]
    assert parse(doc.to_text()).root == doc.root


def test_a_running_head_above_the_title_goes_to_the_header():
    doc = parse("中华人民共和国国务院公报 2013年第36号\n全国年节及纪念日放假办法\n1949年12月23日 政务院发布\n"
                "第一条 为统一全国年节及纪念日的假期，制定本办法。\n第二条 全体公民放假的节日：\n")
    assert doc.title == "全国年节及纪念日放假办法"
    assert doc.header == ["中华人民共和国国务院公报 2013年第36号", "1949年12月23日 政务院发布"]
    # A one-line title over its first article stays as it was.
    assert parse("某办法\n第一条 内容。\n第二条 内容二。\n").title == "某办法"
