"""What a document says about when rules apply: 施行 and expiry dates, repeals, and status on a date.

Three ways a rule is repealed: a decision of its own (关于废止《X》的决定), a list in a decision
(对下列规章予以废止 / 决定废止下列…, each entry with the 令 it was issued under) and a clause of a
new rule (…令第88号公布的《Y》同时废止). Dates come in Arabic or Chinese numerals and, in PDF
conversions, with spaces between every token (2022 年 6 月 18 日), so every pattern allows spacing.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass, field

from .numerals import cn_to_int
from .vocab import DOCUMENT_WORD

_S = r"\s*"
_DIGITS = r"[0-9０-９〇○零一二三四五六七八九十]"
DATE = rf"{_DIGITS}{{4}}{_S}年{_S}{_DIGITS}{{1,2}}{_S}月{_S}{_DIGITS}{{1,3}}{_S}日"
_DATE_PARTS = re.compile(rf"({_DIGITS}{{4}}){_S}年{_S}({_DIGITS}{{1,2}}){_S}月{_S}({_DIGITS}{{1,3}}){_S}日")
_ORDER_NO = re.compile(rf"令{_S}[（(]?{_S}第{_S}([0-9０-９一二三四五六七八九十百]+){_S}号|第{_S}([0-9０-９]+){_S}号令")
_DOC_WORD = DOCUMENT_WORD
_COMES_INTO_FORCE = r"(?:施行|实施|生效|执行)"
_EFFECTIVE = re.compile(rf"本{_DOC_WORD}?{_S}自{_S}({DATE}|公布之日|发布之日|印发之日){_S}起{_S}{_COMES_INTO_FORCE}")
_ANY_EFFECTIVE = re.compile(rf"自{_S}({DATE}|公布之日|发布之日|印发之日){_S}起{_S}{_COMES_INTO_FORCE}")
_EXPIRES = re.compile(rf"有效期{_S}至{_S}({DATE})")
_TERM = re.compile(rf"有效期{_S}(?:为)?{_S}([0-9０-９一二三四五六七八九十两]+){_S}年")
_EXTENDED = re.compile(rf"有效期{_S}延长{_S}至{_S}({DATE})")
_PUBLISHED = re.compile(rf"[（(]{_S}({DATE})[^（）()]{{0,40}}?(?:公布|发布|印发)")
_SIGNED = re.compile(rf"^\s*({DATE})\s*$", re.M)

STATUSES = ("尚未施行", "现行有效", "已被修改", "已废止", "已失效")


def parse_date(text: str) -> dt.date | None:
    """The first date in ``text``: 2024年12月31日, 2022 年 6 月 18 日, 二〇二四年五月十五日."""
    m = _DATE_PARTS.search(text)
    if not m:
        return None
    try:
        return dt.date(*(cn_to_int(g) for g in m.groups()))
    except ValueError:
        return None


def order_number(text: str) -> str | None:
    """令第13号 in its canonical form, from 令第13号 / 令 第 74 号 / 第3号令."""
    m = _ORDER_NO.search(text)
    if not m:
        return None
    digits = m.group(1) or m.group(2)
    return f"令第{cn_to_int(digits)}号"


@dataclass
class Validity:
    effective: dt.date | None = None
    published: dt.date | None = None
    expires: dt.date | None = None
    extended_to: dt.date | None = None
    trial: bool = False          # 试行
    provisional: bool = False    # 暂行
    effective_on_publication: bool = False

    def to_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(self).items()}


def extract_validity(text: str, title: str | None = None) -> Validity:
    """The dates a document states about itself. ``title`` defaults to the first non-empty line."""
    title = title if title is not None else next((l.strip() for l in text.splitlines() if l.strip()), "")
    published = _published(text)
    v = Validity(published=published, trial="试行" in title, provisional="暂行" in title)
    m = _EFFECTIVE.search(text) or _ANY_EFFECTIVE.search(text)
    if m:
        if m.group(1).endswith("之日"):
            v.effective_on_publication = True
            v.effective = published
        else:
            v.effective = parse_date(m.group(1))
    m = _EXPIRES.search(text)
    v.expires = parse_date(m.group(1)) if m else None
    term = _TERM.search(text)
    if v.expires is None and term and v.effective:
        # 有效期为5年: the last day is the day before the same date five years on.
        years = cn_to_int(term.group(1))
        try:
            end = v.effective.replace(year=v.effective.year + years)
        except ValueError:      # 29 February
            end = v.effective.replace(year=v.effective.year + years, day=28) + dt.timedelta(days=1)
        v.expires = end - dt.timedelta(days=1)
    m = _EXTENDED.search(text)
    v.extended_to = parse_date(m.group(1)) if m else None
    return v


def _published(text: str) -> dt.date | None:
    """The publication date: the bracketed note under the title, else a date alone on a line (signature)."""
    m = _PUBLISHED.search(text)
    if m:
        return parse_date(m.group(1))
    m = _SIGNED.search(text)
    return parse_date(m.group(1)) if m else None


@dataclass
class Repeal:
    name: str                       # the repealed rule, without 《》
    number: str | None = None       # 令第74号: the order it was issued under
    effective: dt.date | None = None
    form: str = "decision"          # decision / list / simultaneous
    issued: dt.date | None = None   # the date it was issued, where the text gives it

    def to_dict(self) -> dict:
        return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in asdict(self).items()}


_NAME = r"《([^《》]{2,80})》"
# 废止 2011 年 12 月 22 日上海市人民政府令第 74 号公布的《X》
_REPEAL_ONE = re.compile(rf"(?:决定|予以|现)?废止{_S}(?:({DATE})[^《》。；]{{0,60}}?(?:公布|发布|印发|通过|批准)的{_S})?{_NAME}")
# The head of a list ends its line: 二、对下列政府规章予以废止 / 决定废止下列规章： (not 予以修改和废止).
_LIST_HEAD = re.compile(r"(?:下列[^。：:\n]{0,30}(?<!修改和)(?<!修改、)废止|废止下列[^。：:\n]{0,30}|^.{0,12}决定废止的[^。：:\n]{0,20})"
                        r"[：:]?[ \t]*$", re.M)
_LIST_ENTRY = re.compile(rf"^\s*(?:[（(][一二三四五六七八九十百]+[）)]|[0-9]+[.．、]|[一二三四五六七八九十]+、)\s*"
                         rf"《?([^（(《》\n]+?(?:[（(](?:试行|暂行)[）)])?)》?\s*(?:[（(](.*)[）)])?\s*[。；;]?\s*$")
_SIMULTANEOUS = re.compile(rf"((?:(?:{DATE})?[^。；《》]{{0,40}}?{_NAME}[、，和及]*\s*)+)同时\s*废止")
_PIECE = re.compile(rf"(?:({DATE})[^。；《》]{{0,40}}?)?{_NAME}")


def find_repeals(text: str) -> list[Repeal]:
    """Every rule ``text`` repeals, in the three forms, each with its 令 number and effective date."""
    effective = extract_validity(text).effective
    out: list[Repeal] = []
    out += _listed(text, effective)
    listed = {r.name for r in out}
    for m in (_SIMULTANEOUS.finditer(text) if re.search(r"同时\s*废止", text) else ()):
        sentence_effective = _sentence_effective(text, m.start()) or effective
        for piece in _PIECE.finditer(m.group(1)):
            out.append(Repeal(piece.group(2), order_number(piece.group(0)), sentence_effective, "simultaneous",
                              parse_date(piece.group(1)) if piece.group(1) else None))
    by_name = {r.name: r for r in out}
    for m in _REPEAL_ONE.finditer(text):
        name = m.group(2)
        if name in listed or "决定" in name and "废止" in name:
            continue
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        line = text[start:end if end >= 0 else len(text)]
        if "关于" in line and line.rstrip().endswith("决定"):
            continue   # a title (关于废止《X》的决定) repeats what the body says with dates and numbers
        found = Repeal(name, order_number(m.group(0)), effective, "decision",
                       parse_date(m.group(1)) if m.group(1) else None)
        known = by_name.get(name)
        if known is None:
            by_name[name] = found
            out.append(found)
        elif known.form == "decision":
            # 二、废止《X》等6件 heads the sentence that gives X's date and order: keep what is known.
            known.number = known.number or found.number
            known.issued = known.issued or found.issued
    return out


def _listed(text: str, effective: dt.date | None) -> list[Repeal]:
    out: list[Repeal] = []
    for head in _LIST_HEAD.finditer(text):
        lines = text[head.end():].splitlines()
        started = False
        for line in lines[1:] if not lines[0].strip(" ：:") else lines:
            if not line.strip():
                continue
            m = _LIST_ENTRY.match(line)
            if not m:
                if started:
                    break
                continue
            started = True
            note = m.group(2) or ""
            out.append(Repeal(m.group(1).strip(), _issuing_order(note), effective, "list", parse_date(note)))
    return out


def _issuing_order(note: str) -> str | None:
    """The 令 a listed rule was issued under: the one before the first 发布/公布, not later amendments'."""
    m = re.search(r"发布|公布", note)
    return order_number(note[:m.start()]) if m else None


