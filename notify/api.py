"""The Python API of notify: the functions ``regwatch subscribe/subscriptions/unsubscribe/digest/outbox`` wrap.

``store`` is a ``snapshots.Store``; ``mail`` a :class:`MailSettings` (or the ``[mail]`` mapping).
"""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Iterable, Mapping

from diffs.compare import compare
from diffs.errors import ConfigError, InputError

from . import channels as chat, outbox as outbox_store
from .digest import Digest, DigestEntry, message, render_markdown, subject
from .items import CHINA_TZ, EventItem, StoreReader
from .mailer import MailSettings, transport_for
from .outbox import MAIL, DeliveryReport, OutboxEntry, stamp
from .subscriptions import CONFIG_PREFIX, Filters, Subscription, is_due, validate_email

log = logging.getLogger("regwatch.notify")


def subscribe(store: Any, emails: str | list[str], *, name: str | None = None, sources: Iterable[str] = (),
              sections: Iterable[str] = (), issuers: Iterable[str] = (), doc_types: Iterable[str] = (),
              keywords: Iterable[str] = (), rules: Iterable[str] = (), kinds: Iterable[str] = (),
              since: str | None = None, frequency: str = "immediate", hour: int = 8, heartbeat: bool = False,
              channels: Iterable[str] = (), now: datetime | None = None) -> Subscription:
    filters = Filters(sources=tuple(sources), sections=tuple(sections), issuers=tuple(issuers),
                      doc_types=tuple(doc_types), keywords=tuple(keywords), rules=tuple(rules),
                      kinds=tuple(kinds), since=since)
    sub = Subscription(emails=[emails] if isinstance(emails, str) else list(emails), filters=filters,
                       frequency=frequency, hour=hour, heartbeat=heartbeat, name=name, channels=list(channels),
                       created_at=stamp(now or datetime.now(timezone.utc)))
    sub.id = store.add_subscription(sub.to_row())
    return sub


def subscriptions(store: Any) -> list[Subscription]:
    return [Subscription.from_row(r) for r in store.subscription_rows()]


def unsubscribe(store: Any, id_or_email: str | int) -> list[Subscription]:
    """Remove a subscription by id, or an address from every subscription (dropping those left empty)."""
    key = str(id_or_email).strip()
    changed: list[Subscription] = []
    with store.transaction():
        for sub in subscriptions(store):
            if key.isdigit() and sub.id == int(key):
                store.delete_subscription(sub.id)
                changed.append(sub)
            elif not key.isdigit() and validate_email(key).lower() in [e.lower() for e in sub.emails]:
                remaining = [e for e in sub.emails if e.lower() != key.lower()]
                if remaining or sub.channels:
                    sub.emails = remaining
                    store.update_subscription(sub.id, sub.to_row())
                else:
                    store.delete_subscription(sub.id)
                changed.append(sub)
    if not changed:
        raise InputError(f"no subscription {'with id' if key.isdigit() else 'for'} {key}")
    return changed


def sync_subscriptions(store: Any, entries: Iterable[Mapping[str, Any] | Any], now: datetime | None = None) -> list[Subscription]:
    """Make the store's ``config:`` subscriptions equal the ``[[subscription]]`` tables of regwatch.toml.

    A subscription keeps its id (and so its delivery history) while its name stays the same.
    """
    wanted: dict[str, Subscription] = {}
    for index, entry in enumerate(entries, 1):
        try:
            sub = Subscription.from_mapping(entry)
        except InputError as e:
            raise ConfigError(f"[[subscription]] number {index}: {e}") from None
        sub.name = CONFIG_PREFIX + (sub.name or f"{index}")
        wanted[sub.name] = sub
    current = {s.name: s for s in subscriptions(store) if (s.name or "").startswith(CONFIG_PREFIX)}
    created = stamp(now or datetime.now(timezone.utc))
    with store.transaction():
        for name, old in current.items():
            if name not in wanted:
                store.delete_subscription(old.id)
        for name, sub in wanted.items():
            if name in current:
                sub.id, sub.created_at = current[name].id, current[name].created_at
                store.update_subscription(sub.id, sub.to_row())
            else:
                sub.created_at = created
                sub.id = store.add_subscription(sub.to_row())
    return list(wanted.values())


