"""The page templates escape the corpus text they carry (scraped text is untrusted)."""
from __future__ import annotations

from lxml import html as lxml_html

from mirror.pages import esc, shanghai_document


def test_esc_escapes_markup_but_keeps_the_real_pages_entities_and_subscripts():
    assert esc('<script>alert("x")</script>') == "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"
    assert esc("&#8195;&#8195;经研究") == "&#8195;&#8195;经研究"
    assert esc("PM<sub>2.5</sub> & CO<sup>2</sup>") == "PM<sub>2.5</sub> &amp; CO<sup>2</sup>"


def test_document_page_carries_hostile_text_as_text():
    hostile = '关于<img src=x onerror="alert(1)">的通知'
    page = shanghai_document(hostile, "沪府规〔2025〕2号", "2025-01-27", "上海市人民政府",
                             ["<script>steal()</script>", "第一条 正文"], [], [], column="测试")
    doc = lxml_html.fromstring(page)
    assert not doc.xpath("//img") and not doc.xpath("//div[@id='ivs_content']//script")
    assert doc.get_element_by_id("ivs_title").text == hostile
    assert doc.xpath("//meta[@name='ArticleTitle']/@content") == [hostile]
    assert doc.get_element_by_id("ivs_content").xpath("p")[1].text == "<script>steal()</script>"
