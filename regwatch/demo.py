"""The demo (`regwatch demo`, `regwatch.api.demo`): the whole job on the bundled offline mirror, end
to end, on 127.0.0.1 only.

The mirror starts at state 0 and advances to 3 (new gazette issues, amendment and repeal
decisions, republished rules, a formatting-only edit, a page that disappears); one monitoring cycle
runs at each state, then digests are written as .eml files, and the findings are printed.
"""
from __future__ import annotations

from pathlib import Path

from diffs.errors import InputError
from regwatch.configs import source_block

DEMO_SUBSCRIPTIONS = """
[review]
url = "http://127.0.0.1:8000"

[mail]
outbox_dir = "outbox"

[[subscription]]
name = "legal"
email = "legal@example.com"
kinds = ["amended", "repealed", "new_version", "expiring", "expired"]

[[subscription]]
name = "everything"
email = "watch@example.com"
"""
STORE_FILES = ("regwatch.db", "regwatch.db-wal", "regwatch.db-shm")


def demo_config(directory: Path, urls: dict[str, str]) -> Path:
    path = directory / "regwatch.toml"
    path.write_text('[store]\npath = "regwatch.db"\n' + DEMO_SUBSCRIPTIONS + "\n" + source_block(urls),
                    encoding="utf-8")
    return path


def run_demo(directory: Path, force: bool = False, echo=print) -> dict:
    """Run the demo in `directory`; returns what was found (for tests and the summary). A store
    already there is replaced only with `force`: it may be a real one, not an earlier demo's."""
    from mirror.server import MirrorServer
    from regwatch import api
    from monitor.config import load
    from snapshots import Store

    if (directory / STORE_FILES[0]).exists() and not force:
        raise InputError(f"{directory / STORE_FILES[0]} already exists; give --force to replace it "
                         "(or --dir for another folder)")
    directory.mkdir(parents=True, exist_ok=True)
    for name in STORE_FILES:  # an earlier demo's store: its mirror ports are gone
        (directory / name).unlink(missing_ok=True)
    with MirrorServer(state=0) as mirror:
        config = load(demo_config(directory, mirror.urls))
        echo(f"offline mirror on {', '.join(mirror.urls.values())}; store {config.store}")
        def tell(state, report):
            counts = ", ".join(f"{report.total(k)} {k}" for k in ("new", "changed", "formatting", "gone")
                               if report.total(k))
            echo(f"state {state}: {counts or 'nothing new'}; {report.events} event(s)")

        with Store(config.store) as store:
            api.cycle_through_mirror(config, store, mirror, on_cycle=tell)
            found = findings(store)
            digests = api.send_digests(config, store)
    found["digests"] = [d.subscription.name for d in digests.digests]
    found["outbox"] = config.path.parent / "outbox"
    return found


def findings(store) -> dict:
    from regwatch import api

    versions = [e for e in api.events(store, kind="new_version")]
    return {
        "documents": len(store.documents()),
        "new_documents": len(api.events(store, kind="new_document")),
        "amended": sorted({(e["rule"], e["by"], e["effective"]) for e in api.events(store, kind="amended")}),
        # The clause changes each amendment makes, counted from the decision's part for that rule.
        "amended_changes": {(e["rule"], e["by"]): e.get("changes") or {} for e in api.events(store, kind="amended")},
        "repealed": sorted({(e["rule"], e["by"], e["effective"]) for e in api.events(store, kind="repealed")}),
        "changed": [(e["document"], e.get("summary") or {}, e.get("document_id")) for e in versions],
        "formatting": store.formatting_only_count(),
        "gone": [d["title"] for d in store.documents() if d["gone_at"]],
    }
