"""What a text does to rules, without a database: the pure step between a stored text and the
rules registry.

``wanted`` says which stored rows a text needs (rules it names, decisions its 题注 names); the store
gathers them into a :class:`Context`; ``read`` returns :class:`Facts` — the rule the document is,
status changes with their cause, lineage links (a republished text to the decision that amended
it), events — and one Store call records them. Every identity and status rule here is testable on
invented texts alone.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .amendments import apply, parse_decision
from .amendments.check import unapplied_articles
from .amendments.ops import DELETE, INSERT, RENUMBER, LawPart, Op
from .errors import ParseError
from .identity import issued_year, names_agree, number_key, rule_name_key
from .structure import parse
from .validity import Amendment, extract_validity, find_repeals, headnote, order_number

# Document types that are rules even when their title does not end like one.
RULE_TYPES = {"规章", "地方性法规", "行政法规", "规范性文件", "法律"}
# Whole-issue PDFs repeat the documents they bundle: they say nothing of their own about rules.
NOT_UNDERSTOOD = {"gazette-pdf"}
_DECISION_TITLE = re.compile(r"(?:关于.*(?:修改|废止).*决定|修正案)")
# A bare part heading of a Shanghai 令 (（一） alone on its line, the rule's name set apart or lost).
_BARE_HEAD = re.compile(r"^\s*[（(][一二三四五六七八九十]{1,3}[）)]\s*$")
# Status words, as the registry records them (snapshots.rules reads them back on a date).
IN_FORCE, AMENDED, REPEALED, EXPIRED = "现行有效", "已被修改", "已废止", "已失效"
# Bounds on what one text may name: a decision lists at most a few hundred rules.
_MAX_NAMED = 500


def is_decision(title: str | None) -> bool:
    return bool(title and _DECISION_TITLE.search(title))


@dataclass
class RuleRef:
    """A rule as a text names it; the store finds it by identity (diffs.identity) or registers it."""
    name: str
    number: str | None = None
    year: int | None = None
    document_id: int | None = None      # its own text, when this is that text
    effective: str | None = None
    expires: str | None = None

    @property
    def key(self) -> str:
        return rule_name_key(self.name) or self.name


@dataclass
class Change:
    """From `since` on, `rule` is `status` because of the document by_*."""
    rule: RuleRef
    status: str
    since: str | None
    by_document_id: int | None = None
    by_title: str | None = None
    by_url: str | None = None


@dataclass
class Event:
    kind: str
    rule: RuleRef
    document_id: int | None
    url: str | None
    source: str | None
    version_id: int | None = None
    payload: dict = field(default_factory=dict)


@dataclass
class Facts:
    """Everything one text says about rules, for one Store.record_facts call."""
    document_id: int | None = None
    document_rule: RuleRef | None = None          # the rule this document is (its lineage in the registry)
    named: list[RuleRef] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    decision: dict | None = None                   # the parsed decision, stored with `applied`
    applied: dict = field(default_factory=dict)    # rule id -> consolidation of its part onto its stored text


@dataclass
class Wanted:
    """The stored rows a text needs: rules by name or number, decisions by 令 number."""
    names: list[str] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)       # number keys (with year)
    decision_numbers: list[str] = field(default_factory=list)   # 令第13号 named by a 题注
    decision_titles: list[str] = field(default_factory=list)    # decisions a 题注 names by title only
    quoting: str | None = None                     # a decision's 令 number, to find the rules whose 题注 name it
    bases: bool = False                            # the named rules' stored texts (a decision consolidates them)


@dataclass
class Context:
    """What the store holds that a text's facts depend on."""
    rules: list[dict] = field(default_factory=list)        # rules rows
    bases: dict[int, tuple[int, str]] = field(default_factory=dict)   # rule id -> (version id, its latest text)
    decisions: list[dict] = field(default_factory=list)    # decision documents rows, each with "text"
    quoting: list[dict] = field(default_factory=list)      # rule documents rows with "text", "version_id", "rule"
    recorded: set[tuple[str, int, str]] = field(default_factory=set)   # (kind, rule id, by) already reported
    today: str = ""                                        # ISO date the facts are read on


