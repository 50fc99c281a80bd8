"""The event filters shared by the changes page and the Atom feed (source, kind, issuer, dates)."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from werkzeug.datastructures import MultiDict

from .presentation import KIND_LABELS

EVENT_KINDS = tuple(KIND_LABELS)


@dataclass(frozen=True)
class EventFilter:
    source: str | None = None
    kind: str | None = None
    issuer: str | None = None
    since: str | None = None      # ISO date, inclusive
    until: str | None = None      # ISO date, inclusive

    @classmethod
    def from_args(cls, args: MultiDict) -> "EventFilter":
        def get(name: str) -> str | None:
            value = (args.get(name) or "").strip()
            return value or None
        return cls(get("source"), get("kind"), get("issuer"), get("since"), get("until"))

    def query_args(self) -> dict[str, str]:
        """The filter as URL query arguments (for links that keep it, e.g. the feed)."""
        return {k: v for k, v in asdict(self).items() if v}

    def select(self, store, limit: int | None = None) -> list[dict]:
        """The matching events, newest first, each with its ``document`` (dict or None) attached."""
        events = store.events(since=self.since, kind=self.kind, source=self.source)
        documents: dict[int, dict | None] = {}
        selected = []
        for event in events:
            if self.until and (event.get("at") or "")[:10] > self.until:
                continue
            doc_id = event.get("document_id")
            if doc_id is not None and doc_id not in documents:
                documents[doc_id] = store.document(doc_id)
            document = documents.get(doc_id) if doc_id is not None else None
            if self.issuer and self.issuer not in ((document or {}).get("issuer") or ""):
                continue
            selected.append({**event, "document": document})
            if limit is not None and len(selected) >= limit:
                break
        return selected
