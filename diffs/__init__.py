"""regwatch's pure text library: parse Chinese legal texts, compare versions, render the result.

The public API is re-exported here. ``compare`` and ``normalize`` are also module names, so they
are bound eagerly: a lazy export would be shadowed by the submodule as soon as it was imported.
"""
from __future__ import annotations

from .compare import DiffResult, Pair, compare
from .model import Document, Node
from .normalize import normalize
from .render import render_html, render_json, render_markdown, render_text
from .structure import detect_format, parse

__all__ = ["DiffResult", "Document", "Node", "Pair", "compare", "detect_format", "normalize", "parse",
           "render_html", "render_json", "render_markdown", "render_text"]
