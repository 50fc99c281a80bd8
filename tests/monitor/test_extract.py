"""Extraction: HTML pages of the two CMSs, GBK bytes, a real PDF, and the noisy crawl of seed 003."""
from __future__ import annotations

import re

import pytest

from diffs.errors import InputError
from monitor.extract import (clean_text, extract_html, extract_pdf, join_wrapped_lines, normalize_number, parse_date,
                             split_documents, text_meta)

CHROME = ("字号：", "为确保最佳浏览效果", "&#8195;", "总共3页", "law-lib", "政府网站标识码", "分享：", "相关稿件",
          "下一页", "ICP备", "手机法律图书馆")

SHANGHAI_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="上海市人民政府关于印发《上海市交易场所管理暂行办法》的通知">
<meta name="PubDate" content="2025-02-05 14∶06"><meta name="ContentSource" content="上海市人民政府办公厅">
<title>上海市人民政府关于印发《上海市交易场所管理暂行办法》的通知_上海市人民政府</title>
<script>var x = "第九十九条 不应出现";</script><style>p{color:red}</style></head>
<body><div class="header">首页 政务公开</div>
<h2 id="ivs_title">上海市人民政府关于印发《上海市交易场所管理暂行办法》的通知</h2>
<small id="ivs_date">2025-02-05</small><span class="fontsize">字号：大 中 小</span>
<div id="ivs_content" class="Article_content trout-region-content">
<p style="text-align:center">沪府规 [2025] 2 号</p>
<p>各区人民政府，市政府各委、办、局：</p>
<p>&#8195;&#8195;现将《上海市交易场所管理暂行办法》印发给你们，请认真按照执行。</p>
<p>上海市人民政府</p><p>2025年1月27日</p>
<p>第一条&#8195;为了规范交易场所&lt;script&gt;alert(1)&lt;/script&gt;，制定本办法。<br>第二条　本办法适用于本市。</p>
<p>第三十八条 本办法自2025年3月1日起施行，有效期至2030年2月28日。</p>
<p>附件：<a href="/cmsres/ab/list.pdf">交易场所名单.pdf</a> <a href="/cmsres/ab/form.docx">申请表</a></p>
<div class="bdsharebuttonbox share">分享到：微信 微博 打印</div>
<div class="newsbox" id="xggj"><h3>相关稿件</h3><ul><li><a href="/x.html">另一个通知</a></li></ul></div>
</div>
<div class="footer"><p>为确保最佳浏览效果，建议您使用以下浏览器版本</p></div></body></html>"""


def test_shanghai_page_clean_text_and_metadata():
    doc = extract_html(SHANGHAI_PAGE, "https://www.shanghai.gov.cn/nw42944/20250205/abc.html")
    assert doc.title == "上海市人民政府关于印发《上海市交易场所管理暂行办法》的通知"
    lines = doc.text.split("\n")
    assert lines[0] == "沪府规 [2025] 2 号"
    assert "第一条\u3000为了规范交易场所<script>alert(1)</script>，制定本办法。" in lines  # text, not markup
    assert "第二条　本办法适用于本市。" in lines  # <br> made its own line
    assert "现将《上海市交易场所管理暂行办法》印发给你们，请认真按照执行。" in lines  # indentation dropped
    for junk in CHROME + ("不应出现", "color:red", "另一个通知", "首页"):
        assert junk not in doc.text, junk
    meta = doc.meta
    assert meta["number"] == "沪府规〔2025〕2号"
    assert (meta["issuer"], meta["signed"], meta["published"]) == ("上海市人民政府", "2025-01-27", "2025-02-05")
    assert (meta["effective"], meta["expires"]) == ("2025-03-01", "2030-02-28")
    assert meta["attachments"] == [
        {"name": "交易场所名单.pdf", "url": "https://www.shanghai.gov.cn/cmsres/ab/list.pdf"},
        {"name": "申请表", "url": "https://www.shanghai.gov.cn/cmsres/ab/form.docx"}]


def test_gbk_bytes_are_decoded_as_gb18030():
    page = SHANGHAI_PAGE.replace('charset="utf-8"', 'charset="gb2312"').replace("交易场所名单", "交易场所名单䶮")
    doc = extract_html(page.encode("gb18030"), "https://www.shanghai.gov.cn/a.html")
    assert doc.meta["number"] == "沪府规〔2025〕2号"
    assert doc.meta["attachments"][0]["name"] == "交易场所名单䶮.pdf"  # beyond GBK: only gb18030 has it


def test_gov_cn_title_split_and_lxml_fallback():
    body = "".join(f"<p>第{n}条　内容{n}。</p>" for n in "一二三四五")
    page = ('<html><head><meta name="firstpublishedtime" content="2024-11-12-10:00:00">'
            "<title>全国年节及纪念日放假办法__2024年第33号国务院公报_中国政府网</head>"  # unclosed <title>
            f'<body><div class="pages_content"><div id="UCAP-CONTENT">{body}</div></div>'
            '<div class="footer">中国政府网 版权所有</div></body></html>')
    doc = extract_html(page, "https://www.gov.cn/gongbao/2024/issue_11706/202411/content_6986382.html")
    assert doc.text.split("\n") == [f"第{n}条　内容{n}。" for n in "一二三四五"]
    assert doc.meta["published"] == "2024-11-12"
    closed = page.replace("国务院公报_中国政府网</head>", "国务院公报_中国政府网</title></head>")
    doc = extract_html(closed, "https://www.gov.cn/x.html")
    assert doc.title == "全国年节及纪念日放假办法" and doc.meta["issue"] == "2024年第33号"


def test_page_without_body_is_an_input_error():
    with pytest.raises(InputError, match="no document body"):
        extract_html("<html><body><div class='other'>x</div></body></html>", "https://x/")
    with pytest.raises(InputError, match="empty"):
        extract_html("  ", "https://x/")


def test_numbers_and_dates():
    assert normalize_number("（2023年1月12日上海市人民政府令第74号公布）") == "上海市人民政府令第74号"
    assert normalize_number("国务院令 第七百九十五号") == "国务院令第795号"
    assert normalize_number("国办发（2024）12号") == "国办发〔2024〕12号"
    assert normalize_number("没有文号") is None
    assert parse_date("二〇二四年十二月三十日") == "2024-12-30"
    assert parse_date("2026-06-13 14∶06") == "2026-06-13"


def test_text_metadata_from_gazette_conventions():
    meta = text_meta("沪府规〔2022〕6号\n(2022 年 6 月 25 日)\n各区人民政府：\n本意见自印发之日起施行。")
    assert (meta["number"], meta["signed"], meta["effective"]) == ("沪府规〔2022〕6号", "2022-06-25", "2022-06-25")
    assert meta["issuer"] == "上海市人民政府"  # from the 文号 prefix when nobody signs at the foot
    meta = text_meta("上海市人民政府令\n第13号\n本决定自2024年5月15日起施行。\n市长 龚正\n2024年4月2日")
    assert (meta["number"], meta["issuer"], meta["effective"]) == ("上海市人民政府令第13号", "上海市人民政府", "2024-05-15")


def test_pdf_text_with_paragraphs_rejoined(browser):
    paragraph = "为了规范本市交易场所的设立和运营，防范和化解金融风险，保护投资者合法权益，维护经济金融秩序和社会稳定，" * 3
    html = ('<html><head><meta charset="utf-8"><style>body{font-family:"Noto Sans CJK SC";font-size:12pt}</style>'
            "</head><body><h1>上海市交易场所管理暂行办法</h1><p>沪府规〔2025〕2号</p>"
            f"<p>第一条　{paragraph}制定本办法。</p><p>第二条　本办法适用于本市。</p></body></html>")
    page = browser.new_page()
    try:
        page.set_content(html)
        data = page.pdf(format="A4")
    finally:
        page.close()
    doc = extract_pdf(data)
    lines = doc.text.split("\n")
    assert doc.title == "上海市交易场所管理暂行办法"
    assert doc.meta["number"] == "沪府规〔2025〕2号"
    first = next(line for line in lines if line.startswith("第一条"))
    assert re.sub(r"\s", "", first) == re.sub(r"\s", "", f"第一条　{paragraph}制定本办法。")
    assert any(line.startswith("第二条") for line in lines)
    with pytest.raises(InputError, match="not a PDF"):
        extract_pdf(b"<html>")
    with pytest.raises(InputError, match="unreadable PDF"):
        extract_pdf(b"%PDF-1.4 garbage")


@pytest.fixture(scope="module")
def seed003_documents():
    from pathlib import Path
    (path,) = (Path(__file__).resolve().parents[2] / "corpus" / "seeds").glob("003_*.txt")
    text = path.read_text(encoding="utf-8")
    return text, split_documents(text)


def test_seed003_splits_into_clean_documents(seed003_documents):
    text, documents = seed003_documents
    assert len(documents) >= 30
    for doc in documents:
        for junk in CHROME:
            assert junk not in doc.text, (doc.title, junk)
        assert doc.text.strip() and "\n\n" not in doc.text
    # every 文号 printed on a line of its own in the crawl heads one of the documents
    lone_numbers = {normalize_number(line) for line in text.split("\n")
                    if re.fullmatch(r"\s*[\u4e00-\u9fff]{2,6}〔\d{4}〕\s*\d+\s*号\s*", line)}
    found = {doc.meta.get("number") for doc in documents}
    assert lone_numbers <= found, lone_numbers - found


def test_seed003_document_metadata(seed003_documents):
    _, documents = seed003_documents
    by_number = {doc.meta.get("number"): doc for doc in documents}
    land = by_number["沪府规〔2018〕21号"]
    assert land.title == "上海市人民政府关于印发本市全面推进土地资源高质量利用若干意见的通知"
    assert (land.meta["issuer"], land.meta["signed"]) == ("上海市人民政府", "2018-11-15")
    permits = by_number["上海市人民政府令第74号"]
    assert permits.title == "上海市行政执法证管理办法"
    assert (permits.meta["signed"], permits.meta["effective"]) == ("2023-01-12", "2023-04-01")
    assert permits.text.startswith("上海市人民政府令\n第74号\n")
    inspections = by_number["沪府办发〔2024〕34号"]
    assert (inspections.meta["signed"], inspections.meta["published"]) == ("2024-12-30", "2025-01-08")
    decision = by_number["上海市人民政府令第15号"]
    assert decision.title.startswith("上海市人民政府关于修改《上海市行政审批告知承诺管理办法》")
    assert "（2025年1月8日上海市人民政府令第15号公布\u3000自2025年2月8日起施行）" in decision.text.split("\n")
    assert decision.meta["effective"] == "2025-02-08"


def test_chrome_filter_keeps_sentences_of_law_that_share_words_with_chrome():
    law = ["地址变更的，应当自变更之日起30日内办理备案。", "作者享有署名权。", "微信公众号运营者应当履行管理责任。",
           "（注：本表所列事项按年度更新）", "版权所有人可以依法许可他人使用。", "打印、复印件应当加盖公章。"]
    chrome = ["地址：上海市人民大道200号", "分享：", "打印", "微信", "总共3页  1 [2] [3]", "政府网站标识码：3100000044"]
    assert clean_text("\n".join(law + chrome)).split("\n") == law


def test_join_wrapped_lines_rejoins_only_full_lines():
    full = "一" * 20
    lines = [full, full, "短尾。", "第二条" + "二" * 17, "末行", "（一）项"]
    assert join_wrapped_lines(lines) == [full * 2 + "短尾。", "第二条" + "二" * 17 + "末行", "（一）项"]


def test_long_page_keeps_every_block_and_chrome_classes_go():
    paragraphs = "".join(f"<p>第{n}条　第{n}项规定的内容。</p>" for n in range(1, 4001))
    page = (f'<html><head><title>长文件_上海市人民政府</title></head><body><div id="ivs_content">{paragraphs}'
            '<div class="bdsharebuttonbox">分享到：微信</div><div class="xx-share-bar">微博</div>'
            '<div class="newsbox"><ul><li><a href="/a.html">相关的另一个文件</a></li></ul></div></div></body></html>')
    doc = extract_html(page, "https://www.shanghai.gov.cn/a.html")
    lines = doc.text.split("\n")
    assert len(lines) == 4000 and lines[0] == "第1条　第1项规定的内容。" and lines[-1] == "第4000条　第4000项规定的内容。"
    assert "分享" not in doc.text and "微博" not in doc.text and "相关的另一个文件" not in doc.text


def test_deeply_nested_page_is_refused_quickly_with_a_clear_error():
    import time

    nested = "<html><body><div id='UCAP-CONTENT'>" + "<div>" * 100_000 + "深" + "</div>" * 100_000 + "</div></body></html>"
    start = time.monotonic()
    with pytest.raises(InputError, match="nested too deeply"):
        extract_html(nested, "https://www.gov.cn/deep.html")
    assert time.monotonic() - start < 5  # refused before parsing, not after minutes
    # many unclosed <p> (optional end tags) are not nesting: such a page is read
    flat = "<html><body><div id='UCAP-CONTENT'>" + "<p>段落" * 3000 + "</div></body></html>"
    assert len(extract_html(flat, "https://www.gov.cn/flat.html").text.split("\n")) == 3000


def test_page_metadata_keeps_only_the_documents_own_term():
    from monitor.extract import text_meta

    granted = ("某市网吧管理办法\n第一条 为了规范管理，制定本办法。\n"
               "第二条 经营许可证有效期为5年，有效期至2020年1月1日的许可证应当换发。\n"
               "第三条 本办法自2019年3月1日起施行。")
    meta = text_meta(granted, "某市网吧管理办法")
    assert meta["effective"] == "2019-03-01" and "expires" not in meta   # the licence's term, not the rule's
    own = granted.replace("自2019年3月1日起施行。", "自2019年3月1日起施行，有效期至2024年2月29日。")
    assert text_meta(own, "某市网吧管理办法")["expires"] == "2024-02-29"
    quoted = ("某市实施细则\n第一条 《某省条例》自2010年5月1日起施行以来，制定本细则。\n第九条 本细则自2021年7月1日起施行。")
    assert text_meta(quoted, "某市实施细则")["effective"] == "2021-07-01"