@dataclass
class ComposedDigest:
    """One digest for one subscription on one channel: an email (``message``) or, for a chat
    channel, its Markdown ``text``."""
    subscription: Subscription
    message: EmailMessage | None
    event_ids: list[int]
    outbox_id: int | None = None
    channel: str = MAIL
    title: str = ""
    text: str = ""
    message_id: str = ""
    digest: Digest | None = None       # what the message says, whatever the channel

    @property
    def subject(self) -> str:
        return str(self.message["Subject"]) if self.message is not None else self.title

    @property
    def target(self) -> str:
        return ", ".join(self.subscription.emails) if self.channel == MAIL else chat.describe(self.channel)


@dataclass
class DigestRun:
    digests: list[ComposedDigest] = field(default_factory=list)
    delivery: DeliveryReport | None = None


def digest(store: Any, mail: MailSettings | Mapping[str, Any] | None = None, *, review_url: str | None = None,
           now: datetime | None = None, subscriber: str | None = None, dry_run: bool = False,
           only_due: bool = False, ignore_backoff: bool = False,
           display_names: Mapping[str, str] | None = None) -> DigestRun:
    """Compose one digest per subscription and channel from its undelivered matching events; queue
    and send them.

    ``only_due`` applies daily/weekly schedules (the scheduler's call); without it every subscription
    with something to say gets its digest now (``regwatch digest``). ``dry_run`` composes only.
    ``ignore_backoff`` also retries now the messages waiting after a failure (an operator's run).
    ``display_names`` maps source names to what readers see (monitor.config's ``display_name``).
    """
    settings = mail if isinstance(mail, MailSettings) else MailSettings.from_mapping(mail)
    now = now or datetime.now(timezone.utc)
    reader = StoreReader(store)
    run = DigestRun()
    wanted = validate_email(subscriber).lower() if subscriber else None
    diffs_cache: dict[tuple[Any, Any], Any] = {}
    chosen = [s for s in subscriptions(store) if not wanted or wanted in [e.lower() for e in s.emails]]
    if wanted and not chosen:
        raise InputError(f"no subscription for {subscriber}")
    for sub in chosen:
        if only_due and not is_due(sub, now, outbox_store.last_digest_at(store, sub.id)):
            continue
        for channel in ([MAIL] if sub.emails else []) + sub.channels:
            composed = _compose_for(sub, channel, reader, settings, now, review_url, diffs_cache,
                                    display_names or {})
            if composed is None:
                continue
            if not dry_run:
                composed.outbox_id = _enqueue(store, composed, now)
            run.digests.append(composed)
    if not dry_run:
        run.delivery = deliver(store, settings, now=now, ignore_backoff=ignore_backoff)
    return run


def _compose_for(sub: Subscription, channel: str, reader: StoreReader, settings: MailSettings, now: datetime,
                 review_url: str | None, cache: dict[tuple[Any, Any], Any],
                 names: Mapping[str, str]) -> ComposedDigest | None:
    """The digest of the subscription's matching events not yet sent on this channel; None when it
    has nothing to say."""
    items = [i for i in reader.undelivered(sub.id, channel) if sub.filters.matches(i, reader.latest_text)]
    if not items and not sub.heartbeat:
        return None
    entries = _without_repeated_tables([_entry(reader, item, cache) for item in items])
    message_id = _message_id(sub, items, now, settings, channel)
    digest = Digest(sub, entries, now, review_url.rstrip("/") if review_url else None, dict(names), settings.sender)
    if channel != MAIL:
        title = subject(entries, now, names)
        text = chat.message_for(digest, channel, render_markdown)
        return ComposedDigest(sub, None, [i.id for i in items], channel=channel, title=title, text=text,
                              message_id=message_id, digest=digest)
    return ComposedDigest(sub, message(digest, message_id), [i.id for i in items], message_id=message_id,
                          digest=digest)


def _enqueue(store: Any, composed: ComposedDigest, now: datetime) -> int | None:
    if composed.message is not None:
        return outbox_store.enqueue(store, composed.message, composed.subscription.id, composed.event_ids, now)
    return store.enqueue_message(composed.message_id, composed.subscription.id, composed.channel, [composed.channel],
                                 composed.title, composed.text, stamp(now), composed.event_ids)


def _entry(reader: StoreReader, item: EventItem, cache: dict[tuple[Any, Any], Any]) -> DigestEntry:
    """The event with its 新旧对照: a new version against the one before, an amendment against its base."""
    amendment = reader.amendment(item)
    if amendment is not None:
        key = (amendment.base_version_id, item.payload.get("by_url"))
        if key not in cache:
            cache[key] = compare(amendment.old_text, amendment.new_text)
        return DigestEntry(item, diff=cache[key], old_version_id=amendment.base_version_id,
                           applied=amendment.applied, failed=amendment.failed)
    pair = reader.version_pair(item)
    if pair is None:
        return DigestEntry(item)
    before, after = pair
    key = (before["id"], after["id"])
    if key not in cache:
        cache[key] = compare(reader.text(item.document_id, before["seq"]), reader.text(item.document_id, after["seq"]))
    return DigestEntry(item, diff=cache[key], old_version_id=before["id"], new_version_id=after["id"])


