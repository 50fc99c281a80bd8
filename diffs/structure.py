"""Parse a Chinese law or policy document into a :class:`~diffs.model.Document` tree.

The numbering follows the national drafting rules (立法技术规范): a statute is divided into
编/分编/章/节 headings and 条 articles; an article's paragraphs are 款 (unnumbered, one per line),
its items 项 are numbered （一）, an item's sub-items 目 are numbered 1. A policy document (通知, 意见,
方案) numbers its sections 一、 / （一） / 1. / （1） / ①. Anything else is a sequence of paragraphs.

Input comes as plain text, Markdown (LawRefBook: ``# title``, header lines, ``<!-- INFO END -->``;
PDF conversions whose ``#`` levels are unreliable, so the numbering is trusted, never the level) or
an HTML body. Everything is first reduced to a list of lines, then the numbering decides.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import ParseError
from .model import (ANNEX, ARTICLE, CHAPTER, DIVISION, ITEM, L1, L2, L3, L4, L5, PARA, PARAGRAPH, PART, POLICY_LEVELS,
                    ROOT, SECTION, SUBITEM, SUBPART, Document, Node)
from .normalize import normalize
from .numerals import ANY_NUM, CN_NUM
from .numerals import cn_to_int as _cn_to_int

# A law repeats the same few dozen numerals thousands of times.
cn_to_int = lru_cache(maxsize=2048)(_cn_to_int)

_GAP = r"\s"    # str patterns: \s covers U+3000, U+2003 (&#8195;) and no-break spaces
# 第X条 / 第X条之一 at the start of a line, then a space, a title in brackets or the end of the line.
# "第二条第一款规定的……" and "第二条规定" fail the lookahead: they are cross-references.
_ARTICLE = re.compile(rf"^第({ANY_NUM})条(?:之({ANY_NUM}))?(?=$|{_GAP}|[（(])")
# Some sources run the text on without a space (第一条为了……). Lines are read that way only when
# the strict form finds no articles, and only as a run numbered 第一条, 第二条, … in sequence.
_ARTICLE_RUN_ON = re.compile(rf"^第({ANY_NUM})条(?:之({ANY_NUM}))?(?![第之、，,和或及与的中规至款项所以有])")
_CONTAINER = re.compile(rf"^第({ANY_NUM})(分编|编|章|节)(?:{_GAP}+(.*)|(.{{0,20}}))$")
_NUMERAL = re.compile(rf"^(?:{ANY_NUM})$")
_BRACKET_TITLE = re.compile(r"^[（(]([^（）()。；]{1,30})[）)]")
_POLICY = {
    L1: re.compile(rf"^({CN_NUM})、"),
    L2: re.compile(rf"^[（(]({CN_NUM})[）)]"),
    L3: re.compile(r"^([0-9０-９]{1,3})[.．、](?![0-9０-９])"),
    L4: re.compile(r"^[（(]([0-9０-９]{1,3})[）)]"),
    L5: re.compile(r"^([①-⑳])"),
}
_ITEM, _SUBITEM = _POLICY[L2], _POLICY[L3]   # a statute's 项 （一） and 目 1. are numbered alike
_ANNEX = re.compile(r"^附件[0-9０-９一二三四五六七八九十]*[:：]?$|^附件[0-9０-９一二三四五六七八九十]*[:：]")
_SENTENCE_END = tuple("。；;：:，,！？!?")
_MD_HEADING = re.compile(r"^#{1,6}\s+(.*)$")
_FRONT_MATTER_LINES = 100
_CN_DIGITS = "一二三四五六七八九十"
_CONTAINER_ORDER = {PART: 0, SUBPART: 1, CHAPTER: 2, SECTION: 3, DIVISION: 4}

# Header lines between the title and the body: adoption/amendment history, dates, 文号, 令号.
_HEADER_PATTERNS = [
    re.compile(r"^[（(].*(通过|修正|修订|公布|发布|施行|批准|印发|制定).*[）)]$"),
    re.compile(r"^[（(]\s*[0-9０-９〇○一二三四五六七八九]{4}\s*年[^（）()]{0,12}日\s*[）)]$"),
    re.compile(r"^[0-9０-９〇○一二三四五六七八九]{4}\s*年.{0,120}(通过|修正|修订|公布|发布|施行|批准|印发|制定|决定)"),
    re.compile(r"^[0-9０-９〇○一二三四五六七八九]{4}\s*年\s*[0-9０-９一二三四五六七八九十]{1,2}\s*月\s*[0-9０-９一二三四五六七八九十]{1,3}\s*日$"),
    re.compile(r"^[^，。；]{0,20}[〔\[［(（][0-9０-９]{4}[〕\]］)）]\s*[0-9０-９]+\s*号$"),
    re.compile(r"^.{0,20}令\s*[（(]?第\s*[0-9０-９一二三四五六七八九十百]+\s*号[）)]?$"),
    re.compile(r"^第\s*[0-9０-９一二三四五六七八九十百]+\s*号$"),
    re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$"),
]


@dataclass
class _Line:
    text: str
    heading: bool = False    # a Markdown/HTML heading (a hint only: levels are not trusted)
    level: str = ""          # the HTML element it came from


def parse(text: str, fmt: str = "auto") -> Document:
    """Parse ``text`` (``fmt``: auto, text, md or html) into a Document.

    Raises ParseError for an unknown format or a text with no content at all.
    """
    if fmt not in ("auto", "text", "md", "html"):
        raise ParseError(f"unknown format {fmt!r}: expected auto, text, md or html")
    if fmt == "auto":
        fmt = detect_format(text)
    lines, header_end = _html_lines(text) if fmt == "html" else _text_lines(text, markdown=fmt == "md")
    if not lines:
        raise ParseError("the document has no text")
    title, header, body = _split_front(lines, header_end)
    if not body and not header:
        title, body = None, lines    # a single line is the text, not a title over nothing
    articles = [_article(l.text) for l in body]
    if _count_articles(articles) < 2:
        articles = _in_sequence([_article(l.text, _ARTICLE_RUN_ON) for l in body])
    if _count_articles(articles) >= 2:
        return Document(title, header, _build_statute(body, articles), "statute")
    if any(_policy_level(l.text) for l in body):
        return Document(title, header, _build_policy(body), "policy")
    return Document(title, header, _build_plain(body), "plain")


def detect_format(text: str) -> str:
    """Guess ``html``, ``md`` or ``text`` from the content itself."""
    head = text.lstrip()[:2000].lower()
    if head.startswith(("<!doctype html", "<html")) or re.search(r"<(body|p|div|h[1-6]|table)[\s>]", head):
        return "html"
    if re.search(r"(?m)^#{1,6} \S", text) or "<!-- INFO END -->" in text:
        return "md"
    return "text"


_STRIP = (" \t\n\r\x0b\x0c\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
          "\u200b\u2028\u2029\u202f\u205f\u3000\ufeff")


def _clean(line: str) -> str:
    return line.strip(_STRIP)


def _text_lines(text: str, markdown: bool) -> tuple[list[_Line], int | None]:
    lines: list[_Line] = []
    header_end = None
    raws = text.splitlines()
    if markdown and raws and raws[0].strip() == "---":
        # YAML front matter (id:, title:, publish: … between --- lines): the file's metadata, not its text.
        end = next((i for i, raw in enumerate(raws[1:_FRONT_MATTER_LINES], 1) if raw.strip() == "---"), None)
        if end is not None:
            raws = raws[end + 1:]
    for raw in raws:
        line = raw.strip(_STRIP)       # _clean, inline: once per line of the input
        if not line:
            continue
        if markdown and line[0] in "<#":
            if line == "<!-- INFO END -->":
                header_end = len(lines)
                continue
            if line.startswith("<!--") and line.endswith("-->"):
                continue
            m = _MD_HEADING.match(line)
            if m:
                if _clean(m.group(1)):
                    lines.append(_Line(_clean(m.group(1)), heading=True))
                continue
        lines.append(_Line(line))
    return lines, header_end


_FOOTER = re.compile(r"foot", re.I)
_BLOCKS = ["p", "div", "li", "td", "th", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt"]


def _html_lines(text: str) -> tuple[list[_Line], None]:
    """The innermost blocks of an HTML page as lines, from the document's title on: the first
    <h1>, else the first heading that the page <title> contains (navigation above it is dropped)."""
    from bs4 import BeautifulSoup  # only HTML input pays for bs4

    soup = BeautifulSoup(text, "lxml")
    # "X__2016年第34号国务院公报_中国政府网", "X - 上海市人民政府": the document is the first part.
    page_title = re.split(r"_|\s[-|｜]\s", _clean(soup.title.get_text()))[0] if soup.title else ""
    for tag in soup(["script", "style", "noscript", "head", "nav", "footer"]):
        tag.decompose()
    for tag in soup.find_all(class_=_FOOTER) + soup.find_all(id=_FOOTER):
        tag.decompose()          # site footers (主办、ICP备案) are not the document
    for br in soup.find_all("br"):
        br.replace_with("\n")
    lines: list[_Line] = []
    for block in soup.find_all(_BLOCKS):
        if block.find(_BLOCKS):
            continue  # only innermost blocks: their ancestors would repeat their text
        for part in block.get_text().split("\n"):
            if _clean(part):
                lines.append(_Line(_clean(part), heading=block.name.startswith("h"), level=block.name))
    starts = [k for k, l in enumerate(lines) if l.level == "h1"] or \
             [k for k, l in enumerate(lines) if l.heading and page_title and normalize(l.text) in normalize(page_title)]
    if starts:
        return lines[starts[0]:], None
    body = lines
    while body and body[0].level == "li":      # a navigation menu before the text
        body = body[1:]
    return ([_Line(page_title, heading=True)] if page_title else []) + body, None


def _is_body_start(text: str) -> bool:
    return bool(_ARTICLE.match(text) or _container(text) or _policy_level(text))


def _is_header_line(text: str) -> bool:
    return any(p.match(text) for p in _HEADER_PATTERNS)


def _split_front(lines: list[_Line], header_end: int | None) -> tuple[str | None, list[str], list[_Line]]:
    """Separate the title and the header lines (文号, dates, history) from the body."""
    i = 0
    title = None
    header: list[str] = []
    # Short heading-like lines before the header or body: the last is the title, the ones above
    # it (a gazette's running head: 中华人民共和国国务院公报 2013年第36号) go to the header.
    run = 0
    while run < min(3, len(lines)) and _is_heading_text(lines[run].text) and not _is_header_line(lines[run].text) \
            and not _is_body_start(lines[run].text):
        run += 1
    if 1 < run < len(lines) and (_is_header_line(lines[run].text) or _is_body_start(lines[run].text)):
        header, title, i = [l.text for l in lines[:run - 1]], lines[run - 1].text, run
    elif not _is_body_start(lines[0].text) and not _is_header_line(lines[0].text):
        title = lines[0].text
        i = 1
    if header_end is not None and header_end >= i:
        header += [l.text for l in lines[i:header_end]]
        i = header_end
    while i < len(lines) and _is_header_line(lines[i].text):
        header.append(lines[i].text)
        i += 1
    # A table of contents (目录) lists the headings once before the body repeats them.
    if i < len(lines) and normalize(lines[i].text) == "目录":
        header.append(lines[i].text)
        i += 1
        first = None
        while i < len(lines) and _container(lines[i].text):
            if first is not None and normalize(lines[i].text) == first:
                break
            first = first or normalize(lines[i].text)
            header.append(lines[i].text)
            i += 1
    return title, header, lines[i:]


def _container(text: str) -> tuple[str, int, str, str] | None:
    """(kind, number, label, title) of a 编/分编/章/节 heading line, else None."""
    m = _CONTAINER.match(text)
    if not m:
        return None
    title = _clean(m.group(3) if m.group(3) is not None else m.group(4) or "")
    if title.endswith(_SENTENCE_END) or any(p in title for p in "。；，"):
        return None  # a sentence that happens to start with 第X章, not a heading
    return m.group(2), cn_to_int(m.group(1)), f"第{m.group(1)}{m.group(2)}", title


def _division(text: str, next_article: tuple | None, last: tuple[int, int]) -> tuple[str, int, str, str] | None:
    """(kind, number, label, title) of a 司法解释's part heading (一、合同的认定) right before its next
    article; a numbered line anywhere else is an item or a sentence, not a heading."""
    m = _POLICY[L1].match(text)
    if not m or not (next_article and (next_article[0], next_article[1]) > last):
        return None
    title = _clean(text[m.end():])
    if not title or len(title) > 30 or not _is_heading_text(title) or any(p in title for p in "，；"):
        return None
    return DIVISION, cn_to_int(m.group(1)), m.group(0), title


def _bare_heading(text: str, next_article: tuple | None, last: tuple[int, int]) -> tuple[str, int, str, str] | None:
    """A chapter's name printed without its 第X章 (法律责任, right before the next article): a
    heading with no number, not a sentence of the article before it — a 款 always ends in punctuation."""
    if not (next_article and (next_article[0], next_article[1]) > last) or len(text) > 20 \
            or not _is_heading_text(text) or text[0] in "（(第0123456789０１２３４５６７８９" or "，" in text:
        return None
    return DIVISION, 0, "", text


def _article(text: str, pattern: re.Pattern = _ARTICLE) -> tuple[int, int, str, str, str] | None:
    """(num, sub, label, title, rest) of an article's first line, else None."""
    m = pattern.match(text) if text.startswith("第") else None
    if not m:
        return None
    label = m.group(0)
    rest = _clean(text[m.end():])
    title = ""
    t = _BRACKET_TITLE.match(rest)
    if t and not _NUMERAL.match(t.group(1)):     # （一） opens an item, it is not a title
        title, rest = t.group(1), rest[t.end():]
    num, sub = cn_to_int(m.group(1)), (cn_to_int(m.group(2)) if m.group(2) else 0)
    return num, sub, label, title, _clean(rest)


