"""What a stored document does to rules, recorded: the store gathers what the text needs, the pure
step diffs.rulefacts reads the facts, and one Store call records them.

Each function runs inside the caller's transaction (the pipeline's one transaction per document),
and each event is written once: processing the same document again adds nothing.
"""
from __future__ import annotations

from datetime import date

from diffs import rulefacts
from diffs.amendments import check, parse_decision
from diffs.rulefacts import is_decision
from diffs.structure import parse

from .store import Store

__all__ = ["check_republished", "is_decision", "understand", "validity_events"]


def understand(store: Store, document: dict, version_id: int, text: str) -> list[int]:
    """Record what a new document (or new version) says about rules; returns the event ids added."""
    context = store.rule_context(rulefacts.wanted(document, text))
    return store.record_facts(rulefacts.read(document, version_id, text, context))


def validity_events(store: Store, today: date, days: int) -> list[int]:
    """`expiring` once when a rule's 有效期 ends within `days`, `expired` once when it has passed."""
    rules, recorded = store.validity_context(today.isoformat())
    return store.record_facts(rulefacts.expiry_facts(rules, today, days, recorded))


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
        found = check(expected, parse(text), part.ops if part else None,
                      not_applied=set(outcome.get("not_applied") or ()))
        return [{"decision": decision_doc["title"], **d.to_dict()} for d in found]
    return []
