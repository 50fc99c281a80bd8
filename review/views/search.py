"""Search across every stored version, hits shown in escaped snippets."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request

from ..snippets import snippet

bp = Blueprint("search", __name__)
LIMIT = 50


@bp.route("/search")
def index():
    query = (request.args.get("q") or "").strip()
    hits = []
    if query:
        for hit in g.store.search(query, limit=LIMIT):
            text = g.store.version_text(hit["document_id"], hit["seq"])
            hits.append({**hit, "snippet": snippet(text, query)})
    return render_template("search.html", query=query, hits=hits, limit=LIMIT)
