"""Clean text and metadata of one HTML document page (the Shanghai CMS, gov.cn, or any site).

The text keeps one paragraph per line (the clause parser in ``diffs.structure`` reads numbering at
line starts) and loses the site chrome around it: font-size switches, browser advice, related links,
share bars, pagination footers, site footers and disclaimers. Scraped text is untrusted: it is
returned as plain text, never as markup.
"""
from __future__ import annotations

import re
from urllib.parse import urljoin

from bs4 import BeautifulSoup, CData, NavigableString, Tag

from diffs.errors import InputError
from monitor.encoding import decode
from monitor.extract.meta import (SITE_SUFFIX_RE, Extracted, clean_line, clean_text, gazette_heading, parse_date,
                                  text_meta)

ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".ofd")
# Where the document body lives, most specific first: gov.cn, the Shanghai CMS, older Shanghai pages.
# div#xggj holds the article text on some Shanghai pages (it is not the related-links box, div.newsbox).
BODY_SELECTORS = ("#UCAP-CONTENT", "div#ivs_content", "div.Article_content", "div#xggj", ".pages_content", "#zoom",
                  ".TRS_UEDITOR", ".TRS_Editor")
CHROME_SELECTORS = ("script", "style", "noscript", "iframe", "form", "div.newsbox", ".share",
                    ".bdsharebuttonbox", "[class*=share]", ".pagination", ".page-nav", "#div_div", ".fontsize",
                    ".footer", "#footer")
BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "section", "article",
              "center", "blockquote", "pre", "ul", "ol", "dd", "dt", "hr", "header", "footer")

# Bounds on what one page may cost: a page past them is recorded as an error of that document,
# never a stalled cycle. A legitimate 15 MB gazette page has about 250 000 tags and depth < 40.
MAX_TAGS = 1_000_000
MAX_DEPTH = 400
MAX_BODY_CANDIDATES = 20
CHROME_SELECTOR = ", ".join(CHROME_SELECTORS)
BLOCKS = frozenset(BLOCK_TAGS)
GAZETTE_SUFFIX_RE = re.compile(r"__\s*(\d{4})\s*年\s*第\s*(\d+)\s*号[^_]*公报")


def extract_html(html: str | bytes, url: str = "", body_selector: str | None = None) -> Extracted:
    """Title, clean body text and metadata of one document page (Shanghai CMS, gov.cn, or generic)."""
    if isinstance(html, bytes):
        html = decode(html, what=url or "HTML page").text
    if not html.strip():
        raise InputError(f"empty HTML page {url}".strip())
    tags = html.count("<")
    if tags > MAX_TAGS:
        raise InputError(f"page too large to extract: {tags} tags (limit {MAX_TAGS}) {url}".strip())
    selectors = (body_selector,) if body_selector else BODY_SELECTORS
    soup = BeautifulSoup(html, "lxml")
    body = _body(soup, selectors, url)
    if body is None or len(re.findall(r"<html", html[:200_000], re.I)) > 1:
        # lxml drops what follows a doubled <html> or some unclosed tags; html.parser keeps it.
        fallback_soup = BeautifulSoup(html, "html.parser")
        fallback = _body(fallback_soup, selectors, url)
        if fallback is not None and (body is None or len(fallback[1]) > len(body[1])):
            soup, body = fallback_soup, fallback
    if body is None:
        raise InputError(f"no document body found in {url or 'the page'} (looked for {', '.join(selectors)})")
    container, body_text = body
    raw_title = _raw_title(soup)
    title = _html_title(soup)
    text = clean_text(body_text)
    meta = text_meta(text, raw_title)
    meta.update(_html_meta(soup))
    gazette = _gazette_meta(raw_title, soup)
    if gazette:
        title = gazette.pop("title") or title
        meta.update(gazette)
    attachments = _attachments(container, url)
    if attachments:
        meta["attachments"] = attachments
    if title and text.startswith(title + "\n"):
        text = text[len(title) + 1:]
    return Extracted(title, text, meta)


