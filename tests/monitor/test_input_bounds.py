"""Careless and hostile input at the command line: each case used to end in a traceback (or a hang,
or a silently wrong port); each must now be one clear line and a non-zero exit."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from snapshots import Store

ROOT = Path(__file__).resolve().parents[2]
BIG = "99999999999999999999"   # 10^20: beyond SQLite's 64-bit integers
LAW = "上海市测试办法\n第一条　为了测试，制定本办法。\n第二条　本办法适用于本市。\n"


def regwatch(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "regwatch", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


@pytest.fixture(scope="module")
def home(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("bounds")
    (directory / "regwatch.toml").write_text('[store]\npath = "regwatch.db"\n', encoding="utf-8")
    with Store(directory / "regwatch.db") as store:
        store.save_version("test", "http://127.0.0.1/law.html", b"<html/>", LAW, {"title": "上海市测试办法"})
    (directory / "law.txt").write_text(LAW, encoding="utf-8")
    os.mkfifo(directory / "pipe.txt")
    return directory


@pytest.mark.parametrize("args, message", [
    (("history", BIG), f"no stored document '{BIG}'"),
    (("history", "²"), "no stored document '²'"),                       # a digit, but not an id
    (("diff", f"{BIG}@1", "1@1"), f"no stored document '{BIG}'"),
    (("diff", f"1@{BIG}", "1@1"), f"has versions 1..1, not {BIG}"),
    (("events", "--limit", BIG), "'--limit': 99999999999999999999 is not in the range 1<=x<=9223372036854775807"),
    (("status", "--expiring", BIG), "'--expiring': 99999999999999999999 is not in the range 0<=x<=36500"),
    (("outbox", "--retry", BIG), "'--retry': 99999999999999999999 is not in the range"),
    (("serve", "--port", "99999"), "'--port': 99999 is not in the range 0<=x<=65535"),
    (("diff", "pipe.txt", "law.txt"), "pipe.txt: is a named pipe, not a regular file"),
    (("ops", "pipe.txt"), "pipe.txt: is a named pipe, not a regular file"),
    (("events", "--config", "pipe.txt"), "pipe.txt: is a named pipe, not a regular file"),
])
def test_bad_input_is_one_clear_line_and_a_non_zero_exit(home, args, message):
    result = regwatch(*args, cwd=home)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr and len([l for l in result.stderr.splitlines() if l.strip()]) <= 3


def test_a_stored_version_within_range_still_diffs(home):
    result = regwatch("diff", "1@1", "law.txt", cwd=home)
    assert result.returncode == 0, result.stderr


def test_control_characters_in_a_search_query_are_spaces(tmp_path):
    with Store(tmp_path / "s.db") as store:
        store.save_version("test", "http://127.0.0.1/law.html", None, LAW, {"title": "上海市测试办法"})
        assert [hit["title"] for hit in store.search("适用于\x00本市")] == []          # two words now, not one phrase
        assert [hit["title"] for hit in store.search("\x00为了测试\x07")] == ["上海市测试办法"]
        assert store.search("\x00\x01") == []