def _follows(art: tuple | None, last: tuple[int, int]) -> bool:
    """Whether ``art`` is the next article after ``last``: 第N+1条, or 第N条之M+1."""
    return bool(art) and (art[0], art[1]) in ((last[0] + 1, 0), (last[0], max(last[1], 0) + 1))


def _in_sequence(articles: list[tuple | None]) -> list[tuple | None]:
    """Keep the articles that continue 第一条, 第二条 (or 第二条之一) one step at a time."""
    out: list[tuple | None] = []
    last = (0, 0)
    for art in articles:
        if _follows(art, last) and art[0] > 0:
            last = (art[0], art[1])
            out.append(art)
        else:
            out.append(None)
    return out


def _count_articles(articles: list[tuple | None]) -> int:
    last = (0, -1)
    count = 0
    for art in articles:
        if art and (art[0], art[1]) > last:
            last = (art[0], art[1])
            count += 1
    return count


def _policy_level(text: str) -> tuple[str, int, str] | None:
    """(kind, number, label) of a policy-document numbering at the line start, else None."""
    for kind, pattern in _POLICY.items():
        m = pattern.match(text)
        if m:
            num = m.group(1)
            value = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳".index(num) + 1 if kind == L5 else cn_to_int(num)
            return kind, value, m.group(0)
    return None


