"""`regwatch demo`: the README's main job on the bundled offline mirror, end to end."""
from __future__ import annotations

import email
import sqlite3

from click.testing import CliRunner

from regwatch.cli import cli


def test_demo_runs_the_whole_job_and_says_where_to_look(tmp_path):
    directory = tmp_path / "demo"
    result = CliRunner().invoke(cli, ["demo", "--dir", str(directory)])
    assert result.exit_code == 0, result.output
    out = result.output
    for state in range(4):
        assert f"state {state}:" in out
    assert "上海市音像制品管理条例  ← 上海市人民代表大会常务委员会关于修改" in out
    assert "rules repealed:" in out and "上海市人民政府关于修改和废止部分市政府规章的决定" in out
    assert "formatting-only version(s), no alert" in out and "pages gone" in out
    assert f"regwatch events --config {directory / 'regwatch.toml'}" in out and "regwatch serve" in out

    conn = sqlite3.connect(directory / "regwatch.db")
    kinds = dict(conn.execute("SELECT kind, count(*) FROM events GROUP BY kind").fetchall())
    assert kinds["new_document"] >= 40 and kinds["amended"] >= 5 and kinds["repealed"] >= 17
    # No rule "repeals" itself when a new edition replaces the old one of the same name.
    assert not conn.execute("SELECT 1 FROM events e JOIN rules r ON r.id = e.rule_id WHERE e.kind = 'repealed'"
                            " AND json_extract(e.payload, '$.by') = r.name").fetchone()
    emls = sorted((directory / "outbox").glob("*.eml"))
    assert len(emls) == 2
    legal = [email.message_from_bytes(p.read_bytes()) for p in emls]
    assert {m["To"] for m in legal} == {"legal@example.com", "watch@example.com"}

    refused = CliRunner().invoke(cli, ["demo", "--dir", str(directory)])  # the store is there: not replaced
    assert refused.exit_code != 0 and "--force" in str(refused.exception)
    again = CliRunner().invoke(cli, ["demo", "--dir", str(directory), "--force"])  # a fresh store, same story
    assert again.exit_code == 0 and again.output.count("rules amended") == 1
