"""One monitoring cycle: every source discovered, fetched, extracted, stored, diffed and understood.

Each document is one transaction (store.transaction): a crash or a signal leaves the store as it
was before that document, and the next cycle does the rest. A source that fails is recorded
(`source_error`) and the other sources still run. Each document has a time budget (download,
extraction, diff, understanding): past it the document is rolled back and recorded as an error,
and the cycle goes on. A text that looks like an error page is held as suspect (monitor.suspects),
not stored, until a later cycle fetches it again.
"""
from __future__ import annotations

import hashlib
import threading
import time
import uuid
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Callable
from urllib.parse import urlsplit

from diffs.compare import compare
from diffs.errors import ConfigError, FetchError, RegwatchError, SourceError, StoreError
from monitor import sources as adapters
from monitor import suspects
from monitor.budget import OverBudget, time_limit
from monitor.config import Config, SourceConfig
from monitor.http import PoliteSession
from monitor.sources.memo import DiscoveryMemo, shanghai_today
from snapshots import Store
from snapshots.suspects import CONFIRMED, DROPPED, sha_of
from snapshots.decisions import check_republished, is_decision, understand, validity_events
from snapshots.store import utc_now

# A page that answers 404/410 has disappeared: the document is marked gone, not deleted.
GONE_STATUSES = (404, 410)
Progress = Callable[[str, int, int, str], None]  # (source, done, total, url)
# Seconds one document may take, download included (the download alone stops at 60 s): a 15 MB
# page of 120k paragraphs or a pathological tag soup is recorded as an error, not a stalled cycle.
DOCUMENT_BUDGET = 180.0
# Seconds for a source's listing pages (each download bounded; a few pages at most).
DISCOVERY_BUDGET = 600.0


@dataclass
class SourceReport:
    name: str
    discovered: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)  # new/changed/formatting/unchanged/not_modified/gone/error
    errors: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # listing pages skipped (failed or empty); the rest ran
    failed: str | None = None  # the error that stopped the whole source
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return self.failed is None and not self.errors and not self.problems

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
              today: date | None = None, stop: threading.Event | None = None,
              budget: float | None = DOCUMENT_BUDGET) -> CycleReport:
    """Run every configured source (or only the one named `only`) once."""
    chosen = [s for s in config.sources if only is None or s.name == only]
    if only is not None and not chosen:
        raise ConfigError(f"{config.path}: no [[source]] named {only!r}; "
                          f"configured: {', '.join(s.name for s in config.sources) or 'none'}")
    report = CycleReport(started=utc_now())
    start = time.monotonic()
    events_before = store.event_count()
    robots: dict = {}  # robots.txt read once a cycle per host, whichever sources share it
    for source in chosen:
        if stop is not None and stop.is_set():
            report.interrupted = True
            break
        source_report = run_source(source, store, progress, stop, budget, today, robots)
        report.sources.append(source_report)
        if source_report.interrupted:
            report.interrupted = True
            break
    with store.transaction():
        validity_events(store, today or date.today(), config.expiring_days)
    report.events = store.event_count() - events_before
    report.elapsed = time.monotonic() - start
    return report


def run_source(source: SourceConfig, store: Store, progress: Progress | None = None,
               stop: threading.Event | None = None, budget: float | None = DOCUMENT_BUDGET,
               today: date | None = None, robots: dict | None = None) -> SourceReport:
    report = SourceReport(source.name)
    cycle = uuid.uuid4().hex  # a held suspect text is confirmed only by another cycle
    started = utc_now()
    store.upsert_source(source.name, source.kind, source.url)
    previous_run = (next((s for s in store.sources() if s["name"] == source.name), {}) or {}).get("last_run")
    adapter = adapters.get(source.kind)(source.name, source.url, source.options)
    adapter.memo = DiscoveryMemo(store.discovery_pages(source.name), today=today or shanghai_today())
    with PoliteSession(min_interval=source.min_interval, allowed_hosts={urlsplit(source.url).hostname},
                       robots=robots) as session:
        try:
            with time_limit(DISCOVERY_BUDGET):
                refs = _unique(adapter.discover(session))
        except RegwatchError as e:
            return _source_failed(store, source, report, started, e)
        except OverBudget as e:
            return _source_failed(store, source, report, started,
                                  SourceError(source.url, "the listing read within its time budget", str(e)))
        _record_problems(store, source, report, adapter.problems)
        store.save_discovery_pages(source.name, adapter.memo.updates)
        # Documents of pages not re-read this cycle are still listed; those never stored yet (their
        # fetch failed before) and a few in rotation are fetched.
        known = adapter.known_listed - {ref.url for ref in refs}
        revisit = set(adapter.memo.revisits(known))
        refs += [adapters.DocumentRef(url=url) for url in sorted(known)
                 if url in revisit or store.url_state(url) is None]
        # Oldest first, so a lineage's versions follow publication order; on one date a decision goes
        # before the republished text, so it applies to the version before it.
        refs.sort(key=lambda ref: (ref.published or "", not is_decision(ref.title)))
        report.discovered = len(refs)
        listed = {ref.url for ref in refs} | known
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
            outcome = process_within(budget, store, source, adapter, session, ref, report, cycle)
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


def process_within(budget: float | None, store: Store, source: SourceConfig, adapter, session: PoliteSession, ref,
                   report: SourceReport, cycle: str = "") -> str:
    """`process` within the per-document time budget; past it the document is an error and the cycle goes on."""
    started = time.monotonic()
    try:
        with time_limit(budget):
            return process(store, source, adapter, session, ref, report, cycle)
    except OverBudget as e:
        elapsed = int((time.monotonic() - started) * 1000)
        error = f"{ref.url}: processing stopped: {e}; rolled back, retried next cycle"
        store.record_fetch(source.name, ref.url, None, "error", elapsed, None, error)
        report.errors.append(error)
        return "error"


