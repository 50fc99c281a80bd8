"""What a text says about rules, without a database: which rule it is, which decisions its 题注
says amended it, which part of a decision is that rule's, and how a status reads.

The store (snapshots.decisions) hands these functions the texts and the rows they need and records
what they return; every identity and status rule here is testable on invented texts alone.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .amendments.ops import DELETE, INSERT, RENUMBER, LawPart, Op
from .identity import issued_year, rule_name_key
from .validity import Amendment, Headnote, extract_validity, headnote, order_number

# Document types that are rules even when their title does not end like one.
RULE_TYPES = {"规章", "地方性法规", "行政法规", "规范性文件", "法律"}
# A bare part heading of a Shanghai 令 (（一） alone on its line, the rule's name set apart or lost).
_BARE_HEAD = re.compile(r"^\s*[（(][一二三四五六七八九十]{1,3}[）)]\s*$")
_CLAUSE = re.compile(r"^\s*第[一二三四五六七八九十百零〇0-9]+条", re.M)


@dataclass
class Registration:
    """The rule a document is, as its own text states it."""
    name: str
    number: str | None
    year: int | None
    effective: str | None
    expires: str | None
    published: str | None
    headnote: Headnote | None = None
    amended_by: list[Amendment] = field(default_factory=list)


def registration(document: dict, text: str) -> Registration | None:
    """The rule `document` (a documents row) is, or None when it is not a rule.

    The expiry comes from the text's own 有效期 clause only (diffs.validity: a permit's term is not
    the rule's); the 施行 date from its own commencement clause, else the page's metadata.
    """
    title = document.get("title") or ""
    validity = extract_validity(text, title)
    expires = _iso(validity.extended_to) or _iso(validity.expires)
    name = rule_name_key(title)
    if not (name or expires or document.get("doc_type") in RULE_TYPES):
        return None
    note = headnote(text)
    number = document.get("number")
    return Registration(name=name or title, number=number,
                        year=issued_year(number, document.get("published"), text),
                        effective=_iso(validity.effective) or document.get("effective"), expires=expires,
                        published=_iso(note.published) if note and note.published else document.get("published"),
                        headnote=note, amended_by=list(note.amendments) if note else [])


def names_decision(amendment: Amendment, decision: dict) -> bool:
    """Whether a 题注 entry (根据2024年4月2日…令第13号修正) names this stored decision
    (a documents row: number, published, title)."""
    if amendment.decision and rule_name_key(amendment.decision) is None and decision.get("title"):
        if _squash(amendment.decision) == _squash(decision["title"]):
            return True
    if not amendment.number or not decision.get("number"):
        return False
    if order_number(decision["number"]) != amendment.number:
        return False
    published = decision.get("published") or ""
    # 令 numbers restart each term: the number names the decision only in the year the 题注 gives.
    return bool(amendment.date) and published[:4] == str(amendment.date.year)


def part_for(parts: list[LawPart], decision_text: str, rule: str, text: str) -> LawPart | None:
    """The decision's part that amends `rule`: by name, else (a Shanghai 令 whose parts are headed
    （一）（二） with the name set apart) the part whose new wording the republished `text` carries."""
    key = rule_name_key(rule) or rule
    for part in parts:
        if part.target and (rule_name_key(part.target) or part.target) == key:
            return part
    candidates = [p for part in parts if not part.target for p in split_bare_parts(part, decision_text)]
    if not candidates:
        return None
    scored = sorted(((_carried(p.ops, text), i) for i, p in enumerate(candidates)), reverse=True)
    best, index = scored[0]
    return candidates[index] if best > 0 else None


def split_bare_parts(part: LawPart, decision_text: str) -> list[LawPart]:
    """One unnamed part per bare heading （一）（二）… of the decision, its ops in order."""
    lines = decision_text.splitlines()
    heads = [i for i, line in enumerate(lines) if _BARE_HEAD.match(line)]
    if len(heads) < 2:
        return [part]
    segments = ["\n".join(lines[a:b]) for a, b in zip(heads, heads[1:] + [len(lines)])]
    out = [LawPart("") for _ in segments]
    for op in part.ops:
        where = next((i for i, s in enumerate(segments) if op.source and op.source.strip() in s), None)
        if where is not None:
            out[where].ops.append(op)
    return [p for p in out if p.ops]


def _carried(ops: list[Op], text: str) -> float:
    """The share of the ops' new wording that `text` contains."""
    flat = re.sub(r"\s+", "", text)
    words = [re.sub(r"\s+", "", op.text.split("\n")[0])[:40] for op in ops if op.text]
    words = [w for w in words if len(w) >= 6]
    return sum(w in flat for w in words) / len(words) if words else 0.0


def clause_changes(ops: list[Op]) -> dict:
    """What a decision's part does, counted as a clause diff counts: added, deleted, renumbered, and
    modified for every other instruction (wording, phrases, titles)."""
    counts = {"modified": 0, "added": 0, "deleted": 0, "renumbered": 0}
    kind = {INSERT: "added", DELETE: "deleted", RENUMBER: "renumbered"}
    for op in ops:
        counts[kind.get(op.action, "modified")] += 1
    return counts


def has_clauses(text: str) -> bool:
    """Whether a text holds any 第N条 (a rule's page before its text was published holds none)."""
    return bool(_CLAUSE.search(text))


def _squash(text: str) -> str:
    return re.sub(r"[\s《》〈〉<>]", "", text)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None
