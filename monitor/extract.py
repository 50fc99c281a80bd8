"""Clean text and metadata from what the sites serve: HTML pages, PDFs, and noisy crawled text.

The text keeps one paragraph per line (the clause parser in ``diffs.structure`` reads numbering at
line starts) and loses the site chrome around it: font-size switches, browser advice, related links,
share bars, pagination footers, site footers and disclaimers. Metadata (文号, issuer, dates, gazette
issue, attachments) is read from the page's meta tags where the CMS has them and from the text
itself otherwise. Scraped text is untrusted: it is returned as plain text, never as markup.
"""
from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, Tag

from diffs.errors import InputError
from diffs.numerals import ANY_NUM, cn_to_int
from diffs import validity
from monitor.encoding import decode

ATTACHMENT_EXTENSIONS = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".ofd")
# Where the document body lives, most specific first: gov.cn, the Shanghai CMS, older Shanghai pages.
BODY_SELECTORS = ("#UCAP-CONTENT", "div#ivs_content", "div.Article_content", ".pages_content", "#zoom",
                  ".TRS_Editor")
CHROME_SELECTORS = ("script", "style", "noscript", "iframe", "form", "div.newsbox", "#xggj", ".share",
                    ".bdsharebuttonbox", "[class*=share]", ".pagination", ".page-nav", "#div_div", ".fontsize",
                    ".footer", "#footer")
BLOCK_TAGS = ("p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "section", "article",
              "center", "blockquote", "pre", "ul", "ol", "dd", "dt", "hr", "header", "footer")

# A 文号 in any bracket style: 沪府规〔2018〕21号, 沪府规[2018]21号, 沪府规（2018）21 号, 沪府规 ［2018］ 第21号.
NUMBER_RE = re.compile(r"([\u4e00-\u9fff]{1,10})\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*第?\s*(\d+)\s*号")
# The prefix never starts with 年/月/日: in "2023年1月12日上海市人民政府令第74号" the date is not part of it.
ORDER_RE = re.compile(rf"((?:(?![年月日])[\u4e00-\u9fff]){{2,8}}?人民政府令|国务院令)\s*第\s*({ANY_NUM})\s*号")
LONE_ORDER_NUMBER_RE = re.compile(rf"^第\s*({ANY_NUM})\s*号$")
ORDER_HEADER_RE = re.compile(r"^(?:[\u4e00-\u9fff]{2,12}人民政府令|国务院令)$")
DATE_RE = re.compile(validity.DATE)  # one definition of a Chinese date for the whole project
ISO_DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
EFFECTIVE_RE = re.compile(rf"自\s*({DATE_RE.pattern})\s*起\s*(?:施行|实施|执行|生效)")
EXPIRES_RE = re.compile(rf"有效期至\s*({DATE_RE.pattern})")
ISSUE_RE = re.compile(r"(\d{4})\s*年\s*第\s*(\d+)\s*[期号]")
ISSUER_RE = re.compile(r"^[\u4e00-\u9fff（）()]{2,30}(?:人民政府|办公厅|委员会|局|厅|部|署|办公室|院|政府|会|中心)$")
PROMULGATION_RE = re.compile(r"^[（(][^（）()]*?(?:公布|发布|批准|印发)[^（）()]*[）)]$")
# Gazettes print the signing date in brackets under the title or 文号: (2022年6月13日)
DATED_LINE_RE = re.compile(rf"^[（(]\s*{DATE_RE.pattern}\s*[）)]$")
ON_ISSUE_RE = re.compile(r"自(印发|公布|发布)之日起(?:施行|实施|执行|生效)")
ISSUER_BY_PREFIX = {"沪府办": "上海市人民政府办公厅", "沪府": "上海市人民政府", "国办": "国务院办公厅", "国": "国务院"}

