"""``regwatch diff OLD NEW``: a thin click wrapper over ``regwatch.api.diff``.

Kept light on purpose (a cold run must take well under half a second): only the diff engine and
the input reader are imported for files; the store only for DOC@N.
"""
from __future__ import annotations

import sys

import click

from regwatch.commands.options import color_option, config_option, use_color

FORMATS = ("text", "md", "html", "json")


def render(result, fmt: str = "text", show_formatting: bool = False, color: bool = False) -> str:
    """A `DiffResult` as terminal text, Markdown, the standalone HTML 新旧对照表 or JSON."""
    from diffs.render import render_html, render_json, render_markdown, render_text

    if fmt == "json":
        return render_json(result)
    if fmt == "html":
        return render_html(result, standalone=True, show_formatting=show_formatting)
    if fmt == "md":
        return render_markdown(result)
    return render_text(result, color=color)


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output: terminal text, Markdown, the standalone HTML 新旧对照表, or JSON.")
@click.option("--show-formatting", is_flag=True,
              help="Also show articles whose only change is formatting (width, brackets, spaces).")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the texts differ, 0 when they do not (as git diff does).")
@color_option
@config_option
def diff(old: str, new: str, fmt: str, show_formatting: bool, exit_code: bool, color: str, config_path: str | None) -> None:
    """Clause-by-clause diff (新旧对照表) of two versions.

    OLD and NEW are files (text or Markdown in UTF-8, GBK or UTF-16; HTML; PDF; DOCX) or DOC@N,
    the N-th stored version of DOC (id, URL or title) in the store of --config.
    """
    from regwatch import api

    result = api.diff(old, new, config_path)
    colored = use_color(color)
    click.echo(render(result, fmt, show_formatting, color=colored), nl=False, color=colored)
    if exit_code and differs(result, show_formatting):
        sys.exit(1)


def differs(result, formatting: bool = False) -> bool:
    """Whether the texts differ as the diff shows them: a provision added, deleted, changed or
    renumbered, or the title; formatting-only changes count when they are shown."""
    return (result.old.title != result.new.title
            or any(p.status != "unchanged" or (formatting and p.formatting) for p in result.pairs))