def _is_heading_text(text: str) -> bool:
    """A short line without closing punctuation names a section rather than stating a rule."""
    return 0 < len(text) <= 40 and not text.endswith(_SENTENCE_END) and "。" not in text


def _add_para(parent: Node, text: str) -> Node:
    count = sum(1 for c in parent.children if c.kind == PARA)
    node = Node(PARA, num=count + 1, text=text)
    parent.children.append(node)
    return node


def _add_annex(root: Node, text: str) -> Node:
    """附件 / 附件2: numbered in order of appearance, so that two annexes have two paths."""
    annex = Node(ANNEX, num=sum(1 for c in root.children if c.kind == ANNEX) + 1, label=text)
    root.children.append(annex)
    return annex


def _numbered(kind: str, m: re.Match, line: str) -> Node:
    """An item or sub-item from the match of its numbering at the start of ``line``."""
    return Node(kind, num=cn_to_int(m.group(1)), label=m.group(0), text=_clean(line[m.end():]))


_DIGITS = "0123456789０１２３４５６７８９"    # what a 目 (1.) opens with


def _build_statute(lines: list[_Line], articles: list[tuple | None]) -> Node:
    """The statute tree; ``articles`` holds :func:`_article` of each line."""
    root = Node(ROOT)
    containers: list[Node] = []   # open 编/分编/章/节, outermost first
    article: Node | None = None
    paragraph: Node | None = None
    item: Node | None = None
    annex: Node | None = None
    last = (0, -1)

    def parent() -> Node:
        return containers[-1] if containers else root

    for i, (line, art) in enumerate(zip(lines, articles)):
        text = line.text
        if annex is not None:
            if not _follows(art, last):
                _add_para(annex, text)
                continue
            annex = None                # the next article in sequence: the 附件 line was a mention
        if art and (art[0], art[1]) > last:
            num, sub, label, title, rest = art
            last = (num, sub)
            article = Node(ARTICLE, num=num, sub=sub, label=label, title=title)
            parent().children.append(article)
            paragraph = item = None
            m = _ITEM.match(rest)
            if m:                       # 第五条 （一）……: the first paragraph is all items
                paragraph = Node(PARAGRAPH, num=1)
                item = _numbered(ITEM, m, rest)
                paragraph.children.append(item)
                article.children.append(paragraph)
            elif rest:
                paragraph = Node(PARAGRAPH, num=1, text=rest)
                article.children.append(paragraph)
            continue
        # Each pattern below opens with a fixed character: a line that does not start with it is
        # not tried (most lines of a law are paragraphs, which none of them matches).
        cont = _container(text) if text[0] == "第" else None
        following = articles[i + 1] if i + 1 < len(articles) else None
        if cont is None and text[0] in "一二三四五六七八九十":
            cont = _division(text, following, last)
        if cont is None and article is not None:
            cont = _bare_heading(text, following, last)
        if cont:
            kind, num, label, title = cont
            while containers and _CONTAINER_ORDER[containers[-1].kind] >= _CONTAINER_ORDER[kind]:
                containers.pop()
            node = Node(kind, num=num, label=label, title=title)
            parent().children.append(node)
            containers.append(node)
            article = paragraph = item = None
            continue
        if text[0] == "附" and _ANNEX.match(text) and len(text) <= 40 and last != (0, -1):
            # 附件 after the articles; before them it is a notice's list of what it publishes.
            annex = _add_annex(root, text)
            continue
        if article is None:
            _add_para(parent(), text)
            continue
        m = _ITEM.match(text) if text[0] in "（(" else None
        if m is None and text[0] in _CN_DIGITS and (
                item is not None and item.label.endswith("、") or paragraph is not None and paragraph.text.endswith(("：", ":"))):
            m = _POLICY[L1].match(text)     # 下列事项：一、…  二、…: the items of older drafting
        if m:
            if paragraph is None:
                paragraph = Node(PARAGRAPH, num=1)
                article.children.append(paragraph)
            item = _numbered(ITEM, m, text)
            paragraph.children.append(item)
            continue
        m = _SUBITEM.match(text) if item is not None and text[0] in _DIGITS else None
        if m:
            item.children.append(_numbered(SUBITEM, m, text))
            continue
        if item is not None and _list_goes_on(lines, articles, i, item.num or 0):
            # （六）… then its own paragraphs, then （七）: the lines between belong to item six.
            item.children.append(Node(PARA, num=sum(1 for c in item.children if c.kind == PARA) + 1, text=text))
            continue
        paragraph = Node(PARAGRAPH, num=len(article.children) + 1, text=text)
        article.children.append(paragraph)
        item = None
    return root


