"""Metadata of a document from its clean text: 文号, issuer, dates, gazette issue, document kind;
and the line cleaning every extractor shares (site chrome dropped, one paragraph per line).

Dates come from ``diffs.dates`` and 文号 from ``diffs.docnumbers``: one definition of each for
the whole project.
"""
from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass, field

from diffs import dates, validity
from diffs.docnumbers import NUMBER_RE, ORDER_RE, decree, normalize_number
from diffs.numerals import ANY_NUM

__all__ = ["NUMBER_RE", "ORDER_RE", "decree", "normalize_number"]
LONE_ORDER_NUMBER_RE = re.compile(rf"^第\s*({ANY_NUM})\s*号$")
ORDER_HEADER_RE = re.compile(r"^(?:[\u4e00-\u9fff]{2,12}人民政府令|国务院令)$")
DATE_RE = re.compile(dates.DATE)  # one definition of a Chinese date for the whole project
ISO_DATE_RE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})")
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



# -- small parsers --------------------------------------------------------------------------------
def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO 8601 (2024年4月2日, 二〇二四年四月二日, 2024-04-02, 2024-04-02 14∶06)."""
    day = dates.parse_date(text)
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
    # The document's own commencement and term only (diffs.validity): never a date quoted from
    # another rule, nor a licence's or a plan's 有效期.
    own = validity.extract_validity(text, title or None)
    on_issue = ON_ISSUE_RE.search(text)
    if own.effective and not own.effective_on_publication:
        meta["effective"] = own.effective.isoformat()
    elif on_issue:  # in force from the day it was signed (印发) or published (公布/发布)
        meta["effective"] = meta.get("signed") if on_issue.group(1) == "印发" else meta.get("published", meta.get("signed"))
    last_day = own.extended_to or own.expires
    if last_day:
        meta["expires"] = last_day.isoformat()
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


# -- titles and document kinds ------------------------------------------------------------------------
NUMBERED_START_RE = re.compile(rf"^(第{ANY_NUM}[编章节条]|{ANY_NUM}、|[（(]{ANY_NUM}[)）]|\d+[.．]|附件|[①-⑳])")
TITLE_WORDS = ("关于", "办法", "规定", "通知", "意见", "决定", "细则", "方案", "规划", "措施", "条例", "纲要",
               "政策", "规则", "实施", "计划", "指引", "公告", "命令")


def looks_like_title(line: str) -> bool:
    return (4 <= len(line) <= 90 and not line.endswith(("。", "；", "：", ":", "，"))
            and any(word in line for word in TITLE_WORDS) and not NUMBER_RE.fullmatch(line)
            and not NUMBERED_START_RE.match(line))



# The kind of a document is the last kind word of its title (关于印发《X办法》的通知 is a 通知);
# longest first so 实施细则 wins over 细则 and 决议 is not read as 决定.
KIND_WORDS = ("实施细则", "实施意见", "实施办法", "命令", "决议", "决定", "通知", "通告", "通报", "公告", "意见", "批复",
              "办法", "规定", "条例", "细则", "规则", "方案", "规划", "纲要", "计划", "措施", "指引", "报告", "函",
              "法", "令")
KIND_TAIL_RE = re.compile(rf"({'|'.join(KIND_WORDS)})(?:（[^（）]*）|\([^()]*\))?$")


def doc_kind(title: str, number: str | None = None) -> str | None:
    """The document's kind (令, 决定, 通知, 意见…), from a 令 number or the end of its title."""
    if number and "令" in number and not NUMBER_RE.search(number):
        return "令"
    match = KIND_TAIL_RE.search(title.rstrip("》」”\"' \u3000"))
    return match.group(1) if match else None


GAZETTE_TITLE_SPLIT_RE = re.compile(r"\s*\u3000{2,}\s*|\s*\n\s*")
# An announcement printed with its number as a heading line of its own: 国家税务总局公告（2016年第2号）.
ANNOUNCEMENT_RE = re.compile(r"^(.{2,80}?)公告\s*[（(]\s*((?:〔\d{4}〕|\d{4}\s*年)?\s*第?\s*\d{1,6}\s*号)\s*[）)]$")


def gazette_heading(heading: str) -> dict:
    """What a gazette TOC entry or article heading holds: issuer, 令 number, title, kind.

    ``中华人民共和国财政部令（第80号）　　代理记账管理办法`` is a decree: the title is the rule it
    promulgates. ``国务院关于印发X的通知　　X`` is a notice printing X: the title is the notice's.
    """
    heading = heading.strip(" \u3000\n")
    found = decree(heading)
    if found:
        issuer, number, rest = found
        parts = [p for p in GAZETTE_TITLE_SPLIT_RE.split(rest) if p]
        # a decree printed without the name of what it promulgates is known by its heading
        title = parts[0] if parts else heading
        return {"issuer": issuer, "number": number, "title": clean_line(title), "doc_type": "令"}
    parts = [p for p in GAZETTE_TITLE_SPLIT_RE.split(heading) if p]
    announcement = ANNOUNCEMENT_RE.match(parts[0]) if parts else None
    if announcement:
        number = re.sub(r"\s+", "", announcement.group(2))
        title = clean_line(parts[1] if len(parts) > 1 else parts[0])
        return {"issuer": announcement.group(1).strip(), "number": f"{announcement.group(1).strip()}公告{number}",
                "title": title, "doc_type": "公告"}
    title = clean_line(parts[0]) if parts else ""
    meta = {"title": title}
    kind = doc_kind(title)
    if kind:
        meta["doc_type"] = kind
    return meta
