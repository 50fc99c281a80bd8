"""The Python API of regwatch: one function per command, which the command wraps one to one (as
sqlite-utils does): the click command parses options, calls the function and prints its result.

Text commands (`diff`, `ops`, `amend`, `validity`) take file paths or `DOC@N` stored versions and
return the library's structures. Store commands take an opened `(config, store)`. Heavy modules
(the store, notify, the scheduler) are imported inside the functions that need them: `regwatch diff`
of two files must start cold in well under half a second.
"""
from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from diffs.errors import ConfigError, InputError, StoreError

if TYPE_CHECKING:
    from monitor.config import Config
    from monitor.inputs import Input
    from snapshots import Store

DEFAULT_CONFIG = "regwatch.toml"
VERSION_RE = re.compile(r"^(?P<doc>.+)@(?P<seq>\d+)$")


# ---- text commands: files or stored versions in, library structures out -------------------------

def read(arg: str, config_path: str | Path | None = None) -> "Input":
    """One document argument of a text command: a file (see `monitor.inputs.read_file`) or `DOC@N`,
    the N-th stored version of DOC (id, URL or title) in the store `config_path` names."""
    from monitor.inputs import Input, read_file

    if VERSION_RE.match(arg) and not Path(arg).exists():
        with opened(config_path) as (_, store):
            label, text = stored_version(store, arg, config_path)
        return Input(label, text)   # parsed as the pipeline parses stored texts: fmt auto
    return read_file(arg)


def diff(old: str, new: str, config_path: str | Path | None = None):
    """`regwatch diff`: the clause-by-clause `diffs.compare.DiffResult` of two documents."""
    from diffs.compare import compare
    from diffs.structure import parse

    before, after = read(old, config_path), read(new, config_path)
    return compare(parse(before.text, before.fmt), parse(after.text, after.fmt))


def ops(decision: str, config_path: str | Path | None = None):
    """`regwatch ops`: the `Decision` (operations per law) an amendment or repeal decision states."""
    from diffs.amendments import parse_decision

    text = read(decision, config_path).text
    with _understood(decision):
        return parse_decision(text)


def amend(decision: str, base: str, target: str | None = None, republished: str | None = None,
          config_path: str | Path | None = None):
    """`regwatch amend`: the decision applied to the base text (`amendments.report.Amendment`), with the
    discrepancies against the republished text when one is given."""
    from diffs.amendments.report import consolidate

    texts = (read(decision, config_path).text, read(base, config_path).text,
             read(republished, config_path).text if republished else None)
    with _understood(decision):
        return consolidate(texts[0], texts[1], target, texts[2])


@contextmanager
def _understood(what: str) -> Iterator[None]:
    """Never a traceback: an unforeseen failure reading a decision becomes one ParseError line. The
    engine reports what it cannot read as problems; this is the net under that net."""
    from diffs.errors import ParseError, RegwatchError

    try:
        yield
    except RegwatchError:
        raise
    except Exception as e:  # noqa: BLE001 - reported as one line, as every regwatch error is
        raise ParseError(f"{what}: could not be read ({type(e).__name__}: {str(e)[:80]})") from None


def validity(document: str, at: str | None = None, config_path: str | Path | None = None) -> dict:
    """`regwatch validity`: the dates and status a document states, and the rules it repeals, on `at`."""
    from diffs.amendments.report import validity_report

    on = _iso_date(at, "--at") if at else None
    return validity_report(read(document, config_path).text, on)


# ---- configuration and store ---------------------------------------------------------------------

