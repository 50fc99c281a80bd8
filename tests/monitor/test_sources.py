"""Each source kind against the offline mirror, through real HTTP on loopback; facts checked against
the seed texts the mirror was built from."""
from __future__ import annotations

import re

import pytest

from diffs.errors import ConfigError, FetchError, SourceError
from monitor.extract import normalize_number
from monitor.http import PoliteSession
from monitor.sources import get
from monitor.sources.shanghai_gazette import DOCUMENT_PATH_RE

SH = "www.shanghai.gov.cn"
GOV = "www.gov.cn"


@pytest.fixture
def session():
    with PoliteSession(timeout=(2.0, 5.0), backoff=0.01, deadline=20.0) as s:
        yield s


def source(kind: str, mirror, host: str, path: str, **options):
    return get(kind)("test", mirror.urls[host] + path, options)


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_gazette_lists_each_issue_by_section_with_pdf(mirror, session, seed_text):
    refs = list(source("shanghai-gazette", mirror, SH, "/nw2404/index.html").discover(session))
    documents = [r for r in refs if r.doc_type != "gazette-pdf"]
    pdfs = [r for r in refs if r.doc_type == "gazette-pdf"]
    issues = {r.issue for r in refs}
    assert len(pdfs) == len(issues) >= 2  # one whole-issue PDF per issue
    assert all(DOCUMENT_PATH_RE.match(re.sub(r"^http://[^/]+", "", r.url)) for r in documents)
    assert all(r.section and r.title and re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.published) for r in documents)
    seeds = squash(seed_text("001") + seed_text("002"))
    issue13 = [r for r in documents if r.issue == "2022年第13期"]
    assert issue13, issues
    for ref in issue13:
        if ref.section != "政策解读":
            assert squash(ref.title) in seeds, ref.title
    assert {"市政府文件", "市政府办公厅文件", "政策解读"} <= {r.section for r in issue13}


def test_gazette_max_issues_limits_and_fetches_document_and_pdf(mirror, session, seed_text):
    gazette = source("shanghai-gazette", mirror, SH, "/nw2404/index.html", max_issues=1)
    refs = list(gazette.discover(session))
    assert len({r.issue for r in refs}) == 1
    ref = next(r for r in refs if r.section == "市政府文件")
    doc = gazette.fetch(session, ref)
    assert doc.http_status == 200 and doc.meta["title"] == ref.title
    assert doc.meta.get("number", "").startswith("沪府") and "字号：" not in doc.text
    longest = max(doc.text.split("\n"), key=len)
    assert squash(longest) in squash(seed_text("001") + seed_text("002"))
    assert doc.meta["attachments"][0]["url"].endswith(".pdf")
    pdf_ref = next(r for r in refs if r.doc_type == "gazette-pdf")
    pdf = gazette.fetch(session, pdf_ref)
    assert pdf.raw.startswith(b"%PDF") and ref.title in pdf.text.split("\n")
    # the whole issue is its own document: it does not take the 文号 of the first notice it prints
    assert pdf.meta["title"] == pdf_ref.title and "number" not in pdf.meta


def test_series_lists_pages_without_commented_duplicates(mirror, session, seed_text):
    series = source("shanghai-series", mirror, SH, "/nw42944/index.html")
    refs = list(series.discover(session))
    urls = [r.url for r in refs]
    assert len(urls) == len(set(urls)) >= 3
    seed = squash(seed_text("003"))
    for ref in refs:
        assert squash(ref.title) in seed or squash(ref.title.split("《")[-1].split("》")[0]) in seed
    fetched = series.fetch(session, refs[-1])
    assert fetched.meta["number"] == "沪府规〔2018〕21号"
    assert fetched.meta["signed"] == "2018-11-15"


def test_series_pagination_follows_the_page_count_script(mirror, session):
    refs_all = list(source("shanghai-series", mirror, SH, "/nw2407/index.html").discover(session))
    pages = [h.path for h in mirror.hits if h.path.startswith("/nw2407/index")]
    n = len(pages)
    assert n >= 2 and pages == ["/nw2407/index.html"] + [f"/nw2407/index_{i}.html" for i in range(2, n + 1)]
    with pytest.raises(FetchError, match="404"):  # it stopped at the last page the script announces
        session.get(mirror.urls[SH] + f"/nw2407/index_{n + 1}.html")
    assert len({r.url for r in refs_all}) == len(refs_all)
    refs_one = list(source("shanghai-series", mirror, SH, "/nw2407/index.html", max_pages=1).discover(session))
    assert 0 < len(refs_one) < len(refs_all) and refs_one == refs_all[:len(refs_one)]


