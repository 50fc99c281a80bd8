"""Events as notify sees them: the event row joined with its document and rule, read from the store."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from diffs.errors import InputError

# Gazette dates, digest hours and every time a reader sees are Beijing time.
CHINA_TZ = ZoneInfo("Asia/Shanghai")
ZONE_NOTE = "北京时间"


def local_time(value: str | datetime | None) -> str:
    """``2025-11-05 10:00 北京时间``: a stored UTC time as readers see it, the zone named."""
    if not value:
        return ""
    moment = parse_time(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return f"{moment.astimezone(CHINA_TZ):%Y-%m-%d %H:%M} {ZONE_NOTE}"


def parse_time(value: str) -> datetime:
    """ISO 8601 date or datetime; a naive value is UTC (the store writes UTC)."""
    try:
        parsed = datetime.fromisoformat(value.strip())
    except (ValueError, AttributeError):
        raise InputError(f"not an ISO 8601 date: {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


@dataclass
class EventItem:
    id: int
    kind: str
    at: str | None
    source: str | None
    title: str | None
    url: str | None
    document_id: int | None
    version_id: int | None
    rule_id: int | None
    payload: dict[str, Any] = field(default_factory=dict)
    document: dict[str, Any] | None = None
    rule: dict[str, Any] | None = None
    laws: tuple[str, ...] = ()        # for a decision document: every law it amends or repeals
    decider: dict[str, Any] | None = None   # for amended/repealed: the deciding document, when stored

    @property
    def display_title(self) -> str:
        return self.title or (self.document or {}).get("title") or (self.rule or {}).get("name") or self.url or f"事件 {self.id}"


@dataclass
class Amendment:
    """What a decision does to one rule, as the pipeline applied it to the rule's stored text."""
    base_version_id: int
    old_text: str
    new_text: str                     # the consolidated text: the base with the decision's operations applied
    applied: list[str]                # each operation as a Chinese sentence
    failed: list[dict]                # {"op", "reason"} of operations that could not be applied


class StoreReader:
    """Loads events, their documents, rules and version texts once per digest run (memoised)."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self._documents: dict[int, dict | None] = {}
        self._rules: dict[int, dict | None] = {}
        self._laws: dict[int, tuple[str, ...]] = {}
        self._versions: dict[int, list[dict]] = {}
        self._texts: dict[tuple[int, int], str] = {}
        self._deciders: dict[str, dict | None] = {}

    def undelivered(self, subscription_id: int, channel: str = "") -> list[EventItem]:
        """Events not yet in a message of this subscription on this channel ('' = email)."""
        return [self.item(row) for row in self.store.undelivered_events(subscription_id, channel)]

    def item(self, event: dict[str, Any]) -> EventItem:
        payload = event.get("payload") or {}
        doc_id, rule_id = event.get("document_id"), event.get("rule_id")
        item = EventItem(id=event["id"], kind=event["kind"], at=event.get("at"), source=event.get("source"),
                         title=event.get("title"), url=event.get("url"), document_id=doc_id,
                         version_id=event.get("version_id"), rule_id=rule_id, payload=payload,
                         document=self.document(doc_id), rule=self.rule(rule_id), laws=self.laws(doc_id))
        item.decider = self.decision_document(item)
        return item

    def document(self, document_id: int | None) -> dict | None:
        if document_id is None:
            return None
        if document_id not in self._documents:
            self._documents[document_id] = self.store.document(document_id)
        return self._documents[document_id]

    def laws(self, document_id: int | None) -> tuple[str, ...]:
        """What a decision document touches, as the pipeline parsed it (a title names only the first law)."""
        if document_id is None:
            return ()
        if document_id not in self._laws:
            parsed = (self.store.decision(document_id) or {}).get("parsed") or {}
            self._laws[document_id] = tuple(parsed.get("laws") or ())
        return self._laws[document_id]

    def decision_document(self, item: EventItem) -> dict | None:
        """The document of the decision an ``amended``/``repealed`` event names (its 文号 and issuer)."""
        by_url = item.payload.get("by_url")
        if not by_url:
            return None
        if by_url not in self._deciders:
            self._deciders[by_url] = self.store.document_by_url(by_url)
        return self._deciders[by_url]

    def rule(self, rule_id: int | None) -> dict | None:
        if rule_id is None:
            return None
        if rule_id not in self._rules:
            self._rules[rule_id] = self.store.rule(rule_id)
        return self._rules[rule_id]

    def versions(self, document_id: int) -> list[dict]:
        if document_id not in self._versions:
            self._versions[document_id] = sorted(self.store.versions(document_id), key=lambda v: v["seq"])
        return self._versions[document_id]

    def text(self, document_id: int, seq: int) -> str:
        key = (document_id, seq)
        if key not in self._texts:
            self._texts[key] = self.store.version_text(document_id, seq)
        return self._texts[key]

    def version_pair(self, item: EventItem) -> tuple[dict, dict] | None:
        """The event's version and the one before it, when the event records a changed version."""
        if item.document_id is None or item.version_id is None:
            return None
        versions = self.versions(item.document_id)
        for before, after in zip(versions, versions[1:]):
            if after["id"] == item.version_id:
                return before, after
        return None

    def latest_text(self, item: EventItem) -> str:
        """The text keyword filters search: the event's version, else the document's latest."""
        if item.document_id is None:
            return ""
        versions = self.versions(item.document_id)
        chosen = next((v for v in versions if v["id"] == item.version_id), versions[-1] if versions else None)
        return self.text(item.document_id, chosen["seq"]) if chosen else ""

    def amendment(self, item: EventItem) -> Amendment | None:
        """For an ``amended`` event: the decision's consolidation of the rule, when the pipeline made one."""
        if item.kind != "amended" or item.rule_id is None:
            return None
        by_url = item.payload.get("by_url")
        decision_doc = self.store.document_by_url(by_url) if by_url else None
        decision_id = (decision_doc or {}).get("id") or (item.rule or {}).get("by_document_id")
        decision = self.store.decision(decision_id) if decision_id else None
        outcome = ((decision or {}).get("applied") or {}).get(str(item.rule_id))
        if not outcome:
            return None
        base = self.store.version(outcome["base_version_id"])
        return Amendment(base_version_id=base["id"], old_text=self.text(base["document_id"], base["seq"]),
                         new_text=self.store.get_blob(outcome["consolidated_sha"]).decode("utf-8"),
                         applied=list(outcome.get("applied") or []), failed=list(outcome.get("failed") or []))
