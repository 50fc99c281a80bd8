"""The ``regwatch`` command.

Subcommands are imported only when they run: ``regwatch diff`` must start cold in well under half a
second, so it must not pay for Flask, APScheduler or requests. Each command module is a thin click
wrapper over a Python function of the same name (the CLI and the Python API mirror each other).
"""
from __future__ import annotations

import importlib
import sys

import click

# name -> "module:attribute" of its click.Command, imported only when that command runs (or when
# `regwatch --help` lists them all). The help of each command is its function's docstring, written once.
COMMANDS: dict[str, str] = {
    "init": "regwatch.commands.setup:init",
    "demo": "regwatch.commands.setup:demo",
    "diff": "regwatch.commands.diff:diff",
    "ops": "regwatch.commands.decisions:ops",
    "amend": "regwatch.commands.decisions:amend",
    "validity": "regwatch.commands.decisions:validity",
    "mirror": "regwatch.commands.mirror:mirror",
    "run": "regwatch.commands.store:run",
    "check": "regwatch.commands.store:check",
    "events": "regwatch.commands.store:events",
    "documents": "regwatch.commands.store:documents",
    "history": "regwatch.commands.store:history",
    "status": "regwatch.commands.store:status",
    "import": "regwatch.commands.imports:import_",
    "repair": "regwatch.commands.repair:repair",
    "subscribe": "regwatch.commands.notify:subscribe",
    "subscriptions": "regwatch.commands.notify:subscriptions",
    "unsubscribe": "regwatch.commands.notify:unsubscribe",
    "digest": "regwatch.commands.notify:digest",
    "outbox": "regwatch.commands.notify:outbox",
    "serve": "regwatch.commands.serve:serve",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return None
        module, _, attr = COMMANDS[name].partition(":")
        return getattr(importlib.import_module(module), attr)


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
        sys.exit(e.exit_code)