def test_series_without_page_count_walks_until_404(mirror, session, seed_text):
    # nw11408 (沪府办发) prints no totalPage: 11 documents of seed 003 on pages of 3, then index_5 is 404
    refs = list(source("shanghai-series", mirror, SH, "/nw11408/index.html").discover(session))
    pages = [h.path for h in mirror.hits if h.path.startswith("/nw11408/index")]
    assert pages == ["/nw11408/index.html", "/nw11408/index_2.html", "/nw11408/index_3.html",
                     "/nw11408/index_4.html", "/nw11408/index_5.html"]
    assert len(refs) == len({r.url for r in refs}) == 11
    assert seed_text("003").count("沪府办发〔") >= 11
    # the next cycle: page 1 holds nothing new, so the older pages are not read again
    from monitor.sources.memo import DiscoveryMemo
    series = source("shanghai-series", mirror, SH, "/nw11408/index.html")
    first = source("shanghai-series", mirror, SH, "/nw11408/index.html")
    list(first.discover(session))
    series.memo = DiscoveryMemo(first.memo.pages)
    before = len(mirror.hits)
    again = list(series.discover(session))
    assert [h.path for h in mirror.hits[before:]] == ["/nw11408/index.html"]
    assert len(again) == 3 and {r.url for r in again} | series.known_listed == {r.url for r in refs}


def test_series_without_page_count_stops_at_a_page_with_nothing_new(site, session):
    entry = ('<li><a href="/d/{n}.html" title="关于第{n}件事的通知">关于第{n}件事的通知</a>'
             '<span class="time">2024-0{n}-01</span></li>')
    page = lambda ns: ('<html><body><ul class="tadaty-list">' + "".join(entry.format(n=n) for n in ns)  # noqa: E731
                       + "</ul></body></html>").encode()
    site.routes["/s/index.html"] = lambda h, _: site.reply(h, 200, page([1, 2]), {"Content-Type": "text/html"})
    site.routes["/s/index_2.html"] = lambda h, _: site.reply(h, 200, page([3]), {"Content-Type": "text/html"})
    # a CMS that answers any page number with the last page: walking must stop, not loop
    site.routes["/s/index_3.html"] = lambda h, _: site.reply(h, 200, page([3]), {"Content-Type": "text/html"})
    series = get("shanghai-series")("t", site.url("/s/index.html"), {})
    refs = list(series.discover(session))
    assert [r.title for r in refs] == ["关于第1件事的通知", "关于第2件事的通知", "关于第3件事的通知"]
    assert [r.doc_type for r in refs] == ["通知"] * 3
    assert [p for p, _ in site.hits if p.startswith("/s/")] == ["/s/index.html", "/s/index_2.html", "/s/index_3.html"]


def test_gov_gongbao_reads_the_older_index_with_year_keys_and_relative_gnames(mirror, session):
    mirror.set_state(2)
    gongbao = source("gov-gongbao", mirror, GOV, "/gbgl/xhtml/js/gbgl.json")
    refs = list(gongbao.discover(session))
    assert {r.issue for r in refs} == {"2013年第36号", "2016年第34号", "2024年第33号"}
    assert not gongbao.problems
    pdfs = [r for r in refs if r.doc_type == "gazette-pdf"]
    assert [r.url.rsplit("/", 1)[1] for r in pdfs] == ["gwygb202433.pdf"]  # old issues leave the link empty


GAZETTE_INDEX = """<html><body><ul>{}</ul></body></html>"""
YEAR_PAGE = """<html><body><ul>{}</ul></body></html>"""


