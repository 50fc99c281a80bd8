"""The shape of the code, checked: each command's help is written once (its docstring) and the
README's command table lists exactly the commands there are (as sqlite-utils' docs tests do); no SQL
outside snapshots/; imports point the one way docs/ARCHITECTURE.md says."""
from __future__ import annotations

import ast
import inspect
import keyword
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from regwatch.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("diffs", "snapshots", "monitor", "notify", "review", "mirror", "regwatch")


def command(name: str) -> click.Command:
    return cli.get_command(click.Context(cli), name)


def readme_commands() -> set[str]:
    """The commands named in the first column of the README's table under "## Commands"."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|")[1] for line in section.splitlines() if line.startswith("| `regwatch")]
    return {name for row in rows for name in re.findall(r"`regwatch ([a-z]+)", row)}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_is_the_docstring_written_once(name):
    cmd = command(name)
    doc = inspect.getdoc(cmd.callback)
    assert doc and len(doc.splitlines()[0]) <= 62, f"{name}: a docstring whose first line fits `regwatch --help`"
    assert inspect.cleandoc(cmd.help or "") == doc, f"{name}: help given apart from the docstring"
    for param in cmd.params:
        if isinstance(param, click.Option):
            assert param.help, f"regwatch {name} {param.opts[0]} has no help"


def api_name(command: str) -> str:
    """The regwatch.api function of a command: its name, with PEP 8's trailing _ for a keyword (import_)."""
    return command + "_" if keyword.iskeyword(command) else command


def test_each_command_has_its_python_function():
    from regwatch import api

    missing = [name for name in COMMANDS if not callable(getattr(api, api_name(name), None))]
    assert missing == [], "regwatch.api has no function for these commands"
    for name in COMMANDS:
        assert inspect.getdoc(getattr(api, api_name(name))), f"regwatch.api.{api_name(name)} has no docstring"


def test_readme_table_lists_every_command_and_no_other():
    documented = readme_commands()
    assert documented - set(COMMANDS) == set(), "the README names commands that do not exist"
    assert set(COMMANDS) - documented == set(), "commands missing from the README's table"


def test_top_level_help_shows_each_docstring():
    out = subprocess.run([sys.executable, "-m", "regwatch", "--help"], capture_output=True, text=True,
                         timeout=60, cwd=ROOT).stdout
    for name in COMMANDS:
        first = inspect.getdoc(command(name).callback).splitlines()[0]
        assert re.search(rf"^\s+{name}\s+{re.escape(first)}$", out, re.M), name


# SQL statements as they appear in string literals, and the store's connection used directly.
SQL = re.compile(r"\b(SELECT\b[^\n]*\bFROM|INSERT (OR \w+ )?INTO|UPDATE \w+ SET|DELETE FROM|"
                 r"CREATE (TABLE|INDEX|VIRTUAL TABLE|TRIGGER)|DROP TABLE|ALTER TABLE|PRAGMA)\b")
RAW_ACCESS = re.compile(r"\.conn\.execute|\.db\.execute|\.executemany\(|\.db\[")
# Files still holding SQL outside snapshots/. This list only shrinks: a file that no longer has SQL
# must leave it (the stale-entry test fails otherwise).
SQL_ALLOWED: set[str] = set()


def sql_offenders() -> set[str]:
    found = set()
    for package in PACKAGES:  # the program; bench/ scripts read their own stores as they like
        if package == "snapshots":
            continue
        for path in (ROOT / package).rglob("*.py"):
            if "archive" in path.parts:
                continue
            text = path.read_text(encoding="utf-8")
            if SQL.search(text) or RAW_ACCESS.search(text):
                found.add(path.relative_to(ROOT).as_posix())
    return found


def test_no_sql_outside_snapshots():
    assert sql_offenders() - SQL_ALLOWED == set(), "SQL belongs in snapshots/ (add a Store method)"


def test_sql_allow_list_has_no_stale_entries():
    assert SQL_ALLOWED - sql_offenders() == set(), "these files have no SQL any more: remove them from SQL_ALLOWED"


# Which packages each package may import (docs/ARCHITECTURE.md, "Packages and the direction of imports").
MAY_IMPORT = {
    "diffs": set(),
    "mirror": set(),
    "snapshots": {"diffs"},
    "notify": {"snapshots", "diffs"},
    "review": {"snapshots", "diffs"},
    "monitor": {"snapshots", "diffs", "notify"},
    "regwatch": set(PACKAGES) - {"regwatch"},
}


def test_imports_point_one_way():
    wrong = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "archive" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    modules = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    modules = [node.module]
                else:
                    continue
                for module in modules:
                    top = module.split(".")[0]
                    if top in PACKAGES and top != package and top not in MAY_IMPORT[package]:
                        wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []
