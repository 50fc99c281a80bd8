"""regwatch's pure text library: parse Chinese legal texts, compare versions, render the result.

The public API is re-exported here lazily (PEP 562), so that ``from diffs.errors import …`` in any
other module does not pay for rapidfuzz and diff-match-patch.
"""
from __future__ import annotations

import importlib

_EXPORTS = {
    "parse": "structure", "detect_format": "structure",
    "normalize": "normalize",
    "compare": "compare", "DiffResult": "compare", "Pair": "compare",
    "render_text": "render", "render_markdown": "render", "render_html": "render", "render_json": "render",
    "Document": "model", "Node": "model",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'diffs' has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