def _without_repeated_tables(entries: list[DigestEntry]) -> list[DigestEntry]:
    """When the republished text is in the same digest, its table says it all: the amendment keeps its ops."""
    republished = {e.item.document_id for e in entries if e.item.kind == "new_version" and e.diff is not None}
    for e in entries:
        if e.item.kind == "amended" and e.item.document_id in republished:
            e.diff = None
    return entries


def _message_id(sub: Subscription, items: list[EventItem], now: datetime, settings: MailSettings,
                channel: str = MAIL) -> str:
    """Stable: the same events for the same subscription on the same channel make the same Message-ID."""
    domain = parseaddr(settings.sender)[1].rpartition("@")[2] or "regwatch.localhost"
    on = f".{hashlib.sha256(channel.encode()).hexdigest()[:8]}" if channel != MAIL else ""
    if items:
        digest_of = hashlib.sha256(",".join(str(i.id) for i in items).encode()).hexdigest()[:20]
        return f"<regwatch.{sub.id}.{digest_of}{on}@{domain}>"
    return f"<regwatch.{sub.id}.heartbeat.{now.astimezone(CHINA_TZ).date().isoformat()}{on}@{domain}>"


def mail_settings(config: Any) -> MailSettings:
    """``[mail]`` of a loaded ``monitor.config.Config``; the .eml folder sits next to regwatch.toml."""
    try:
        settings = MailSettings.from_mapping(config.mail)
    except ConfigError as e:
        raise ConfigError(f"{config.path}: {e}") from None
    if Path(settings.outbox_dir).is_absolute():
        return settings
    return replace(settings, outbox_dir=str(Path(config.path).resolve().parent / settings.outbox_dir))


def prepare(store: Any, config: Any) -> MailSettings:
    """Bring the store's ``config:`` subscriptions in line with regwatch.toml; the mail settings to use."""
    settings = mail_settings(config)
    try:
        sync_subscriptions(store, config.subscriptions or [])
    except ConfigError as e:
        raise ConfigError(f"{config.path}: {e}") from None
    return settings


def digest_for_config(store: Any, config: Any, *, now: datetime | None = None, only_due: bool = True) -> DigestRun:
    """What the scheduler and the demo call after a cycle: subscriptions from the config, due digests sent.
    A delivery problem is logged (and recorded as a ``delivery_error`` event), never raised: the daemon goes on."""
    run = digest(store, prepare(store, config), review_url=config.review_url, now=now, only_due=only_due,
                 display_names=display_names(config))
    if run.delivery is not None and not run.delivery.ok:
        for channel, error in run.delivery.errors.items():
            log.warning("not delivered via %s (%d message(s) kept in the outbox): %s",
                        chat.describe(channel) if channel else "mail", len(run.delivery.held), error)
        if run.delivery.failed:
            log.warning("%d message(s) failed for good: regwatch outbox --status failed", len(run.delivery.failed))
    return run


def display_names(config: Any) -> dict[str, str]:
    """Source name -> the name readers see (``display_name`` of each ``[[source]]``)."""
    return {s.name: getattr(s, "display_name", "") or s.name for s in getattr(config, "sources", ())}


def deliver(store: Any, mail: MailSettings | Mapping[str, Any] | None = None, now: datetime | None = None,
            ignore_backoff: bool = False) -> DeliveryReport:
    """Send what the outbox holds that is due (also what earlier runs could not send): mail through
    [mail], chat rows to their channels."""
    settings = mail if isinstance(mail, MailSettings) else MailSettings.from_mapping(mail)
    return outbox_store.deliver(store, transport_for(settings), now=now, ignore_backoff=ignore_backoff)


def outbox(store: Any, status: str | None = None) -> list[OutboxEntry]:
    return outbox_store.entries(store, status)


def retry(store: Any, outbox_id: int, mail: MailSettings | Mapping[str, Any] | None = None,
          now: datetime | None = None) -> DeliveryReport:
    """Put a failed message back in the queue and try it now."""
    now = now or datetime.now(timezone.utc)
    outbox_store.requeue(store, outbox_id, now)
    return deliver(store, mail, now=now)
