"""``regwatch ops / amend / validity``: thin click wrappers over ``regwatch.api.ops/amend/validity``."""
from __future__ import annotations

import json
import sys

import click

from regwatch.commands.options import config_option, format_option


@click.command()
@click.argument("decision")
@format_option("text", "json")
@config_option
def ops(decision: str, fmt: str, config_path: str | None) -> None:
    """Parse an amendment/repeal DECISION into operations per law.

    DECISION is a file (text, Markdown, HTML, PDF, DOCX) or DOC@N, a stored version.
    """
    from diffs.amendments.report import render_ops
    from regwatch import api

    parsed = api.ops(decision, config_path)
    if fmt == "json":
        click.echo(json.dumps(parsed.to_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(render_ops(parsed), nl=False)


@click.command()
@click.argument("decision")
@click.option("--base", required=True, help="The law's text before the decision (file or DOC@N).")
@click.option("--target", help="The law to consolidate (default: the base text's title).")
@click.option("--check", "republished", help="The republished text (file or DOC@N): print the discrepancies instead.")
@format_option("text", "json")
@click.option("--strict", is_flag=True, help="Exit 1 when an operation could not be applied.")
@config_option
def amend(decision: str, base: str, target: str | None, republished: str | None, fmt: str, strict: bool,
          config_path: str | None) -> None:
    """Apply DECISION to a base text; --check a republished text.

    Prints the consolidated text, or with --check where the republished text differs from it.

    DECISION and the texts are files (text, Markdown, HTML, PDF, DOCX) or DOC@N stored versions.
    """
    from diffs.amendments.report import render_discrepancies
    from regwatch import api

    result = api.amend(decision, base, target, republished, config_path)
    consolidation = result.consolidation
    if fmt == "json":
        payload = {"law": result.part.target, **consolidation.to_dict(),
                   "problems": [p.to_dict() for p in result.part.problems]}
        if result.discrepancies is not None:
            payload["discrepancies"] = [d.to_dict() for d in result.discrepancies]
        click.echo(json.dumps(payload, ensure_ascii=False, indent=1))
    elif result.discrepancies is not None:
        click.echo(render_discrepancies(result.discrepancies), nl=False)
    else:
        click.echo(consolidation.document.to_text(), nl=False)
    for problem in result.part.problems:
        click.echo(f"regwatch: unparsed: {problem.reason}", err=True)
    for op, reason in consolidation.failed:
        click.echo(f"regwatch: not applied: {op.describe()[:80]} — {reason}", err=True)
    if strict and (consolidation.failed or result.part.problems):
        sys.exit(1)


@click.command()
@click.argument("document")
@click.option("--at", "at", help="The date to give the status for (YYYY-MM-DD, default today).")
@format_option("text", "json")
@config_option
def validity(document: str, at: str | None, fmt: str, config_path: str | None) -> None:
    """Dates and status a DOCUMENT states; the rules it repeals.

    Also the rules it amends, and its status on --at.

    DOCUMENT is a file (text, Markdown, HTML, PDF, DOCX) or DOC@N, a stored version.
    """
    from diffs.amendments.report import render_validity
    from regwatch import api

    report = api.validity(document, at, config_path)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        click.echo(render_validity(report), nl=False)