def small_gazette(site, years: dict[int, list[int] | int]) -> None:
    """A gazette on the loopback site: years -> issue numbers, or an HTTP status for the year page."""
    html = {"Content-Type": "text/html; charset=utf-8"}
    links = "".join(f'<li><a href="/g/{y}/index.html"><h4>{y}年</h4></a></li>' for y in years)
    site.routes["/g/index.html"] = lambda h, _: site.reply(h, 200, GAZETTE_INDEX.format(links).encode(), html)
    for year, issues in years.items():
        if isinstance(issues, int):
            site.routes[f"/g/{year}/index.html"] = lambda h, _, code=issues: site.reply(h, code, b"error")
            continue
        items = "".join(f'<li><a href="/g/{year}/{n}/index.html">{year}年第{n}期</a></li>' for n in issues)
        year_body = YEAR_PAGE.format(items).encode()
        site.routes[f"/g/{year}/index.html"] = lambda h, _, body=year_body: site.reply(h, 200, body, html)
        for n in issues:
            toc = (f'<html><body><h3>【市政府文件】</h3><ul><li><a href="/{year}{n:02d}zfwj/{year}0{n}01/{"a" * 32}.html">'
                   f'上海市人民政府关于第{n}期事项的通知</a></li></ul></body></html>').encode()
            site.routes[f"/g/{year}/{n}/index.html"] = lambda h, _, body=toc: site.reply(h, 200, body, html)


def test_gazette_failing_and_empty_year_pages_leave_the_other_issues(site, session):
    # 2025 (the newest) has no issue yet; 2024's page fails; 2023 lists no issue; 2022 has two issues
    small_gazette(site, {2025: [], 2024: 500, 2023: [], 2022: [1, 2]})
    gazette = get("shanghai-gazette")("t", site.url("/g/index.html"), {"pdf": False})
    refs = list(gazette.discover(session))
    assert [r.issue for r in refs] == ["2022年第2期", "2022年第1期"]
    assert [r.title for r in refs] == ["上海市人民政府关于第2期事项的通知", "上海市人民政府关于第1期事项的通知"]
    assert [r.doc_type for r in refs] == ["通知", "通知"]
    problems = sorted(p.url.rsplit("/", 2)[-2] for p in gazette.problems)
    assert problems == ["2023", "2024"]  # not 2025: a year without issues yet is no error
    assert all(p.expected and p.found for p in gazette.problems)


def test_gazette_whose_entry_page_fails_is_a_source_error(site, session):
    gazette = get("shanghai-gazette")("t", site.url("/g/index.html"), {})
    with pytest.raises(FetchError):
        list(gazette.discover(session))


def test_incremental_discovery_stops_reading_final_issues(mirror, session):
    from datetime import date, timedelta

    from monitor.sources.memo import ISSUE_RECHECKS, DiscoveryMemo
    memo = DiscoveryMemo(today=date(2025, 3, 1))
    requests_per_day = []
    for day in range(ISSUE_RECHECKS + 2):
        gongbao = source("gov-gongbao", mirror, GOV, "/gongbao/gbgl.json")
        gongbao.memo = DiscoveryMemo(memo.pages, today=date(2025, 3, 1) + timedelta(days=day))
        before = len(mirror.hits)
        refs = list(gongbao.discover(session))
        requests_per_day.append(len([h for h in mirror.hits[before:] if h.path != "/robots.txt"]))
        memo.pages = gongbao.memo.pages
        if day < ISSUE_RECHECKS:
            assert {r.issue for r in refs} == {"2013年第36号", "2016年第34号"}
        else:  # read on three days: final; its documents are still listed, without a request
            assert refs == [] and len(gongbao.known_listed) == 2
    # two issue pages a day until they are final, then gbgl.json alone
    assert requests_per_day == [3, 3, 3, 1, 1]


def test_rules_library_gives_order_number_and_date(mirror, session, seed_text):
    refs = list(source("shanghai-rules", mirror, SH, "/xxzfgzwj/index.html").discover(session))
    assert len(refs) >= 10
    seed = seed_text("003")
    numbered = [r for r in refs if r.number]
    assert len(numbered) >= len(refs) // 2
    checked = 0
    for ref in numbered:
        # seed 003 prints a rule's title and then its promulgation note (（2023年1月12日…令第74号公布…）)
        note = re.search(re.escape(ref.title) + r"\s*[（(](\d{4})年(\d+)月(\d+)日上海市人民政府令第(\d+)号公布", seed)
        if note:
            y, m, d, order = (int(g) for g in note.groups())
            assert (ref.published, ref.number) == (f"{y:04d}-{m:02d}-{d:02d}", f"上海市人民政府令第{order}号")
            checked += 1
    assert checked >= 3
    supervision = next(r for r in refs if r.title == "上海市行政执法监督办法")
    assert (supervision.number, supervision.published) == ("上海市人民政府令第1号", "2023-01-19")


