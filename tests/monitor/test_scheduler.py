"""The daemon: one job per source with catch-up, the lock against a second `regwatch run`, and a
clean exit on SIGTERM in the middle of a cycle."""
from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from diffs.errors import StoreError
from mirror.server import MirrorServer
from monitor.config import load, parse_schedule
from monitor.scheduler import CST, MISFIRE_GRACE, build_scheduler, catch_up_due, run, run_lock

from test_pipeline_helpers import write_config

CLI = [sys.executable, "-m", "regwatch"]


class FakeSource:  # only the schedule matters to catch_up_due
    def __init__(self, schedule):
        self.schedule = parse_schedule(schedule)


def test_catch_up_after_downtime():
    now = datetime(2025, 3, 15, 9, 0, tzinfo=CST)
    assert catch_up_due(FakeSource("6h"), None, now)
    assert catch_up_due(FakeSource("6h"), (now - timedelta(hours=7)).isoformat(), now)
    assert not catch_up_due(FakeSource("6h"), (now - timedelta(hours=1)).isoformat(), now)
    daily = FakeSource("0 8 * * *")
    assert catch_up_due(daily, datetime(2025, 3, 14, 8, 5, tzinfo=CST).isoformat(), now)  # missed today's 08:00
    assert not catch_up_due(daily, datetime(2025, 3, 15, 8, 1, tzinfo=CST).astimezone(timezone.utc).isoformat(), now)


def test_one_job_per_source_with_jitter_coalescing_and_catch_up(tmp_path):
    config = load(write_config(tmp_path, {"www.shanghai.gov.cn": "http://127.0.0.1:9", "www.gov.cn": "http://127.0.0.1:9"}))
    now = datetime.now(timezone.utc)
    last_runs = {"shanghai-gazette": now.isoformat()}  # ran just now; the others never ran
    scheduler = build_scheduler(config, lambda name: None, last_runs, now=now)
    scheduler.start(paused=True)  # paused: next run times are computed, nothing runs
    jobs = {job.id: job for job in scheduler.get_jobs()}
    scheduler.shutdown(wait=False)
    assert set(jobs) == {s.name for s in config.sources}
    for name, job in jobs.items():
        assert job.coalesce and job.max_instances == 1 and job.misfire_grace_time == MISFIRE_GRACE
        assert job.trigger.jitter
        if name == "shanghai-gazette":
            assert job.next_run_time > now + timedelta(hours=5)  # its next turn, 6h (± jitter) later
        else:
            assert job.next_run_time == now                       # catch-up: run at once


def test_a_second_run_on_the_same_store_is_refused(tmp_path):
    config = load(write_config(tmp_path, {"www.shanghai.gov.cn": "http://127.0.0.1:9", "www.gov.cn": "http://127.0.0.1:9"}))
    with run_lock(config.lock_path):
        with pytest.raises(StoreError, match="already running"):
            with run_lock(config.lock_path):
                pass
        second = subprocess.run([*CLI, "run", "--config", str(config.path)], capture_output=True, text=True,
                                timeout=60)
    assert second.returncode == 2 and "another `regwatch run` is already running" in second.stderr
    with run_lock(config.lock_path):  # released when the holder ends
        pass


def test_run_catches_up_then_stops_when_asked(tmp_path):
    with MirrorServer(state=0) as mirror:
        config = load(write_config(tmp_path, mirror.urls))
        stop = threading.Event()
        cycles = []
        daemon = threading.Thread(target=run, args=(config, stop, cycles.append, False))
        daemon.start()
        deadline = time.monotonic() + 120
        while len(cycles) < len(config.sources) and time.monotonic() < deadline:
            time.sleep(0.1)
        stop.set()
        daemon.join(30)
    assert not daemon.is_alive() and len(cycles) == len(config.sources)
    conn = sqlite3.connect(config.store)
    ran = conn.execute("SELECT count(*) FROM sources WHERE last_ok IS NOT NULL").fetchone()[0]
    assert ran == len(config.sources)


def test_sigterm_mid_cycle_finishes_the_document_and_exits(tmp_path):
    with MirrorServer(state=0) as mirror:
        config = load(write_config(tmp_path, mirror.urls))
        mirror.set_fault("*", "/*", "slow", delay=0.2)
        child = subprocess.Popen([*CLI, "run", "--config", str(config.path)], stdout=subprocess.DEVNULL,
                                 stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        versions = 0
        while versions < 3 and time.monotonic() < deadline:
            time.sleep(0.1)
            try:
                conn = sqlite3.connect(config.store, timeout=5)
                versions = conn.execute("SELECT count(*) FROM versions").fetchone()[0]
                conn.close()
            except sqlite3.OperationalError:
                pass
        child.send_signal(signal.SIGTERM)
        started = time.monotonic()
        code = child.wait(30)
        stderr = child.stderr.read()
    assert code == 0, stderr
    assert time.monotonic() - started < 10
    conn = sqlite3.connect(config.store)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    documents, events = conn.execute("SELECT (SELECT count(*) FROM documents),"
                                     " (SELECT count(*) FROM events WHERE kind = 'new_document')").fetchone()
    assert documents == events >= 3
    assert documents < 40  # it stopped mid-cycle rather than finishing the sources
