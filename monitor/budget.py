"""A time limit on a block of Python code, in whichever thread runs it.

A pathological page (100k nested tags, a 15 MB text, a server dripping its headers a byte a
second) must not hold a cycle for minutes, and the scheduler runs cycles in a worker thread where
signal.alarm is not available. So a watchdog timer raises ``OverBudget`` asynchronously in the
thread that runs the block (PyThreadState_SetAsyncExc). The exception arrives at the next Python
bytecode, so a block waiting in a socket read is interrupted as soon as that read returns (socket
timeouts bound each read). ``OverBudget`` derives from BaseException so that no ``except Exception``
inside parsers or diffing swallows it; store.transaction() rolls back on it like on any exception.
"""
from __future__ import annotations

import ctypes
import threading
import time
from contextlib import contextmanager
from typing import Iterator


class OverBudget(BaseException):
    """The block ran past its time limit."""


def _raise_in(thread_id: int, exc: type[BaseException] | None) -> None:
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc) if exc else None)


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Run the block for at most ``seconds`` (None: no limit); OverBudget is raised when it is spent."""
    if seconds is None:
        yield
        return
    if seconds <= 0:
        raise OverBudget(f"no time left ({seconds:.1f}s)")
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"active": True, "fired": False}

    def fire() -> None:
        with lock:
            if state["active"]:
                state["fired"] = True
                _raise_in(target, OverBudget)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    started = time.monotonic()
    timer.start()
    try:
        yield
    except OverBudget:
        raise OverBudget(f"time limit of {seconds:g}s reached after {time.monotonic() - started:.1f}s") from None
    finally:
        with lock:
            state["active"] = False
            if state["fired"]:
                _raise_in(target, None)  # a limit that fired as the block ended must not strike later
        timer.cancel()
