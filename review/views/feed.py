"""An Atom feed of the events, filtered like the changes page."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, Response, g, render_template, request

from ..filters import EventFilter

bp = Blueprint("feed", __name__)
FEED_SIZE = 100


def _rfc3339(at: str | None) -> str:
    if not at:
        return datetime.now(timezone.utc).isoformat(timespec="seconds")
    moment = datetime.fromisoformat(at)
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).isoformat(timespec="seconds")


@bp.route("/feed.atom")
def atom():
    event_filter = EventFilter.from_args(request.args)
    events = event_filter.select(g.store, limit=FEED_SIZE)
    for event in events:
        event["updated"] = _rfc3339(event.get("at"))
    updated = events[0]["updated"] if events else _rfc3339(None)
    body = render_template("feed.xml", events=events, updated=updated, filter=event_filter)
    return Response(body, content_type="application/atom+xml; charset=utf-8")