def test_gov_gongbao_reads_bom_json_relative_gnames_and_content_pages(mirror, session, eval_cases):
    gongbao = source("gov-gongbao", mirror, GOV, "/gongbao/")
    refs = list(gongbao.discover(session))
    issues = {r.issue for r in refs}
    assert {"2013年第36号", "2016年第34号"} <= issues  # one gname is relative, one root-relative
    contents = [r for r in refs if r.doc_type != "gazette-pdf"]
    assert all("/content_" in r.url for r in contents)
    by_title = {r.title: r for r in contents}
    holiday = gongbao.fetch(session, by_title["全国年节及纪念日放假办法"])
    assert holiday.meta["published"].startswith("2013-12") and holiday.meta["issue"] == "2013年第36号"
    assert "放假" in holiday.text and "中国政府网" not in holiday.text
    # the malformed page (doubled <html>, unclosed tags): the body is still all there
    trade = gongbao.fetch(session, by_title["中华人民共和国对外贸易法"])
    assert trade.meta["title"] == "中华人民共和国对外贸易法"
    assert len(trade.text) > 5000 and "第一条" in trade.text and "版权所有" not in trade.text


def test_conditional_second_pass_downloads_no_bodies(mirror, session):
    rules = source("shanghai-rules", mirror, SH, "/xxzfgzwj/index.html", max_pages=1)
    refs = list(rules.discover(session))[:5]
    first = [rules.fetch(session, ref) for ref in refs]
    before = len(mirror.hits)
    second = [rules.fetch(session, d.ref, etag=d.etag, last_modified=d.last_modified) for d in first]
    assert second == [None] * 5
    answers = [h for h in mirror.hits[before:] if h.path.startswith("/xxzfgzwj/2") or h.path.startswith("/xxzfgzwj/1")]
    assert [h.status for h in answers] == [304] * 5 and all(h.conditional and h.bytes == 0 for h in answers)


def test_changed_layout_is_a_source_error_not_an_empty_result(mirror, session):
    mirror.set_fault(SH, "/nw42944/index.html", "layout")
    with pytest.raises(SourceError, match="expected listing entries") as info:
        list(source("shanghai-series", mirror, SH, "/nw42944/index.html").discover(session))
    assert info.value.expected and info.value.found
    mirror.set_fault(SH, "/xxzfgzwj/index.html", "layout")
    with pytest.raises(SourceError, match="rule rows"):
        list(source("shanghai-rules", mirror, SH, "/xxzfgzwj/index.html").discover(session))


def test_faults_end_in_retry_error_or_skip(mirror, session):
    rules = source("shanghai-rules", mirror, SH, "/xxzfgzwj/index.html", max_pages=1)
    mirror.set_fault(SH, "/xxzfgzwj/index.html", "slow", delay=0.3, times=1)
    assert list(rules.discover(session))  # slow but within the read timeout
    mirror.set_fault(SH, "/xxzfgzwj/index.html", "status", code=503, times=1)
    assert list(rules.discover(session))  # retried
    mirror.set_fault(SH, "/xxzfgzwj/index.html", "rate_limit", retry_after=1, times=1)
    assert list(rules.discover(session))  # waited, retried
    mirror.set_fault(SH, "/xxzfgzwj/index.html", "foreign_redirect")
    with pytest.raises(FetchError, match="foreign host"):
        list(rules.discover(session))
    mirror.clear_faults()
    mirror.set_fault(SH, "/xxzfgzwj/index.html", "truncate")
    with pytest.raises(FetchError, match="gave up"):
        list(rules.discover(session))
    mirror.clear_faults()
    mirror.set_fault(SH, "/xxzfgzwj/index.html", "oversize", size=3_000_000)
    with PoliteSession(max_bytes=1_000_000, retries=0) as small:
        with pytest.raises(FetchError, match="exceeds the limit"):
            list(rules.discover(small))
    mirror.clear_faults()
    mirror.set_fault(SH, "/xxzfgzwj/index.html", "hang", seconds=5)
    with PoliteSession(timeout=(1.0, 0.5), retries=1, backoff=0.01) as impatient:
        with pytest.raises(FetchError, match="Timeout"):
            list(rules.discover(impatient))


