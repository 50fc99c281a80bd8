"""`regwatch run/check/events/documents/history/status`: thin click wrappers over regwatch.api."""
from __future__ import annotations

import sys

import click

from regwatch.commands.options import color_option, config_option, echo_json, format_option, use_color

# Beyond this a limit means nothing more than "all"; SQLite cannot take it.
MAX_LIMIT = 2**63 - 1
# A century: rules expiring later than that are not "expiring"; dates beyond year 9999 do not exist.
MAX_DAYS = 36_500
OUTCOME_ORDER = ("new", "changed", "formatting", "suspect", "unchanged", "not_modified", "gone", "skipped", "error")


@click.command()
@config_option
def run(config_path: str | None) -> None:
    """Run the scheduler daemon (Ctrl-C or SIGTERM to stop).

    Each source runs on its schedule; digests that are due go out after each run.
    """
    import logging

    from regwatch import api

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    config = api.load_config(config_path, check_sources=True)
    click.echo(f"regwatch run: {len(config.sources)} source(s), store {config.store}; Ctrl-C to stop", err=True)

    def scheduled(source: str, next_run) -> None:
        when = api.shanghai_time(next_run) if next_run else "not scheduled"
        click.echo(f"regwatch run: {source}: next run {when}", err=True)

    api.run(config, on_schedule=scheduled)


@click.command()
@config_option
@click.option("--source", help="Only this source (its name in regwatch.toml).")
@format_option("text", "json")
@color_option
def check(config_path: str | None, source: str | None, fmt: str, color: str) -> None:
    """Run one monitoring cycle now.

    Exit 0 when every source succeeded, 1 when some failed, 2 on configuration or store errors.
    """
    from regwatch import api

    with api.opened(config_path, create=True, check_sources=True) as (config, store):
        progress = _progress_bar() if sys.stderr.isatty() and fmt == "text" else None
        report = api.check(config, store, source=source, progress=progress)
    if fmt == "json":
        echo_json({"ok": report.ok, **_plain_report(report)})
    else:
        colored = use_color(color)
        for line in summary_lines(report):
            style = "red" if line.startswith(("FAILED", "SOME FAILED")) else "green" if line.startswith("ok") else None
            click.echo(click.style(line, fg=style) if colored and style else line, color=colored)
    sys.exit(0 if report.ok else 1)


def _plain_report(report) -> dict:
    import dataclasses

    plain = dataclasses.asdict(report)
    for source, row in zip(report.sources, plain["sources"]):
        row["ok"] = source.ok
    return plain


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
            lines += [f"            page skipped: {problem}" for problem in source.problems[:5]]
    state = "interrupted" if report.interrupted else "done"
    lines.append(f"cycle {state} in {report.elapsed:.1f}s: {report.events} new event(s); "
                 f"{sum(not s.ok for s in report.sources)} of {len(report.sources)} source(s) failed")
    return lines


@click.command()
@config_option
@click.option("--since", help="Only events at or after this date (YYYY-MM-DD).")
@click.option("--kind", help="Only this kind: new_document, new_version, amended, repealed, expiring, expired, "
                             "source_error, suspect_version.")
@click.option("--source", help="Only events of this source.")
@click.option("--limit", type=click.IntRange(1, MAX_LIMIT), help="At most this many (newest first).")
@format_option("text", "json")
def events(config_path: str | None, since: str | None, kind: str | None, source: str | None, limit: int | None,
           fmt: str) -> None:
    """List recorded events, newest first."""
    from regwatch import api

    with api.opened(config_path) as (_, store):
        rows = api.events(store, since=since, kind=kind, source=source, limit=limit)
    if fmt == "json":
        echo_json(rows)
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
@format_option("text", "json")
def documents(config_path: str | None, source: str | None, fmt: str) -> None:
    """List stored documents: id, versions, source, title."""
    from regwatch import api

    with api.opened(config_path) as (_, store):
        rows = api.documents(store, source)
    if fmt == "json":
        echo_json(rows)
        return
    for row in rows:
        gone = "  [gone]" if row["gone_at"] else ""
        click.echo(f"{row['id']:>5}  v{row['versions']:<3} {row['source']:18} {row['title'] or row['url']}{gone}")
    if not rows:
        click.echo(f"no documents yet; fetch them with `{api.hint('check', config_path)}`", err=True)


@click.command()
@config_option
@click.argument("doc")
@format_option("text", "json")
def history(config_path: str | None, doc: str, fmt: str) -> None:
    """List the versions of one document (DOC: id, URL or title)."""
    from regwatch import api

    with api.opened(config_path) as (_, store):
        document, versions = api.history(store, doc, config_path)
    if fmt == "json":
        echo_json({"document": document, "versions": versions})
        return
    click.echo(f"{document['id']}  {document['title']}\n    {document['url']}")
    flagged = {s["version_id"]: s for s in document["suspects"] if s["version_id"] and s["status"] != "confirmed"}
    for version in versions:
        note = " (formatting only)" if version["formatting_only"] else ""
        if version["id"] in flagged:
            note += f" (suspect: {'; '.join(flagged[version['id']]['reasons'])})"
        summary = ", ".join(f"{k} {v}" for k, v in (version["summary"] or {}).items() if v)
        legal = version["legal"]
        known_as = f"{legal['date']} {legal['label']}" if legal["date"] else "legal date unknown"
        click.echo(f"  @{version['seq']}  {known_as:16} (fetched {version['fetched_at'][:19]}){note}  {summary}")
    for held in document["suspects"]:
        if held["version_id"] is None or held["status"] == "confirmed":
            click.echo(f"  suspect text {held['status']}, fetched {held['held_at'][:19]}: {held['title'] or ''}"
                       f"  ({'; '.join(held['reasons'])})")
    if len(versions) > 1:
        versions_pair = f"diff {document['id']}@1 {document['id']}@{len(versions)}"
        click.echo(f"diff two versions: {api.hint(versions_pair, config_path)}", err=True)


STATUS_COLUMNS = ("id", "name", "number", "status", "since", "by_title", "by_url", "effective", "expires", "url",
                  "cause", "pending", "amendments")


@click.command()
@config_option
@click.option("--at", help="Status on this date (YYYY-MM-DD); default today.")
@click.option("--repealed", is_flag=True, help="Only repealed rules.")
@click.option("--expiring", type=click.IntRange(0, MAX_DAYS), help="Only rules whose validity ends within DAYS.")
@format_option("text", "json", "csv")
def status(config_path: str | None, at: str | None, repealed: bool, expiring: int | None, fmt: str) -> None:
    """Audit rules: status on a date, since when and why.

    Each rule's status (现行有效, 已被修改, 已废止, 已失效, 尚未施行) and the document that caused it.
    """
    from regwatch import api

    with api.opened(config_path) as (_, store):
        rows = api.status(store, at=at, repealed=repealed, expiring=expiring)
        if fmt == "csv":
            from snapshots.tables import rules_csv   # the web UI's /audit.csv: the same columns, BOM and all

            click.echo(rules_csv(rows), nl=False)
            return
    if fmt == "json":
        echo_json([{k: r.get(k) for k in STATUS_COLUMNS} for r in rows])
    else:
        for r in rows:
            click.echo(f"{r['status']:5} {r['since'] or '':10}  {r['name']}  — {r['cause']}")
