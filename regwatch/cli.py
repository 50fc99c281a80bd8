"""The ``regwatch`` command.

Subcommands are imported only when they run: ``regwatch diff`` must start cold in well under half a
second, so it must not pay for Flask, APScheduler or requests. Each command module is a thin click
wrapper over a Python function of the same name (the CLI and the Python API mirror each other).
"""
from __future__ import annotations

import importlib
import sys

import click

# name -> ("module:attribute" of a click.Command, one-line help). The module is imported on first
# use only, and `regwatch --help` lists commands from this table without importing any of them.
COMMANDS: dict[str, tuple[str, str]] = {
    "diff": ("regwatch.commands.diff:diff", "Clause-by-clause diff of two versions (files or DOC@N)."),
    "ops": ("regwatch.commands.decisions:ops", "Parse an amendment/repeal decision into operations."),
    "amend": ("regwatch.commands.decisions:amend", "Apply a decision to a base text; --check against the republished text."),
    "validity": ("regwatch.commands.decisions:validity", "Dates and status a document states, and the rules it repeals."),
    "mirror": ("regwatch.commands.mirror:mirror", "Serve the bundled offline mirror of the gazette sites on 127.0.0.1."),
    "run": ("regwatch.commands.store:run", "Run the scheduler daemon over the configured sources."),
    "check": ("regwatch.commands.store:check", "Run one monitoring cycle now."),
    "events": ("regwatch.commands.store:events", "List recorded events."),
    "documents": ("regwatch.commands.store:documents", "List stored documents."),
    "history": ("regwatch.commands.store:history", "List the versions of one document."),
    "status": ("regwatch.commands.store:status", "Audit rules: status on a date, repealed, expiring."),
    "subscribe": ("regwatch.commands.notify:subscribe", "Add a subscription."),
    "subscriptions": ("regwatch.commands.notify:subscriptions", "List subscriptions."),
    "unsubscribe": ("regwatch.commands.notify:unsubscribe", "Remove a subscription."),
    "digest": ("regwatch.commands.notify:digest", "Compose digests now and send them (or --dry-run)."),
    "outbox": ("regwatch.commands.notify:outbox", "Show pending, sent and failed messages."),
    "serve": ("regwatch.commands.serve:serve", "Serve the review web UI."),
    "demo": ("regwatch.commands.demo:demo", "The whole job on the bundled offline mirror, end to end."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, _, attr = COMMANDS[name][0].partition(":")
        return getattr(importlib.import_module(module), attr)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Commands"):
            formatter.write_dl([(name, COMMANDS[name][1]) for name in sorted(COMMANDS)])


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="regwatch")
def cli() -> None:
    """regwatch — monitor Chinese government gazettes and diff regulations clause by clause."""


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as e:
        e.show()
        sys.exit(e.exit_code)
    except click.exceptions.Exit as e:
        sys.exit(e.exit_code)
    except Exception as e:
        # Imported only now: `regwatch --help` must not pay for the diffs package.
        from diffs.errors import RegwatchError

        if not isinstance(e, RegwatchError):
            raise
        # One clear line on stderr, never a traceback, for errors regwatch understands.
        click.echo(f"regwatch: error: {e}", err=True)
        sys.exit(getattr(e, "exit_code", 2))
