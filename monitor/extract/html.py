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
# Chrome inside a body container: these tags, classes (div.newsbox is the related-links box; any
# class containing "share" is a share bar) and ids. Matched by hand in the one pass over the tree:
# a CSS engine costs several times the parse on a long page.
CHROME_TAGS = frozenset(("script", "style", "noscript", "iframe", "form"))
CHROME_CLASSES = frozenset(("newsbox", "bdsharebuttonbox", "pagination", "page-nav", "fontsize", "footer"))
CHROME_IDS = frozenset(("div_div", "footer"))
BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "section", "article",
              "center", "blockquote", "pre", "ul", "ol", "dd", "dt", "hr", "header", "footer")

# Bounds on what one page may cost: a page past them is recorded as an error of that document,
# never a stalled cycle. A legitimate 15 MB gazette page has about 250 000 tags and depth < 40.
MAX_TAGS = 1_000_000
MAX_DEPTH = 1000
MAX_BODY_CANDIDATES = 20
BLOCKS = frozenset(BLOCK_TAGS)
# Tags that never nest (void) or close themselves (optional end tags): they do not deepen the tree.
FLAT_TAGS = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                       "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody",
                       "tfoot", "colgroup", "rb", "rt", "rp", "!doctype"))
TAG_RE = re.compile(r"<(/?)([a-zA-Z!][a-zA-Z0-9:-]*)[^>]*?(/?)>")
SIMPLE_SELECTOR_RE = re.compile(r"^([a-zA-Z][a-zA-Z0-9]*)?(?:#([\w-]+)|\.([\w-]+))$")
GAZETTE_SUFFIX_RE = re.compile(r"__\s*(\d{4})\s*年\s*第\s*(\d+)\s*号[^_]*公报")


def extract_html(html: str | bytes, url: str = "", body_selector: str | None = None) -> Extracted:
    """Title, clean body text and metadata of one document page (Shanghai CMS, gov.cn, or generic)."""
    if isinstance(html, bytes):
        html = decode(html, what=url or "HTML page").text
    if not html.strip():
        raise InputError(f"empty HTML page {url}".strip())
    _check_bounds(html, url)
    selectors = (body_selector,) if body_selector else BODY_SELECTORS
    page = PageIndex(BeautifulSoup(html, "lxml"))
    body = _body(page, selectors, url)
    if body is None or len(re.findall(r"<html", html[:200_000], re.I)) > 1:
        # lxml drops what follows a doubled <html> or some unclosed tags; html.parser keeps it.
        fallback_page = PageIndex(BeautifulSoup(html, "html.parser"))
        fallback = _body(fallback_page, selectors, url)
        if fallback is not None and (body is None or len(fallback[1]) > len(body[1])):
            page, body = fallback_page, fallback
    if body is None:
        raise InputError(f"no document body found in {url or 'the page'} (looked for {', '.join(selectors)})")
    container, body_text = body
    raw_title = _raw_title(page)
    title = _html_title(page)
    text = clean_text(body_text)
    meta = text_meta(text, raw_title)
    meta.update(_html_meta(page))
    gazette = _gazette_meta(raw_title)
    if gazette:
        title = gazette.pop("title") or title
        meta.update(gazette)
    attachments = _attachments(container, url)
    if attachments:
        meta["attachments"] = attachments
    if title and text.startswith(title + "\n"):
        text = text[len(title) + 1:]
    return Extracted(title, text, meta)


def _check_bounds(html: str, url: str) -> None:
    """Refuse, before parsing, a page whose tags are too many or nest too deeply: parsing such a page
    takes minutes and its tree exhausts the stack of any recursive consumer."""
    tags = html.count("<")
    if tags > MAX_TAGS:
        raise InputError(f"page too large to extract: {tags} tags (limit {MAX_TAGS}) {url}".strip())
    depth = deepest = 0
    for match in TAG_RE.finditer(html):
        if match.group(3) or match.group(2).lower() in FLAT_TAGS:
            continue
        depth = max(depth - 1, 0) if match.group(1) else depth + 1
        if depth > deepest:
            deepest = depth
            if deepest > MAX_DEPTH:
                raise InputError(f"page nested too deeply to extract: more than {MAX_DEPTH} levels {url}".strip())