# Lines that are site chrome wherever they appear. Each pattern is anchored or specific enough not to
# match a sentence of legal text (a dropped line of law would be lost content).
CHROME_LINE_RE = re.compile("|".join([
    r"^字号[:：]?\s*[【\[]?大[】\]]?\s*[【\[]?中[】\]]?\s*[【\[]?小", r"^为确保最佳浏览效果",
    r"^分享(到)?[:：]?$", r"^[\[【]?(打印|打印本页|关闭|关闭窗口|纠错|收藏|返回顶部)[\]】]?$", r"^(\[打印本页\]|【打印本页】)",
    r"^总共\s*\d+\s*页", r"^共\s*\d+\s*页\s*$", r"^(上一页|下一页|首页|尾页)\s*$",
    r"^(主办单位|承办单位|协办单位|技术支持|地址|邮编|联系电话|上海政务服务总客服|作者|工作时间)[:：]", r"^网站地图",
    r"网站标[识记]码", r"ICP备", r"公网?安备", r"号-\d+.*主办$", r"^本网站由",
    r"^(市政府部门网站|区政府网站|本市重要机构网站|管委会网站|中央政府和国家部委网站|地方政府网站|国内重要城市网站|友情链接)",
    r"^适老化无障碍", r"^(微信|微博)$", r"^(扫一扫|用手机扫)", r"^中国政府网$", r"^版权所有\s*[:：©]", r"^中国政府网\s*版权所有",
    r"^=+$", r"^声明[:：]本法规由", r"law-lib\.com", r"^仅供学术研究参考使用", r"^请与正式出版物或发文原件核对后使用",
    r"^手机法律图书馆", r"^本文源自[:：]", r"版权(申明|声明)$", r"^【原文下载】$", r"^[（(]注[:：].*(留言|咨询)",
]))
# Lines that open a block of links to other pages (related items) that runs until the next document.
RELATED_BLOCK_RE = re.compile(r"^[【\[]?(相关稿件|相关链接|相关文件|相关法规|相关信息|相关阅读|相关解读)[】\]]?[:：]?$")
# Header lines of the CMS ("印发日期：… 发布日期：… 沪府办发〔2021〕29号", "信息来源：… 发布时间：…").
HEADER_LINE_RE = re.compile(r"^(印发日期|成文日期|发布日期|信息来源|发布时间|时间)[:：]")
LONE_DATETIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}(\s+\d{1,2}[:∶]\d{2}(?:[:∶]\d{2})?)?$")
# Crawled text sometimes glues a byline to the title that follows it.
BYLINE_RE = re.compile(r"^上观号作者[:：](?:上海企业服务)?")
SITE_SUFFIX_RE = re.compile(r"\s*[_|-]\s*[^_|-]*(人民政府|政府网|门户网站)[^_|-]*$")
SPACE_RUN_RE = re.compile(r"[ \t\u00a0\u2002\u2009\u200b]+")  # U+2003 became U+3000 first


@dataclass
class Extracted:
    title: str
    text: str
    meta: dict = field(default_factory=dict)


