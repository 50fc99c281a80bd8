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
from diffs.identity import rule_name_key
from diffs.rulefacts import clause_changes, names_decision, part_for, registration
from diffs.structure import parse
from diffs.validity import extract_validity, find_repeals, order_number

from . import rules as registry
from .store import Store

# How many stored texts quoting a decision's 令 number are read to find the rules its 题注 names.
_QUOTING_LIMIT = 200
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
            return _decision(store, document, decision, text)
    events = _register(store, document, version_id, text)
    document = store.document(document["id"])  # now with its rule_id
    # A new rule may repeal older ones in its own text (……同时废止).
    effective = _iso(extract_validity(text, document.get("title")).effective) or document.get("effective")
    for repeal in find_repeals(text):
        if repeal.form == "simultaneous":
            events += _repeal(store, document, repeal.name, repeal.number, _iso(repeal.effective) or effective)
    return events


def _register(store: Store, document: dict, version_id: int | None, text: str) -> list[int]:
    found = registration(document, text)
    if found is None:
        return []
    rule_id = store.ensure_rule(found.name, found.number, document["id"], found.effective, found.expires, found.year)
    if found.expires:
        store.set_rule_expiry(rule_id, found.expires)
    store.set_document_rule(document["id"], rule_id)
    events: list[int] = []
    # 根据…令第N号修正 in the 题注: this text is the rule as that decision amended it.
    decisions = store.decision_documents() if found.amended_by else []
    for amendment in found.amended_by[:50]:
        for decision in decisions:
            if names_decision(amendment, decision):
                events += _amended_by(store, decision, store.rule(rule_id), document, version_id, text)
    return events


def _amended_by(store: Store, decision: dict, rule: dict, document: dict, version_id: int | None,
                text: str) -> list[int]:
    """Link a rule's republished text to the decision its 题注 names: status and one `amended` event
    whose clause changes are the decision part's (the page before held no clauses to compare)."""
    if store.has_rule_event("amended", rule["id"], by=decision["title"]):
        return []
    decision_text = store.version_text(decision["id"], store.versions(decision["id"])[-1]["seq"])
    try:
        parsed = parse_decision(decision_text)
    except ParseError:
        return []
    part = part_for(parsed.parts, decision_text, rule["name"], text)
    effective = _iso(parsed.effective) or _iso(parsed.published) or decision.get("effective") or \
        decision.get("published")
    store.set_rule_status(rule["id"], registry.AMENDED, since=effective, by_document_id=decision["id"],
                          by_title=decision["title"], by_url=decision["url"])
    return [store.add_event(
        "amended", source=document["source"], document_id=document["id"], version_id=version_id,
        rule_id=rule["id"], title=rule["name"], url=document["url"], rule=rule["name"], by=decision["title"],
        by_url=decision["url"], effective=effective, linked_by="题注", ops=len(part.ops) if part else None,
        changes=clause_changes(part.ops) if part else None)]


def _decision(store: Store, document: dict, decision, text: str) -> list[int]:
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
        if store.has_rule_event("amended", rule_id, by=document["title"]):
            continue
        store.set_rule_status(rule_id, registry.AMENDED, since=effective, by_document_id=document["id"],
                              by_title=document["title"], by_url=document["url"])
        about = base or document  # the rule's own text when stored, else the decision that names it
        events.append(store.add_event(
            "amended", source=document["source"], document_id=about["id"], rule_id=rule_id,
            title=rule["name"], url=about["url"], rule=rule["name"], by=document["title"],
            by_url=document["url"], effective=effective, ops=len(part.ops), changes=clause_changes(part.ops),
            applied=len(outcome["applied"]) if outcome else None, failed=len(outcome["failed"]) if outcome else None))
    for repeal in decision.repeals:
        events += _repeal(store, document, repeal.name, repeal.number, _iso(repeal.effective) or effective)
    store.save_decision(document["id"], decision.to_dict(), applied)
    if any(not p.target for p in decision.parts):
        events += _quoting_rules(store, store.document(document["id"]))
    return events


def _quoting_rules(store: Store, decision: dict) -> list[int]:
    """Rules stored before their decision whose 题注 names it: a decision whose parts are headed
    （一）（二） without the rules' names can only be linked from the rules' side."""
    number = order_number(decision.get("number") or "")
    if not number:
        return []
    events: list[int] = []
    for hit in store.search(number, limit=_QUOTING_LIMIT):
        document = store.document(hit["document_id"])
        if document["id"] == decision["id"] or not document.get("rule_id"):
            continue
        text = store.version_text(document["id"], hit["seq"])
        found = registration(document, text)
        if found and any(names_decision(a, decision) for a in found.amended_by):
            events += _amended_by(store, decision, store.rule(document["rule_id"]), document, hit["version_id"], text)
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
    for decision_doc in store.decision_documents():
        decision = store.decision(decision_doc["id"])
        outcome = (decision["applied"] or {}).get(str(document["rule_id"]))
        if not outcome or outcome["base_version_id"] != previous_version_id:
            continue
        seq = store.versions(decision_doc["id"])[-1]["seq"]
        part = parse_decision(store.version_text(decision_doc["id"], seq)).part(store.rule(document["rule_id"])["name"])
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
                                      by_document_id=common["document_id"], by_title=(document or {}).get("title"),
                                      by_url=common["url"])
                events.append(store.add_event("expired", rule=rule["name"], expires=expires, effective=day_after,
                                              **common))
        elif (date.fromisoformat(expires) - today).days <= days:
            if not store.has_event("expiring", rule_id=rule["id"], document_id=common["document_id"], expires=expires):
                events.append(store.add_event("expiring", rule=rule["name"], expires=expires, effective=expires,
                                              days_left=(date.fromisoformat(expires) - today).days, **common))
    return events


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None
