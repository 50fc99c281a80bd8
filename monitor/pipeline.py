"""One monitoring cycle: every source discovered, fetched, extracted, stored, diffed and understood.

Each document is one transaction (store.transaction): a crash or a signal leaves the store as it
was before that document, and the next cycle does the rest. A source that fails is recorded
(`source_error`) and the other sources still run.
"""
from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable
from urllib.parse import urlsplit

from diffs.compare import compare
from diffs.errors import ConfigError, FetchError, RegwatchError, SourceError, StoreError
from monitor import sources as adapters
from monitor.config import Config, SourceConfig
from monitor.http import PoliteSession
from snapshots import Store
from snapshots.decisions import check_republished, is_decision, understand, validity_events
from snapshots.store import utc_now

# A page that answers 404/410 has disappeared: the document is marked gone, not deleted.
GONE_STATUSES = (404, 410)
Progress = Callable[[str, int, int, str], None]  # (source, done, total, url)


@dataclass
class SourceReport:
    name: str
    discovered: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)  # new/changed/formatting/unchanged/not_modified/gone/error
    errors: list[str] = field(default_factory=list)
    failed: str | None = None  # the error that stopped the whole source
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return self.failed is None and not self.errors

    def count(self, outcome: str) -> None:
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1


@dataclass
class CycleReport:
    started: str
    sources: list[SourceReport] = field(default_factory=list)
    events: int = 0
    elapsed: float = 0.0
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.sources)

    def total(self, outcome: str) -> int:
        return sum(s.outcomes.get(outcome, 0) for s in self.sources)


def run_cycle(config: Config, store: Store, only: str | None = None, progress: Progress | None = None,
              today: date | None = None, stop: threading.Event | None = None) -> CycleReport:
    """Run every configured source (or only the one named `only`) once."""
    chosen = [s for s in config.sources if only is None or s.name == only]
    if only is not None and not chosen:
        raise ConfigError(f"{config.path}: no [[source]] named {only!r}; "
                          f"configured: {', '.join(s.name for s in config.sources) or 'none'}")
    report = CycleReport(started=utc_now())
    start = time.monotonic()
    events_before = _event_count(store)
    for source in chosen:
        if stop is not None and stop.is_set():
            report.interrupted = True
            break
        source_report = run_source(source, store, progress, stop)
        report.sources.append(source_report)
        if source_report.interrupted:
            report.interrupted = True
            break
    with store.transaction():
        validity_events(store, today or date.today(), config.expiring_days)
    report.events = _event_count(store) - events_before
    report.elapsed = time.monotonic() - start
    return report


def run_source(source: SourceConfig, store: Store, progress: Progress | None = None,
               stop: threading.Event | None = None) -> SourceReport:
    report = SourceReport(source.name)
    started = utc_now()
    store.upsert_source(source.name, source.kind, source.url)
    previous_run = (next((s for s in store.sources() if s["name"] == source.name), {}) or {}).get("last_run")
    adapter = adapters.get(source.kind)(source.name, source.url, source.options)
    with PoliteSession(min_interval=source.min_interval, allowed_hosts={urlsplit(source.url).hostname}) as session:
        try:
            refs = _unique(adapter.discover(session))
        except RegwatchError as e:
            return _source_failed(store, source, report, started, e)
        # Oldest first, so a lineage's versions follow publication order; on one date a decision goes
        # before the republished text, so it applies to the version before it.
        refs.sort(key=lambda ref: (ref.published or "", not is_decision(ref.title)))
        report.discovered = len(refs)
        listed = {ref.url for ref in refs}
        store.mark_listed(sorted(listed), started)
        rechecks = [adapters.DocumentRef(url=url) for url in store.unlisted_urls(source.name, previous_run, listed)] \
            if previous_run else []
        work = refs + rechecks
        for index, ref in enumerate(work):
            if stop is not None and stop.is_set():
                report.interrupted = True
                break
            if progress:
                progress(source.name, index, len(work), ref.url)
            outcome = process(store, source, adapter, session, ref, report)
            report.count(outcome)
        if progress:
            progress(source.name, len(work), len(work), "")
    error = "; ".join(report.errors[:3]) + (f" (and {len(report.errors) - 3} more)" if len(report.errors) > 3 else "")
    if report.errors:
        store.add_event("source_error", source=source.name, url=source.url,
                        error=f"{len(report.errors)} document(s) failed: {error}")
    if not report.interrupted:  # an interrupted source stays due: the next start catches it up
        store.source_ran(source.name, started, error or None)
    return report


