"""Subscriptions: who wants to hear about which events, and how often.

A subscription matches an event when every filter it sets matches (AND across filters, OR inside
one filter's list). Filters that are empty do not constrain. ``source_error`` events are for
operators: they reach only subscriptions that name that kind explicitly.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from email.errors import HeaderParseError
from email.headerregistry import Address
from typing import Any, Callable, Iterable, Mapping

from diffs.errors import InputError

from snapshots.events import EVENT_KINDS, EVENT_LABELS, FREQUENCIES, FREQUENCY_LABELS, OPERATOR_KINDS

from .items import CHINA_TZ, EventItem, parse_time

CONFIG_PREFIX = "config:"  # subscriptions that come from regwatch.toml (notify.api syncs them)


@dataclass(frozen=True)
class Filters:
    sources: tuple[str, ...] = ()
    sections: tuple[str, ...] = ()
    issuers: tuple[str, ...] = ()
    doc_types: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    rules: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    since: str | None = None  # ISO date: ignore events recorded before it

    def __post_init__(self) -> None:
        unknown = sorted(set(self.kinds) - set(EVENT_KINDS))
        if unknown:
            raise InputError(f"unknown event kind {', '.join(unknown)}; known: {', '.join(EVENT_KINDS)}")
        if self.since is not None:
            parse_time(self.since)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "Filters":
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(data) - known)
        if unknown:
            raise InputError(f"unknown subscription filter {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key == "since":
                values[key] = str(value) if value else None
            else:
                values[key] = tuple(str(v) for v in ([value] if isinstance(value, str) else value or ()))
        return cls(**values)

    def to_dict(self) -> dict[str, Any]:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in asdict(self).items() if v}

    def matches(self, item: EventItem, text_of: Callable[[EventItem], str]) -> bool:
        """Whether the event passes every filter; ``text_of`` loads the document text only when a keyword needs it."""
        if self.kinds:
            if item.kind not in self.kinds:
                return False
        elif item.kind in OPERATOR_KINDS:
            return False
        if self.since and item.at and parse_time(item.at) < parse_time(self.since):
            return False
        doc = item.document or {}
        if self.sources and item.source not in self.sources:
            return False
        if self.sections and not _any_in(self.sections, doc.get("section")):
            return False
        if self.issuers and not _any_in(self.issuers, doc.get("issuer")):
            return False
        if self.doc_types and doc.get("doc_type") not in self.doc_types:
            return False
        if self.rules and not any(_touches_rule(rule, item) for rule in self.rules):
            return False
        if self.keywords and not _keywords_match(self.keywords, item, text_of):
            return False
        return True


def _any_in(needles: Iterable[str], haystack: str | None) -> bool:
    # Sections and issuers are written in many ways (上海市人民政府办公厅 / 市政府办公厅): a contained
    # name counts, so 上海市人民政府 matches documents of its 办公厅 too.
    return bool(haystack) and any(n in haystack for n in needles)


def _touches_rule(rule: str, item: EventItem) -> bool:
    """A followed rule is named by id, name or number; a decision touches it when it names it among
    its laws or, not yet parsed, inside 《》 in its title."""
    record = item.rule or {}
    if rule in {str(record.get("id", "")), record.get("name"), record.get("number")}:
        return True
    if rule == str(item.payload.get("rule") or "") or rule in (law.strip("《》") for law in item.laws):
        return True
    titles = [item.title or "", (item.document or {}).get("title") or "", str(item.payload.get("by") or "")]
    return any(f"《{rule}》" in t or t == rule for t in titles)


def _keywords_match(keywords: Iterable[str], item: EventItem, text_of: Callable[[EventItem], str]) -> bool:
    title = " ".join(filter(None, [item.title, (item.document or {}).get("title")]))
    if any(k in title for k in keywords):
        return True
    text = text_of(item)
    return any(k in text for k in keywords)


@dataclass
class Subscription:
    emails: list[str]
    filters: Filters = field(default_factory=Filters)
    frequency: str = "immediate"
    hour: int = 8
    heartbeat: bool = False
    name: str | None = None
    id: int | None = None
    created_at: str | None = None
    channels: list[str] = field(default_factory=list)   # Apprise URLs (notify.channels)

    def __post_init__(self) -> None:
        from .channels import validate

        self.emails = [validate_email(e) for e in self.emails]
        self.channels = list(dict.fromkeys(validate(c) for c in self.channels))
        if not self.emails and not self.channels:
            raise InputError("a subscription needs at least one email address or channel")
        if self.frequency not in FREQUENCIES:
            raise InputError(f"frequency must be one of {', '.join(FREQUENCIES)}, not {self.frequency!r}")
        if not isinstance(self.hour, int) or not 0 <= self.hour <= 23:
            raise InputError(f"hour must be an integer 0..23, not {self.hour!r}")

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> "Subscription":
        """From a ``[[subscription]]`` table of regwatch.toml (or an object with the same attributes)."""
        if not isinstance(data, Mapping):
            data = {k: v for k, v in vars(data).items() if not k.startswith("_")}
        data = dict(data)
        emails = data.pop("emails", None) or data.pop("email", None) or []
        if isinstance(emails, str):
            emails = [emails]
        channels = data.pop("channels", None) or []
        if isinstance(channels, str):
            channels = [channels]
        nested = data.pop("filters", None) or {}
        options = {k: data.pop(k) for k in ("frequency", "hour", "heartbeat", "name") if k in data}
        options["channels"] = list(channels)
        return cls(emails=list(emails), filters=Filters.from_mapping({**nested, **data}), **options)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> "Subscription":
        return cls(emails=json.loads(row["emails"]), filters=Filters.from_mapping(json.loads(row["filters"] or "{}")),
                   frequency=row["frequency"], hour=int(row["hour"]), heartbeat=bool(row["heartbeat"]),
                   name=row["name"], id=row["id"], created_at=row["created_at"],
                   channels=json.loads(row.get("channels") or "[]"))

    def to_row(self) -> dict[str, Any]:
        return {"name": self.name, "emails": json.dumps(self.emails, ensure_ascii=False),
                "filters": json.dumps(self.filters.to_dict(), ensure_ascii=False),
                "frequency": self.frequency, "hour": self.hour, "heartbeat": int(self.heartbeat),
                "created_at": self.created_at, "channels": json.dumps(self.channels, ensure_ascii=False)}

    def footer_lines(self, names: Mapping[str, str] | None = None) -> list[str]:
        """Why the reader got this message and how to change that, in Chinese."""
        names = names or {}
        label = (self.name or "").removeprefix(CONFIG_PREFIX) or f"#{self.id}"
        lines = [f"此邮件发给订阅「{label}」（{self.describe_zh(names)}）的收件人。"]
        if (self.name or "").startswith(CONFIG_PREFIX):
            lines.append(f"修改或退订：编辑 regwatch.toml 中 name = \"{label}\" 的 [[subscription]]。")
        else:
            lines.append(f"修改或退订：regwatch subscriptions 查看，regwatch unsubscribe {self.id} 退订。")
        return lines

    def describe_zh(self, names: Mapping[str, str] | None = None) -> str:
        names = names or {}
        shown = {"sources": "来源", "sections": "栏目", "issuers": "发布机关", "doc_types": "文件类别",
                 "keywords": "关键词", "rules": "法规", "kinds": "变动类型", "since": "起始日期"}
        parts = []
        for key, value in self.filters.to_dict().items():
            values = value if isinstance(value, list) else [value]
            if key == "sources":
                values = [names.get(v, v) for v in values]
            if key == "kinds":
                values = [EVENT_LABELS.get(v, v) for v in values]
            parts.append(f"{shown.get(key, key)}：{'、'.join(str(v) for v in values)}")
        when = FREQUENCY_LABELS.get(self.frequency, self.frequency)
        if self.frequency != "immediate":
            when += f" {self.hour:02d} 时"
        return "；".join([when] + (parts or ["全部变动"]))

    def describe(self) -> str:
        parts = [f"{k}={','.join(v) if isinstance(v, list) else v}" for k, v in self.filters.to_dict().items()]
        when = self.frequency if self.frequency == "immediate" else f"{self.frequency}@{self.hour:02d}"
        from .channels import describe

        return " ".join([when] + (parts or ["all events"]) + (["heartbeat"] if self.heartbeat else [])
                        + [f"→ {describe(c)}" for c in self.channels])


# The keys of a [[subscription]] table: checked when regwatch.toml is loaded.
SUBSCRIPTION_KEYS = frozenset({"emails", "email", "channels", "filters", "frequency", "hour", "heartbeat", "name",
                               *Filters.__dataclass_fields__})


def validate_email(address: str) -> str:
    address = address.strip()
    try:
        parsed = Address(addr_spec=address)
    except (HeaderParseError, ValueError, IndexError) as e:
        raise InputError(f"not an email address: {address!r} ({e})") from None
    if not parsed.username or not parsed.domain:
        raise InputError(f"not an email address: {address!r}")
    return parsed.addr_spec


def is_due(subscription: Subscription, now: datetime, last_digest_at: datetime | None) -> bool:
    """Daily and weekly digests go out once per period, at the first run at or after their hour.

    Hours are China Standard Time (the gazettes' clock, no daylight saving); weekly means Monday.
    """
    if subscription.frequency == "immediate":
        return True
    local = now.astimezone(CHINA_TZ)
    slot = local.replace(hour=subscription.hour, minute=0, second=0, microsecond=0)
    if subscription.frequency == "weekly":
        slot -= timedelta(days=local.weekday())
        if slot > local:
            slot -= timedelta(days=7)
    elif slot > local:
        slot -= timedelta(days=1)
    return last_digest_at is None or last_digest_at < slot
