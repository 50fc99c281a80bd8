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

from .dates import DATE, parse_date
from .numerals import cn_to_int
from .vocab import SELF_REFERENCE, TERMED_THINGS

_S = r"\s*"   # every token may be spaced out (PDF conversions)
_ORDER_NO = re.compile(rf"令{_S}[（(]?{_S}第{_S}([0-9０-９一二三四五六七八九十百]+){_S}号|第{_S}([0-9０-９]+){_S}号令")
_COMES_INTO_FORCE = r"(?:施行|实施|生效|执行)"
_EFFECTIVE = re.compile(rf"{SELF_REFERENCE}{_S}自{_S}({DATE}|公布之日|发布之日|印发之日){_S}起{_S}{_COMES_INTO_FORCE}")
_ANY_EFFECTIVE = re.compile(rf"自{_S}({DATE}|公布之日|发布之日|印发之日){_S}起{_S}{_COMES_INTO_FORCE}")
# A commencement without a subject is the document's own only where a clause starts with it (the
# order's 现予公布，自…起施行; a final line 自…起施行), never after a quoted name (《Y》自…施行).
_BARE_EFFECTIVE = re.compile(rf"(?:^|[。；;\n（(]|(?:公布|发布|印发|通过|批准)[，,\s]){_S}"
                             rf"自{_S}({DATE}|公布之日|发布之日|印发之日)"
                             rf"{_S}起{_S}{_COMES_INTO_FORCE}")
_SELF = re.compile(SELF_REFERENCE)
_TERMED = re.compile("|".join(sorted(TERMED_THINGS, key=len, reverse=True)))
_BARE_START = re.compile(rf"^{_S}(?:自{_S}(?:{DATE}|公布之日|发布之日|印发之日){_S}起{_S}{_COMES_INTO_FORCE}{_S}[，,]?)?{_S}$")
_EXPIRES = re.compile(rf"有效期{_S}至{_S}({DATE})")
_TERM = re.compile(rf"有效期{_S}(?:为)?{_S}([0-9０-９一二三四五六七八九十两]+){_S}年")
_EXTENDED = re.compile(rf"有效期{_S}延长{_S}至{_S}({DATE})")
_PUBLISHED = re.compile(rf"[（(]{_S}({DATE})[^（）()]{{0,40}}?(?:公布|发布|印发)")
_SIGNED = re.compile(rf"^\s*({DATE})\s*$", re.M)

STATUSES = ("尚未施行", "现行有效", "已被修改", "已废止", "已失效")


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
    m = _EFFECTIVE.search(text) or _BARE_EFFECTIVE.search(text)
    if m:
        if m.group(1).endswith("之日"):
            v.effective_on_publication = True
            v.effective = published
        else:
            v.effective = parse_date(m.group(1))
    m = _own(_EXPIRES, text)
    v.expires = parse_date(m.group(1)) if m else None
    term = _own(_TERM, text)
    if v.expires is None and term and v.effective:
        # 有效期为5年: the last day is the day before the same date five years on.
        years = cn_to_int(term.group(1))
        try:
            end = v.effective.replace(year=v.effective.year + years)
        except ValueError:      # 29 February
            end = v.effective.replace(year=v.effective.year + years, day=28) + dt.timedelta(days=1)
        v.expires = end - dt.timedelta(days=1)
    m = _own(_EXTENDED, text)
    v.extended_to = parse_date(m.group(1)) if m else None
    return v


def _own(pattern: re.Pattern, text: str) -> re.Match | None:
    """The first match of a 有效期 pattern whose subject is the document itself.

    本规定自…施行，有效期至… is the rule's own term; 许可证有效期为5年 or 本办法规定的登记证，有效期…
    is the term of something the rule grants, and an expiry of that kind never ends the rule.
    """
    for m in pattern.finditer(text):
        start = max(text.rfind(c, 0, m.start()) for c in "。；;\n") + 1
        before = text[start:m.start()]
        selves = list(_SELF.finditer(before))
        between = before[selves[-1].end():] if selves else before
        if _TERMED.search(between):
            continue
        if selves or _BARE_START.match(before):
            return m
    return None


def _published(text: str) -> dt.date | None:
    """The publication date: the bracketed note under the title, else a date alone on a line (signature)."""
    m = _PUBLISHED.search(text)
    if m:
        return parse_date(m.group(1))
    m = _SIGNED.search(text)
    return parse_date(m.group(1)) if m else None