def match_rule(rules: list[dict], name: str | None, number: str | None = None, year: int | None = None) -> dict | None:
    """The stored rule a name (or a 令/文号 in its year, under a name that agrees) identifies."""
    key = rule_name_key(name) or name
    found = next((r for r in rules if key and r.get("name_key") == key), None)
    if found is not None:
        return found
    number = number_key(number, year)
    return next((r for r in rules if number and r.get("number_key") == number and names_agree(key, r.get("name_key"))),
                None)


@dataclass
class Registration:
    """The rule a document is, as its own text states it."""
    name: str
    number: str | None
    year: int | None
    effective: str | None
    expires: str | None
    amended_by: list[Amendment] = field(default_factory=list)   # each 修正 its 题注 lists


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
                        amended_by=list(note.amendments) if note else [])


def legal_dates(text: str, title: str | None = None) -> dict:
    """A version's legal dates, from its 题注 and own clauses: 公布 (with its 令), each 修正, 施行.

    `label` and `date` are what the version is known by: its latest 修正, else its 公布; the fetch
    time is only when regwatch saw it."""
    note = headnote(text)
    validity = extract_validity(text, title)
    published = _iso(note.published) if note and note.published else _iso(validity.published)
    amended = [{"date": _iso(a.date), "number": a.number, "decision": a.decision} for a in note.amendments] \
        if note else []
    out = {"published": published, "number": note.number if note else None, "amended": amended,
           "effective": _iso(validity.effective)}
    if amended:
        out.update(label="修正", date=amended[-1]["date"], by=amended[-1]["number"] or amended[-1]["decision"])
    elif published:
        out.update(label="公布", date=published, by=out["number"])
    else:
        out.update(label=None, date=None, by=None)
    return out


def names_decision(amendment: Amendment, decision: dict) -> bool:
    """Whether a 题注 entry (根据2024年4月2日…令第13号修正) names this stored decision
    (a documents row: number, published, title)."""
    published = decision.get("published") or ""
    # 令 numbers restart each term and decision titles repeat (关于修改本市部分地方性法规的决定): either
    # names a decision only in the year the 题注 gives.
    if not amendment.date or published[:4] != str(amendment.date.year):
        return False
    cited = title_key(amendment.decision or "")
    # The 题注 quotes the title without its issuer (…会议《关于修改〈X条例〉等10件地方性法规的决定》).
    if len(cited) >= 8 and title_key(decision.get("title") or "").endswith(cited):
        return True
    if not amendment.number or not decision.get("number"):
        return False
    if order_number(decision["number"]) != amendment.number:
        return False
    # 令 numbers are per issuer: 国务院令第13号 is not 上海市人民政府令第13号.
    return not (amendment.issuer and title_key(decision["number"]).split("令")[0] not in ("", amendment.issuer))


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
    current = 0
    for op in part.ops:
        # Ops come in the decision's order: an instruction repeated in a later part (删去第三条。) is
        # looked for from the part the previous op was in onwards.
        where = next((i for i in range(current, len(segments)) if op.source and op.source.strip() in segments[i]),
                     None)
        if where is not None:
            out[where].ops.append(op)
            current = where
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


def title_key(text: str) -> str:
    """A title without spaces and quotation marks: how a 题注's quotation of a decision compares."""
    return re.sub(r"[\s《》〈〉<>]", "", text)


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


# ---- the pure step ---------------------------------------------------------------------------------

def _parsed(document: dict, text: str):
    """The decision a document is, or None."""
    if not is_decision(document.get("title")):
        return None
    try:
        return parse_decision(text)
    except ParseError:
        return None


def wanted(document: dict, text: str) -> Wanted:
    """Which stored rows the facts of `text` depend on."""
    want = Wanted()
    if document.get("doc_type") in NOT_UNDERSTOOD:
        return want
    decision = _parsed(document, text)
    if decision is not None:
        want.names = [p.target for p in decision.parts if p.target][:_MAX_NAMED]
        want.names += [r.name for r in decision.repeals][:_MAX_NAMED]
        want.numbers = [k for r in decision.repeals
                        if (k := number_key(r.number, r.issued.year if r.issued else None))][:_MAX_NAMED]
        want.bases = True
        if any(not p.target for p in decision.parts):
            want.quoting = order_number(document.get("number") or "") or decision.number
        return want
    found = registration(document, text)
    if found is not None:
        want.names.append(found.name)
        if (k := number_key(found.number, found.year)):
            want.numbers.append(k)
        want.decision_numbers = [a.number for a in found.amended_by if a.number][:_MAX_NAMED]
        want.decision_titles = [title_key(a.decision) for a in found.amended_by
                                if a.decision and not a.number][:_MAX_NAMED]
    want.names += [r.name for r in find_repeals(text) if r.form == "simultaneous"][:_MAX_NAMED]
    return want


