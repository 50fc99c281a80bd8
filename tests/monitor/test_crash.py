"""kill -9 of `regwatch check` in the middle of a cycle: the store stays whole, and the next cycle
ends in exactly the state an uninterrupted run reaches."""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time

from mirror.server import MirrorServer
from monitor.config import load
from monitor.pipeline import run_cycle
from snapshots import Store

from test_pipeline_helpers import snapshot, write_config

CLI = [sys.executable, "-m", "regwatch"]


def versions_in(db) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=5)
    try:
        return conn.execute("SELECT count(*) FROM versions").fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0
    finally:
        conn.close()


def test_kill_9_mid_cycle_then_a_new_cycle_equals_an_uninterrupted_run(tmp_path):
    with MirrorServer(state=2) as mirror:
        crashed = load(write_config(tmp_path / "crashed", mirror.urls))
        # Slow pages so the kill lands mid-cycle, with documents still to come.
        mirror.set_fault("*", "/*", "slow", delay=0.15)
        child = subprocess.Popen([*CLI, "check", "--config", str(crashed.path)], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while versions_in(crashed.store) < 12 and time.monotonic() < deadline and child.poll() is None:
            time.sleep(0.05)
        assert child.poll() is None, child.stderr.read().decode()
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        mirror.clear_faults()
        interrupted_at = versions_in(crashed.store)

        conn = sqlite3.connect(crashed.store)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # Nothing half-written: every document has a version, every version its text, every event its rows.
        assert conn.execute("SELECT count(*) FROM documents d WHERE NOT EXISTS"
                            " (SELECT 1 FROM versions v WHERE v.document_id = d.id)").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM versions v LEFT JOIN blobs b ON b.sha256 = v.text_sha"
                            " WHERE b.sha256 IS NULL").fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == \
            conn.execute("SELECT count(*) FROM events WHERE kind = 'new_document'").fetchone()[0]
        conn.close()

        with Store(crashed.store) as store:
            assert run_cycle(crashed, store).ok
        whole = load(write_config(tmp_path / "whole", mirror.urls))
        with Store(whole.store) as store:
            assert run_cycle(whole, store).ok

    assert 0 < interrupted_at < versions_in(whole.store)
    assert snapshot(crashed.store) == snapshot(whole.store)
    conn = sqlite3.connect(crashed.store)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
