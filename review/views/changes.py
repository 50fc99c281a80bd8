"""The change feed: events newest first, filterable by source, kind, issuer and date."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request

from ..filters import EVENT_KINDS, EventFilter
from ..lookup import previous_version_id

bp = Blueprint("changes", __name__)
PAGE_SIZE = 200


@bp.route("/")
def index():
    event_filter = EventFilter.from_args(request.args)
    events = event_filter.select(g.store, limit=PAGE_SIZE)
    for event in events:
        version_id = event.get("version_id")
        event["previous_version_id"] = previous_version_id(version_id) if version_id else None
    sources = [source["name"] for source in g.store.sources()]
    return render_template("changes.html", events=events, filter=event_filter, kinds=EVENT_KINDS,
                           sources=sources, page_size=PAGE_SIZE)
