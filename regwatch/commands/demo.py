"""`regwatch demo`: the whole job on the bundled offline mirror, end to end, on 127.0.0.1 only.

The mirror starts at state 0 and advances to 3 (new gazette issues, amendment and repeal
decisions, republished rules, a formatting-only edit, a page that disappears); one monitoring cycle
runs at each state, then digests are written as .eml files, and the findings are printed.
"""
from __future__ import annotations

from pathlib import Path

import click

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
    from regwatch.commands.mirror import source_block

    path = directory / "regwatch.toml"
    path.write_text('[store]\npath = "regwatch.db"\n' + DEMO_SUBSCRIPTIONS + "\n" + source_block(urls),
                    encoding="utf-8")
    return path


def run_demo(directory: Path, echo=print) -> dict:
    """Run the demo in `directory`; returns what was found (for tests and the summary)."""
    from mirror.server import MirrorServer
    from regwatch import api
    from monitor.config import load
    from snapshots import Store

    directory.mkdir(parents=True, exist_ok=True)
    for name in STORE_FILES:  # the demo's own store from an earlier run: its mirror ports are gone
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
        "formatting": store.conn.execute("SELECT count(*) FROM versions WHERE formatting_only = 1").fetchone()[0],
        "gone": [d["title"] for d in store.documents() if d["gone_at"]],
    }


def print_findings(found: dict, directory: Path, echo=print) -> None:
    echo(f"\n{found['documents']} documents stored ({found['new_documents']} new_document events)")
    echo(f"\n{len(found['changed'])} new versions with clause diffs:")
    for title, summary, doc_id in found["changed"]:
        parts = ", ".join(f"{k} {v}" for k, v in summary.items() if v and k != "unchanged")
        echo(f"  [{doc_id}] {title}: {parts or 'title or header lines only'}")
    echo(f"  (+ {found['formatting']} formatting-only version(s), no alert)")
    echo(f"\n{len(found['amended'])} rules amended:")
    for rule, by, effective in found["amended"]:
        changes = ", ".join(f"{k} {v}" for k, v in found["amended_changes"].get((rule, by), {}).items() if v)
        echo(f"  {rule}  ← {by} (effective {effective}{'; ' + changes if changes else ''})")
    echo(f"\n{len(found['repealed'])} rules repealed:")
    for rule, by, effective in found["repealed"][:8]:
        echo(f"  {rule}  ← {by} (effective {effective})")
    if len(found["repealed"]) > 8:
        echo(f"  … and {len(found['repealed']) - 8} more")
    if found["gone"]:
        echo(f"\npages gone (kept, marked): {'; '.join(found['gone'])}")
    if found["digests"]:
        echo(f"\ndigests for {', '.join(found['digests'])} written as .eml files in {found['outbox']}")
    config = directory / "regwatch.toml"
    # Point at the most instructive diff: the amended rule with the most modified articles.
    example = max(found["changed"], key=lambda c: c[1].get("modified", 0))[2] if found["changed"] else 1
    echo("\nwhere to look next:")
    echo(f"  regwatch events --config {config}")
    echo(f"  regwatch status --config {config} --repealed")
    echo(f"  regwatch diff --config {config} {example}@1 {example}@2")
    echo(f"  regwatch serve --config {config}")


@click.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path), default=Path("regwatch-demo"),
              show_default=True, help="Where the demo's regwatch.toml, store and outbox go.")
def demo(directory: Path) -> None:
    """The whole job on the bundled offline mirror: cycles through its states, then what was found."""
    found = run_demo(directory, echo=click.echo)
    print_findings(found, directory, echo=click.echo)
