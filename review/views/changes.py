"""The change feed: events newest first, filterable by source, kind, issuer and date; unread ones
(for the reviewer named in this browser) in bold; the same list as JSON and CSV with who reviewed what."""
from __future__ import annotations

import json

from flask import Blueprint, Response, g, render_template, request

from snapshots.tables import to_csv

from ..amendment import amended_versions
from ..filters import EVENT_KINDS, EventFilter
from ..lookup import previous_version_id
from ..presentation import KIND_LABELS, local_time
from .reviews import current_reviewer

bp = Blueprint("changes", __name__)
PAGE_SIZE = 200
EXPORT_SIZE = 5000
EXPORT_COLUMNS = ("id", "at", "kind", "kind_label", "source", "title", "document_id", "number", "issuer",
                  "by", "effective", "url", "reviewed", "reviewed_by")


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
    reviewer = current_reviewer()
    reviewed = g.store.reviewed_events(reviewer) if reviewer else {}
    for event in events:
        event["diff"] = _diff_versions(event)
        event["reviewed_at"] = reviewed.get(event["id"])
    sources = [source["name"] for source in g.store.sources()]
    unread = [e["id"] for e in events if not e["reviewed_at"]] if reviewer else []
    return render_template("changes.html", events=events, filter=event_filter, kinds=EVENT_KINDS,
                           sources=sources, page_size=PAGE_SIZE, unread=unread)


def export_rows() -> list[dict]:
    """The filtered events as flat rows, each with the current reviewer's state and everyone's reviews."""
    events = EventFilter.from_args(request.args).select(g.store, limit=EXPORT_SIZE)
    reviewer = current_reviewer()
    mine = g.store.reviewed_events(reviewer) if reviewer else {}
    everyone = g.store.reviews_of([e["id"] for e in events])
    rows = []
    for e in events:
        doc, payload = e.get("document") or {}, e.get("payload") or {}
        rows.append({"id": e["id"], "at": local_time(e.get("at")), "kind": e["kind"],
                     "kind_label": KIND_LABELS.get(e["kind"], e["kind"]), "source": e.get("source"),
                     "title": e.get("title") or doc.get("title"), "document_id": e.get("document_id"),
                     "number": doc.get("number"), "issuer": doc.get("issuer"), "by": payload.get("by"),
                     "effective": payload.get("effective"), "url": e.get("url") or doc.get("url"),
                     "reviewed": bool(mine.get(e["id"])) if reviewer else None,
                     "reviews": [{**r, "reviewed_at": local_time(r["reviewed_at"])} for r in everyone.get(e["id"], [])]})
    return rows


@bp.route("/changes.json")
def export_json():
    body = json.dumps({"reviewer": current_reviewer(), "events": export_rows()}, ensure_ascii=False, indent=1)
    return Response(body + "\n", content_type="application/json; charset=utf-8")


@bp.route("/changes.csv")
def export_csv():
    rows = [{**r, "reviewed": {True: "是", False: "否"}.get(r["reviewed"], ""),
             "reviewed_by": "；".join(f"{x['reviewer']} {x['reviewed_at']}" for x in r["reviews"])}
            for r in export_rows()]
    return Response(to_csv(rows, EXPORT_COLUMNS), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="changes.csv"'})