@dataclass
class Amendment:
    """One 根据… entry of a 题注: the decision (by date and 令) that amended the rule."""
    date: dt.date | None
    number: str | None = None        # 令第13号
    decision: str | None = None      # the decision's title when the 题注 quotes it
    issuer: str | None = None        # 上海市人民政府 in 上海市人民政府令第13号: 令 numbers are per issuer

    def to_dict(self) -> dict:
        return {"date": self.date.isoformat() if self.date else None, "number": self.number,
                "decision": self.decision, "issuer": self.issuer}


@dataclass
class Headnote:
    """The 题注 under a rule's title: （2014年1月11日上海市人民政府令第12号公布　根据2024年4月2日
    上海市人民政府令第13号修正）. The rule's own 令 and date, then each amendment in order."""
    published: dt.date | None = None
    number: str | None = None
    amendments: list[Amendment] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"published": self.published.isoformat() if self.published else None, "number": self.number,
                "amendments": [a.to_dict() for a in self.amendments]}


_HEADNOTE = re.compile(rf"^\s*[（(]({DATE}[^\n]{{0,1500}}?(?:公布|发布|批准|通过|印发|修正|修订)[^\n（(]{{0,80}})[）)]\s*$",
                       re.M)
_AMENDED_BY = re.compile(rf"根据{_S}({DATE})(.{{0,200}}?)(?:第[一二三四五六七八九十]+次)?(?:修正|修订)")
# The line-per-step layout: each line a date, who acted, and 通过/公布/修正.
_DATED_STEP = re.compile(rf"^\s*[（(]?\s*{DATE}[^\n]{{0,200}}(?:通过|公布|发布|批准|修正|修订)[^\n]{{0,20}}$")
_CLAUSE_START = re.compile(r"^\s*第[一二三四五六七八九十百零〇0-9]+[章条]")
_HEAD_LINES = 12


_ORDER_ISSUER = re.compile(r"([\u4e00-\u9fff]{2,30}?(?:人民政府|常务委员会|国务院|委员会|部|局|署|院))\s*"
                           r"(?:令|第\s*[0-9０-９一二三四五六七八九十百]+\s*号令)")


def headnote(text: str) -> Headnote | None:
    """The 题注 among the first lines of ``text``, or None when it has none.

    Two layouts: one bracketed paragraph (（2014年1月11日…令第12号公布　根据…令第13号修正）), or one
    line per step, as legal databases print it (1997年5月28日…会议通过 / 2003年6月26日…《决定》第一次修正)."""
    lines = text.splitlines()[:_HEAD_LINES]
    m = _HEADNOTE.search("\n".join(lines))
    if m:
        first, *steps = m.group(1).split("根据")
        steps = ["根据" + step for step in steps]
    else:
        dated = []
        for line in lines:
            if _DATED_STEP.match(line):
                dated.append(line)
            elif dated or _CLAUSE_START.match(line):
                break
        if not dated:
            return None
        first, steps = dated[0], ["根据" + line for line in dated[1:]]
    found = Headnote(published=parse_date(first), number=order_number(first))
    for step in steps[:50]:
        a = _AMENDED_BY.match(step.strip())
        if not a:
            continue
        title = re.search(r"《([^《》]{2,120})》", a.group(2))
        issuer = _ORDER_ISSUER.search(a.group(2))
        found.amendments.append(Amendment(parse_date(a.group(1)), order_number(a.group(2)),
                                          title.group(1) if title else None, issuer.group(1) if issuer else None))
    return found


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
_LIST_HEAD = re.compile(r"(?:下列[^。：:\n]{0,30}(?<!修改和)(?<!修改、)废止|废止下列[^。：:\n]{0,30}"
                        r"|^.{0,12}决定废止的[^。：:\n]{0,20})"
                        r"[：:]?[ \t]*$", re.M)
_LIST_ENTRY = re.compile(r"^\s*(?:[（(][一二三四五六七八九十百]+[）)]|[0-9]+[.．、]|[一二三四五六七八九十]+、)\s*"
                         r"《?([^（(《》\n]+?(?:[（(](?:试行|暂行)[）)])?)》?\s*(?:[（(](.*)[）)])?\s*[。；;]?\s*$")
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
