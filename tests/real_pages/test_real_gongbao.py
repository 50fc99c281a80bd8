"""gov-gongbao and the HTML extractor against saved real pages of www.gov.cn/gongbao.

Expected values were read by hand from the saved pages (the entries' text and the article pages'
headings), not from the adapter's output."""
from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from monitor.extract import extract_html
from monitor.http import PoliteSession
from monitor.sources import get
from monitor.sources.gov_gongbao import issue_entries
from real_pages.conftest import GONGBAO, ISSUE_PATHS, loopback_site, require_real_pages

# issue page -> (issue label, number of document entries in div.box)
ISSUES = {"cn_gazette_issue_2008_35.html": ("2008年第35号", 11),
          "cn_gazette_issue_2013_4.html": ("2013年第4号", 13),
          "cn_gazette_issue_2016_1.html": ("2016年第1号", 24),
          "cn_gazette_issue_2016_14.html": ("2016年第14号", 30),
          "cn_gazette_issue_2017_9.html": ("2017年第9号", 16)}
# content id -> (title, 令/公告 number or None, kind): the entries whose markup is hardest
ENTRIES = {
    1175820: ("森林防火条例", "中华人民共和国国务院令第541号", "令"),
    1175823: ("国务院办公厅关于2009年部分节假日安排的通知", None, "通知"),
    # the 令 number wrapped onto a line of its own
    1175824: ("关于违反信访工作纪律处分暂行规定",
              "中华人民共和国监察部 中华人民共和国人力资源和社会保障部 国家信访局令第16号", "令"),
    1175828: ("大宗农产品进口报告和信息发布管理办法（试行）", "中华人民共和国商务部令2008年第10号", "令"),
    1175832: ("证券公司集合资产管理业务实施细则（试行）", "中国证券监督管理委员会公告〔2008〕26号", "公告"),
    # the decision's name wrapped with three full-width spaces
    2326569: ("司法部关于修改《香港特别行政区和澳门特别行政区律师事务所与内地律师事务所联营管理办法》的决定",
              "中华人民共和国司法部令第126号", "令"),
    2326591: ("中华人民共和国国务院任免人员", None, None),
    2979703: ("中共中央 国务院印发《法治政府建设实施纲要（2015－2020年）》", None, "纲要"),
    # wrapped with &nbsp; runs
    2979725: ("中国保险监督管理委员会关于修改《保险公司设立境外保险类机构管理办法》等八部规章的决定",
              "中国保险监督管理委员会令2015年第3号", "令"),
    2979718: ("国务院办公厅关于第一次全国政府网站普查情况的通报", None, "通报"),
    5073711: ("国务院关于印发盐业体制改革方案的通知", None, "通知"),
    # a title wrapped mid-line by one full-width space, then the plan it prints
    5073714: ("国务院办公厅关于转发国家发展改革委等部门推进“互联网+政务服务”开展信息惠民试点实施方案的通知", None, "通知"),
    # the issuers' names wrapped mid-line
    5074055: ("国家企业技术中心认定管理办法", "中华人民共和国国家发展和改革委员会 中华人民共和国科学技术部 "
              "中华人民共和国财政部 中华人民共和国海关总署 国家税务总局令第34号", "令"),
    5074060: ("工伤保险辅助器具配置管理办法", "中华人民共和国人力资源和社会保障部 中华人民共和国民政部 "
              "中华人民共和国国家卫生和计划生育委员会令第27号", "令"),
    # a decree without the name of what it promulgates
    5074082: ("国家安全生产监督管理总局令（第87号）", "国家安全生产监督管理总局令第87号", "令"),
    5074085: ("国家税务总局关于发布《耕地占用税管理规程（试行）》的公告", "国家税务总局公告2016年第2号", "公告"),
    5181095: ("网络借贷信息中介机构业务活动管理暂行办法", "中国银行业监督管理委员会 中华人民共和国工业和信息化部 "
              "中华人民共和国公安部 国家互联网信息办公室令2016年第1号", "令"),
}
# article page -> what it says by hand: title, 文号, issue, published (firstpublishedtime), last body line
ARTICLES = {
    "cn_gazette_content_2007_content_554185.htm": (
        "互联网电子邮件服务管理办法", "中华人民共和国信息产业部令第38号", "2007年第9号", "2007-03-30",
        "第二十七条　本办法自2006年3月30日起施行。"),
    "cn_gazette_content_2013_content_2326559.htm": (
        "征信业管理条例", "中华人民共和国国务院令第631号", "2013年第4号", "2013-02-10",
        "第四十七条 本条例自2013年3月15日起施行。"),
    "cn_gazette_content_2016_content_5041555.htm": (
        "会计档案管理办法", "中华人民共和国财政部 国家档案局令第79号", "2016年第5号", "2016-02-19",
        "（以上附表略，详情请登录财政部网站）"),
    "cn_gazette_content_2016_content_5086355.htm": (
        "放射性物品运输安全监督管理办法", "中华人民共和国环境保护部令第38号", "2016年第18号", "2016-06-30",
        "附：放射性物品运输容器统一编码规则（略，详情请登录环境保护部网站）"),
    "cn_gazette_content_2017_content_5181095.htm": (
        "网络借贷信息中介机构业务活动管理暂行办法",
        "中国银行业监督管理委员会 中华人民共和国工业和信息化部 中华人民共和国公安部 国家互联网信息办公室令2016年第1号",
        "2017年第9号", "2017-03-30", "第四十七条　本办法所称不超过、以下、以内，包括本数。"),
}
CHROME = ("中国政府网", "版权所有", "网站标识码", "ICP备", "主办单位", "打印", "分享", "simplePage", "$(", "function",
          "相关稿件", "扫一扫", "国务院公报", "字号")