# -- small parsers -----------------------------------------------------------------------------------
def normalize_number(text: str) -> str | None:
    """The first 文号 or 令 number in ``text``, in the canonical form 沪府规〔2018〕21号 / 上海市人民政府令第13号."""
    order = ORDER_RE.search(text)
    number = NUMBER_RE.search(text)
    if order and (not number or order.start() < number.start()):
        return f"{order.group(1)}第{cn_to_int(order.group(2))}号"
    if number:
        return f"{number.group(1)}〔{number.group(2)}〕{int(number.group(3))}号"
    return None


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO 8601 (2024年4月2日, 二〇二四年四月二日, 2024-04-02, 2024-04-02 14∶06)."""
    day = validity.parse_date(text)
    if day:
        return day.isoformat()
    match = ISO_DATE_RE.search(text)
    if match:
        return _iso(*(int(g) for g in match.groups()))
    return None


def _iso(year: int, month: int, day: int) -> str | None:
    if 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def clean_line(line: str) -> str:
    """One line of text without entity leftovers, odd spaces or indentation."""
    if "&" in line:
        line = htmllib.unescape(line)  # crawls keep entities like &#8195; as literal text
    line = line.replace("\u2003", "\u3000").replace("\r", "")
    line = SPACE_RUN_RE.sub(" ", line)
    return line.strip(" \u3000")


def clean_text(text: str) -> str:
    """Clean lines, chrome dropped (a related-links block up to the next blank line too), no empty lines."""
    out: list[str] = []
    in_related = False
    for raw in text.split("\n"):
        line = clean_line(raw)
        if not line:
            in_related = False
            continue
        if RELATED_BLOCK_RE.match(line):
            in_related = True
            continue
        if in_related or CHROME_LINE_RE.search(line):
            continue
        out.append(line)
    return "\n".join(out)


# -- metadata from text ----------------------------------------------------------------------------------
def text_meta(text: str, title: str = "") -> dict:
    """文号, issuer, 印发 (signed), 发布 (published), 施行 (effective), 有效期至 (expires) and issue from a clean text."""
    lines = [line for line in text.split("\n") if line]
    head = lines[:12]
    meta: dict = {}
    number = _number_from_head(head)
    if number:
        meta["number"] = number
    for line in head:
        if HEADER_LINE_RE.match(line):
            _header_dates(line, meta)
        elif PROMULGATION_RE.match(line) or DATED_LINE_RE.match(line):
            meta.setdefault("signed", parse_date(line))
    issuer, signed = _signature(lines)
    if issuer:
        meta["issuer"] = issuer
    if signed:
        meta.setdefault("signed", signed)
    if "issuer" not in meta:
        meta_issuer = _issuer_from(head, meta.get("number"))
        if meta_issuer:
            meta["issuer"] = meta_issuer
    effective = EFFECTIVE_RE.search(text)
    on_issue = ON_ISSUE_RE.search(text)
    if effective and (not on_issue or effective.start() < on_issue.start()):
        meta["effective"] = parse_date(effective.group(1))
    elif on_issue:  # in force from the day it was signed (印发) or published (公布/发布)
        meta["effective"] = meta.get("signed") if on_issue.group(1) == "印发" else meta.get("published", meta.get("signed"))
    expires = EXPIRES_RE.search(text)
    if expires:
        meta["expires"] = parse_date(expires.group(1))
    issue = ISSUE_RE.search(title)
    if issue:
        meta["issue"] = f"{issue.group(1)}年第{int(issue.group(2))}{'号' if '号' in issue.group(0) else '期'}"
    return {k: v for k, v in meta.items() if v}


def _number_from_head(head: list[str]) -> str | None:
    for i, line in enumerate(head[:-1]):
        if ORDER_HEADER_RE.match(line) and LONE_ORDER_NUMBER_RE.match(head[i + 1]):
            return normalize_number(line + head[i + 1])
    for line in head:
        if PROMULGATION_RE.match(line) or (len(line) <= 30 and NUMBER_RE.search(line)):
            found = normalize_number(line)
            if found:
                return found
        if HEADER_LINE_RE.match(line) and NUMBER_RE.search(line):
            return normalize_number(line)
    return None


def _header_dates(line: str, meta: dict) -> None:
    for label, key in (("印发日期", "signed"), ("成文日期", "signed"), ("发布日期", "published"),
                       ("发布时间", "published")):
        match = re.search(label + r"[:：]\s*(\S+)", line)
        if match:
            meta.setdefault(key, parse_date(match.group(1)))


def _signature(lines: list[str]) -> tuple[str | None, str | None]:
    """The issuing body and date signed under the main text: the first org-name line followed by a date
    (a covering notice is signed before the document it prints)."""
    for i in range(1, len(lines)):
        if len(lines[i]) <= 20 and DATE_RE.fullmatch(lines[i].replace(" ", "")):
            previous = lines[i - 1].replace(" ", "")
            if ISSUER_RE.match(previous):
                return previous, parse_date(lines[i])
    return None, None


def _issuer_from(head: list[str], number: str | None) -> str | None:
    for line in head:
        if ORDER_HEADER_RE.match(line):
            return line.removesuffix("令")
    if number:
        order = ORDER_RE.match(number)
        if order:
            return order.group(1).removesuffix("令")
        for prefix, issuer in ISSUER_BY_PREFIX.items():
            if number.startswith(prefix):
                return issuer
    return None


# -- HTML ----------------------------------------------------------------------------------------------
def extract_html(html: str | bytes, url: str = "", body_selector: str | None = None) -> Extracted:
    """Title, clean body text and metadata of one document page (Shanghai CMS, gov.cn, or generic)."""
    if isinstance(html, bytes):
        html = decode(html, what=url or "HTML page").text
    if not html.strip():
        raise InputError(f"empty HTML page {url}".strip())
    selectors = (body_selector,) if body_selector else BODY_SELECTORS
    soup = BeautifulSoup(html, "lxml")
    body = _body(soup, selectors)
    if body is None or len(re.findall(r"<html", html[:200_000], re.I)) > 1:
        # lxml drops what follows a doubled <html> or some unclosed tags; html.parser keeps it.
        fallback_soup = BeautifulSoup(html, "html.parser")
        fallback = _body(fallback_soup, selectors)
        if fallback is not None and (body is None or len(fallback[1]) > len(body[1])):
            soup, body = fallback_soup, fallback
    if body is None:
        raise InputError(f"no document body found in {url or 'the page'} (looked for {', '.join(selectors)})")
    container, body_text = body
    title = _html_title(soup)
    text = clean_text(body_text)
    meta = text_meta(text, _raw_title(soup))
    meta.update(_html_meta(soup))
    attachments = _attachments(container, url)
    if attachments:
        meta["attachments"] = attachments
    if title and text.startswith(title + "\n"):
        text = text[len(title) + 1:]
    return Extracted(title, text, meta)


def _body(soup: BeautifulSoup, selectors: tuple[str, ...]) -> tuple[Tag, str] | None:
    """The body container (the largest match of the first selector that matches) and its text."""
    for selector in selectors:
        found = soup.select(selector)
        if found:
            container = max(found, key=lambda el: len(el.get_text()))
            text = element_text(container)
            return (container, text) if text.strip() else None
    return None


def element_text(element: Tag) -> str:
    """The text of an element with one line per block (p, div, br, li, tr…), chrome elements removed."""
    for comment in element.find_all(string=lambda s: isinstance(s, Comment)):
        comment.extract()
    for junk in element.select(", ".join(CHROME_SELECTORS)):
        if not junk.decomposed:  # an ancestor may already be gone
            junk.decompose()
    for br in element.find_all("br"):
        br.replace_with("\n")
    for block in element.find_all(BLOCK_TAGS):
        block.insert_before("\n")
        block.insert_after("\n")
    for cell in element.find_all(["td", "th"]):
        cell.insert_after(" ")
    return element.get_text()


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


# -- PDF -----------------------------------------------------------------------------------------------
PAGE_NUMBER_RE = re.compile(r"^[-—－–\s]*\d{1,4}[-—－–\s]*$")
PARAGRAPH_END = tuple("。！？；：”」』）)")
NUMBERED_START_RE = re.compile(rf"^(第{ANY_NUM}[编章节条]|{ANY_NUM}、|[（(]{ANY_NUM}[)）]|\d+[.．]|附件|[①-⑳])")


def extract_pdf(data: bytes) -> Extracted:
    """Text of a PDF (pypdfium2), with visual line breaks inside a paragraph joined back."""
    import pypdfium2 as pdfium

    if not data.startswith(b"%PDF"):
        raise InputError("not a PDF (no %PDF header)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        raise InputError(f"unreadable PDF: {err}") from err
    try:
        raw_lines: list[str] = []
        for page in pdf:
            textpage = page.get_textpage()
            raw_lines.extend(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n").split("\n"))
            textpage.close()
            page.close()
    finally:
        pdf.close()
    lines = [line for line in (clean_line(raw) for raw in raw_lines) if line and not PAGE_NUMBER_RE.match(line)]
    text = "\n".join(join_wrapped_lines(lines))
    text = clean_text(text)
    title = _pdf_title(text)
    return Extracted(title, text, text_meta(text, title))


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Rejoin paragraphs that a PDF broke into visual lines: a full-width line without closing
    punctuation continues on the next line unless that one starts a numbered unit."""
    if not lines:
        return []
    width = sorted(len(line) for line in lines)[int(len(lines) * 0.9)]
    out = [lines[0]]
    for previous, line in zip(lines, lines[1:]):  # previous: the visual line above, not the paragraph
        if (len(previous) >= width * 0.85 and not previous.endswith(PARAGRAPH_END)
                and not NUMBERED_START_RE.match(line)):
            out[-1] += line
        else:
            out.append(line)
    return out


