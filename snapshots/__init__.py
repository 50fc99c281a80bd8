"""The SQLite store of every document version, event and rule status (see docs/ARCHITECTURE.md).

`Store` and `SaveResult` are loaded on first use, so that a module needing only the store's
vocabulary (`snapshots.events`, `snapshots.bounds`) does not pay for sqlite-utils at start-up.
"""
from __future__ import annotations

__all__ = ["SaveResult", "Store"]


def __getattr__(name: str):
    if name in __all__:
        from . import store

        return getattr(store, name)
    raise AttributeError(f"module 'snapshots' has no attribute {name!r}")
