"""The SQLite store of every document version, event and rule status (see docs/ARCHITECTURE.md)."""
from .store import SaveResult, Store

__all__ = ["SaveResult", "Store"]