def process(store: Store, source: SourceConfig, adapter, session: PoliteSession, ref, report: SourceReport) -> str:
    """Fetch one document and record everything it brings, in one transaction. Returns the outcome."""
    state = store.url_state(ref.url) or {}
    started = time.monotonic()
    gate = _SameBytes(session, state.get("raw_sha"))
    try:
        fetched = adapter.fetch(gate, ref, state.get("etag"), state.get("last_modified"))
    except (FetchError, SourceError) as e:
        elapsed = int((time.monotonic() - started) * 1000)
        status = getattr(e, "status", None)
        gone = status in GONE_STATUSES
        if gone and state:
            with store.transaction():
                store.mark_gone(ref.url, utc_now())
                store.record_fetch(source.name, ref.url, status, "gone", elapsed, 0)
            return "gone"
        if gone:
            # Listed but never there: the site's broken link, not a failure of this source.
            store.record_fetch(source.name, ref.url, status, "skipped", elapsed, 0, str(e))
            return "skipped"
        store.record_fetch(source.name, ref.url, None, "error", elapsed, None, str(e))
        report.errors.append(str(e))
        return "error"
    elapsed = int((time.monotonic() - started) * 1000)
    if fetched is None and gate.page is not None:
        page = gate.page
        with store.transaction():
            store.page_seen(ref.url, utc_now(), page.etag, page.last_modified)
            store.record_fetch(source.name, ref.url, page.status, "unchanged", elapsed, len(page.content))
        return "unchanged"
    if fetched is None:
        store.record_fetch(source.name, ref.url, 304, "not_modified", elapsed, 0)
        return "not_modified"
    try:
        with store.transaction():
            outcome = save(store, source.name, ref.url, fetched)
            store.record_fetch(source.name, ref.url, fetched.http_status, outcome, elapsed, len(fetched.raw))
    except Exception as e:  # noqa: BLE001 — one document's failure (rolled back) must not stop the cycle
        if isinstance(e, StoreError):
            raise  # the store itself is unusable: nothing else can be saved either
        error = f"{ref.url}: processing failed ({type(e).__name__}: {e}); rolled back, retried next cycle"
        store.record_fetch(source.name, ref.url, fetched.http_status, "error", elapsed, len(fetched.raw), error)
        report.errors.append(error)
        return "error"
    return outcome


def save(store: Store, source: str, url: str, fetched) -> str:
    """Store one fetched document, diff it against its previous version, understand it, raise events."""
    at = utc_now()
    result = store.save_version(source, url, fetched.raw, fetched.text, fetched.meta, at, fetched.content_type,
                                fetched.etag, fetched.last_modified)
    if result.outcome == "unchanged":
        return "unchanged"
    document = store.document(result.document_id)
    common = dict(source=source, document_id=document["id"], version_id=result.version_id, title=document["title"],
                  url=document["url"])
    if result.outcome == "new":
        store.add_event("new_document", at=at, **common)
    else:
        previous = store.version(result.previous_version_id)
        diff = compare(store.version_text(document["id"], previous["seq"]), fetched.text)
        store.set_version_diff(result.version_id, diff.to_dict())
        if result.outcome == "formatting":
            return "formatting"
        discrepancies = check_republished(store, document, previous["id"], fetched.text)
        store.add_event("new_version", at=at, summary=diff.summary, previous_version_id=previous["id"],
                        discrepancies=discrepancies or None, **common)
    understand(store, store.document(document["id"]), result.version_id, fetched.text)
    return result.outcome


class _SameBytes:
    """The session as the adapter sees it while fetching one document: a page whose bytes hash to
    the last page fetched at its URL is answered as not modified, so the adapter skips extraction
    (the costly part of a no-change cycle); ``page`` keeps the response for the fetch log."""

    def __init__(self, session: PoliteSession, raw_sha: str | None) -> None:
        self.session, self.raw_sha, self.page = session, raw_sha, None

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None):
        page = self.session.get(url, etag=etag, last_modified=last_modified)
        if self.raw_sha and not page.not_modified and hashlib.sha256(page.content).hexdigest() == self.raw_sha:
            self.page = page
            return replace(page, not_modified=True)
        return page

    def __getattr__(self, name: str):
        return getattr(self.session, name)


def _source_failed(store: Store, source: SourceConfig, report: SourceReport, started: str, error: Exception) -> SourceReport:
    report.failed = str(error)
    store.add_event("source_error", source=source.name, url=getattr(error, "url", source.url), error=str(error),
                    expected=getattr(error, "expected", None), found=getattr(error, "found", None))
    store.source_ran(source.name, started, str(error))
    return report


def _unique(refs) -> list:
    seen: dict[str, object] = {}
    for ref in refs:
        seen.setdefault(ref.url, ref)
    return list(seen.values())


def _event_count(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM events").fetchone()[0]