def _pdf_title(text: str) -> str:
    for line in text.split("\n")[:8]:
        if _looks_like_title(line):
            return line
    return ""


# -- noisy multi-document text (crawls such as corpus/seeds/003) ------------------------------------------
TITLE_WORDS = ("关于", "办法", "规定", "通知", "意见", "决定", "细则", "方案", "规划", "措施", "条例", "纲要",
               "政策", "规则", "实施", "计划", "指引", "公告", "命令")


def _looks_like_title(line: str) -> bool:
    return (4 <= len(line) <= 90 and not line.endswith(("。", "；", "：", ":", "，"))
            and any(word in line for word in TITLE_WORDS) and not NUMBER_RE.fullmatch(line)
            and not NUMBERED_START_RE.match(line))


def split_documents(text: str) -> list[Extracted]:
    """Split crawled text holding several documents (with their pages' chrome) into clean documents.

    A document starts at a CMS header line (印发日期…), a lone 文号 (or the title lines just above it),
    a 令 header (上海市人民政府令 / 第N号), or the title line above a promulgation note
    (（2023年1月12日上海市人民政府令第74号公布）); a site footer or a related-links block ends it.
    Chrome lines never reach a document's text.
    """
    lines = _crawl_lines(text)
    starts = _document_starts(lines)
    documents: list[list[str]] = []
    current: list[str] = []
    body_lines = 0
    in_related = ended = False
    for i, line in enumerate(lines):
        if not line:
            continue
        if i in starts:
            # a 令 page carries the order and then the rule it promulgates: one document
            promulgated_rule = starts[i] == "title" and _is_order_cover(current)
            if (body_lines >= 3 or ended) and not promulgated_rule:
                documents.append(current)
                current, body_lines, ended = [], 0, False
            in_related = False
        if RELATED_BLOCK_RE.match(line):
            in_related = ended = True
            continue
        if in_related:
            continue
        if CHROME_LINE_RE.search(line):
            if body_lines >= 3 and not line.startswith("字号"):
                ended = True
            continue
        if ended and i not in starts and body_lines >= 3:
            documents.append(current)
            current, body_lines, ended = [], 0, False
        current.append(line)
        if i not in starts and not HEADER_LINE_RE.match(line) and not LONE_DATETIME_RE.match(line):
            body_lines += 1
    documents.append(current)
    return [doc for doc in (_crawl_document(lines) for lines in documents) if doc is not None]


