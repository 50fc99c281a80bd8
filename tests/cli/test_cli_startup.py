"""Cold start (issue 14): `regwatch diff` of two files and `regwatch --help` load only what they use.

Checked in a fresh interpreter by the modules it ends up with: a diff needs the diff engine and the
file reader, never the store, the fetching stack, the amendments engine or the validity rules.
"""
from __future__ import annotations

import pytest

NEVER_FOR_A_DIFF = (
    "snapshots.store", "sqlite_utils", "sqlite3",              # the store (files only: no DOC@N)
    "requests", "bs4", "soupsieve", "monitor.extract",         # fetching and extracting pages
    "diffs.amendments", "diffs.validity", "diffs.rulefacts",   # what texts mean for rules
    "diffs.identity", "diffs.docnumbers",
    "monitor.pipeline", "monitor.config", "notify", "review", "flask", "apscheduler",
)


@pytest.fixture
def pair(tmp_path):
    (tmp_path / "old.txt").write_text("第一条 为了规范管理，制定本办法。\n第二条 本办法自公布之日起施行。\n", encoding="utf-8")
    (tmp_path / "new.txt").write_text("第一条 为了加强管理，制定本办法。\n第二条 本办法自公布之日起施行。\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_diff_of_two_files_imports_only_the_diff(pair, fmt, modules_loaded_by):
    loaded = modules_loaded_by(["diff", "old.txt", "new.txt", "--format", fmt], pair)
    assert {"diffs.compare", "diffs.structure", "diffs.render", "monitor.inputs"} <= loaded   # the probe sees
    assert sorted(m for m in loaded if m.startswith(NEVER_FOR_A_DIFF)) == []
    # Only the diff command's own module: the other commands are imported when they run.
    assert sorted(m for m in loaded if m.startswith("regwatch.commands.")) == ["regwatch.commands.diff",
                                                                              "regwatch.commands.options"]


def test_top_level_help_imports_no_library(pair, modules_loaded_by):
    loaded = modules_loaded_by(["--help"], pair)
    assert "regwatch.commands.diff" in loaded                  # every command's help is read
    assert sorted(m for m in loaded if m.split(".")[0] in ("diffs", "rapidfuzz", "fast_diff_match_patch")
                  or m.startswith(NEVER_FOR_A_DIFF)) == []
