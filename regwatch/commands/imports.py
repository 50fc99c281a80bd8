"""`regwatch import FILE... --source NAME [--title T]`: a thin click wrapper over regwatch.api.import_."""
from __future__ import annotations

import click

from regwatch.commands.options import config_option


@click.command(name="import")
@config_option
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--source", required=True, help="Source name the texts belong to (e.g. npc-laws).")
@click.option("--title", help="Title of the document (default: read from each file, else its name).")
def import_(config_path: str | None, files: tuple[str, ...], source: str, title: str | None) -> None:
    """Import texts you obtained yourself as document versions.

    FILES are .docx, .pdf, .html or .txt.
    For sites whose robots.txt forbids crawling (flk.npc.gov.cn forbids all of it): download the
    text yourself, then import it. Files are imported in the order given, oldest first; each is
    diffed against the document's previous version and raises the same events as a fetched page.
    """
    from regwatch import api

    with api.opened(config_path, create=True) as (_, store):
        results = api.import_(store, list(files), source, title)
    for result in results:
        click.echo(f"{result['outcome']:10} {result['title']} (document {result['document_id']}) from {result['file']}")