def _sentence_effective(text: str, at: int) -> dt.date | None:
    start = max(text.rfind("。", 0, at), text.rfind("\n", 0, at)) + 1
    m = _ANY_EFFECTIVE.search(text, start, at + 1) or _ANY_EFFECTIVE.search(text[start:at])
    return parse_date(m.group(1)) if m and not m.group(1).endswith("之日") else None


@dataclass
class RuleFacts:
    """What is known about one rule, from itself and from the documents that touch it."""
    name: str
    effective: dt.date | None = None
    expires: dt.date | None = None
    extended_to: dt.date | None = None
    amended: list[tuple[dt.date, str]] = field(default_factory=list)   # (effective date, by which document)
    repealed: tuple[dt.date, str] | None = None


@dataclass
class Status:
    status: str
    since: dt.date | None = None
    by: str | None = None

    def to_dict(self) -> dict:
        return {"status": self.status, "since": self.since.isoformat() if self.since else None, "by": self.by}


def status_on(date: dt.date, facts: RuleFacts) -> Status:
    """The rule's status on ``date``: repeal beats expiry beats not-yet-in-force beats amendment."""
    if facts.repealed and facts.repealed[0] <= date:
        return Status("已废止", *facts.repealed)
    end = max(d for d in (facts.expires, facts.extended_to, dt.date.min) if d)
    if end != dt.date.min and end < date:
        return Status("已失效", end + dt.timedelta(days=1), facts.name)
    if facts.effective and facts.effective > date:
        return Status("尚未施行", facts.effective, facts.name)
    past = sorted(a for a in facts.amended if a[0] <= date)
    if past:
        return Status("已被修改", *past[-1])
    return Status("现行有效", facts.effective, facts.name)