def read(document: dict, version_id: int | None, text: str, context: Context) -> Facts:
    """What a new document (or new version) says about rules: the facts, nothing recorded."""
    facts = Facts(document_id=document["id"])
    if document.get("doc_type") in NOT_UNDERSTOOD:
        return facts
    decision = _parsed(document, text)
    if decision is not None:
        _decision_facts(facts, document, decision, text, context)
        return facts
    found = registration(document, text)
    own = None
    if found is not None:
        own = RuleRef(found.name, found.number, found.year, document["id"], found.effective, found.expires)
        facts.document_rule = own
        # 根据…令第N号修正 in the 题注: this text is the rule as that decision amended it.
        for amendment in found.amended_by[:_MAX_NAMED]:
            for stored in context.decisions:
                if names_decision(amendment, stored):
                    _amended_by(facts, stored, own, document, version_id, text, context)
    # A new rule may repeal older ones in its own text (……同时废止).
    effective = _iso(extract_validity(text, document.get("title")).effective) or document.get("effective")
    for repeal in find_repeals(text)[:_MAX_NAMED]:
        if repeal.form == "simultaneous":
            _repeal(facts, document, repeal, _iso(repeal.effective) or effective, context, own)
    return facts


def _decision_facts(facts: Facts, document: dict, decision, text: str, context: Context) -> None:
    effective = _iso(decision.effective) or _iso(decision.published) or document.get("published")
    by = dict(by_document_id=document["id"], by_title=document["title"], by_url=document["url"])
    for part in decision.parts[:_MAX_NAMED]:
        if not part.target:
            continue
        rule = RuleRef(rule_name_key(part.target) or part.target)
        facts.named.append(rule)
        stored = match_rule(context.rules, rule.name)
        base = context.bases.get(stored["id"]) if stored else None
        outcome = consolidate(base, part.ops, part.problems) if base else None
        if outcome:
            facts.applied[str(stored["id"])] = outcome
        if _reported(facts, context, "amended", rule, stored, document["title"]):
            continue
        facts.changes.append(Change(rule, AMENDED, effective, **by))
        about_id = stored["document_id"] if stored and stored.get("document_id") else document["id"]
        facts.events.append(Event(
            "amended", rule, about_id, None if about_id != document["id"] else document["url"], document["source"],
            payload=dict(rule=rule.name, by=document["title"], by_url=document["url"], effective=effective,
                         ops=len(part.ops), changes=clause_changes(part.ops),
                         applied=len(outcome["applied"]) if outcome else None,
                         failed=len(outcome["failed"]) if outcome else None, **_pending(effective, context))))
    for repeal in decision.repeals[:_MAX_NAMED]:
        _repeal(facts, document, repeal, _iso(repeal.effective) or effective, context, None)
    facts.decision = decision.to_dict()
    # A decision whose parts are headed （一）（二） without the rules' names is linked from the rules'
    # side: the rules stored before it whose 题注 names it.
    for quoting in context.quoting[:_MAX_NAMED]:
        note = registration(quoting, quoting["text"])
        if note and any(names_decision(a, document) for a in note.amended_by):
            rule = RuleRef(quoting["rule"]["name"])
            _amended_by(facts, {**document, "text": text}, rule, quoting, quoting["version_id"], quoting["text"],
                        context)


def _amended_by(facts: Facts, decision: dict, rule: RuleRef, document: dict, version_id: int | None, text: str,
                context: Context) -> None:
    """Link a rule's republished text to the decision its 题注 names: status and one `amended` event
    whose clause changes are the decision part's (the page before often held no clauses to compare)."""
    if _reported(facts, context, "amended", rule, match_rule(context.rules, rule.name, rule.number, rule.year),
                 decision["title"]):
        return
    try:
        parsed = parse_decision(decision["text"])
    except ParseError:
        return
    part = part_for(parsed.parts, decision["text"], rule.name, text)
    effective = _iso(parsed.effective) or _iso(parsed.published) or decision.get("effective") or \
        decision.get("published")
    facts.changes.append(Change(rule, AMENDED, effective, decision["id"], decision["title"], decision["url"]))
    facts.events.append(Event(
        "amended", rule, document["id"], document["url"], document["source"], version_id,
        payload=dict(rule=rule.name, by=decision["title"], by_url=decision["url"], effective=effective,
                     linked_by="题注", ops=len(part.ops) if part else None,
                     changes=clause_changes(part.ops) if part else None, **_pending(effective, context))))


