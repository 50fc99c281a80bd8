"""``regwatch ops / amend / validity``: thin click wrappers over ``diffs.amendments.report``."""
from __future__ import annotations

import datetime as dt
import json
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from diffs.errors import InputError, ParseError, RegwatchError

format_option = click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
                             show_default=True)


def read_document(path: str) -> str:
    """A file's text, UTF-8 or GBK (read as gb18030); InputError when missing, binary or empty."""
    from monitor.encoding import decode

    file = Path(path)
    if not file.is_file():
        raise InputError(f"{path}: no such file")
    text = decode(file.read_bytes(), what=path).text
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    return text


@contextmanager
def understood(what: str):
    """Never a traceback: an unforeseen failure reading a decision becomes one line and exit 2."""
    try:
        yield
    except (RegwatchError, click.exceptions.Exit, click.ClickException):
        raise
    except Exception as e:  # noqa: BLE001 - reported as one line, as every regwatch error is
        raise ParseError(f"{what}: could not be read ({type(e).__name__}: {str(e)[:80]})") from None


@click.command()
@click.argument("decision", type=click.Path(dir_okay=False))
@format_option
def ops(decision: str, fmt: str) -> None:
    """Parse an amendment/repeal DECISION into operations per law."""
    from diffs.amendments import parse_decision
    from diffs.amendments.report import render_ops

    with understood(decision):
        parsed = parse_decision(read_document(decision))
    if fmt == "json":
        click.echo(json.dumps(parsed.to_dict(), ensure_ascii=False, indent=1))
    else:
        click.echo(render_ops(parsed), nl=False)


@click.command()
@click.argument("decision", type=click.Path(dir_okay=False))
@click.option("--base", required=True, type=click.Path(dir_okay=False), help="The law's text before the decision.")
@click.option("--target", help="The law to consolidate (default: the base text's title).")
@click.option("--check", "republished", type=click.Path(dir_okay=False),
              help="The republished text: print the discrepancy report instead of the text.")
@format_option
@click.option("--strict", is_flag=True, help="Exit non-zero when an operation could not be applied.")
def amend(decision: str, base: str, target: str | None, republished: str | None, fmt: str, strict: bool) -> None:
    """Apply DECISION to the base text and print the consolidated text (or, with --check, the discrepancies)."""
    from diffs.amendments.report import consolidate, render_discrepancies

    with understood(decision):
        result = consolidate(read_document(decision), read_document(base), target,
                             read_document(republished) if republished else None)
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
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--at", "at", help="The date to give the status for (YYYY-MM-DD, default today).")
@format_option
def validity(file: str, at: str | None, fmt: str) -> None:
    """Dates and status FILE states about itself, and the rules it repeals or amends."""
    from diffs.amendments.report import render_validity, validity_report

    try:
        on = dt.date.fromisoformat(at) if at else None
    except ValueError:
        raise InputError(f"--at {at!r}: expected a date as YYYY-MM-DD") from None
    report = validity_report(read_document(file), on)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        click.echo(render_validity(report), nl=False)
