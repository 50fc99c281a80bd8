"""Search snippets: a window of a scraped text around the first hit, escaped, hits in <mark>."""
from __future__ import annotations

from markupsafe import Markup, escape

WINDOW = 60


def snippet(text: str, query: str, window: int = WINDOW) -> Markup:
    """The part of ``text`` around the first ``query`` with every occurrence marked; all escaped."""
    text = " ".join(text.split())
    start = text.find(query) if query else -1
    if start < 0:
        return escape(text[: 2 * window])
    lo, hi = max(0, start - window), min(len(text), start + len(query) + window)
    excerpt = text[lo:hi]
    pieces = [escape(piece) for piece in excerpt.split(query)]
    marked = Markup(f"<mark>{escape(query)}</mark>").join(pieces)
    return Markup("…" if lo else "") + marked + Markup("…" if hi < len(text) else "")