class PageIndex:
    """Elements by id, class and meta name, from one pass over the tree: every lookup the extractor
    makes is then a dictionary access, not another walk of a long page."""

    def __init__(self, soup: BeautifulSoup) -> None:
        self.soup = soup
        self.ids: dict[str, list[Tag]] = {}
        self.classes: dict[str, list[Tag]] = {}
        self.metas: dict[str, Tag] = {}
        self.first: dict[str, Tag] = {}
        for node in soup.descendants:
            if type(node) is not Tag:
                continue
            attrs = node.attrs
            self.first.setdefault(node.name, node)
            if "id" in attrs:
                self.ids.setdefault(attrs["id"], []).append(node)
            for cls in attrs.get("class") or ():
                self.classes.setdefault(cls, []).append(node)
            if node.name == "meta" and attrs.get("name"):
                self.metas.setdefault(attrs["name"], node)

    def select(self, selector: str, limit: int) -> list[Tag]:
        """Matches of a CSS selector; the simple ones (tag#id, tag.class) without the CSS engine."""
        simple = SIMPLE_SELECTOR_RE.match(selector)
        if not simple:
            return self.soup.select(selector, limit=limit)
        name, ident, cls = simple.groups()
        found = self.ids.get(ident, []) if ident else self.classes.get(cls, [])
        return [tag for tag in found if name is None or tag.name == name][:limit]

    def meta(self, name: str) -> str:
        tag = self.metas.get(name)
        return (tag.get("content") or "").strip() if tag is not None else ""

    def text_of(self, ident: str) -> str:
        found = self.ids.get(ident)
        return found[0].get_text() if found else ""


def _body(page: PageIndex, selectors: tuple[str, ...], url: str) -> tuple[Tag, str] | None:
    """The body container (the largest match of the first selector that matches) and its text."""
    for selector in selectors:
        found = page.select(selector, MAX_BODY_CANDIDATES)
        if found:
            texts = [(element_text(el, url), el) for el in found]
            text, container = max(texts, key=lambda pair: len(pair[0]))
            return (container, text) if text.strip() else None
    return None


def element_text(element: Tag, url: str = "") -> str:
    """The text of an element with one line per block (p, div, br, li, tr…), chrome elements left out.

    One pass over the tree with an explicit stack, so the cost is linear in the page and a deeply
    nested page cannot exhaust the interpreter's stack; the tree is not modified."""
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
        name = node.name
        if depth and _is_chrome(node):
            continue
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


def _is_chrome(node: Tag) -> bool:
    if node.name in CHROME_TAGS:
        return True
    attrs = node.attrs
    if attrs.get("id") in CHROME_IDS:
        return True
    classes = attrs.get("class") or ()
    return any(c in CHROME_CLASSES or "share" in c for c in classes)


def _gazette_meta(raw_title: str) -> dict:
    """A gazette article page: <title> is the TOC entry (issuer, 令 number, title) + __2017年第9号国务院公报."""
    suffix = GAZETTE_SUFFIX_RE.search(raw_title)
    if not suffix:
        return {}
    meta = gazette_heading(raw_title[:suffix.start()])
    meta["issue"] = f"{suffix.group(1)}年第{int(suffix.group(2))}号"
    return meta


def _raw_title(page: PageIndex) -> str:
    # an unclosed <title> swallows the page under html.parser: such a "title" is no title
    tag = page.first.get("title")
    text = tag.get_text().strip() if tag is not None else ""
    return text if len(text) <= 200 else ""


def _html_title(page: PageIndex) -> str:
    if page.meta("ArticleTitle"):
        return clean_line(page.meta("ArticleTitle"))
    if page.text_of("ivs_title").strip():
        return clean_line(page.text_of("ivs_title"))
    raw = _raw_title(page)
    if raw:  # gov.cn: 标题__2024年第33号国务院公报_中国政府网; Shanghai: 标题_上海市人民政府
        return clean_line(raw.split("__")[0] if "__" in raw else SITE_SUFFIX_RE.sub("", raw))
    h1 = page.first.get("h1")
    return clean_line(h1.get_text()) if h1 is not None else ""


def _html_meta(page: PageIndex) -> dict:
    meta: dict = {}
    published = None
    for name in ("PubDate", "firstpublishedtime"):
        if page.meta(name):
            published = parse_date(page.meta(name).replace("∶", ":"))
            break
    if not published and page.text_of("ivs_date"):
        published = parse_date(page.text_of("ivs_date"))
    if published:
        meta["published"] = published
    if page.meta("ContentSource"):
        meta["source"] = page.meta("ContentSource")
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



# Containers a page a user saved may use when it is none of the known sites' layouts: the body last.
FALLBACK_BODY = ("article", "#content", "main", "body")


def extract_saved_page(html: str, url: str) -> Extracted:
    """A page saved by a user (`regwatch import`, the text commands): the gazette sites' body
    container when there is one, else the first of FALLBACK_BODY that holds text."""
    try:
        return extract_html(html, url)
    except InputError as first:
        for selector in FALLBACK_BODY:
            try:
                return extract_html(html, url, body_selector=selector)
            except InputError:
                continue
        raise first
