"""The mirror through real HTTP on loopback: what each state lists, the markup SITES.md describes."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import requests
from lxml import html as lxml_html

from mirror.corpus import squash

DOC_URL = re.compile(r"^/(\d{4})(\d{2})([a-z]+)/(\d{8})/[0-9a-f]{32}\.html$")
ROOT = Path(__file__).resolve().parents[2]


def get(mirror, host: str, path: str) -> requests.Response:
    return requests.get(mirror.urls[host] + path, timeout=10)


def utf8(response: requests.Response) -> str:
    # the sites send no charset: requests would guess ISO-8859-1, as it does on the real hosts
    return response.content.decode("utf-8")


def tree(response: requests.Response):
    return lxml_html.fromstring(response.content)


def seed_squashed(seed_text, prefix: str) -> str:
    return squash(seed_text(prefix))


def gazette_issue_links(mirror, year: int) -> dict[str, list[str]]:
    """Follow index -> year -> issues as an adapter would; {issue title: [document paths]}."""
    index = tree(get(mirror, "www.shanghai.gov.cn", "/nw2404/index.html"))
    year_links = {a.text_content().strip(): a.get("href") for a in index.xpath("//a[h4]")}
    year_page = tree(get(mirror, "www.shanghai.gov.cn", year_links[f"{year}年"]))
    issues = {}
    for a in year_page.xpath("//ul[@class='issue-list']/li/a"):
        toc = tree(get(mirror, "www.shanghai.gov.cn", a.get("href")))
        issues[a.get("title")] = [link.get("href") for link in toc.xpath("//a[@href]")
                                  if DOC_URL.match(link.get("href"))]
    return issues


def test_state0_gazette_lists_issue_13_only(mirror, seed_text):
    index = tree(get(mirror, "www.shanghai.gov.cn", "/nw2404/index.html"))
    assert [h.text for h in index.xpath("//a/h4")] == ["2022年", "2021年"]
    issues = gazette_issue_links(mirror, 2022)
    assert list(issues) == ["2022年第13期"]
    seed = seed_squashed(seed_text, "002")
    toc = tree(get(mirror, "www.shanghai.gov.cn", "/nw2404/nw2022/202213/index.html"))
    sections = [h.text for h in toc.xpath("//h3[starts-with(., '【')]")]
    assert sections == ["【市政府文件】", "【市政府办公厅文件】", "【政策解读】"]
    assert len(issues["2022年第13期"]) == 6
    for path in issues["2022年第13期"]:
        page = get(mirror, "www.shanghai.gov.cn", path)
        assert page.status_code == 200 and page.headers["Content-Type"] == "text/html"
        doc = tree(page)
        title = doc.xpath("//meta[@name='ArticleTitle']/@content")[0]
        assert doc.get_element_by_id("ivs_title").text == title
        assert squash(title) in seed  # every title is the seed's own heading
        assert re.fullmatch(r"2022-\d\d-\d\d 14\u223606", doc.xpath("//meta[@name='PubDate']/@content")[0])
        body = doc.xpath("//div[@id='ivs_content'][contains(@class,'Article_content')]"
                         "[contains(@class,'trout-region-content')]")
        assert body and len(body[0].xpath("p")) > 5


def test_gazette_document_number_is_first_centred_paragraph(mirror):
    toc = tree(get(mirror, "www.shanghai.gov.cn", "/nw2404/nw2022/202213/index.html"))
    first = toc.xpath("//h3[.='【市政府文件】']/following-sibling::ul[1]/li/a")[0]
    doc = tree(get(mirror, "www.shanghai.gov.cn", first.get("href")))
    paragraphs = doc.get_element_by_id("ivs_content").xpath("p")
    assert paragraphs[0].get("style") == "text-align: center;"
    assert paragraphs[0].text == "沪府发〔2022〕5号"
    assert doc.get_element_by_id("ivs_date").text == "2022-06-13"
    # chrome the extractor must drop, and an attachment link that resolves to a PDF
    # related links are div.newsbox (div#xggj, where present, holds article text, not links)
    assert "字号：" in doc.text_content() and doc.xpath("//div[@class='newsbox']//li/a") and not doc.xpath("//*[@id='xggj']")
    attachment = doc.get_element_by_id("ivs_content").xpath(".//a[contains(@href,'.pdf')]/@href")[0]
    pdf = get(mirror, "www.shanghai.gov.cn", attachment)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_state1_adds_issue_14_with_the_repeal(mirror, seed_text):
    assert "上海市流动人口计划生育工作规定" in library_text(mirror)
    mirror.set_state(1)
    issues = gazette_issue_links(mirror, 2022)
    assert list(issues) == ["2022年第14期", "2022年第13期"]
    assert len(issues["2022年第14期"]) == 8
    seed = seed_squashed(seed_text, "001")
    order = tree(get(mirror, "www.shanghai.gov.cn", issues["2022年第14期"][0]))
    assert order.get_element_by_id("ivs_content").xpath("p")[0].text == "上海市人民政府令第68号"
    assert "流动人口计划生育工作规定" in order.xpath("//meta[@name='ArticleTitle']/@content")[0]
    for path in issues["2022年第14期"]:
        title = tree(get(mirror, "www.shanghai.gov.cn", path)).xpath("//meta[@name='ArticleTitle']/@content")[0]
        assert squash(title) in seed
    assert "上海市流动人口计划生育工作规定" not in library_text(mirror)


def library_text(mirror) -> str:
    return "".join(utf8(get(mirror, "www.shanghai.gov.cn", f"/xxzfgzwj/{p}"))
                   for p in ("index.html", "index_2.html", "index_3.html"))


def text_of(doc) -> list[str]:
    return [p.text_content().strip() for p in doc.xpath("//div[@id='UCAP-CONTENT']/p")]


def eval_paragraphs(case: str, name: str) -> list[str]:
    text = (ROOT / "corpus" / "eval-dev" / case / name).read_text(encoding="utf-8")
    lines = [re.sub(r"^#+\s*", "", line).strip() for line in text.replace("<!-- INFO END -->", "").split("\n")]
    return [line for line in lines if line]


def gov_issues(mirror) -> dict[str, str]:
    """'2024年第33号' -> gname, from gbgl.json shaped as the real one (SITES.md §3)."""
    raw = get(mirror, "www.gov.cn", "/gongbao/gbgl.json").content
    assert raw.startswith(b"\xef\xbb\xbf")
    (entry,) = json.loads(raw.decode("utf-8-sig"))
    issues = {}
    for year, entries in entry["values"].items():
        assert re.fullmatch(r"\d{4}年", year)
        for key, item in entries.items():
            assert key == item["issue"] and re.fullmatch(r"第\d+号", key) and item["serial"] == 0
            assert {"channelId", "gid", "iszk", "pubtime", "pubtimeStr", "seqNum"} <= set(item)
            issues[year + key] = item["gname"]
    legacy = json.loads(utf8(get(mirror, "www.gov.cn", "/gbgl/xhtml/js/gbgl.json")))
    assert all(re.fullmatch(r"y\d{4}", year) for year in legacy[0]["values"])
    return issues


def test_state2_publishes_amendments_and_republished_texts(mirror):
    assert set(gov_issues(mirror)) == {"2013年第36号", "2016年第34号"}
    old_issue = tree(get(mirror, "www.gov.cn", "/gongbao/2013/issue_3923/"))
    assert old_issue.xpath("//div[@class='box']/ul/li/a/@href") == ["../../content/2013/content_2591512.htm"]
    assert old_issue.xpath("//li[@class='gbpdf']/a/@href") == [""]  # old issues have no PDF
    old = tree(get(mirror, "www.gov.cn", "/gongbao/content/2013/content_2591512.htm"))
    assert text_of(old) == eval_paragraphs("nianjie", "old.md")[1:]
    mirror.set_state(2)
    issues = gov_issues(mirror)
    # absolute, as the real one; the mirror answers its own hosts' absolute URLs itself
    assert issues["2024年第33号"] == mirror.urls["www.gov.cn"] + "/gongbao/2024/issue_11726/"
    issue = get(mirror, "www.gov.cn", "/gongbao/2024/issue_11726/")
    links = tree(issue).xpath("//div[@class='box']/ul/li/a")
    assert [a.get("href") for a in links] == ["./202411/content_6986381.html", "./202411/content_6986382.html"]
    assert links[0].xpath("i") and links[0].xpath("br")  # <i></i>, then lines split by <br>
    lines = [t.strip("\n ") for t in links[0].itertext() if t.strip("\n ")]
    # the decree line, then the title, wrapped mid-line onto a line indented by one full-width space
    assert lines == ["中华人民共和国国务院令（第797号）", "\u3000\u3000国务院关于修改《全国年节及纪念日放假办法》的",
                     "\u3000决定"]
    assert links[1].text_content().strip() == "全国年节及纪念日放假办法"
    new = tree(get(mirror, "www.gov.cn", "/gongbao/2024/issue_11726/202411/content_6986382.html"))
    assert new.xpath("//title")[0].text == "全国年节及纪念日放假办法__2024年第33号国务院公报_中国政府网"
    assert text_of(new) == eval_paragraphs("nianjie", "new.md")[1:]
    # the Shanghai decision and the five republished regulations in a new gazette issue
    issues = gazette_issue_links(mirror, 2025)
    (docs,) = issues.values()
    titles = [tree(get(mirror, "www.shanghai.gov.cn", p)).xpath("//meta[@name='ArticleTitle']/@content")[0]
              for p in docs]
    assert titles[0].startswith("上海市人民代表大会常务委员会关于修改《上海市公路管理条例》等10件")
    assert sorted(titles[1:]) == sorted(eval_paragraphs(c, "new.md")[0] for c in
                                        ("sh-yinxiang", "sh-shehuijiuzhu", "sh-jianyanjiance",
                                         "sh-xueshengshanghai", "sh-jianshecailiao"))


def test_state2_changes_one_page_in_formatting_only(mirror):
    issues = gazette_issue_links(mirror, 2022)
    pages0 = {p: get(mirror, "www.shanghai.gov.cn", p) for p in issues["2022年第13期"]}
    mirror.set_state(2)
    changed = [p for p, r in pages0.items() if get(mirror, "www.shanghai.gov.cn", p).content != r.content]
    assert len(changed) == 1
    after = get(mirror, "www.shanghai.gov.cn", changed[0])
    assert after.headers["ETag"] != pages0[changed[0]].headers["ETag"]

    def words(r):
        text = tree(r).get_element_by_id("ivs_content").text_content()
        return re.sub(r"[\s\u3000,，:：;；()（）]", "", text)
    assert words(after) == words(pages0[changed[0]])


def test_state3_repeal_leaves_the_rules_library_and_a_page_disappears(mirror):
    mirror.set_state(2)
    rows = lambda: {a.xpath("p")[0].text: a.get("href") for n in ("index.html", "index_2.html", "index_3.html")  # noqa: E731
                    for a in tree_or_empty(get(mirror, "www.shanghai.gov.cn", f"/xxzfgzwj/{n}"))
                    .xpath("//table[@class='r-table']/tbody/tr/td[2]/a/p[1]/..")}
    before = rows()
    assert "上海市黄浦江大桥管理办法" in before and "上海市医患纠纷预防与调解办法" in before
    bridge = before["上海市黄浦江大桥管理办法"]
    amended = get(mirror, "www.shanghai.gov.cn", before["上海市医患纠纷预防与调解办法"])
    assert "第一条" not in amended.content.decode("gb18030")  # before 令第13号 the corpus has no text: title and 令 line only
    series = utf8(get(mirror, "www.shanghai.gov.cn", "/nw2407/index.html"))
    assert "修改和废止部分市政府规章" not in series
    issue13 = gazette_issue_links(mirror, 2022)["2022年第13期"]
    mirror.set_state(3)
    after = rows()
    assert "上海市黄浦江大桥管理办法" not in after and "上海市医患纠纷预防与调解办法" in after
    assert len(before) - len(after) == 17
    assert get(mirror, "www.shanghai.gov.cn", bridge).status_code == 404
    republished = get(mirror, "www.shanghai.gov.cn", after["上海市医患纠纷预防与调解办法"]).content.decode("gb18030")
    assert "第一条" in republished and "根据2024年4月2日上海市人民政府令第13号修正" in republished
    titles = [a.get("title") for page in ("index.html", "index_2.html")
              for a in tree(get(mirror, "www.shanghai.gov.cn", f"/nw2407/{page}"))
              .xpath("//ul[@class='tadaty-list']/li/a")]
    assert "上海市人民政府关于修改和废止部分市政府规章的决定" in titles
    gone = [p for p in issue13 if get(mirror, "www.shanghai.gov.cn", p).status_code == 404]
    assert len(gone) == 1


def tree_or_empty(response: requests.Response):
    return tree(response) if response.status_code == 200 else lxml_html.fromstring("<html></html>")


def test_series_pagination_and_commented_duplicates(mirror):
    first = utf8(get(mirror, "www.shanghai.gov.cn", "/nw11408/index.html"))
    assert "totalPage" not in first  # most listings page with JavaScript, without a count
    counted = utf8(get(mirror, "www.shanghai.gov.cn", "/nw2407/index.html"))
    assert re.search(r'\$\("\.pagination"\)\.pagination\(\{\s*totalPage:\s*(\d+)', counted)
    total = 4  # 11 documents, 3 a page
    seen = []
    for n in range(1, total + 1):
        page = get(mirror, "www.shanghai.gov.cn", "/nw11408/index.html" if n == 1 else f"/nw11408/index_{n}.html")
        assert page.status_code == 200
        doc = tree(page)  # lxml drops comments from the selection: duplicates stay out
        seen += [(a.get("title"), a.getparent().xpath("span[@class='time']")[0].text)
                 for a in doc.xpath("//ul[@class='tadaty-list']/li/a[@title]")]
        assert "<!-- <li><a" in utf8(page)
    assert len(seen) == len(set(seen)) == 11  # the 沪府办发 documents of seed 003
    assert get(mirror, "www.shanghai.gov.cn", f"/nw11408/index_{total + 1}.html").status_code == 404
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\d", date) for _, date in seen)


def test_old_pages_are_gbk_without_charset_header(mirror):
    old = [a.get("href") for page in ("index.html", "index_2.html")
           for a in tree(get(mirror, "www.shanghai.gov.cn", f"/nw42944/{page}")).xpath("//ul[@class='tadaty-list']/li/a")
           if a.getparent().xpath("span")[0].text < "2020"]
    page = get(mirror, "www.shanghai.gov.cn", old[0])
    assert page.headers["Content-Type"] == "text/html"
    with pytest.raises(UnicodeDecodeError):
        page.content.decode("utf-8")
    text = page.content.decode("gb18030")
    assert "charset=gb2312" in text and "土地资源高质量利用" in text
    assert "&#8195;&#8195;" in text  # the real pages indent with entities


def test_gov_robots_and_malformed_page(mirror):
    robots = utf8(get(mirror, "www.gov.cn", "/robots.txt"))
    assert "Disallow: /search/" in robots and "/gongbao" not in robots
    page = utf8(get(mirror, "www.gov.cn", "/gongbao/content/2016/content_5146380.htm"))
    assert page.count("<html>") == 2 and "UCAP-CONTENT" in page
    assert "第一章 总则" in page


def test_normative_document_database(mirror):
    listing = "/XingZhengWenDangKuJyh/XZGFList.aspx?Kind=1&currentPage=1&pagesize=10"  # Kind: ignored

    def rows() -> list[tuple[str, str, str]]:
        doc = tree(get(mirror, "service.shanghai.gov.cn", listing))
        out = []
        for tr in doc.xpath("//table[contains(@class,'table-list')]//tr")[1:]:  # the first row is the header
            cells = tr.xpath("td")
            out.append((cells[0].xpath("a/@href")[0], cells[1].text, cells[2].text))
        return out

    before = rows()
    assert len(before) == 6 and all(re.fullmatch(r"沪府(办)?规〔\d{4}〕\d+ ?号", n) for _, n, _ in before)
    assert any(" 号" in n for _, n, _ in before)  # as the real database writes some of them
    href, number, _ = before[0]
    detail = get(mirror, "service.shanghai.gov.cn", "/XingZhengWenDangKuJyh/" + href.removeprefix("./"))
    assert detail.status_code == 200 and number.replace(" ", "") in utf8(detail)
    assert get(mirror, "service.shanghai.gov.cn",
               "/XingZhengWenDangKuJyh/XZGFList.aspx?currentPage=2&pagesize=10").status_code == 404
    mirror.set_state(1)
    after = rows()
    numbers = lambda listed: {n.replace(" ", "") for _, n, _ in listed}  # noqa: E731
    assert numbers(after) - numbers(before) == {"沪府规〔2022〕6号"}  # published in gazette 第14期


def test_policy_platform_api_pages_records_and_answers_details(mirror):
    base = mirror.urls["www.shanghai.gov.cn"]

    def post(path: str, payload) -> requests.Response:
        return requests.post(base + path, json=payload, timeout=5)

    first = post("/gwk/policy/page", {"pageNo": 1, "pageSize": 4}).json()["data"]
    total = first["totalCount"]
    assert first["totalPage"] == -(-total // 4) and len(first["records"]) == 4
    records = [r for n in range(1, first["totalPage"] + 1)
               for r in post("/gwk/policy/page", {"pageNo": n, "pageSize": 4}).json()["data"]["records"]]
    assert len(records) == len({r["businessId"] for r in records}) == total
    record = records[0]
    assert {"title", "publishDate", "siteId", "businessId", "effectiveFlag", "attrs"} <= set(record)
    assert {"agency", "documentAgency", "policyLevel", "zwPDFUrl"} <= set(record["attrs"])
    detail = post("/gwk/policy/detail", {"siteId": record["siteId"], "businessId": record["businessId"]}).json()
    assert detail["data"]["txt"].startswith(f"<p>{record['attrs']['documentAgency']}</p>")
    assert post("/gwk/policy/page", {"pageNo": 1, "pageSize": 151}).status_code == 400  # the API caps pages at 150
    assert requests.post(base + "/gwk/policy/page", data=b"{not json", timeout=5).status_code == 400
    mirror.set_state(3)
    assert post("/gwk/policy/page", {"pageNo": 1, "pageSize": 4}).json()["data"]["totalCount"] > total
