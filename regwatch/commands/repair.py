"""``regwatch repair``: re-examine stored histories for error pages stored as versions."""
from __future__ import annotations

import json

import click

from regwatch.commands.store import config_option


@click.command()
@config_option
@click.option("--dry-run", is_flag=True, help="Report what would be flagged or reverted; change nothing.")
@click.option("--format", "fmt", type=click.Choice(("text", "json")), default="text", show_default=True)
def repair(config_path: str, dry_run: bool, fmt: str) -> None:
    """Flag stored versions that look like error pages; record reverts to the text the page shows again."""
    from regwatch import api

    with api.opened(config_path) as (_, store):
        findings = api.repair(store, dry_run=dry_run)
    if fmt == "json":
        click.echo(json.dumps(findings, ensure_ascii=False, indent=2))
        return
    for f in findings:
        why = f"  ({'; '.join(f['reasons'])})" if f["reasons"] else ""
        click.echo(f"{f['document_id']:>5}@{f['seq']:<3} {f['action']:15} {f['title'] or ''}{why}")
    click.echo(f"{len(findings)} finding(s){' (dry run: nothing changed)' if dry_run else ''}", err=True)