_LIST_LOOKAHEAD = 30


def _list_goes_on(lines: list[_Line], articles: list[tuple | None], i: int, num: int) -> bool:
    """Whether item ``num + 1`` follows line ``i`` within its article (and a few lines)."""
    for j in range(i + 1, min(len(lines), i + 1 + _LIST_LOOKAHEAD)):
        text = lines[j].text
        if articles[j] or (text[:1] == "第" and _container(text)):
            return False
        m = _ITEM.match(text) if text[:1] in "（(" else None
        if m:
            return cn_to_int(m.group(1)) == num + 1
    return False


def _build_policy(lines: list[_Line]) -> Node:
    root = Node(ROOT)
    stack: list[Node] = []        # open numbered sections, outermost first
    annex: Node | None = None
    for line in lines:
        text = line.text
        if _ANNEX.match(text) and len(text) <= 40:
            annex = _add_annex(root, text)
            stack = []
            continue
        level = _policy_level(text)
        if level:
            kind, num, label = level
            rest = _clean(text[len(label):])
            while stack and POLICY_LEVELS.index(stack[-1].kind) >= POLICY_LEVELS.index(kind):
                stack.pop()
            node = Node(kind, num=num, label=label)
            if _is_heading_text(rest) or (line.heading and "。" not in rest):
                node.title = rest
            else:
                node.text = rest
            (stack[-1] if stack else annex or root).children.append(node)
            stack.append(node)
            continue
        _add_para(stack[-1] if stack else annex or root, text)
    return root


def _build_plain(lines: list[_Line]) -> Node:
    root = Node(ROOT)
    for line in lines:
        _add_para(root, line.text)
    return root
