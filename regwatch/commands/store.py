"""`regwatch run/check/events/documents/history/status`: thin click wrappers over regwatch.api."""
from __future__ import annotations

import csv
import io
import json
import sys

import click

config_option = click.option("--config", "config_path", default="regwatch.toml", show_default=True,
                             type=click.Path(dir_okay=False), help="regwatch.toml naming the store and sources.")
OUTCOME_ORDER = ("new", "changed", "formatting", "unchanged", "not_modified", "gone", "skipped", "error")


@click.command()
@config_option
def run(config_path: str) -> None:
    """Run the scheduler daemon over the configured sources (Ctrl-C or SIGTERM to stop)."""
    import logging

    from monitor.config import load
    from monitor.scheduler import run as run_daemon

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = load(config_path)
    click.echo(f"regwatch run: {len(config.sources)} source(s), store {config.store}; Ctrl-C to stop", err=True)
    run_daemon(config, after_cycle=_digest_after(config))


def _digest_after(config):
    """Digests due after each cycle (subscriptions may come from regwatch.toml or `regwatch subscribe`)."""
    from regwatch import api

    return lambda store: api.send_digests(config, store, only_due=True)


@click.command()
@config_option
@click.option("--source", help="Only this source (its name in regwatch.toml).")
def check(config_path: str, source: str | None) -> None:
    """Run one monitoring cycle now; exit 0 when every source succeeded, 1 when some failed, 2 on config/store errors."""
    from regwatch import api

    with api.opened(config_path, check_sources=True) as (config, store):
        progress = _progress_bar() if sys.stderr.isatty() else None
        report = api.check(config, store, source=source, progress=progress)
    for line in summary_lines(report):
        click.echo(line)
    sys.exit(0 if report.ok else 1)


def _progress_bar():
    state = {}

    def progress(source: str, done: int, total: int, url: str) -> None:
        if state.get("source") != source:
            if state.get("bar"):
                state["bar"].render_finish()
            state.update(source=source, bar=click.progressbar(length=total, label=source, file=sys.stderr))
            state["bar"].render_progress()
        bar = state["bar"]
        bar.update(done - bar.pos)
        if done == total:
            bar.render_finish()
            state["bar"] = None
    return progress


def summary_lines(report) -> list[str]:
    lines = []
    for source in report.sources:
        counts = ", ".join(f"{source.outcomes[k]} {k}" for k in OUTCOME_ORDER if source.outcomes.get(k))
        if source.failed:
            lines.append(f"FAILED {source.name}: {source.failed}")
        else:
            mark = "ok" if source.ok else "SOME FAILED"
            lines.append(f"{mark:11} {source.name}: {source.discovered} listed; {counts or 'nothing fetched'}")
            lines += [f"            {error}" for error in source.errors[:5]]
    state = "interrupted" if report.interrupted else "done"
    lines.append(f"cycle {state} in {report.elapsed:.1f}s: {report.events} new event(s); "
                 f"{sum(not s.ok for s in report.sources)} of {len(report.sources)} source(s) failed")
    return lines


@click.command()
@config_option
@click.option("--since", help="Only events at or after this date (YYYY-MM-DD).")
@click.option("--kind", help="Only this kind: new_document, new_version, amended, repealed, expiring, expired, source_error.")
@click.option("--source", help="Only events of this source.")
@click.option("--limit", type=click.IntRange(1), help="At most this many (newest first).")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
def events(config_path: str, since: str | None, kind: str | None, source: str | None, limit: int | None,
           fmt: str) -> None:
    """List recorded events, newest first."""
    from regwatch import api

    with api.opened(config_path) as (_, store):
        rows = api.events(store, since=since, kind=kind, source=source, limit=limit)
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for row in rows:
        detail = ""
        if row.get("rule"):
            detail = f"  {row['rule']} ← {row.get('by') or ''} (effective {row.get('effective') or '?'})"
        elif row.get("summary"):
            detail = "  " + ", ".join(f"{k} {v}" for k, v in row["summary"].items() if v)
        elif row.get("error"):
            detail = f"  {row['error']}"
        click.echo(f"{row['at'][:19]}  {row['kind']:12} {row['document'] or row['source'] or ''}{detail}")
    if not rows:
        click.echo("no events", err=True)


@click.command()
@config_option
@click.option("--source", help="Only documents of this source.")
def documents(config_path: str, source: str | None) -> None:
    """List stored documents: id, versions, source, title."""
    from regwatch import api

    with api.opened(config_path) as (_, store):
        rows = api.documents(store, source)
    for row in rows:
        gone = "  [gone]" if row["gone_at"] else ""
        click.echo(f"{row['id']:>5}  v{row['versions']:<3} {row['source']:18} {row['title'] or row['url']}{gone}")


@click.command()
@config_option
@click.argument("doc")
def history(config_path: str, doc: str) -> None:
    """List the versions of one document (DOC: id, URL or title)."""
    from regwatch import api

    with api.opened(config_path) as (_, store):
        document, versions = api.history(store, doc)
    click.echo(f"{document['id']}  {document['title']}\n    {document['url']}")
    for version in versions:
        note = " (formatting only)" if version["formatting_only"] else ""
        summary = ", ".join(f"{k} {v}" for k, v in (version["summary"] or {}).items() if v)
        click.echo(f"  @{version['seq']}  {version['fetched_at'][:19]}{note}  {summary}")
    click.echo(f"diff two versions: regwatch diff {document['id']}@1 {document['id']}@{len(versions)}", err=True)


STATUS_COLUMNS = ("id", "name", "number", "status", "since", "by_title", "by_url", "effective", "expires", "url")


@click.command()
@config_option
@click.option("--at", help="Status on this date (YYYY-MM-DD); default today.")
@click.option("--repealed", is_flag=True, help="Only repealed rules.")
@click.option("--expiring", type=click.IntRange(0), help="Only rules whose validity ends within DAYS.")
@click.option("--format", "fmt", type=click.Choice(("text", "json", "csv")), default="text", show_default=True)
def status(config_path: str, at: str | None, repealed: bool, expiring: int | None, fmt: str) -> None:
    """Audit rules: status on a date, since when and because of which document."""
    from regwatch import api

    with api.opened(config_path) as (_, store):
        rows = api.status(store, at=at, repealed=repealed, expiring=expiring)
    if fmt == "json":
        click.echo(json.dumps([{k: r.get(k) for k in STATUS_COLUMNS} for r in rows], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=STATUS_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        for r in rows:
            by = f"  ← {r['by_title']}" if r.get("by_title") else ""
            click.echo(f"{r['status']:5} {r['since'] or '':10}  {r['name']}{by}")
