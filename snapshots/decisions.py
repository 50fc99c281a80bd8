"""What a stored document says about rules: register the rule it is, apply the amendments and
repeals it decides, check a republished text against the consolidation, and raise validity events.

Each function runs inside the caller's transaction (the pipeline's one transaction per document),
and each event is written once: processing the same document again adds nothing.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from diffs.amendments import apply, check, parse_decision
from diffs.errors import ParseError
from diffs.structure import parse
from diffs.validity import extract_validity, find_repeals

from . import rules as registry
from .identity import rule_name_key
from .store import Store

# Document types that are rules in the registry even when their title does not end like one.
RULE_TYPES = {"规章", "地方性法规", "行政法规", "规范性文件", "法律"}
_DECISION_TITLE = re.compile(r"(?:关于.*(?:修改|废止).*决定|修正案)")
NOT_UNDERSTOOD = {"gazette-pdf"}  # whole-issue PDFs repeat the documents they bundle


def is_decision(title: str | None) -> bool:
    return bool(title and _DECISION_TITLE.search(title))


def understand(store: Store, document: dict, version_id: int, text: str) -> list[int]:
    """Record what a new document (or new version) says about rules; returns the event ids added."""
    if document.get("doc_type") in NOT_UNDERSTOOD:
        return []
    if is_decision(document.get("title")):
        try:
            decision = parse_decision(text)
        except ParseError:
            decision = None
        if decision is not None:
            return _decision(store, document, decision)
    events = _register(store, document, text)
    document = store.document(document["id"])  # now with its rule_id
    # A new rule may repeal older ones in its own text (……同时废止).
    effective = _iso(extract_validity(text, document.get("title")).effective) or document.get("effective")
    for repeal in find_repeals(text):
        if repeal.form == "simultaneous":
            events += _repeal(store, document, repeal.name, repeal.number, _iso(repeal.effective) or effective)
    return events


def _register(store: Store, document: dict, text: str) -> list[int]:
    title = document.get("title") or ""
    validity = extract_validity(text, title)
    expires = _iso(validity.extended_to) or document.get("expires") or _iso(validity.expires)
    name = rule_name_key(title)
    if not (name or expires or document.get("doc_type") in RULE_TYPES):
        return []
    effective = document.get("effective") or _iso(validity.effective)
    rule_id = store.ensure_rule(name or title, document.get("number"), document["id"], effective, expires)
    if expires:
        store.conn.execute("UPDATE rules SET expires = ? WHERE id = ?", [expires, rule_id])
    store.set_document_rule(document["id"], rule_id)
    return []


def _decision(store: Store, document: dict, decision) -> list[int]:
    effective = _iso(decision.effective) or _iso(decision.published) or document.get("published")
    events: list[int] = []
    applied: dict[str, dict] = {}
    for part in decision.parts:
        if not part.target:
            continue
        rule_id = store.ensure_rule(rule_name_key(part.target) or part.target)
        rule = store.rule(rule_id)
        base = store.document(rule["document_id"]) if rule.get("document_id") else None
        outcome = _consolidate(store, base, part.ops) if base else None
        if outcome:
            applied[str(rule_id)] = outcome
        if store.has_event("amended", rule_id=rule_id, by=document["title"]):
            continue
        store.set_rule_status(rule_id, registry.AMENDED, since=effective, by_document_id=document["id"],
                              by_title=document["title"], by_url=document["url"])
        about = base or document  # the rule's own text when stored, else the decision that names it
        events.append(store.add_event(
            "amended", source=document["source"], document_id=about["id"], rule_id=rule_id,
            title=rule["name"], url=about["url"], rule=rule["name"], by=document["title"],
            by_url=document["url"], effective=effective, ops=len(part.ops),
            applied=len(outcome["applied"]) if outcome else None, failed=len(outcome["failed"]) if outcome else None))
    for repeal in decision.repeals:
        events += _repeal(store, document, repeal.name, repeal.number, _iso(repeal.effective) or effective)
    store.save_decision(document["id"], decision.to_dict(), applied)
    return events


def _consolidate(store: Store, base: dict, ops) -> dict | None:
    versions = store.versions(base["id"])
    if not versions:
        return None
    text = store.version_text(base["id"], versions[-1]["seq"])
    consolidation = apply(parse(text), ops)
    return {"base_version_id": versions[-1]["id"],
            "consolidated_sha": store.put_blob(consolidation.document.to_text().encode("utf-8")),
            "applied": [op.describe() for op in consolidation.applied],
            "failed": [{"op": op.describe(), "reason": reason} for op, reason in consolidation.failed]}


def _repeal(store: Store, document: dict, name: str, number: str | None, effective: str | None) -> list[int]:
    rule_id = store.ensure_rule(rule_name_key(name) or name, number)
    # A new edition "repealing" the old one of the same name replaces it: that is its lineage, not a repeal.
    if rule_id == document.get("rule_id") or store.has_event("repealed", rule_id=rule_id, by=document["title"]):
        return []
    rule = store.rule(rule_id)
    store.set_rule_status(rule_id, registry.REPEALED, since=effective, by_document_id=document["id"],
                          by_title=document["title"], by_url=document["url"])
    # The repealed rule's own text when stored, else the document that repeals it.
    about = (store.document(rule["document_id"]) if rule.get("document_id") else None) or document
    return [store.add_event("repealed", source=document["source"], document_id=about["id"],
                            rule_id=rule_id, title=rule["name"], url=about["url"],
                            rule=rule["name"], by=document["title"], by_url=document["url"], effective=effective)]


def check_republished(store: Store, document: dict, previous_version_id: int, text: str) -> list[dict]:
    """The new text of an amended rule against what its decision's consolidation expected."""
    if not document.get("rule_id"):
        return []
    for row in store.conn.execute("SELECT document_id FROM decisions").fetchall():
        decision = store.decision(row[0])
        outcome = (decision["applied"] or {}).get(str(document["rule_id"]))
        if not outcome or outcome["base_version_id"] != previous_version_id:
            continue
        decision_doc = store.document(row[0])
        part = parse_decision(store.version_text(row[0], store.versions(row[0])[-1]["seq"])).part(
            store.rule(document["rule_id"])["name"])
        expected = parse(store.get_blob(outcome["consolidated_sha"]).decode("utf-8"))
        found = check(expected, parse(text), part.ops if part else None)
        return [{"decision": decision_doc["title"], **d.to_dict()} for d in found]
    return []


