"""A decision document -> metadata + one :class:`LawPart` per law it amends (+ the rules it repeals).

Parts are headed 一、对《X》的修改 (local congresses), （一）X under 一、对下列…予以修改 (government
orders), 附件N《X》修改 lists; a decision on one law (国务院决定对《X》作如下修改：) has one implicit
part. Reading stops at 本决定自…施行, so a decision followed by the republished texts (as on the
gazette pages) still parses.
"""
from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field, replace

from ..errors import ParseError
from ..vocab import RULE_ENDING
from ..dates import DATE, parse_date
from ..validity import Repeal, extract_validity, find_repeals, order_number
from .ops import EVERYWHERE, REPLACE_PHRASE, LawPart, Op, Problem
from .parse import curly_quotes, parse_ops

_NUM_HEAD = (r"(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)]|[0-9]{1,2}[.．、]"
             r"|附件[0-9一二三四五六七八九十]*[：:.．、]?)")
_RULE_NAME = rf"[^，。；：:“”\s]{{2,80}}?{RULE_ENDING}(?:[（(](?:试行|暂行|[一二三四五六七八九十]{{1,3}})[）)])?"
_PART_HEAD = re.compile(rf"^{_NUM_HEAD}?\s*(?:对|关于)?《([^《》]+)》(?:的|作如下|作以下|作出如下|作出|作)?"
                        r"(?:修改|修正|修订)(?:条目|内容)?[：:]?$")
# 一、修改《最高人民法院关于……的解释》: a decision amending many 司法解释, one heading per document.
_AMEND_HEAD = re.compile(rf"^{_NUM_HEAD}?\s*(?:修改|修正)《([^《》]+)》[：:]?$")
_NAME_HEAD = re.compile(rf"^{_NUM_HEAD}\s*《?({_RULE_NAME})》?$")
_MODIFY_SECTION = re.compile(r"^[一二三四五六七八九十]{1,3}、.{0,20}下列.{0,30}(?<!废止)(?:修改|修正)[：:]?$")
# 二、对下列政府规章予以废止 / 二、废止《X》等6件地方性法规: a section that only repeals.
_REPEAL_SECTION = re.compile(r"^[一二三四五六七八九十]{1,3}、(?!.*修改).{0,40}废止")
_SECTION = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_ANNEX = re.compile(r"^附件[0-9０-９一二三四五六七八九十]*[：:]?$")
_MODIFY_ANNEX = re.compile(r"^.{0,12}决定修改的.{0,20}$")
_REPEAL_ANNEX = re.compile(r"^.{0,12}决定(?:废止|宣布失效)的.{0,20}$")
_INLINE_LAW = re.compile(rf"^{_NUM_HEAD}?\s*(?:将|删去|在|对)?《([^《》]+)》(?:第|中的|的|名称|增加)")
_SINGLE_TARGET = re.compile(r"对《?([^《》，。；：\s]{2,40}?)》?(?:作|做)(?:如下|以下)?(?:修改|修正)")
_TITLE_TARGET = re.compile(r"关于修改《([^《》]+)》(?:的决定|等)")
_PREAMBLE_END = re.compile(r"(?:决定|修改|如下|废止)[：:]$")
_END = re.compile(r"^(?:[一二三四五六七八九十]{1,3}、)?本(?:决定|修正案)(?:自|[^。]{0,10}(?:施行|生效))")
_TITLE = re.compile(r"关于.{2,80}(?:决定|修正案)$|修正案[（(][一二三四五六七八九十]+[）)]$")
# 对《最高人民法院关于……的解释》（以下简称《解释》）作如下修改: later instructions name it 《解释》.
_ABBREVIATION = re.compile(r"《([^《》]+)》[（(]以下简称《?([^《》（）()]{1,20}?)》?[）)]")
_ADOPTED = re.compile(rf"({DATE})[^（）()。]{{0,60}}?通过")


