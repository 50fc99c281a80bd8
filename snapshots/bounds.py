"""The integers SQLite can hold: an id or a limit outside them is "not found" or a usage error at
the boundary (CLI options, URL parts), never an OverflowError from the driver."""
from __future__ import annotations

SQLITE_INT_MAX = 2**63 - 1


def storable(n: int) -> bool:
    return -SQLITE_INT_MAX - 1 <= n <= SQLITE_INT_MAX


def stored_id(text: str) -> int | None:
    """The row id `text` spells in ASCII digits, None when it is no id (another script's digits,
    too many digits to be one, beyond SQLite's integers)."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(SQLITE_INT_MAX)):
        return None
    n = int(text)
    return n if storable(n) else None
