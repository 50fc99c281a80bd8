"""``regwatch init`` and ``regwatch demo``: a commented regwatch.toml, and the whole job on the
bundled offline mirror (thin wrappers over ``regwatch.api.init`` and ``regwatch.api.demo``)."""
from __future__ import annotations

import os

import click

# Paths stay strings here (no pathlib, a few ms): `regwatch --help` imports every command module.


@click.command()
@click.argument("path", default="regwatch.toml", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Overwrite PATH if it exists.")
def init(path: str, force: bool) -> None:
    """Write a commented regwatch.toml for the real sites.

    PATH (default ./regwatch.toml) watches every supported source kind; edit it, then `regwatch check`.
    """
    from regwatch import api

    written = api.init(path, force=force)
    config = "" if str(written) == api.DEFAULT_CONFIG else f" --config {written}"
    click.echo(f"wrote {written}; edit it, then: regwatch check{config}")


@click.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False), default="regwatch-demo",
              show_default=True, help="Where the demo's regwatch.toml, store and outbox go.")
@click.option("--force", is_flag=True, help="Replace the store an earlier demo left in --dir.")
def demo(directory: str, force: bool) -> None:
    """The whole job on the bundled offline mirror, end to end.

    One monitoring cycle at each of the mirror's states, digests as .eml files, then what was found.
    """
    from regwatch import api

    found = api.demo(directory, force=force, echo=click.echo)
    print_findings(found, directory)


def print_findings(found: dict, directory: str) -> None:
    echo = click.echo
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
    config = os.path.join(directory, "regwatch.toml")
    # Point at the most instructive diff: the amended rule with the most modified articles.
    example = max(found["changed"], key=lambda c: c[1].get("modified", 0))[2] if found["changed"] else 1
    echo("\nwhere to look next:")
    echo(f"  regwatch events --config {config}")
    echo(f"  regwatch status --config {config} --repealed")
    echo(f"  regwatch diff --config {config} {example}@1 {example}@2")
    echo(f"  regwatch serve --config {config}")