@dataclass
class Decision:
    title: str | None
    issuer: str | None = None
    adopted: dt.date | None = None
    published: dt.date | None = None
    effective: dt.date | None = None
    number: str | None = None                 # 令第13号
    parts: list[LawPart] = field(default_factory=list)
    repeals: list[Repeal] = field(default_factory=list)
    adjusts_order: bool = False               # 此外，对条文顺序……作相应调整

    @property
    def laws(self) -> list[str]:
        """Every law the decision touches: amended first, then repealed."""
        return [p.target for p in self.parts] + [r.name for r in self.repeals]

    def part(self, name: str) -> LawPart | None:
        """The part for a law, matched on the name with or without 《》, a place prefix or 暂行."""
        key = _name_key(name)
        for p in self.parts:
            if _name_key(p.target) == key:
                return p
        for p in self.parts:
            # Only a place prefix (上海市…) or a 试行/暂行 mark may differ: 《X条例》 is never
            # 《X条例实施细则》, whose name merely contains it.
            k = _name_key(p.target)
            if k and _bare(k) and (_bare(key).endswith(_bare(k)) or _bare(k).endswith(_bare(key))):
                return p
        if len(self.parts) == 1 and not self.parts[0].target:
            return self.parts[0]     # a decision that never names its law (修正案: 对刑法作如下修改)
        return None

    def to_dict(self) -> dict:
        def iso(d):
            return d.isoformat() if d else None
        return {"title": self.title, "issuer": self.issuer, "adopted": iso(self.adopted),
                "published": iso(self.published), "effective": iso(self.effective), "number": self.number,
                "adjusts_order": self.adjusts_order, "laws": self.laws,
                "parts": [p.to_dict() for p in self.parts], "repeals": [r.to_dict() for r in self.repeals]}


def _bare(key: str) -> str:
    return re.sub(r"[（(](?:试行|暂行)[）)]$|^暂行", "", key)


def _name_key(name: str) -> str:
    # 《》, spaces, the state's name and an edition mark (（2020年修正）) are not part of a law's identity.
    key = re.sub(r"[《》〈〉\s]|^(?:中华人民共和国)", "", name)
    return re.sub(r"[（(][0-9０-９]{4}年?(?:修正|修订|修改)?(?:文本|本)?[）)]$", "", key)


_PANDOC_SPAN = re.compile(r"\[([^\[\]]*)\]\{\.[a-z-]+\}")


def clean_lines(text: str) -> list[str]:
    """Non-empty lines without Markdown marks, HTML entities or layout spaces at the ends."""
    out = []
    for raw in html.unescape(text).replace("\u3000", " ").splitlines():
        raw = _PANDOC_SPAN.sub(r"\1", raw)      # [（二）删去第十二条。]{.mark}: a converter's highlight
        line = re.sub(r"^\s*(?:#{1,6}|>)\s*", "", raw).strip().strip("\ufeff").strip()
        if line:
            out.append(line)
    return out


def parse_decision(text: str) -> Decision:
    """Parse a decision. Raises ParseError when the text holds no amendment or repeal at all."""
    lines = clean_lines(text)
    if not lines:
        raise ParseError("the decision is empty")
    title = next((l for l in lines[:12] if _TITLE.search(l) and not l.startswith("《")), None) or \
        next((l for l in lines[:12] if re.search(r"决定|修正案", l) and len(l) < 120), lines[0])
    body, own = _body(lines, title)
    # The decision's own dates and 令 number, not those of the rules its annexes list.
    text_proper = own[:next((i + 1 for i, line in enumerate(own) if _END.match(line)), len(own))]
    head = "\n".join(text_proper[:30])
    validity = extract_validity("\n".join(text_proper), title)
    m = re.match(r"^(.{2,40}?)关于", title)
    adopted = _ADOPTED.search(head)
    decision = Decision(title=title, issuer=m.group(1) if m else None,
                        adopted=parse_date(adopted.group(1)) if adopted else None,
                        published=validity.published, effective=validity.effective,
                        number=order_number(head))
    if validity.effective_on_publication and decision.effective is None:
        decision.effective = decision.published or decision.adopted
    decision.adjusts_order = any(re.search(r"顺序.{0,12}(?:相应)?调整|相应调整", l) for l in own)
    decision.parts = _parts(body, _single_target(lines, title), _abbreviations(own))
    decision.repeals = find_repeals("\n".join(own))
    if not any(p.ops for p in decision.parts) and not decision.repeals:
        problems = [pr for p in decision.parts for pr in p.problems]
        why = f" ({problems[0].reason})" if problems else ""
        raise ParseError(f"no amendment or repeal could be read in {title!r}{why}: is this a decision?")
    return decision


def _single_target(lines: list[str], title: str) -> str | None:
    for line in lines[:30]:
        m = _SINGLE_TARGET.search(line)
        if m:
            return m.group(1)
    m = re.match(r"^(.{2,40}?)修正案", title)        # 中华人民共和国刑法修正案（十一）
    if m:
        return m.group(1)
    m = _TITLE_TARGET.search(title)
    return m.group(1) if m and not m.group(0).endswith("等") else None   # …等10件: several laws


