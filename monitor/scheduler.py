"""`regwatch run`: one APScheduler job per source, one daemon per store.

Jobs run one at a time (a single worker thread) so the store sees one writer, and each document of
a job has a time budget (pipeline.DOCUMENT_BUDGET) so no page holds the worker; each job opens its
own Store because SQLite connections belong to the thread that opened them. A lock file next to
the database keeps a second `regwatch run` off the same store. SIGTERM/SIGINT set `stop`: the
running source finishes or rolls back its current document, then the daemon exits.
"""
from __future__ import annotations

import fcntl
import logging
import os
import signal
import threading
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterator

from diffs.errors import RegwatchError, StoreError

from monitor.config import Config, SourceConfig
from snapshots import Store

log = logging.getLogger("regwatch.scheduler")
CST = timezone(timedelta(hours=8))  # gazettes publish on Beijing time; cron schedules read in it
MISFIRE_GRACE = 3600
MAX_JITTER = 300


@contextmanager
def run_lock(path: Path) -> Iterator[None]:
    """Exclusive lock on `path` for this process; StoreError when another process holds it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"{path}: another `regwatch run` is already running on this store") from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield
    finally:
        handle.close()  # closing releases the lock


def trigger_for(source: SourceConfig):
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    if source.schedule.cron:
        return CronTrigger.from_crontab(source.schedule.cron, timezone=CST), MAX_JITTER
    seconds = source.schedule.seconds
    # Jitter spreads the requests of many sources; never more than a tenth of the interval.
    return IntervalTrigger(seconds=seconds, timezone=CST), min(MAX_JITTER, seconds // 10) or None


def catch_up_due(source: SourceConfig, last_run: str | None, now: datetime) -> bool:
    """Whether the source missed a run while the daemon was down (or never ran)."""
    if not last_run:
        return True
    previous = datetime.fromisoformat(last_run)
    if source.schedule.seconds:
        return previous + timedelta(seconds=source.schedule.seconds) <= now
    trigger, _ = trigger_for(source)
    upcoming = trigger.get_next_fire_time(None, previous + timedelta(seconds=1))
    return upcoming is not None and upcoming <= now


def build_scheduler(config: Config, job: Callable[[str], None], last_runs: dict[str, str | None],
                    now: datetime | None = None):
    """A BackgroundScheduler with one job per source (not started)."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.schedulers.background import BackgroundScheduler

    now = now or datetime.now(timezone.utc)
    scheduler = BackgroundScheduler(executors={"default": ThreadPoolExecutor(1)}, timezone=CST)
    for source in config.sources:
        trigger, jitter = trigger_for(source)
        if jitter:
            trigger.jitter = jitter
        options = {}
        if catch_up_due(source, last_runs.get(source.name), now):
            options["next_run_time"] = now
        # coalesce: runs missed while busy or down collapse into one; the grace lets a late run still happen.
        scheduler.add_job(job, trigger, args=[source.name], id=source.name, name=f"source {source.name}",
                          coalesce=True, max_instances=1, misfire_grace_time=MISFIRE_GRACE, **options)
    return scheduler


def run(config: Config, stop: threading.Event | None = None, after_cycle: Callable[[Store], None] | None = None,
        install_signals: bool = True, on_schedule: Callable[[str, datetime | None], None] | None = None,
        budget: float | None = None) -> None:
    """The daemon: blocks until `stop` is set (SIGTERM/SIGINT set it). `on_schedule(source, next_run)`
    hears each source's next run time when the daemon starts and after each of its runs. `budget`:
    seconds per document (default pipeline.DOCUMENT_BUDGET), so that one pathological page never
    holds the single worker."""
    from monitor.pipeline import DOCUMENT_BUDGET, run_cycle

    budget = DOCUMENT_BUDGET if budget is None else budget

    stop = stop or threading.Event()
    with run_lock(config.lock_path):
        if install_signals:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stop.set())

        def job(name: str) -> None:
            if stop.is_set():
                return
            with Store(config.store) as store:
                try:
                    report = run_cycle(config, store, only=name, stop=stop, budget=budget)
                    log.info("source %s: %s, %d events", name, report.sources[0].outcomes if report.sources else {},
                             report.events)
                    if after_cycle:
                        after_cycle(store)
                except RegwatchError as e:
                    log.error("source %s: %s", name, e)
            if on_schedule and not stop.is_set():
                # From the trigger, not scheduler.get_job: shutdown holds the job store's lock while it
                # waits for this job, so asking the scheduler here could deadlock a SIGTERM.
                source = next(s for s in config.sources if s.name == name)
                on_schedule(name, trigger_for(source)[0].get_next_fire_time(None, datetime.now(CST)))

        with Store(config.store) as store:
            last_runs = {s["name"]: s["last_run"] for s in store.sources()}
        scheduler = build_scheduler(config, job, last_runs)
        scheduler.start(paused=True)  # paused: the next run times are known before any job moves them
        for scheduled in scheduler.get_jobs() if on_schedule else ():
            on_schedule(scheduled.id, scheduled.next_run_time)
        scheduler.resume()
        try:
            while not stop.wait(1.0):  # a timed wait lets the signal handlers run promptly
                pass
        finally:
            # wait=True: the running job sees `stop`, ends its current document, and returns.
            scheduler.shutdown(wait=True)
