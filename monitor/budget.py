"""A time limit on a block of Python code, in whichever thread runs it.

A pathological page (100k nested tags, a 15 MB text, a server dripping its headers a byte a
second) must not hold a cycle for minutes, and the scheduler runs cycles in a worker thread where
signal.alarm is not available. So a watchdog raises ``OverBudget`` asynchronously in the thread that
runs the block (PyThreadState_SetAsyncExc). The exception arrives at the next Python bytecode, so a
block waiting in a socket read is interrupted as soon as that read returns (socket timeouts bound
each read). ``OverBudget`` derives from BaseException so that no ``except Exception`` inside parsers
or diffing swallows it; store.transaction() rolls back on it like on any exception.

One watchdog thread serves every limit of the process (a heap of deadlines): entering a limit costs a
lock and a heap push, not a thread start — a no-change cycle enters two per document (the document's
budget and its download's).
"""
from __future__ import annotations

import ctypes
import heapq
import itertools
import os
import threading
import time
from contextlib import contextmanager
from typing import Iterator

# After a strike that an ignoring context swallowed (a gc callback, a __del__), strike again this often.
RESTRIKE = 0.1


class OverBudget(BaseException):
    """The block ran past its time limit."""


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


class _Limit:
    __slots__ = ("target", "active", "fired")

    def __init__(self, target: int) -> None:
        self.target, self.active, self.fired = target, True, False


class _Watchdog:
    """The one thread that strikes the blocks whose time is spent."""

    def __init__(self) -> None:
        self.cond = threading.Condition(threading.Lock())
        self.heap: list[tuple[float, int, _Limit]] = []    # (when to strike, tie-break, limit); lazily cleaned
        self.live = 0                                      # active limits
        self.wake_at = float("inf")                        # when the thread will next look at the heap
        self.order = itertools.count()
        self.thread: threading.Thread | None = None

    def add(self, limit: _Limit, seconds: float) -> None:
        when = time.monotonic() + seconds
        with self.cond:
            if self.thread is None or not self.thread.is_alive():
                self.thread = threading.Thread(target=self._run, name="time-limit", daemon=True)
                self.thread.start()
            heapq.heappush(self.heap, (when, next(self.order), limit))
            self.live += 1
            if len(self.heap) > 64 and len(self.heap) > 4 * max(self.live, 1):
                self.heap = [entry for entry in self.heap if entry[2].active]
                heapq.heapify(self.heap)
            if when < self.wake_at:
                self.cond.notify()

    def remove(self, limit: _Limit) -> None:
        with self.cond:
            if limit.active:
                limit.active = False
                self.live -= 1
                if limit.fired:
                    _raise_in(limit.target, None)  # a strike still pending must not land after the block

    def _run(self) -> None:
        with self.cond:
            while True:
                now = time.monotonic()
                while self.heap and (not self.heap[0][2].active or self.heap[0][0] <= now):
                    _, _, limit = heapq.heappop(self.heap)
                    if limit.active:
                        # An asynchronous exception can land where Python ignores it (a gc callback,
                        # a __del__): strike again until the block is left.
                        limit.fired = True
                        _raise_in(limit.target, OverBudget)
                        heapq.heappush(self.heap, (now + RESTRIKE, next(self.order), limit))
                self.wake_at = self.heap[0][0] if self.heap else float("inf")
                self.cond.wait(None if not self.heap else max(0.0, self.wake_at - time.monotonic()))


_watchdog = _Watchdog()
if hasattr(os, "register_at_fork"):
    def _reset_after_fork() -> None:
        global _watchdog
        _watchdog = _Watchdog()
    os.register_at_fork(after_in_child=_reset_after_fork)


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Run the block for at most ``seconds`` (None: no limit); OverBudget is raised when it is spent."""
    if seconds is None:
        yield
        return
    if seconds <= 0:
        raise OverBudget(f"no time left ({seconds:.1f}s)")
    started = time.monotonic()
    watchdog = _watchdog
    limit = _Limit(threading.get_ident())
    try:
        watchdog.add(limit, seconds)    # inside the try: a strike landing here still stands it down
        yield
    except OverBudget:
        watchdog.remove(limit)
        raise OverBudget(f"time limit of {seconds:g}s reached after {time.monotonic() - started:.1f}s") from None
    finally:
        watchdog.remove(limit)