def _body(lines: list[str], title: str) -> tuple[list[str], list[str]]:
    """The lines between the preamble (…决定：) and 本决定自…施行, plus any annexes after it.

    Returns them and the decision's own text (up to the end line, and the annexes) for the repeals.
    State Council decisions put their amendments in
    附件1 (国务院决定修改的行政法规) and their repeals in 附件2, after 本决定自…施行.
    """
    start = 0
    for i, line in enumerate(lines[:40]):
        if _PREAMBLE_END.search(line) or _SINGLE_TARGET.search(line):
            start = i + 1
            break
    else:
        start = lines.index(title) + 1
    end = len(lines)
    for i in range(start, len(lines)):
        if _END.match(lines[i]):
            end = i
            break
    # Only when the decision lists its annexes (附件：1.… right after its end): a gazette page goes on
    # with other documents, whose own 附件 are not this decision's.
    listed = any(l.startswith("附件") for l in lines[end:end + 4])
    annex = next((i for i in range(end, len(lines)) if listed and _ANNEX.match(lines[i])), len(lines))
    return lines[start:end] + lines[annex:], lines[:end + 1] + lines[annex:]


def _abbreviations(lines: list[str]) -> dict[str, str]:
    """Short names a decision defines (以下简称《解释》), each to the full name it stands for."""
    return {m.group(2): m.group(1) for line in lines for m in _ABBREVIATION.finditer(line)}


def _parts(body: list[str], single: str | None, short: dict[str, str] | None = None) -> list[LawPart]:
    parts: dict[str, tuple[LawPart, list[str]]] = {}
    current: list[str] | None = None
    in_repeal = in_list = False
    short = short or {}
    everywhere: list[Op] = []

    def start_part(name: str) -> list[str]:
        name = short.get(name, name)
        key = _name_key(name)
        if key not in parts:
            parts[key] = (LawPart(name), [])
        return parts[key][1]

    for line in body:
        m = _PART_HEAD.match(line) or _AMEND_HEAD.match(line)
        if m:
            in_repeal = False
            current = start_part(m.group(1))
            continue
        if _REPEAL_SECTION.match(line) or _REPEAL_ANNEX.match(line) or \
                line.startswith(("决定废止下列", "废止下列")):
            in_repeal = True        # the repeal list is read by validity.find_repeals
            continue
        if _MODIFY_SECTION.match(line) or _MODIFY_ANNEX.match(line):
            in_repeal, in_list = False, True
            continue
        if in_repeal or _ANNEX.match(line):
            continue
        if _SECTION.match(line) and in_list and not _NAME_HEAD.match(line) and not _INLINE_LAW.match(line):
            in_list = False
        n = _NAME_HEAD.match(line)
        if n and (in_list or not single):
            current = start_part(n.group(1))
            continue
        if line.startswith("此外"):
            everywhere += _decision_wide(line)
            continue
        if re.match(r"根据本决定.{0,20}(?:重新公布|重新发布)|^《.+》.{0,20}根据本决定", line):
            continue
        inline = _INLINE_LAW.match(line)
        if inline:
            current = start_part(inline.group(1))   # 一、将《X条例》第十条修改为…
        if current is None:
            current = start_part(single or "")
        current.append(line)
    out = []
    for part, chunk in parts.values():
        try:
            part.ops, part.problems = parse_ops(chunk)
        except Exception as e:  # noqa: BLE001 - one unreadable part must not hide the decision's other laws
            part.ops, part.problems = [], [Problem("\n".join(chunk)[:200], f"无法解析此部分（{type(e).__name__}）")]
        part.ops += [replace(op) for op in everywhere]
        if part.ops or part.problems:
            out.append(part)
    return out


# 此外，根据本决定将相关地方性法规中“区、县”的提法统一修改为“区”: a wording change for every law the
# decision amends, made wherever it occurs.
_DECISION_WIDE = re.compile(r"(?:相关|有关|各|上述)?(?:地方性)?(?:法律|法规|规章|规定|条例|办法)中(?:的)?“")
_WIDE_PAIR = re.compile(r"“([^“”]+)”(?:的提法|等表述)?(?:统一|均|一律|一并)?(?:修改|调整)为“([^“”]+)”")


def _decision_wide(line: str) -> list[Op]:
    text = curly_quotes(line)
    where = _DECISION_WIDE.search(text)
    if not where:
        return []
    return [Op(REPLACE_PHRASE, EVERYWHERE, text=new, phrase=old, optional=True, source=line)
            for old, new in _WIDE_PAIR.findall(text[where.start():])]
