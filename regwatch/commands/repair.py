"""``regwatch repair``: re-examine stored histories for error pages stored as versions."""
from __future__ import annotations

import click

from regwatch.commands.options import config_option, echo_json, format_option


@click.command()
@config_option
@click.option("--dry-run", is_flag=True, help="Report what would be flagged or reverted; change nothing.")
@format_option("text", "json")
def repair(config_path: str | None, dry_run: bool, fmt: str) -> None:
    """Re-examine histories for error pages stored as versions.

    Flags stored versions that look like error or placeholder pages (系统繁忙, 页面不存在…) and, where
    the page has since shown an earlier text again, records that text as a new version (a revert)."""
    from regwatch import api

    with api.opened(config_path) as (_, store):
        findings = api.repair(store, dry_run=dry_run)
    if fmt == "json":
        echo_json(findings)
        return
    for f in findings:
        why = f"  ({'; '.join(f['reasons'])})" if f["reasons"] else ""
        click.echo(f"{f['document_id']:>5}@{f['seq']:<3} {f['action']:15} {f['title'] or ''}{why}")
    click.echo(f"{len(findings)} finding(s){' (dry run: nothing changed)' if dry_run else ''}", err=True)