def validity_events(store: Store, today: date, days: int) -> list[int]:
    """`expiring` once when a rule's 有效期 ends within `days`, `expired` once when it has passed."""
    events: list[int] = []
    on = today.isoformat()
    for rule in store.rules(at=on):
        expires = rule.get("expires")
        if not expires or rule["status"] in (registry.REPEALED, registry.NOT_YET):
            continue
        document = store.document(rule["document_id"]) if rule.get("document_id") else {}
        common = dict(document_id=(document or {}).get("id"), rule_id=rule["id"], title=rule["name"],
                      url=(document or {}).get("url"), source=(document or {}).get("source"))
        if expires < on:
            if not store.has_event("expired", rule_id=rule["id"], document_id=common["document_id"], expires=expires):
                day_after = (date.fromisoformat(expires) + timedelta(days=1)).isoformat()
                store.set_rule_status(rule["id"], registry.EXPIRED, since=day_after,
                                      by_document_id=common["document_id"])
                events.append(store.add_event("expired", rule=rule["name"], expires=expires, effective=day_after,
                                              **common))
        elif (date.fromisoformat(expires) - today).days <= days:
            if not store.has_event("expiring", rule_id=rule["id"], document_id=common["document_id"], expires=expires):
                events.append(store.add_event("expiring", rule=rule["name"], expires=expires, effective=expires,
                                              days_left=(date.fromisoformat(expires) - today).days, **common))
    return events


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
