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
    done = threading.Event()

    def watchdog() -> None:
        if done.wait(seconds):
            return
        # An asynchronous exception can land where Python ignores it (a gc callback, a __del__):
        # strike again until the block is left.
        while True:
            with lock:
                if not state["active"]:
                    return
                state["fired"] = True
                _raise_in(target, OverBudget)
            if done.wait(0.1):
                return

    def stand_down() -> None:
        with lock:
            if state["active"]:
                state["active"] = False
                if state["fired"]:
                    _raise_in(target, None)  # a strike still pending must not land after the block
        done.set()

    started = time.monotonic()
    threading.Thread(target=watchdog, name="time-limit", daemon=True).start()
    try:
        yield
    except OverBudget:
        stand_down()
        raise OverBudget(f"time limit of {seconds:g}s reached after {time.monotonic() - started:.1f}s") from None
    finally:
        stand_down()
