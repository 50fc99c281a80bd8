"""Commands that only read the store (or diff two files) start without the fetching stack:
requests, bs4 and soupsieve cost start-up time and are needed only to fetch and extract pages."""
from __future__ import annotations

import subprocess
import sys

import pytest

FETCHING = ("requests", "bs4", "soupsieve")

CONFIG = """[store]
path = "watch.db"

[[source]]
name = "gazette"
kind = "shanghai-gazette"
url = "http://127.0.0.1:9/nw2404/index.html"
options = { max_issues = 1 }
"""


@pytest.fixture
def workdir(tmp_path):
    (tmp_path / "regwatch.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "old.txt").write_text("第一条 为了规范管理，制定本办法。\n第二条 本办法自公布之日起施行。\n", encoding="utf-8")
    (tmp_path / "new.txt").write_text("第一条 为了加强管理，制定本办法。\n第二条 本办法自公布之日起施行。\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("args", [
    ["--help"],
    ["diff", "old.txt", "new.txt"],
    ["events", "--config", "regwatch.toml"],
    ["documents", "--config", "regwatch.toml"],
    ["status", "--config", "regwatch.toml"],
    ["subscriptions", "--config", "regwatch.toml"],
])
def test_read_only_commands_do_not_import_the_fetching_stack(workdir, args, modules_loaded_by):
    assert sorted(m for m in FETCHING if m in modules_loaded_by(args, workdir)) == []


def test_check_still_loads_and_validates_the_sources(workdir, modules_loaded_by):
    # The probe itself must be able to see the stack: a command that fetches imports it.
    (workdir / "regwatch.toml").write_text(CONFIG.replace("max_issues", "max_isues"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "regwatch", "check", "--config", "regwatch.toml"],
                          capture_output=True, text=True, cwd=workdir, timeout=120)
    assert done.returncode == 2 and "max_isues" in done.stderr and "Traceback" not in done.stderr
    assert "bs4" in modules_loaded_by(["check", "--config", "regwatch.toml"], workdir)
