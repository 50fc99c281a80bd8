"""The change feed: events newest first, filterable by source, kind, issuer and date."""
from __future__ import annotations

from flask import Blueprint, g, render_template, request

from ..amendment import amended_versions
from ..filters import EVENT_KINDS, EventFilter
from ..lookup import previous_version_id

bp = Blueprint("changes", __name__)
PAGE_SIZE = 200


def _diff_versions(event: dict) -> tuple[int, int] | None:
    """(old, new) version ids of the diff an event is about, if any."""
    if event["kind"] == "amended":
        return amended_versions(g.store, event)
    version_id = event.get("version_id")
    previous = previous_version_id(g.store, version_id) if version_id else None
    return (previous, version_id) if previous else None


@bp.route("/")
def index():
    event_filter = EventFilter.from_args(request.args)
    events = event_filter.select(g.store, limit=PAGE_SIZE)
    for event in events:
        event["diff"] = _diff_versions(event)
    sources = [source["name"] for source in g.store.sources()]
    return render_template("changes.html", events=events, filter=event_filter, kinds=EVENT_KINDS,
                           sources=sources, page_size=PAGE_SIZE)