def init(path: str | Path = DEFAULT_CONFIG, force: bool = False) -> Path:
    """`regwatch init`: write a commented regwatch.toml watching the real sites; refuses to overwrite."""
    from regwatch.configs import starter_config

    target = Path(path)
    if target.exists() and not force:
        raise InputError(f"{target} already exists; give --force to overwrite it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(starter_config(), encoding="utf-8")
    return target


def load_config(config_path: str | Path | None = None, check_sources: bool = False) -> "Config":
    """regwatch.toml (or `config_path`); sources' kinds and options are checked only with
    `check_sources` (commands that fetch), so that reading commands never import the fetching stack."""
    from monitor.config import load

    return load(config_path or DEFAULT_CONFIG, check_sources)


@contextmanager
def opened(config_path: str | Path | None = None, create: bool = False,
           check_sources: bool = False) -> Iterator[tuple["Config", "Store"]]:
    """The configuration and its store, closed afterwards. Only commands that write (`create=True`:
    check, run, subscribe, import) make a store that does not exist yet; the others say it is
    missing rather than answer from an empty one. `check_sources`: see `load_config`."""
    from snapshots import Store

    config = load_config(config_path, check_sources)
    if not create:
        require_store(config, config_path)
    store = Store(config.store, create=create)
    try:
        yield config, store
    finally:
        store.close()


def require_store(config: "Config", config_path: str | Path | None = None) -> None:
    """ConfigError when the config's store file does not exist (a typo in [store] path, or nothing
    fetched yet): a reading command must not answer from a store it just created empty."""
    if not config.store.exists():
        raise ConfigError(f"{config.path}: the store {config.store} does not exist yet; "
                          f"fill it with `{hint('check', config_path)}` (or fix [store] path)")


def hint(command: str, config_path: str | Path | None) -> str:
    """A command line to suggest, with the `--config` the user gave (none when they relied on the default)."""
    head, _, rest = command.partition(" ")
    given = f" --config {config_path}" if config_path else ""
    return f"regwatch {head}{given}{' ' + rest if rest else ''}"


def check(config: "Config", store: "Store", source: str | None = None, progress=None, today: date | None = None,
          stop=None):
    """One cycle now (the `check` command): see monitor.pipeline.run_cycle."""
    from monitor.pipeline import run_cycle
    return run_cycle(config, store, only=source, progress=progress, today=today, stop=stop)


def run(config: "Config", on_schedule=None, stop=None) -> None:
    """`regwatch run`: the scheduler daemon until stopped, with digests due after each cycle.
    `on_schedule(source, next_run)` hears each source's next run time (at start and after each run)."""
    from monitor.scheduler import run as run_daemon

    run_daemon(config, stop=stop, after_cycle=lambda store: send_digests(config, store, only_due=True),
               on_schedule=on_schedule)


def cycle_through_mirror(config: "Config", store: "Store", mirror, on_cycle=None) -> list:
    """One cycle at each state of the offline mirror, first to last: the story the demo tells and
    the review tests and benchmarks are built on. ``on_cycle(state, report)`` follows along."""
    reports = []
    for state in range(mirror.max_state + 1):
        mirror.set_state(state)
        reports.append(check(config, store))
        if on_cycle:
            on_cycle(state, reports[-1])
    return reports


def demo(directory: str | Path, force: bool = False, echo=print) -> dict:
    """`regwatch demo`: the whole job on the bundled offline mirror in `directory`; what was found."""
    from regwatch.demo import run_demo

    return run_demo(Path(directory), force=force, echo=echo)


def events(store: "Store", since: str | None = None, kind: str | None = None, source: str | None = None,
           limit: int | None = None) -> list[dict]:
    """Events newest first as flat JSON objects: kind, at, document, url, and for rule events rule,
    by, effective (plus the event's other payload keys)."""
    from snapshots.events import EVENT_KINDS, RULE_EVENT_KINDS

    if since is not None:
        _iso_date(since, "--since")
    if kind is not None and kind not in EVENT_KINDS:
        raise InputError(f"unknown event kind {kind!r}; expected one of {', '.join(EVENT_KINDS)}")
    out = []
    for event in store.events(since=since, kind=kind, source=source, limit=limit):
        item = {"id": event["id"], "kind": event["kind"], "at": event["at"], "source": event["source"],
                "document": event["document_title"] or event["title"], "document_id": event["document_id"],
                "version_id": event["version_id"], "url": event["url"]}
        if event["kind"] in RULE_EVENT_KINDS:
            item.update(rule_id=event["rule_id"], rule=event["payload"].get("rule") or event["title"],
                        by=event["payload"].get("by"), effective=event["payload"].get("effective"))
        item.update({k: v for k, v in event["payload"].items() if k not in item})
        out.append(item)
    return out


def documents(store: "Store", source: str | None = None) -> list[dict]:
    """`regwatch documents`: stored documents with their version count."""
    return store.documents(source)


def find_document(store: "Store", ref: str, config_path: str | Path | None = None) -> dict:
    """A document by id, URL, or a unique part of its title (`config_path` only shapes the hint)."""
    from snapshots.bounds import stored_id

    ref = ref.strip()
    if ref.isdigit():
        number = stored_id(ref)
        document = store.document(number) if number is not None else None
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
        raise InputError(f"no stored document {ref!r} (give an id from `{hint('documents', config_path)}`, "
                         "a URL or a title)")
    return document


def history(store: "Store", ref: str, config_path: str | Path | None = None) -> tuple[dict, list[dict]]:
    """The document and its versions (seq, fetched_at, formatting_only, diff summary, and `legal`: the
    version's 公布/修正/施行 dates read from its 题注 and own clauses, diffs.rulefacts.legal_dates); the
    document's `suspects` lists the texts held or flagged as error pages (status, reasons, held_at, version_id)."""
    from diffs.rulefacts import legal_dates

    document = find_document(store, ref, config_path)
    document["suspects"] = store.suspects(document["id"])
    versions = store.versions(document["id"])
    for version in versions:
        version["summary"] = (version.pop("diff") or {}).get("summary")
        version.pop("diff_json")
        version["legal"] = legal_dates(store.version_text(document["id"], version["seq"]), document.get("title"))
    return document, versions


def stored_version(store: "Store", arg: str, config_path: str | Path | None = None) -> tuple[str, str]:
    """(label, text) of `DOC@N`, the N-th stored version of DOC; InputError for another form."""
    from snapshots.bounds import stored_id

    match = VERSION_RE.match(arg)
    if not match:
        raise InputError(f"{arg}: not a stored version (DOC@N)")
    document = find_document(store, match["doc"], config_path)
    seq = stored_id(match["seq"])
    try:
        if seq is None:
            raise StoreError(match["seq"])
        return f"{document['title'] or document['url']} @{seq}", store.version_text(document["id"], seq)
    except StoreError:
        count = len(store.versions(document["id"]))
        raise InputError(f"{arg}: document {document['id']} has versions 1..{count}, not {match['seq']}") from None


def status(store: "Store", at: str | None = None, repealed: bool = False, expiring: int | None = None) -> list[dict]:
    """The rules audit: each rule's status on `at` (default today), since when, because of which document.

    Each row also has `url` (its own page), `cause` (the status in words, naming the document and
    date behind it), `by_number`, `amendments` (the 修正 in force by then) and `pending` (a change
    decided but not yet in force: 尚未生效的修改 with its date, or None): `snapshots.tables.audit_rows`,
    as the audit page shows them."""
    from snapshots.rules import IN_FORCE, NOT_YET, REPEALED
    from snapshots.tables import audit_rows

    on = _iso_date(at, "--at") if at else date.today()
    rows = store.rules(at=on.isoformat())
    if repealed:
        rows = [r for r in rows if r["status"] == REPEALED]
    if expiring is not None:
        horizon = (on + timedelta(days=expiring)).isoformat()
        rows = [r for r in rows if r.get("expires") and on.isoformat() <= r["expires"] <= horizon
                and r["status"] in (IN_FORCE, NOT_YET)]
    return audit_rows(store, rows)


def mirror(state: int = 0, port: int = 0, on_ready=None) -> None:
    """`regwatch mirror`: serve the offline mirror on 127.0.0.1 until interrupted; `on_ready(server)`
    once it listens. A bad state or a port in use is an InputError."""
    from mirror.server import serve_forever

    try:
        serve_forever(state=state, port=port, on_ready=on_ready)
    except (ValueError, FileNotFoundError) as e:
        raise InputError(str(e)) from e
    except OSError as e:
        raise InputError(f"cannot listen on 127.0.0.1 port {port}: {e.strerror}") from e


def serve(config_path: str | Path | None = None, store_path: str | Path | None = None, host: str = "127.0.0.1",
          port: int = 8000, token_env: str | None = None, ready=None) -> None:
    """`regwatch serve`: the review web UI over the config's store (or `store_path`) until interrupted.
    The access token is read from the environment variable `token_env` (or [review] token_env)."""
    import os

    from review import ReviewConfig
    from review import serve as serve_review
    from review.access import allowed_hosts

    settings = ReviewConfig()
    if os.path.exists(config_path or DEFAULT_CONFIG):
        config = load_config(config_path)
        if store_path is None:
            require_store(config, config_path)
            store_path = config.store
        token_env = token_env or config.review_token_env
        settings.expiring_days = config.expiring_days
        settings.hosts = allowed_hosts(config.review_hosts, review_url=config.review_url)
        settings.display_names = {s.name: s.display_name or s.name for s in config.sources}
    elif store_path is None:
        raise ConfigError(f"{config_path or DEFAULT_CONFIG} not found: give --config FILE or --store FILE")
    if not Path(store_path).exists():
        raise ConfigError(f"{store_path}: no such store file")
    if token_env:
        settings.token = os.environ.get(token_env)
        if not settings.token:
            raise ConfigError(f"environment variable {token_env} (the review access token) is not set or empty")
    serve_review(store_path, host=host, port=port, config=settings, ready=ready)


# ---- alerts --------------------------------------------------------------------------------------

def mail_settings(config: "Config"):
    """The [mail] settings of regwatch.toml (notify's MailSettings; .eml folder next to the file)."""
    from notify import api as notify

    return notify.mail_settings(config)


def _synced(config: "Config", store: "Store"):
    """[mail] settings, after bringing regwatch.toml's subscriptions into the store: every alert
    command does this first, so the store never disagrees with the file."""
    from notify import api as notify

    return notify.prepare(store, config)


def subscribe(config: "Config", store: "Store", emails: list[str], **options):
    """`regwatch subscribe`: a new subscription (see notify.api.subscribe for the filters)."""
    from notify import api as notify

    _synced(config, store)
    return notify.subscribe(store, emails, **options)


def subscriptions(config: "Config", store: "Store") -> list:
    """`regwatch subscriptions`: every subscription, those of regwatch.toml named `config:<name>`."""
    from notify import api as notify

    _synced(config, store)
    return notify.subscriptions(store)


def unsubscribe(config: "Config", store: "Store", id_or_email: str) -> list:
    """`regwatch unsubscribe`: remove subscription ID, or EMAIL from every subscription; those changed."""
    from notify import api as notify

    _synced(config, store)
    return notify.unsubscribe(store, id_or_email)


def digest(config: "Config", store: "Store", dry_run: bool = False, subscriber: str | None = None,
           due: bool = False, ignore_backoff: bool = False):
    """`regwatch digest`: compose digests of new events and send them now (notify's DigestRun);
    `ignore_backoff` also retries now what waits after a delivery failure."""
    from notify import api as notify

    return notify.digest(store, _synced(config, store), review_url=config.review_url, subscriber=subscriber,
                         dry_run=dry_run, only_due=due, display_names=notify.display_names(config),
                         ignore_backoff=ignore_backoff)


def outbox(config: "Config", store: "Store", status: str | None = None, retry: int | None = None):
    """`regwatch outbox`: (the retry's DeliveryReport or None, the messages with `status`)."""
    from notify import api as notify

    report = notify.retry(store, retry, _synced(config, store)) if retry is not None else None
    return report, notify.outbox(store, status)


def send_digests(config: "Config", store: "Store", only_due: bool = False):
    """Digests of every subscription (regwatch.toml's and those made with `regwatch subscribe`);
    .eml files next to the config when [mail] has no host. Returns notify's DigestRun."""
    from notify import api as notify

    return notify.digest_for_config(store, config, only_due=only_due)


def repair(store: Store, dry_run: bool = False) -> list[dict]:
    """Re-examine every history for versions that look like error pages (monitor.suspects), stored
    before suspect texts were held: flag each (a `suspect_version` event) and, where the document's
    page has since come back to an earlier text, record that text as a new version (a revert, with
    the title it had). Returns the findings: document_id, title, seq, reasons, action."""
    from monitor.pipeline import record_revert
    from monitor.suspects import reasons
    from snapshots.store import utc_now

    titles = {e["version_id"]: e["title"] for e in reversed(store.events())
              if e["kind"] in ("new_document", "new_version") and e["version_id"]}
    findings = []
    for document in store.documents():
        versions = store.versions(document["id"])
        already = {s["version_id"] for s in store.suspects(document["id"]) if s["status"] == "flagged"}
        good = None
        for version in versions:
            text = store.text_of(version["text_sha"])
            found = reasons(good[1], text, titles.get(good[0]["id"]), titles.get(version["id"])) if good else []
            if not found:
                good = (version, text)
                continue
            finding = dict(document_id=document["id"], title=document["title"], seq=version["seq"], reasons=found,
                           action="already flagged" if version["id"] in already else ("would flag" if dry_run else "flagged"))
            findings.append(finding)
            if not dry_run and version["id"] not in already:
                with store.transaction():
                    store.flag_version(version["id"], found, utc_now())
                    store.add_event("suspect_version", source=document["source"], document_id=document["id"],
                                    version_id=version["id"], title=document["title"], url=document["url"],
                                    reasons=found, seq=version["seq"], repaired=True)
        state = store.url_state(document["url"])
        latest = versions[-1] if versions else None
        if good is None or latest is good[0] or not state or state["text_sha"] == latest["text_sha"]:
            continue
        back = [v for v in versions if v["text_sha"] == state["text_sha"] and v is not latest]
        if back:  # the page shows an earlier text again: the version the old code never recorded
            findings.append(dict(document_id=document["id"], title=document["title"], seq=back[-1]["seq"],
                                 reasons=[], action="reverted" if not dry_run else "would revert"))
            if not dry_run:
                record_revert(store, document, back[-1]["seq"], titles.get(back[-1]["id"]))
    return findings


def _iso_date(value: str, option: str) -> date:
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(f"{option}: not a date (YYYY-MM-DD): {value!r}") from None


def shanghai_time(moment: datetime) -> str:
    """A moment as the gazettes' readers read it: Asia/Shanghai, zone shown."""
    from zoneinfo import ZoneInfo

    local = moment.astimezone(ZoneInfo("Asia/Shanghai"))
    return local.strftime("%Y-%m-%d %H:%M:%S ") + "Asia/Shanghai"
IMPORT_KIND = "import"


def import_(store: "Store", files: list[str | Path], source: str, title: str | None = None) -> list[dict]:
    """`regwatch import`: store texts a user obtained themselves, in the order given, as versions
    like fetched ones: diffed against the document's previous version, understood, alerted.

    A document is identified by its source and title (``--title``, else the title read from the
    file, else the file name), so importing a later text of the same title adds a version. Returns
    one {"file", "title", "document_id", "outcome"} per file; nothing is stored if a file is unreadable.
    """
    from urllib.parse import quote

    from monitor.extract import read_document
    from monitor.pipeline import save
    from monitor.sources import DocumentRef, FetchedDocument

    if not source.strip():
        raise InputError("--source needs a name")
    read = []
    for file in files:
        path = Path(file)
        extracted, raw, content_type = read_document(path)
        name = (title or extracted.title or path.stem).strip()
        read.append((path, name, extracted, raw, content_type))
    known = {s["name"] for s in store.sources()}
    if source not in known:
        store.upsert_source(source, IMPORT_KIND, f"import://{quote(source)}")
    results = []
    for path, name, extracted, raw, content_type in read:
        url = f"import://{quote(source)}/{quote(name)}"
        meta = dict(extracted.meta, title=name)
        fetched = FetchedDocument(ref=DocumentRef(url=url, title=name), url=url, raw=raw, content_type=content_type,
                                  text=extracted.text, meta=meta)
        with store.transaction():
            outcome = save(store, source, url, fetched)
        state = store.url_state(url) or {}
        results.append({"file": str(path), "title": name, "document_id": state.get("document_id"), "outcome": outcome})
    return results