def test_gbk_and_no_charset_pages_decode(mirror, session):
    rules = source("shanghai-rules", mirror, SH, "/xxzfgzwj/index.html", max_pages=1)
    plain = list(rules.discover(session))
    mirror.set_fault(SH, "/xxzfgzwj/*", "gbk")
    assert list(rules.discover(session)) == plain
    fetched = rules.fetch(session, plain[0])
    mirror.clear_faults()
    mirror.set_fault(SH, "/xxzfgzwj/*", "no_charset")
    assert rules.fetch(session, plain[0]).text == fetched.text


def test_generic_source_reads_the_normative_document_database(mirror, session):
    # service.shanghai.gov.cn has no adapter of its own: the config describes it with selectors
    db = source("generic", mirror, "service.shanghai.gov.cn",
                "/XingZhengWenDangKuJyh/XZGFList.aspx?currentPage=1&pagesize=10",
                links="table.table-list td.td-title a", body="#ivs_content", title="#ivs_title", date="#ivs_date")
    refs = list(db.discover(session))
    assert len(refs) == len({r.url for r in refs}) >= 5
    assert all("XZGFDetails.aspx?docid=" in r.url and r.title.endswith("通知") for r in refs)
    land = next(r for r in refs if "土地资源" in r.title)
    doc = db.fetch(session, land)
    assert doc.meta["title"] == land.title and doc.meta["published"] == "2018-11-15"
    assert doc.meta["number"] == "沪府规〔2018〕21号" and doc.text.startswith("沪府规〔2018〕21号\n")
    broken = source("generic", mirror, SH, "/nw2407/index.html", links="div.no-such-list a", body="div")
    with pytest.raises(SourceError, match="no-such-list"):
        list(broken.discover(session))


def test_normative_database_adapter_reads_every_page_then_only_the_new_ones(mirror, session):
    from monitor.sources.memo import DiscoveryMemo
    listing = "/XingZhengWenDangKuJyh/XZGFList.aspx?Kind=1&pagesize=10"
    db = source("shanghai-normative", mirror, "service.shanghai.gov.cn", listing)
    refs = list(db.discover(session))
    assert len(refs) == len({r.url for r in refs}) >= 5 and not db.problems
    assert all("XZGFDetails.aspx?docid=" in r.url for r in refs)
    land = next(r for r in refs if "土地资源" in r.title)
    # the list writes some numbers with a space before 号: the canonical form has none
    assert (land.number, land.published) == ("沪府规〔2018〕21号", "2018-11-15")
    assert all(re.fullmatch(r"[\u4e00-\u9fff]+〔\d{4}〕\d+号", r.number) for r in refs)
    doc = db.fetch(session, land)
    assert doc.meta["title"] == land.title and doc.meta["number"] == "沪府规〔2018〕21号"
    # the next cycle: page 1 holds nothing new, so the older pages are not read again
    again = source("shanghai-normative", mirror, "service.shanghai.gov.cn", listing)
    again.memo = DiscoveryMemo(db.memo.pages)
    before = len(mirror.hits)
    fresh = list(again.discover(session))
    pages = [h.path for h in mirror.hits[before:] if "XZGFList" in h.path]
    assert len(pages) == 1 and {r.url for r in fresh} | again.known_listed == {r.url for r in refs}


def test_gov_policy_feed_and_library(mirror, session):
    mirror.set_state(2)
    feed = source("gov-policy", mirror, GOV, "/zhengce/zuixin/ZUIXINZHENGCE.json")
    refs = list(feed.discover(session))
    assert [(r.title, r.number, r.published, r.doc_type) for r in refs] == [
        ("国务院关于修改《全国年节及纪念日放假办法》的决定", "国务院令第797号", "2024-11-10", "令"),
        ("全国年节及纪念日放假办法", None, "2024-11-10", "办法"),
        ("全国年节及纪念日放假办法", None, "2013-12-11", "办法")]
    decision = feed.fetch(session, refs[0])
    assert decision.meta["issuer"] == "国务院" and decision.meta["number"] == "国务院令第797号"
    assert decision.meta["signed"] == "2024-11-10" and decision.meta["doc_type"] == "令"
    assert decision.text.startswith("国务院决定对《全国年节及纪念日放假办法》作如下修改")
    for junk in ("发文机关", "分享", "版权所有"):
        assert junk not in decision.text
    library = source("gov-policy", mirror, GOV, "/zhengce/zhengceku/gwywj/index.htm")
    assert [r.url for r in library.discover(session)] == [r.url for r in refs]
    with pytest.raises(SourceError, match="TITLE"):
        list(source("gov-policy", mirror, GOV, "/gongbao/gbgl.json").discover(session))


