"""An amendment seen from the diff page: the decision that caused a version, its operations on
the articles, and where the republished text differs from what the decision says."""
from __future__ import annotations

from dataclasses import dataclass, field

from diffs import amendments
from diffs.amendments.ops import EVERYWHERE
from diffs.render import _anchor as row_anchor   # ask: a public name for the row permalink
from diffs.structure import parse

from .lookup import event_payload


def decision_for_version(store, version: dict) -> dict | None:
    """The decision document whose ``amended`` event produced ``version`` (None if none did)."""
    for event in store.events(kind="amended"):
        if event.get("version_id") != version["id"]:
            continue
        by_url = event_payload(event).get("by_url")
        if by_url:
            row = store.db.execute("select id from documents where url = ?", [by_url]).fetchone()
            if row:
                return store.document(row[0])
    return None


@dataclass
class AmendmentView:
    decision: dict                                    # the decision document row
    ops: list = field(default_factory=list)           # [(Op, [(row label, row anchor)])] in decision order
    failed: list = field(default_factory=list)        # [(Op, reason)] the decision could not apply
    discrepancies: list = field(default_factory=list)


def _law_part(decision_text: str, title: str):
    decision = amendments.parse_decision(decision_text)
    for part in decision.parts:
        if part.target and (part.target in title or title in part.target):
            return part
    return decision.parts[0] if len(decision.parts) == 1 else None


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


def amendment_view(decision: dict, decision_text: str, title: str, pair) -> AmendmentView | None:
    """What the decision did to the law titled ``title`` between the versions of ``pair`` (a
    diffing.VersionPair): None when the decision names no such law."""
    part = _law_part(decision_text, title)
    if part is None:
        return None
    # Fresh trees: the pair's diff is cached and shared, and applying works on the tree it is given.
    consolidation = amendments.apply(parse(pair.old_text), part.ops)
    discrepancies = amendments.check(consolidation.document, parse(pair.new_text))
    ops = [(op, touched_rows(op, pair.result.pairs)) for op in part.ops]
    return AmendmentView(decision, ops, consolidation.failed, discrepancies)