KINDS = {"令", "公告", "通知", "决定", "意见", "批复", "纲要", "方案", "通报", "办法", "规定", "条例", None}


@pytest.mark.parametrize("name", sorted(ISSUES))
def test_every_entry_of_a_saved_issue_page(name):
    require_real_pages()
    issue, count = ISSUES[name]
    url = "https://www.gov.cn" + ISSUE_PATHS[name]
    soup = BeautifulSoup((GONGBAO / name).read_text(encoding="utf-8"), "lxml")
    refs = issue_entries(soup, url, issue)
    assert len(refs) == count
    for ref in refs:
        assert re.fullmatch(r"https://www\.gov\.cn/gongbao/content/\d{4}/content_\d+\.htm", ref.url), ref.url
        assert ref.issue == issue and ref.title and ref.doc_type in KINDS, ref
        assert "<" not in ref.title and "\u3000" not in ref.title, ref
        cid = int(ref.url.rsplit("_", 1)[1].split(".")[0])
        if ref.doc_type == "令" and cid != 5074082:
            assert "令（" not in ref.title and ref.number.endswith("号"), ref  # the title is what the 令 issues
        if cid in ENTRIES:
            assert (ref.title, ref.number, ref.doc_type) == ENTRIES[cid]


def test_whole_source_over_http_records_missing_issues_and_keeps_the_rest(real_gov_site):
    base, hits = real_gov_site
    gongbao = get("gov-gongbao")("real", base + "/gongbao/gbgl.json", {})
    with PoliteSession(min_interval=0, timeout=(2.0, 5.0), backoff=0.01, deadline=20.0) as session:
        refs = list(gongbao.discover(session))
    # the slice lists 9 issues; 5 of their pages are saved, the other 4 answer 404 here
    assert {r.issue for r in refs} == {label for label, _ in ISSUES.values()}
    assert len(refs) == sum(count for _, count in ISSUES.values())  # the old issues have an empty PDF link
    missing = sorted(p.url.rsplit("/", 2)[-2] for p in gongbao.problems)
    assert missing == ["issue_3640", "issue_5306", "issue_5586", "issue_5846"]
    assert all(p.expected and p.found for p in gongbao.problems)
    by_id = {int(r.url.rsplit("_", 1)[1].split(".")[0]): r for r in refs}
    assert by_id[5181095].issue == "2017年第9号" and by_id[1175820].issue == "2008年第35号"


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_saved_article_page(name):
    require_real_pages()
    title, number, issue, published, last_line = ARTICLES[name]
    doc = extract_html((GONGBAO / name).read_bytes(), "https://www.gov.cn/gongbao/content/x/" + name)
    assert doc.title == title
    assert (doc.meta["number"], doc.meta["issue"], doc.meta["published"]) == (number, issue, published)
    assert doc.meta["doc_type"] == "令"
    lines = doc.text.split("\n")
    assert lines[-1] == last_line
    assert any(line.startswith("第一条") for line in lines)
    for junk in CHROME:
        assert junk not in doc.text, junk


def test_a_cycle_over_the_saved_site_stores_the_saved_articles(real_gov_site, tmp_path):
    from monitor.config import Schedule, SourceConfig
    from monitor.pipeline import run_source
    from snapshots import Store

    base, _ = real_gov_site
    config = SourceConfig("gongbao", "gov-gongbao", base + "/gongbao/gbgl.json", Schedule(seconds=3600), 0.0)
    with Store(tmp_path / "regwatch.db") as store:
        report = run_source(config, store)
        documents = {d["title"]: d for d in store.documents()}
    assert report.failed is None and len(report.problems) == 4  # the 4 issue pages not saved
    # of the saved articles, two belong to saved issues; the other entries' pages answer 404 (skipped)
    assert report.outcomes.get("new") == 2 and report.outcomes.get("skipped") == 92
    credit = documents["征信业管理条例"]
    assert (credit["number"], credit["issue"], credit["doc_type"]) == ("中华人民共和国国务院令第631号", "2013年第4号", "令")
    p2p = documents["网络借贷信息中介机构业务活动管理暂行办法"]
    assert p2p["issue"] == "2017年第9号" and p2p["issuer"].endswith("国家互联网信息办公室")


def test_flk_robots_forbids_every_request():
    from diffs.errors import FetchError

    robots = (require_real_pages() / "robots_flk.npc.gov.cn.txt").read_bytes()
    answer = lambda path, base: (robots, "text/plain") if path == "/robots.txt" else (b"<p>law</p>", "text/html")  # noqa: E731
    with loopback_site(answer) as (base, hits), PoliteSession(min_interval=0) as session:
        with pytest.raises(FetchError, match="robots.txt"):
            session.get(base + "/index.html")
    assert hits == ["/robots.txt"]  # nothing but robots.txt was asked
