"""Noisy multi-document text (crawls such as corpus/seeds/003) split into clean documents."""
from __future__ import annotations

import re

from monitor.extract.meta import (BYLINE_RE, CHROME_LINE_RE, DATED_LINE_RE, HEADER_LINE_RE, LONE_DATETIME_RE,
                                  NUMBER_RE, ORDER_HEADER_RE, PROMULGATION_RE, RELATED_BLOCK_RE, Extracted,
                                  clean_line, looks_like_title, parse_date, text_meta)

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
                if not looks_like_title(lines[j]) or j in starts or RELATED_BLOCK_RE.match(before):
                    break
                start = j
            starts[start] = "header" if start == i else "title"
        elif ORDER_HEADER_RE.match(line):
            starts[i] = "order"
        elif ((PROMULGATION_RE.match(line) or DATED_LINE_RE.match(line)) and previous
              and looks_like_title(lines[previous[-1]])):
            starts[previous[-1]] = "title"
        elif looks_like_title(line) and LONE_DATETIME_RE.match(_next_content(lines, i)):
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
    title = next((line for line in body[:6] if looks_like_title(line)), "")
    text = "\n".join(body)
    meta = text_meta("\n".join(header + body), title)
    for line in header:
        if LONE_DATETIME_RE.match(line):
            meta.setdefault("published", parse_date(line))
    return Extracted(title, text, meta)