def _body(soup: BeautifulSoup, selectors: tuple[str, ...], url: str) -> tuple[Tag, str] | None:
    """The body container (the largest match of the first selector that matches) and its text."""
    for selector in selectors:
        found = soup.select(selector, limit=MAX_BODY_CANDIDATES)
        if found:
            texts = [(element_text(el, url), el) for el in found]
            text, container = max(texts, key=lambda pair: len(pair[0]))
            return (container, text) if text.strip() else None
    return None


def element_text(element: Tag, url: str = "") -> str:
    """The text of an element with one line per block (p, div, br, li, tr…), chrome elements left out.

    One pass over the tree with an explicit stack, so the cost is linear in the page and a deeply
    nested page cannot exhaust the interpreter's stack; the tree is not modified."""
    chrome = {id(junk) for junk in element.select(CHROME_SELECTOR)}
    parts: list[str] = []
    stack: list = [(element, 0)]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        node, depth = item
        if isinstance(node, NavigableString):
            if type(node) is NavigableString or isinstance(node, CData):  # not comments, doctypes, scripts
                parts.append(str(node))
            continue
        if depth > MAX_DEPTH:
            raise InputError(f"page nested too deeply to extract: more than {MAX_DEPTH} levels {url}".strip())
        if id(node) in chrome:
            continue
        name = node.name
        if name == "br":
            parts.append("\n")
            continue
        if name in BLOCKS:
            parts.append("\n")
            stack.append("\n")
        elif name in ("td", "th"):
            stack.append(" ")
        stack.extend((child, depth + 1) for child in reversed(node.contents))
    return "".join(parts)


def _gazette_meta(raw_title: str, soup: BeautifulSoup) -> dict:
    """A gazette article page: <title> is the TOC entry (issuer, 令 number, title) + __2017年第9号国务院公报."""
    suffix = GAZETTE_SUFFIX_RE.search(raw_title)
    if not suffix:
        return {}
    meta = gazette_heading(raw_title[:suffix.start()])
    meta["issue"] = f"{suffix.group(1)}年第{int(suffix.group(2))}号"
    return meta


def _raw_title(soup: BeautifulSoup) -> str:
    # an unclosed <title> swallows the page under html.parser: such a "title" is no title
    text = soup.title.get_text().strip() if soup.title else ""
    return text if len(text) <= 200 else ""


def _html_title(soup: BeautifulSoup) -> str:
    meta = soup.find("meta", attrs={"name": "ArticleTitle"})
    if meta and meta.get("content", "").strip():
        return clean_line(meta["content"])
    ivs = soup.select_one("#ivs_title")
    if ivs and ivs.get_text().strip():
        return clean_line(ivs.get_text())
    raw = _raw_title(soup)
    if raw:  # gov.cn: 标题__2024年第33号国务院公报_中国政府网; Shanghai: 标题_上海市人民政府
        return clean_line(raw.split("__")[0] if "__" in raw else SITE_SUFFIX_RE.sub("", raw))
    h1 = soup.find("h1")
    return clean_line(h1.get_text()) if h1 else ""


def _html_meta(soup: BeautifulSoup) -> dict:
    meta: dict = {}
    published = None
    for name in ("PubDate", "firstpublishedtime"):
        tag = soup.find("meta", attrs={"name": name})
        if tag and tag.get("content"):
            published = parse_date(tag["content"].replace("∶", ":"))
            break
    if not published:
        date_el = soup.select_one("#ivs_date")
        published = parse_date(date_el.get_text()) if date_el else None
    if published:
        meta["published"] = published
    source = soup.find("meta", attrs={"name": "ContentSource"})
    if source and source.get("content", "").strip():
        meta["source"] = source["content"].strip()
    return meta


def _attachments(container: Tag, url: str) -> list[dict]:
    attachments: dict[str, dict] = {}
    for link in container.find_all("a", href=True):
        href = link["href"].strip()
        if href.lower().split("?")[0].endswith(ATTACHMENT_EXTENSIONS):
            absolute = urljoin(url, href)
            attachments.setdefault(absolute, {"name": clean_line(link.get_text()) or href.rsplit("/", 1)[-1],
                                              "url": absolute})
    return list(attachments.values())