def test_unknown_kind_and_option_are_config_errors():
    with pytest.raises(ConfigError, match="unknown source kind"):
        get("rss")
    with pytest.raises(ConfigError, match="max_isues"):
        get("shanghai-gazette")("g", "http://127.0.0.1/nw2404/index.html", {"max_isues": 1})
    with pytest.raises(ConfigError, match="max_pages must be a positive integer"):
        get("shanghai-rules")("r", "http://127.0.0.1/xxzfgzwj/index.html", {"max_pages": 0})
    with pytest.raises(ConfigError, match="links"):
        get("generic")("g", "http://127.0.0.1/", {"body": "div"})


def test_number_normalisation_accepts_every_bracket():
    for raw in ("沪府规〔2018〕21号", "沪府规[2018]21号", "沪府规［2018］21 号", "沪府规 (2018) 21号",
                "沪府规（2018）第21号", "沪府规【2018】21号"):
        assert normalize_number(raw) == "沪府规〔2018〕21号", raw


def seed_toc(text: str) -> dict[str, str]:
    """Section -> squashed table-of-contents text of a gazette issue converted from its PDF."""
    toc = text.split("## 目 录", 1)[1]
    toc = re.split(r"\n【[^】]+】\n", toc, maxsplit=1)[0]
    sections = re.split(r"### 【([^】]+)】", toc)[1:]
    return {name: squash(re.sub(r"\.{3,}\s*(\(\d+\))?", "", block)) for name, block in zip(sections[::2], sections[1::2])}


@pytest.mark.parametrize("seed, issue, state", [("002", "2022年第13期", 0), ("001", "2022年第14期", 1)])
def test_gazette_issue_matches_its_table_of_contents(mirror, session, seed_text, seed, issue, state):
    mirror.set_state(state)
    gazette = source("shanghai-gazette", mirror, SH, "/nw2404/index.html", years=[2022])
    refs = [r for r in gazette.discover(session) if r.issue == issue and r.doc_type != "gazette-pdf"]
    toc = seed_toc(seed_text(seed))
    assert {r.section for r in refs} == set(toc)
    for ref in refs:
        left = squash(ref.title).replace("〈", "《").replace("〉", "》")
        assert left in toc[ref.section].replace("〈", "《").replace("〉", "》"), ref.title
    assert len([r for r in refs if r.section == "政策解读"]) == toc["政策解读"].count("政策解读")
    body = squash(seed_text(seed))
    for ref in refs:
        if ref.section == "政策解读":
            continue
        doc = gazette.fetch(session, ref)
        number = doc.meta.get("number")
        if number:  # the 文号 (or 令 number) printed in the gazette, whatever its bracket style there
            digits = re.findall(r"\d+", number)
            assert re.search(r"[〔\[(（]?".join(digits), body) or squash(number) in body, number
        y, m, d = (int(x) for x in doc.meta["signed"].split("-"))
        assert f"{y}年{m}月{d}日" in body, (ref.title, doc.meta["signed"])


def test_states_bring_a_new_issue_and_take_a_repealed_rule_out_of_the_library(mirror, session):
    gazette = source("shanghai-gazette", mirror, SH, "/nw2404/index.html")
    rules = source("shanghai-rules", mirror, SH, "/xxzfgzwj/index.html")
    repealed = "上海市流动人口计划生育工作规定"  # repealed by 令第68号 in 2022年第14期
    assert "2022年第14期" not in {r.issue for r in gazette.discover(session)}
    assert repealed in {r.title for r in rules.discover(session)}
    mirror.set_state(1)
    assert "2022年第14期" in {r.issue for r in gazette.discover(session)}
    assert repealed not in {r.title for r in rules.discover(session)}


