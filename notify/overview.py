"""What a digest says about each change in one line, and its overview table: one row per decision
(with every rule it amends or repeals), one row per other change, sorted by effective date."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

from .items import CHINA_TZ, EventItem, parse_time
from snapshots.events import EVENT_LABELS as KIND_LABELS
DECISION_KINDS = ("amended", "repealed")
COUNTED = (("modified", "修改"), ("added", "新增"), ("deleted", "删除"), ("split", "拆分"), ("merged", "合并"),
           ("renumbered", "序号调整"))


@dataclass
class DigestEntry:
    """One event with what its details need: the clause diff of the version it records, if any."""
    item: EventItem
    diff: Any = None                     # diffs.compare's DiffResult: previous → this version, or base → amended
    old_version_id: int | None = None
    new_version_id: int | None = None
    applied: list[str] = field(default_factory=list)   # an amendment's operations, as Chinese sentences
    failed: list[dict] = field(default_factory=list)   # {"op", "reason"}: operations the decision could not apply


def summary(entry: DigestEntry) -> dict:
    s = entry.diff.summary if entry.diff is not None else entry.item.payload.get("summary")
    return s if isinstance(s, dict) else {}


def whole_text_added(entry: DigestEntry) -> bool:
    """A version that adds every article (the first full text after a title-only page): nothing to compare."""
    s = summary(entry)
    return bool(s.get("added")) and not any(s.get(k) for k in ("modified", "deleted", "unchanged", "renumbered",
                                                                   "split", "merged"))


def what_happened(entry: DigestEntry) -> str:
    """One short line for the overview and the chat message; counts come from the diff shown below."""
    item, p = entry.item, entry.item.payload
    s = summary(entry)
    if item.kind in ("new_version", "amended") and whole_text_added(entry):
        base = f"{KIND_LABELS[item.kind]}：首次收录全文 {s['added']} 条"
    elif item.kind in ("new_version", "amended") and s:
        counts = [f"{label} {s[key]} 条" for key, label in COUNTED if s.get(key)]
        base = KIND_LABELS[item.kind] + ("：" + "，".join(counts) if counts else "")
    else:
        base = KIND_LABELS.get(item.kind, item.kind)
    if item.kind in DECISION_KINDS and p.get("by"):
        base += f"（依据 {p['by']}）"
    if item.kind in DECISION_KINDS and p.get("effective"):
        base += f"，自 {p['effective']} 起{'施行' if item.kind == 'amended' else '废止'}"
    if item.kind == "expiring":
        base += f"：{expires(item)}，剩 {p.get('days_left', '?')} 天"
    if item.kind == "expired":
        base += f"：{expires(item)}"
    if item.kind == "source_error":
        base += f"：{p.get('error') or ''}"
    return base.rstrip("：")


def expires(item: EventItem) -> str:
    return item.payload.get("expires") or item.payload.get("effective") or (item.document or {}).get("expires") or ""


def law_of(item: EventItem) -> str:
    """The rule an amended/repealed event is about (the event's title may be its decision's)."""
    return str(item.payload.get("rule") or (item.rule or {}).get("name") or item.display_title).strip("《》")


@dataclass
class Row:
    date: str               # the effective date (else published, else recorded): the sort key
    title: str
    issuer: str
    number: str
    source: str             # the source's display name
    what: str
    anchor: int             # the row's first event
    laws: dict[str, list[str]] = field(default_factory=dict)   # 修改/废止 -> rule names, for decision rows
    events: list[int] = field(default_factory=list)            # every event the row stands for


def _decision_key(item: EventItem) -> str | None:
    if item.kind in DECISION_KINDS:
        return item.payload.get("by_url") or item.payload.get("by") or None
    return None


def _row_date(item: EventItem) -> str:
    doc = item.document or {}
    if item.kind in DECISION_KINDS and item.payload.get("effective"):
        return str(item.payload["effective"])
    if item.kind in ("expiring", "expired"):
        return expires(item)
    return doc.get("effective") or doc.get("published") or _local_date(item.at)


def _local_date(at: str | None) -> str:
    """The Beijing date of a stored (UTC) time."""
    return parse_time(at).astimezone(CHINA_TZ).date().isoformat() if at else ""


def source_name(item: EventItem, names: Mapping[str, str]) -> str:
    source = item.source or (item.document or {}).get("source") or ""
    return names.get(source, source)


def overview_rows(entries: list[DigestEntry], names: Mapping[str, str]) -> list[Row]:
    """One row per decision (its own new_document event too) and per other document; sorted by
    date, undated last."""
    decisions: dict[str, Row] = {}
    documents: dict[Any, Row] = {}
    rows: list[Row] = []
    deciding_urls = {_decision_key(e.item) for e in entries} - {None}
    for e in entries:
        item, doc = e.item, e.item.document or {}
        key = _decision_key(item)
        if key is None and item.kind == "new_document" and (doc.get("url") or item.url) in deciding_urls:
            key = doc.get("url") or item.url
        if key is None:
            # By title too: a lineage may hold pages of two titles (a rule republished under a new name).
            doc_key = (item.document_id, item.display_title) if item.document_id is not None else f"event-{item.id}"
            row = documents.get(doc_key)
            if row is None:
                row = documents[doc_key] = Row(_row_date(item), item.display_title, doc.get("issuer") or "",
                                               doc.get("number") or "", source_name(item, names), "", item.id)
                rows.append(row)
            row.what = "；".join(filter(None, (row.what, what_happened(e))))
            row.events.append(item.id)
            continue
        row = decisions.get(key)
        if row is None:
            decider = item.decider or (doc if item.kind == "new_document" else {}) or {}
            title = decider.get("title") or item.payload.get("by") or item.display_title
            row = decisions[key] = Row("", title, decider.get("issuer") or "", decider.get("number") or "",
                                       source_name(item, names), "", item.id)
            rows.append(row)
        row.events.append(item.id)
        if item.kind in DECISION_KINDS:
            verb = KIND_LABELS[item.kind]
            law = law_of(item)
            if law not in row.laws.setdefault(verb, []):
                row.laws[verb].append(law)
            row.date = row.date or _row_date(item)
    for row in decisions.values():
        row.what = "；".join(f"{verb}{'、'.join(f'《{law}》' for law in laws)}" for verb, laws in row.laws.items())
        if row.date:
            row.what += f"，自 {row.date} 起施行"
    return sorted(rows, key=lambda r: (not r.date, r.date, r.anchor))
