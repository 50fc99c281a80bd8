"""The Python API of the store commands: `regwatch check/events/documents/history/status` and
stored-version diffs wrap these functions one to one."""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

from diffs.errors import InputError, StoreError

from monitor.config import Config, load
from snapshots import Store

EVENT_KINDS = ("new_document", "new_version", "amended", "repealed", "expiring", "expired", "source_error")
RULE_EVENT_KINDS = {"amended", "repealed", "expiring", "expired"}
VERSION_RE = re.compile(r"^(?P<doc>.+)@(?P<seq>\d+)$")


@contextmanager
def opened(config_path: str | Path, check_sources: bool = False) -> Iterator[tuple[Config, Store]]:
    """The configuration and its store, closed afterwards (sources' kinds and options checked only
    with ``check_sources``: see monitor.config.load)."""
    config = load(config_path, check_sources)
    store = Store(config.store)
    try:
        yield config, store
    finally:
        store.close()


def check(config: Config, store: Store, source: str | None = None, progress=None, today: date | None = None,
          stop=None):
    """One cycle now (the `check` command): see monitor.pipeline.run_cycle."""
    from monitor.pipeline import run_cycle
    return run_cycle(config, store, only=source, progress=progress, today=today, stop=stop)


def cycle_through_mirror(config: Config, store: Store, mirror, on_cycle=None) -> list:
    """One cycle at each state of the offline mirror, first to last: the story the demo tells and
    the review tests and benchmarks are built on. ``on_cycle(state, report)`` follows along."""
    reports = []
    for state in range(mirror.max_state + 1):
        mirror.set_state(state)
        reports.append(check(config, store))
        if on_cycle:
            on_cycle(state, reports[-1])
    return reports


def events(store: Store, since: str | None = None, kind: str | None = None, source: str | None = None,
           limit: int | None = None) -> list[dict]:
    """Events newest first as flat JSON objects: kind, at, document, url, and for rule events rule,
    by, effective (plus the event's other payload keys)."""
    if since is not None:
        _iso_date(since, "--since")
    if kind is not None and kind not in EVENT_KINDS:
        raise InputError(f"unknown event kind {kind!r}; expected one of {', '.join(EVENT_KINDS)}")
    titles: dict[int, str | None] = {}
    out = []
    for event in store.events(since=since, kind=kind, source=source, limit=limit):
        doc_id = event["document_id"]
        if doc_id is not None and doc_id not in titles:
            titles[doc_id] = (store.document(doc_id) or {}).get("title")
        item = {"id": event["id"], "kind": event["kind"], "at": event["at"], "source": event["source"],
                "document": titles.get(doc_id) or event["title"], "document_id": doc_id,
                "version_id": event["version_id"], "url": event["url"]}
        if event["kind"] in RULE_EVENT_KINDS:
            item.update(rule_id=event["rule_id"], rule=event["payload"].get("rule") or event["title"],
                        by=event["payload"].get("by"), effective=event["payload"].get("effective"))
        item.update({k: v for k, v in event["payload"].items() if k not in item})
        out.append(item)
    return out


def documents(store: Store, source: str | None = None) -> list[dict]:
    return store.documents(source)


def find_document(store: Store, ref: str) -> dict:
    """A document by id, URL, or a unique part of its title."""
    ref = ref.strip()
    if ref.isdigit():
        document = store.document(int(ref))
    elif re.match(r"^https?://", ref):
        document = store.document_by_url(ref)
    else:
        matches = [d for d in store.documents() if ref in (d["title"] or "")]
        exact = [d for d in matches if d["title"] == ref]
        if len(exact) == 1 or len(matches) == 1:
            return (exact or matches)[0]
        if len(matches) > 1:
            listing = "; ".join(f"{d['id']} {d['title']}" for d in matches[:5])
            raise InputError(f"{ref!r} matches {len(matches)} documents ({listing}); give the id")
        document = None
    if document is None:
        raise InputError(f"no stored document {ref!r} (give an id from `regwatch documents`, a URL or a title)")
    return document


def history(store: Store, ref: str) -> tuple[dict, list[dict]]:
    """The document and its versions (seq, fetched_at, formatting_only, diff summary)."""
    document = find_document(store, ref)
    versions = store.versions(document["id"])
    for version in versions:
        version["summary"] = (version.pop("diff") or {}).get("summary")
        version.pop("diff_json")
    return document, versions


def stored_version(store: Store, arg: str) -> tuple[str, str] | None:
    """(label, text) for `DOC@N` (the N-th stored version of DOC), or None when `arg` is not of that form."""
    match = VERSION_RE.match(arg)
    if not match:
        return None
    document = find_document(store, match["doc"])
    seq = int(match["seq"])
    try:
        return f"{document['title'] or document['url']} @{seq}", store.version_text(document["id"], seq)
    except StoreError:
        count = len(store.versions(document["id"]))
        raise InputError(f"{arg}: document {document['id']} has versions 1..{count}, not {seq}") from None


def stored_input(config_path: str | Path, arg: str) -> tuple[str, str] | None:
    """`regwatch diff DOC@N`: (label, text) of a stored version, None when `arg` is not DOC@N."""
    if not VERSION_RE.match(arg):
        return None
    with opened(config_path) as (_, store):
        return stored_version(store, arg)


def status(store: Store, at: str | None = None, repealed: bool = False, expiring: int | None = None) -> list[dict]:
    """The rules audit: each rule's status on `at` (default today), since when, because of which document."""
    on = _iso_date(at, "--at") if at else date.today()
    rows = store.rules(at=on.isoformat())
    if repealed:
        rows = [r for r in rows if r["status"] == "已废止"]
    if expiring is not None:
        horizon = (on + timedelta(days=expiring)).isoformat()
        rows = [r for r in rows if r.get("expires") and on.isoformat() <= r["expires"] <= horizon
                and r["status"] in ("现行有效", "已被修改", "尚未施行")]
    return rows        # each with `url`, its document's page (store.rules joins it)


def send_digests(config: Config, store: Store, only_due: bool = False):
    """Digests of every subscription (regwatch.toml's and those made with `regwatch subscribe`);
    .eml files next to the config when [mail] has no host. Returns notify's DigestRun."""
    from notify import api as notify

    return notify.digest_for_config(store, config, only_due=only_due)


def _iso_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(f"{option}: not a date (YYYY-MM-DD): {value!r}") from None