def test_new_gov_issue_lists_its_documents_with_issuer_and_title(mirror, session):
    gongbao = source("gov-gongbao", mirror, GOV, "/gongbao/gbgl.json", max_issues=1)
    assert {r.issue for r in gongbao.discover(session)} == {"2016年第34号"}
    mirror.set_state(2)
    refs = list(gongbao.discover(session))
    assert {r.issue for r in refs} == {"2024年第33号"}
    contents = [r for r in refs if r.doc_type != "gazette-pdf"]
    # a TOC entry reads "issuer<br>title" (or just the title): the issuer is not part of the title
    # the decree line and the title wrapped mid-line are one entry; doc_type is the kind, not the issuer
    assert [(r.doc_type, r.number, r.title) for r in contents] == [
        ("令", "中华人民共和国国务院令第797号", "国务院关于修改《全国年节及纪念日放假办法》的决定"),
        ("办法", None, "全国年节及纪念日放假办法")]
    republished = gongbao.fetch(session, contents[1])
    assert republished.meta["issue"] == "2024年第33号" and republished.meta["published"].startswith("2024-11")


def test_shanghai_policy_api_pages_details_and_incremental_reads(mirror, session, seed_text):
    from monitor.sources.memo import DiscoveryMemo
    api = source("shanghai-policy", mirror, SH, "/gwk/policy/page", page_size=5)
    refs = list(api.discover(session))
    posts = [h for h in mirror.hits if h.method == "POST" and h.path == "/gwk/policy/page"]
    assert len(refs) == len({r.url for r in refs}) and len(posts) == -(-len(refs) // 5) >= 2  # every page, once
    assert all(r.number and r.published and r.title for r in refs)
    dates = [r.published for r in refs]
    assert dates == sorted(dates, reverse=True)  # newest first
    land = next(r for r in refs if r.number == "沪府规〔2018〕21号")
    doc = api.fetch(session, land)
    assert doc.text.startswith("沪府规〔2018〕21号\n") and "土地资源" in doc.meta["title"]
    assert squash(max(doc.text.split("\n"), key=len)) in squash(seed_text("003"))
    again = source("shanghai-policy", mirror, SH, "/gwk/policy/page", page_size=5)
    again.memo = DiscoveryMemo(api.memo.pages)
    before = len(mirror.hits)
    assert list(again.discover(session)) == [] and again.known_listed == {r.url for r in refs}
    assert len([h for h in mirror.hits[before:] if h.method == "POST"]) == 1
    with pytest.raises(ConfigError):
        source("shanghai-policy", mirror, SH, "/gwk/policy/page", page_size=0)


def test_cycle_with_a_failing_year_page_stores_the_other_years_and_records_the_page(mirror, tmp_path):
    from monitor.config import Schedule, SourceConfig
    from monitor.pipeline import run_source
    from snapshots import Store

    mirror.set_state(2)
    mirror.set_fault(SH, "/nw2404/nw2022/index.html", "status", code=500)
    config = SourceConfig("gazette", "shanghai-gazette", mirror.urls[SH] + "/nw2404/index.html", Schedule(seconds=3600),
                          0.0, {"pdf": False})
    with Store(tmp_path / "regwatch.db") as store:
        report = run_source(config, store)
        fetched = [url for (url,) in store.conn.execute("SELECT url FROM fetches WHERE outcome IN ('new', 'changed')")]
        events = store.conn.execute("SELECT url, payload FROM events WHERE kind = 'source_error'").fetchall()
    assert report.failed is None and not report.ok and len(report.problems) == 1
    # documents are at /{YYYY}{NN}{section}/…: 2021 and 2025 stored, 2022's two issues wait for the next cycle
    issues = {re.sub(r"^http://[^/]+/(\d{6}).*", r"\1", url) for url in fetched}
    assert issues == {"202124", "202502"}
    ((url, payload),) = events
    assert url.endswith("/nw2404/nw2022/index.html")
    assert '"expected"' in payload and "HTTP 500" in payload and '"partial": true' in payload


def test_no_change_cycles_stop_reading_final_issues_through_the_store(mirror, tmp_path):
    from datetime import date, timedelta

    from monitor.config import Schedule, SourceConfig
    from monitor.pipeline import run_source
    from monitor.sources.memo import ISSUE_RECHECKS, REVISITS_PER_CYCLE
    from snapshots import Store

    config = SourceConfig("gongbao", "gov-gongbao", mirror.urls[GOV] + "/gongbao/gbgl.json", Schedule(seconds=3600), 0.0)
    with Store(tmp_path / "regwatch.db") as store:
        for day in range(ISSUE_RECHECKS + 1):
            before = len(mirror.hits)
            report = run_source(config, store, today=date(2025, 3, 1) + timedelta(days=day))
        last = [h.path for h in mirror.hits[before:] if h.path != "/robots.txt"]
        pages = store.discovery_pages("gongbao")
        documents = len(store.documents())
    assert report.ok and documents == 2
    assert all(entry["checks"] == ISSUE_RECHECKS for entry in pages.values()) and len(pages) == 2
    # the last cycle: the index, no issue page, and only the documents revisited in rotation
    assert last[0] == "/gongbao/gbgl.json" and not any(p.endswith("/") for p in last)
    assert len(last) - 1 <= REVISITS_PER_CYCLE


def test_policy_feed_dates_as_strings_or_epoch_milliseconds():
    from monitor.sources.gov_policy import feed_date
    assert feed_date("2024-11-10 16:00:00") == "2024-11-10"
    assert feed_date(1731225600000) == "2024-11-10"  # 2024-11-10 08:00 UTC is 16:00 in Beijing
    assert feed_date(1731254400000) == "2024-11-11"  # 16:00 UTC is already the next day in Beijing
    assert feed_date(None) is None and feed_date(True) is None


def test_a_page_of_100k_nested_tags_is_a_recorded_error_and_the_cycle_goes_on(site, tmp_path):
    import time

    from monitor.config import Schedule, SourceConfig
    from monitor.pipeline import run_source
    from snapshots import Store

    html = {"Content-Type": "text/html; charset=utf-8"}
    listing = ('<html><body><ul class="list"><li><a href="/deep.html">深层页面的通知</a></li>'
               '<li><a href="/fine.html">关于正常页面的通知</a></li></ul></body></html>').encode()
    deep = ("<html><body><div id='content'>" + "<div>" * 100_000 + "第一条" + "</div>" * 100_000
            + "</div></body></html>").encode()
    fine = "<html><body><div id='content'><p>第一条　本通知自发布之日起施行。</p></div></body></html>".encode()
    for path, body in (("/list.html", listing), ("/deep.html", deep), ("/fine.html", fine)):
        site.routes[path] = lambda h, _, body=body: site.reply(h, 200, body, html)
    config = SourceConfig("t", "generic", site.url("/list.html"), Schedule(seconds=3600), 0.0,
                          {"links": "ul.list a", "body": "#content"})
    start = time.monotonic()
    with Store(tmp_path / "regwatch.db") as store:
        report = run_source(config, store)
        titles = [d["title"] for d in store.documents()]
    assert time.monotonic() - start < 30
    assert report.outcomes == {"error": 1, "new": 1} and titles == ["关于正常页面的通知"]
    assert len(report.errors) == 1 and "nested too deeply" in report.errors[0] and "/deep.html" in report.errors[0]


def test_gazette_index_listing_its_latest_issues_itself(site, session):
    small_gazette(site, {2024: [3]})
    index = ('<html><body><ul><li><a href="/g/2025/1/index.html" title="2025年第1期">2025年第1期（总第560期）</a></li>'
             '<li><a href="/g/2024/index.html"><h4>2024年</h4></a></li></ul></body></html>').encode()
    toc = ('<html><body><ul><li><a href="/202501zfwj/20250105/' + "b" * 32 + '.html">上海市人民政府关于新年事项的决定</a>'
           '</li></ul></body></html>').encode()
    site.routes["/g/index.html"] = lambda h, _: site.reply(h, 200, index, {"Content-Type": "text/html"})
    site.routes["/g/2025/1/index.html"] = lambda h, _: site.reply(h, 200, toc, {"Content-Type": "text/html"})
    refs = list(get("shanghai-gazette")("t", site.url("/g/index.html"), {"pdf": False}).discover(session))
    assert [(r.issue, r.title, r.doc_type, r.published) for r in refs] == [
        ("2025年第1期", "上海市人民政府关于新年事项的决定", "决定", "2025-01-05"),
        ("2024年第3期", "上海市人民政府关于第3期事项的通知", "通知", "2024-03-01")]