def _is_order_cover(lines: list[str]) -> bool:
    return any(ORDER_HEADER_RE.match(line) for line in lines[:4]) and len(lines) < 12


GLUED_ORDER_RE = re.compile(r"^(.+[。）)；])([\u4e00-\u9fff]{2,12}人民政府令)$")
GLUED_TITLE_RE = re.compile(r"^(.+。)((?:上海市|国务院)[^。]{4,80}(?:通知|决定|意见|办法|规定|方案|细则))$")


def _crawl_lines(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.split("\n"):
        line = clean_line(raw)
        if line.startswith("为确保最佳浏览效果") and " | " in line:
            lines.append("")  # the breadcrumb after the browser advice ends with the next title
            line = line.rsplit(" | ", 1)[1].strip()
        else:
            line = BYLINE_RE.sub("", line)
        # "…按照职责分工负责）上海市人民政府令": the next document's start glued to a paragraph
        glued = GLUED_ORDER_RE.match(line) or GLUED_TITLE_RE.match(line)
        parts = [glued.group(1), glued.group(2)] if glued else [line]
        for part in parts:
            if part and lines and part == _last_content(lines):
                continue  # crawls repeat a title line verbatim
            lines.append(part)
    return lines


def _last_content(lines: list[str]) -> str:
    for line in reversed(lines[-3:]):
        if line:
            return line
    return ""


def _document_starts(lines: list[str]) -> dict[int, str]:
    """Line index -> kind of document start (header, number, order, title)."""
    starts: dict[int, str] = {}
    previous: list[int] = []  # indexes of the content lines seen so far
    for i, line in enumerate(lines):
        if not line:
            continue
        if HEADER_LINE_RE.match(line) or NUMBER_RE.fullmatch(line):
            start = i
            # the title is often printed above the 文号 or the source line
            for back, j in enumerate(reversed(previous[-2:]), 1):
                before = lines[previous[-back - 1]] if len(previous) > back else ""
                if not _looks_like_title(lines[j]) or j in starts or RELATED_BLOCK_RE.match(before):
                    break
                start = j
            starts[start] = "header" if start == i else "title"
        elif ORDER_HEADER_RE.match(line):
            starts[i] = "order"
        elif ((PROMULGATION_RE.match(line) or DATED_LINE_RE.match(line)) and previous
              and _looks_like_title(lines[previous[-1]])):
            starts[previous[-1]] = "title"
        elif _looks_like_title(line) and LONE_DATETIME_RE.match(_next_content(lines, i)):
            starts[i] = "title"
        previous.append(i)
    return starts


def _next_content(lines: list[str], i: int) -> str:
    for line in lines[i + 1:i + 4]:
        if line:
            return line
    return ""


def _crawl_document(lines: list[str]) -> Extracted | None:
    header = [line for line in lines[:6] if HEADER_LINE_RE.match(line) or LONE_DATETIME_RE.match(line)]
    body = [line for line in lines if line not in header]
    head = list(dict.fromkeys(body[:8]))  # a title printed both above and below the CMS header
    body = head + body[8:]
    if len(body) < 3:
        return None
    title = next((line for line in body[:6] if _looks_like_title(line)), "")
    text = "\n".join(body)
    meta = text_meta("\n".join(header + body), title)
    for line in header:
        if LONE_DATETIME_RE.match(line):
            meta.setdefault("published", parse_date(line))
    return Extracted(title, text, meta)
