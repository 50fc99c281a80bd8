"""The store commands as a user runs them: `regwatch check` as a process (exit codes 0/1/2), the
audit commands through click, all against one store filled from the offline mirror."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from diffs.errors import InputError
from mirror.server import MirrorServer
from regwatch.cli import cli

from test_pipeline_helpers import write_config

CLI = [sys.executable, "-m", "regwatch"]


def regwatch(*args, cwd=None):
    return subprocess.run([*CLI, *args], capture_output=True, text=True, cwd=cwd, timeout=300)


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    """A store after `regwatch check` at mirror states 0 and 3, and the exit codes seen."""
    directory = tmp_path_factory.mktemp("commands")
    with MirrorServer(state=0) as mirror:
        config = write_config(directory, mirror.urls)
        runs = {"first": regwatch("check", "--config", str(config))}
        mirror.set_state(3)
        runs["story"] = regwatch("check", "--config", str(config))
        mirror.set_fault("www.gov.cn", "/gongbao/*", "layout")
        runs["broken"] = regwatch("check", "--config", str(config), "--source", "gov-gongbao")
    yield config, runs


def invoke(*args):
    result = CliRunner().invoke(cli, list(args), catch_exceptions=True)
    return result


def test_check_exit_codes_and_summary(filled, tmp_path):
    config, runs = filled
    assert runs["first"].returncode == 0, runs["first"].stderr
    assert "ok          shanghai-gazette:" in runs["first"].stdout and "0 of 5 source(s) failed" in runs["first"].stdout
    assert runs["broken"].returncode == 1 and "FAILED gov-gongbao:" in runs["broken"].stdout
    assert "1 of 1 source(s) failed" in runs["broken"].stdout
    (tmp_path / "regwatch.toml").write_text('[store]\npath = "x.db"\n[[source]]\nname = "a"\n', encoding="utf-8")
    bad = regwatch("check", cwd=tmp_path)  # --config defaults to ./regwatch.toml
    assert bad.returncode == 2 and bad.stderr.startswith("regwatch: error: ") and "'kind'" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1
    unknown = regwatch("check", "--config", str(config), "--source", "nope")
    assert unknown.returncode == 2 and "no [[source]] named 'nope'" in unknown.stderr


def test_events_json_objects(filled):
    config, _ = filled
    result = invoke("events", "--config", str(config), "--format", "json")
    rows = json.loads(result.output)
    assert rows and all({"kind", "at", "document", "url"} <= set(r) for r in rows)
    assert [r["at"] for r in rows] == sorted((r["at"] for r in rows), reverse=True)
    repealed = json.loads(invoke("events", "--config", str(config), "--kind", "repealed", "--format", "json").output)
    assert repealed and all(r["kind"] == "repealed" and r["rule"] and r["by"] and r["effective"] for r in repealed)
    assert json.loads(invoke("events", "--config", str(config), "--since", "2999-01-01", "--format", "json").output) == []
    text = invoke("events", "--config", str(config), "--kind", "amended")
    assert "amended" in text.output and "←" in text.output
    bad = invoke("events", "--config", str(config), "--since", "yesterday")
    assert isinstance(bad.exception, InputError) and "--since" in str(bad.exception)


def test_status_audit_formats_and_dates(filled):
    config, _ = filled
    rows = json.loads(invoke("status", "--config", str(config), "--repealed", "--format", "json",
                             "--at", "2030-01-01").output)
    assert rows and all(r["status"] == "已废止" and r["by_title"] and r["since"] for r in rows)
    rule = rows[0]
    before = json.loads(invoke("status", "--config", str(config), "--format", "json", "--at", "2000-01-01").output)
    assert {r["name"]: r["status"] for r in before}[rule["name"]] != "已废止"
    table = list(csv.DictReader(io.StringIO(invoke("status", "--config", str(config), "--format", "csv",
                                                   "--at", "2030-01-01").output)))
    assert {r["name"]: r["status"] for r in table}[rule["name"]] == "已废止"
    assert set(table[0]) >= {"name", "status", "since", "by_title", "by_url"}


def test_documents_history_and_stored_version_diff(filled):
    config, _ = filled
    listing = invoke("documents", "--config", str(config)).output
    assert "上海市音像制品管理条例" in listing and "[gone]" in listing
    history = invoke("history", "--config", str(config), "上海市音像制品管理条例")
    assert "@1" in history.output and "@2" in history.output and "modified" in history.output
    document_id = history.output.split()[0]
    diff = invoke("diff", "--config", str(config), f"{document_id}@1", f"{document_id}@2", "--format", "json")
    assert json.loads(diff.output)["summary"]["modified"] >= 1
    missing = invoke("diff", "--config", str(config), f"{document_id}@1", f"{document_id}@7")
    assert isinstance(missing.exception, InputError) and "versions 1..2" in str(missing.exception)
    unknown = invoke("history", "--config", str(config), "没有这个文件")
    assert isinstance(unknown.exception, InputError)
