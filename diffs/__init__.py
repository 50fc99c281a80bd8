"""regwatch's pure text library: parse Chinese legal texts, compare versions, render the result.

The public API is re-exported here. ``compare`` and ``normalize`` are also module names, so they
are bound eagerly: a lazy export would be shadowed by the submodule as soon as it was imported.
The parser and the renderers are loaded on first use (PEP 562), so that importing any submodule
(``diffs.errors``, ``diffs.validity`` …) does not also pay for them.
"""
from __future__ import annotations

from .compare import DiffResult, Pair, compare
from .model import Document, Node
from .normalize import normalize

_LAZY = {"detect_format": "structure", "parse": "structure", "render_html": "render", "render_json": "render",
         "render_markdown": "render", "render_text": "render"}

__all__ = ["DiffResult", "Document", "Node", "Pair", "compare", "detect_format", "normalize", "parse",
           "render_html", "render_json", "render_markdown", "render_text"]


def __getattr__(name: str):
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module 'diffs' has no attribute {name!r}")