def process(store: Store, source: SourceConfig, adapter, session: PoliteSession, ref, report: SourceReport,
            cycle: str = "") -> str:
    """Fetch one document and record everything it brings, in one transaction. Returns the outcome."""
    state = store.url_state(ref.url) or {}
    started = time.monotonic()
    gate = _SameBytes(session, state.get("raw_sha"))
    try:
        fetched = adapter.fetch(gate, ref, state.get("etag"), state.get("last_modified"))
    except (FetchError, SourceError) as e:
        elapsed = int((time.monotonic() - started) * 1000)
        status = e.status if isinstance(e, FetchError) else None
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
            _drop_held(store, ref.url)
        return "unchanged"
    if fetched is None:
        with store.transaction():
            store.record_fetch(source.name, ref.url, 304, "not_modified", elapsed, 0)
            _drop_held(store, ref.url)
        return "not_modified"
    try:
        with store.transaction():
            outcome = hold_if_suspect(store, source.name, ref.url, fetched, cycle) or save(store, source.name, ref.url, fetched)
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
                        discrepancies=discrepancies or None, reverted_to=result.reverted_to, **common)
    understand(store, store.document(document["id"]), result.version_id, fetched.text)
    return result.outcome


def _drop_held(store: Store, url: str) -> None:
    """The page is its last good self again (same bytes, or 304): a text held as suspect since is
    dropped, so that the same error page coming back later starts over instead of being confirmed."""
    if store.held_version(url):
        store.resolve_held(url, DROPPED, utc_now())


def hold_if_suspect(store: Store, source: str, url: str, fetched, cycle: str) -> str | None:
    """"suspect" when the fetched text is held instead of stored (a `suspect_version` event, no
    alert, the URL's state untouched so the next cycle fetches it in full); None to store it as usual.
    A held text fetched again by a later cycle is stored here (its outcome returned) and confirmed."""
    state = store.url_state(url)
    latest = store.latest_version(state["document_id"]) if state else None
    text_sha = sha_of(fetched.text)
    if latest is None or text_sha in (state["text_sha"], latest["text_sha"]):
        return None
    at = utc_now()
    document = store.document(state["document_id"])
    held = store.held_version(url)
    found = suspects.reasons(store.text_of(_last_good(store, document["id"])["text_sha"]), fetched.text,
                             document["title"], (fetched.meta or {}).get("title"))
    if not found:
        if held:
            store.resolve_held(url, DROPPED, at)
        return None
    if held and held["text_sha"] == text_sha and held["cycle"] != cycle:
        outcome = save(store, source, url, fetched)  # seen again a cycle later: the site really says this
        store.resolve_held(url, CONFIRMED, at, store.latest_version(document["id"])["id"])
        return outcome
    if held and held["text_sha"] == text_sha:
        return "suspect"
    store.hold_version(document["id"], url, fetched.text, fetched.raw, (fetched.meta or {}).get("title"), found,
                       cycle, at)
    store.add_event("suspect_version", at=at, source=source, document_id=document["id"], title=document["title"],
                    url=url, reasons=found, held_title=(fetched.meta or {}).get("title"))
    return "suspect"


def _last_good(store: Store, document_id: int) -> dict:
    """The newest version not flagged as an error page (by `regwatch repair`): what a new text is judged by."""
    flagged = {s["version_id"] for s in store.suspects(document_id) if s["status"] == "flagged"}
    versions = store.versions(document_id)
    return next((v for v in reversed(versions) if v["id"] not in flagged), versions[-1])


def record_revert(store: Store, document: dict, seq: int, title: str | None) -> int:
    """The document's page shows the text of version `seq` again although a later version was
    stored (found by `regwatch repair`): a new version with that text, diffed and alerted as a revert."""
    at = utc_now()
    with store.transaction():
        latest = store.latest_version(document["id"])
        version_id = store.append_revert(document["id"], seq, at, title)
        text = store.version_text(document["id"], seq)
        diff = compare(store.text_of(latest["text_sha"]), text)
        store.set_version_diff(version_id, diff.to_dict())
        store.add_event("new_version", at=at, source=document["source"], document_id=document["id"],
                        version_id=version_id, title=title or document["title"], url=document["url"],
                        summary=diff.summary, previous_version_id=latest["id"], reverted_to=seq)
    return version_id
def _record_problems(store: Store, source: SourceConfig, report: SourceReport, problems: list) -> None:
    """Listing pages that failed or listed nothing: each one an event with what was expected and found."""
    for problem in problems:
        report.problems.append(str(problem))
        detail = problem if isinstance(problem, SourceError) else None
        store.add_event("source_error", source=source.name, url=detail.url if detail else source.url,
                        error=str(problem), expected=detail and detail.expected, found=detail and detail.found,
                        partial=True)
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
    url = error.url if isinstance(error, (FetchError, SourceError)) and error.url else source.url
    expected, found = (error.expected, error.found) if isinstance(error, SourceError) else (None, None)
    store.add_event("source_error", source=source.name, url=url, error=str(error), expected=expected, found=found)
    store.source_ran(source.name, started, str(error))
    return report


def _unique(refs) -> list:
    seen: dict[str, object] = {}
    for ref in refs:
        seen.setdefault(ref.url, ref)
    return list(seen.values())
