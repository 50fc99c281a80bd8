"""An amendment seen from the diff page: the decision that caused a version, its operations on
the articles, and where the republished text differs from what the decision says."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterator

from diffs import amendments
from diffs.amendments.ops import EVERYWHERE
from diffs.render import _anchor as row_anchor   # ask: a public name for the row permalink

from .lookup import previous_version_id


def _consolidations(store) -> Iterator[tuple[int, dict]]:
    """(decision document id, {rule id: consolidation}) of every decision the pipeline understood;
    a consolidation names the ``base_version_id`` the decision was applied to."""
    for document_id in store.decision_document_ids():
        yield document_id, (store.decision(document_id)["applied"] or {})


def decision_for_version(store, version: dict) -> dict | None:
    """The decision document that amended the text of ``version``'s predecessor (None if none did)."""
    document = store.document(version["document_id"])
    previous = previous_version_id(store, version["id"])
    if not document or not document.get("rule_id") or previous is None:
        return None
    for decision_id, consolidations in _consolidations(store):
        consolidation = consolidations.get(str(document["rule_id"]))
        if consolidation and consolidation.get("base_version_id") == previous:
            return store.document(decision_id)
    return None


def amended_versions(store, event: dict) -> tuple[int, int] | None:
    """(base version id, republished version id) of an ``amended`` event: the text the decision
    was applied to and the next version of it, once that has been fetched."""
    decision = store.document_by_url(event["payload"].get("by_url") or "")
    record = store.decision(decision["id"]) if decision else None
    consolidation = ((record or {}).get("applied") or {}).get(str(event.get("rule_id")))
    base = store.version(consolidation["base_version_id"]) if consolidation else None
    if base is None:
        return None
    later = [v["id"] for v in store.versions(base["document_id"]) if v["seq"] == base["seq"] + 1]
    return (base["id"], later[0]) if later else None


@dataclass
class AmendmentView:
    decision: dict                                    # the decision document row
    ops: list = field(default_factory=list)           # [(Op, [(row label, row anchor)])] in decision order
    failed: list = field(default_factory=list)        # [(Op, reason)] the decision could not apply
    discrepancies: list = field(default_factory=list)   # [(Discrepancy, row anchor or None)]


def _law_part(decision_text: str, title: str):
    decision = amendments.parse_decision(decision_text)
    return decision.part(title) or (decision.parts[0] if len(decision.parts) == 1 else None)


def _article(path: str | None) -> str | None:
    """The article step of a label path: '条12/款2' -> '条12'."""
    first = (path or "").split("/")[0]
    return first if first.startswith("条") else None


def touched_rows(op, pairs) -> list[tuple[str, str]]:
    """(label, row anchor) of the diff rows an operation touched: its article in the old numbering
    (or, for an insertion, the new), or, for a phrase replaced everywhere, every changed article
    whose old text holds the phrase."""
    old_article, new_article = _article(op.target), _article(op.new_path)
    phrases = [p for p in [op.phrase, *op.merged] if p] if op.target == EVERYWHERE else []
    rows = []
    for pair in pairs:
        hit = ((old_article and pair.old_path == old_article) or (new_article and pair.new_path == new_article)
               or (phrases and pair.status != "unchanged" and any(p in (pair.old_text or "") for p in phrases)))
        if hit:
            rows.append((pair.new_label or pair.old_label, row_anchor(pair)))
    return rows


def amendment_view(decision: dict, decision_text: str, title: str, result) -> AmendmentView | None:
    """What the decision did to the law titled ``title``, given ``result``, the diff of the
    versions before and after it: None when the decision names no such law."""
    part = _law_part(decision_text, title)
    if part is None:
        return None
    consolidation = amendments.apply(result.old, part.ops)     # works on a copy
    rows = {p.new_label: row_anchor(p) for p in result.pairs if p.new_label}
    discrepancies = [(d, rows.get(d.label)) for d in amendments.check(consolidation.document, result.new, part.ops)]
    ops = [(op, touched_rows(op, result.pairs)) for op in part.ops]
    return AmendmentView(decision, ops, consolidation.failed, discrepancies)
