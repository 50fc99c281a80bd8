"""Options and output helpers every command shares: --config, --format, --color, JSON output."""
from __future__ import annotations

import dataclasses
import os
import sys
from typing import Any, TextIO

import click

# No default value: a hint printed by a command repeats --config only when the user gave one.
config_option = click.option("--config", "config_path", type=click.Path(dir_okay=False),
                             help="The regwatch.toml to use (default: ./regwatch.toml).")
color_option = click.option("--color", type=click.Choice(("auto", "always", "never")), default="auto",
                            show_default=True, help="Colour the output; auto: on a terminal, unless NO_COLOR is set.")


def format_option(*formats: str):
    return click.option("--format", "fmt", type=click.Choice(formats), default=formats[0], show_default=True,
                        help="Output: " + ", ".join(formats) + " (json: one JSON document for scripts).")


def use_color(mode: str, stream: TextIO | None = None) -> bool:
    """Whether to colour: --color always/never decide; auto colours a terminal unless NO_COLOR
    (https://no-color.org: any non-empty value) is set."""
    if mode != "auto":
        return mode == "always"
    stream = stream or sys.stdout
    return not os.environ.get("NO_COLOR") and stream.isatty()


def echo_json(data: Any) -> None:
    import json     # only JSON output pays for it, not `regwatch --help` (which imports every command)

    click.echo(json.dumps(_plain(data), ensure_ascii=False, indent=2, default=str))


def _plain(data: Any) -> Any:
    if dataclasses.is_dataclass(data) and not isinstance(data, type):
        return dataclasses.asdict(data)
    if isinstance(data, (list, tuple)):
        return [_plain(item) for item in data]
    if isinstance(data, dict):
        return {key: _plain(value) for key, value in data.items()}
    return data
