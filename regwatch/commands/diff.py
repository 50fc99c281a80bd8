"""``regwatch diff OLD NEW``: clause-by-clause diff of two versions as text, Markdown, HTML or JSON.

Kept light on purpose (a cold run must take well under half a second): only the diff engine and
the decoder are imported.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from diffs.errors import InputError

FORMATS = ("text", "md", "html", "json")
_PARSE_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".txt": "text"}
# Control characters other than tab/newline/CR/form feed: text documents have none, binaries many.
_CONTROL = {c for c in range(32) if c not in (9, 10, 12, 13)} | {127}


def resolve_input(arg: str, config_path: str = "regwatch.toml") -> tuple[str, str]:
    """(label, text) of one OLD/NEW argument: a .txt, .md or .html file in UTF-8 or GBK, a PDF, or
    DOC@N, the N-th stored version of a document in the store `config_path` names.

    Raises InputError (missing, unreadable, empty, binary or undecodable file; unknown DOC or N).
    """
    from monitor.encoding import decode, ensure_regular_file

    path = Path(arg)
    if not path.exists() and "@" in arg:
        from regwatch.api import stored_input  # the store only when asked: keeps file diffs cold-fast

        stored = stored_input(config_path, arg)
        if stored is not None:
            return stored
    ensure_regular_file(path)
    try:
        data = path.read_bytes()
    except OSError as e:
        raise InputError(f"{arg}: cannot read: {e.strerror or e}") from e
    if not data.strip():
        raise InputError(f"{arg}: the file is empty")
    if data.startswith(b"%PDF-"):
        from monitor.extract import extract_pdf   # pdfium is paid for by PDF input only

        return path.name, extract_pdf(data).text
    text = decode(data, what=arg).text
    if sum(ord(c) in _CONTROL for c in text[:4096]) > len(text[:4096]) // 100:
        raise InputError(f"{arg}: looks like a binary file, not a text document")
    if not text.strip():
        raise InputError(f"{arg}: the file has no text")
    return path.name, text


def parse_format(arg: str) -> str:
    """The structure.parse format a file name suggests (auto when its suffix says nothing)."""
    return _PARSE_FORMATS.get(Path(arg).suffix.lower(), "auto")


def render_diff(old: str, new: str, fmt: str = "text", show_formatting: bool = False,
                color: bool = False, config_path: str = "regwatch.toml") -> str:
    """The diff of two arguments (see :func:`resolve_input`) rendered as ``fmt``."""
    from diffs.compare import compare
    from diffs.render import render_html, render_json, render_markdown, render_text
    from diffs.structure import parse

    if fmt not in FORMATS:
        raise InputError(f"unknown output format {fmt!r}: expected one of {', '.join(FORMATS)}")
    (_, old_text), (_, new_text) = resolve_input(old, config_path), resolve_input(new, config_path)
    result = compare(parse(old_text, parse_format(old)), parse(new_text, parse_format(new)))
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
@click.option("--config", "config_path", default="regwatch.toml", show_default=True, type=click.Path(dir_okay=False),
              help="regwatch.toml of the store that DOC@N versions are read from.")
def diff(old: str, new: str, fmt: str, show_formatting: bool, config_path: str) -> None:
    """Clause-by-clause diff of two versions of a document (files: .txt, .md, .html, .pdf; or DOC@N stored versions)."""
    click.echo(render_diff(old, new, fmt, show_formatting, color=sys.stdout.isatty(), config_path=config_path),
               nl=False)