def _repeal(facts: Facts, document: dict, repeal, effective: str | None, context: Context,
            own: RuleRef | None) -> None:
    rule = RuleRef(rule_name_key(repeal.name) or repeal.name, repeal.number,
                   repeal.issued.year if repeal.issued else None)
    stored = match_rule(context.rules, rule.name, rule.number, rule.year)
    # A new edition "repealing" the old one of the same name replaces it: that is its lineage, not a repeal.
    if own is not None and (rule.key == own.key or (stored and stored.get("document_id") == document["id"])):
        return
    facts.named.append(rule)
    if _reported(facts, context, "repealed", rule, stored, document["title"]):
        return
    facts.changes.append(Change(rule, REPEALED, effective, document["id"], document["title"], document["url"]))
    about_id = stored["document_id"] if stored and stored.get("document_id") else document["id"]
    facts.events.append(Event("repealed", rule, about_id, document["url"] if about_id == document["id"] else None,
                              document["source"],
                              payload=dict(rule=rule.name, by=document["title"], by_url=document["url"],
                                           effective=effective, **_pending(effective, context))))


def _pending(effective: str | None, context: Context) -> dict:
    """Decided but not yet in force on the day it is read: digests say 尚未生效的修改 with its date."""
    return {"pending": True} if effective and context.today and effective > context.today else {}


def _reported(facts: Facts, context: Context, kind: str, rule: RuleRef, stored: dict | None, by: str) -> bool:
    """Whether this rule event is already recorded, or already among these facts: each is raised once."""
    if stored is not None and (kind, stored["id"], by) in context.recorded:
        return True
    return any(e.kind == kind and e.rule.key == rule.key and e.payload.get("by") == by for e in facts.events)


def consolidate(base: tuple[int, str], ops: list[Op], problems=()) -> dict:
    """A decision part applied to the rule's stored text: what applied, what failed, the result, and
    the articles (new numbering) a failed or unread instruction names: where the republished text
    may differ from the consolidation through the engine's fault, never the publisher's."""
    version_id, text = base
    consolidation = apply(parse(text), ops)
    return {"base_version_id": version_id, "consolidated": consolidation.document.to_text(),
            "applied": [op.describe() for op in consolidation.applied],
            "failed": [{"op": op.describe(), "reason": reason} for op, reason in consolidation.failed],
            "not_applied": sorted(unapplied_articles(consolidation, problems))}


def expiry_facts(rules: list[dict], today: dt.date, days: int, recorded: set[tuple[str, int, str]]) -> Facts:
    """`expiring` once when a rule's own 有效期 ends within `days`, `expired` once when it has passed.

    `rules` are the registry's rows as they stand today, each with its own document as "document";
    `recorded` holds (kind, rule id, expires) of the validity events already raised.
    """
    facts = Facts()
    on = today.isoformat()
    for rule in rules:
        expires = rule.get("expires")
        if not expires or rule["status"] in (REPEALED, "尚未施行"):
            continue
        document = rule.get("document") or {}
        ref = RuleRef(rule["name"])
        common = dict(document_id=document.get("id"), url=document.get("url"), source=document.get("source"))
        if expires < on:
            if ("expired", rule["id"], expires) in recorded:
                continue
            day_after = (dt.date.fromisoformat(expires[:10]) + dt.timedelta(days=1)).isoformat()
            facts.changes.append(Change(ref, EXPIRED, day_after, document.get("id"), document.get("title"),
                                        document.get("url")))
            facts.events.append(Event("expired", ref, **common, payload=dict(
                rule=rule["name"], expires=expires, effective=day_after, by=document.get("title"))))
        elif (dt.date.fromisoformat(expires[:10]) - today).days <= days:
            if ("expiring", rule["id"], expires) in recorded:
                continue
            facts.events.append(Event("expiring", ref, **common, payload=dict(
                rule=rule["name"], expires=expires, effective=expires,
                days_left=(dt.date.fromisoformat(expires[:10]) - today).days)))
    return facts
