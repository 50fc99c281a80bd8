"""An Atom feed of the events, filtered like the changes page: each entry says what changed
(its content) and who published it (its author); times in Beijing time."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, g, render_template, request

from diffs.render import STATUS_NAMES

from ..filters import EventFilter
from ..presentation import CHINA, KIND_LABELS, beijing

bp = Blueprint("feed", __name__)
FEED_SIZE = 100
COUNTED = ("modified", "added", "deleted", "split", "merged", "renumbered")


def _rfc3339(at: str | None) -> str:
    moment = beijing(at) or datetime.now(CHINA)
    return moment.isoformat(timespec="seconds")


def change_summary(event: dict) -> str:
    """One paragraph of what the event records: its kind, the article counts, the decision and date."""
    payload, document = event.get("payload") or {}, event.get("document") or {}
    words = [KIND_LABELS.get(event["kind"], event["kind"])]
    summary = payload.get("summary")
    if isinstance(summary, dict):
        counts = [f"{STATUS_NAMES[k]} {summary[k]} 条" for k in COUNTED if summary.get(k)]
        if counts:
            words.append("，".join(counts))
    if payload.get("rule") and payload.get("rule") != event.get("title"):
        words.append(f"《{payload['rule']}》")
    if payload.get("by"):
        words.append(f"依据 {payload['by']}")
    if payload.get("effective"):
        words.append(f"自 {payload['effective']} 起")
    if payload.get("error"):
        words.append(str(payload["error"]))
    facts = [f"{k}：{v}" for k, v in (("文号", document.get("number")), ("发布机关", document.get("issuer")),
                                      ("发布日期", document.get("published"))) if v]
    return "；".join(words + facts)


@bp.route("/feed.atom")
def atom():
    event_filter = EventFilter.from_args(request.args)
    events = event_filter.select(g.store, limit=FEED_SIZE)
    for event in events:
        event["updated"] = _rfc3339(event.get("at"))
        event["content"] = change_summary(event)
        event["author"] = (event.get("document") or {}).get("issuer") or event.get("source") or "regwatch"
    updated = events[0]["updated"] if events else _rfc3339(None)
    body = render_template("feed.xml", events=events, updated=updated, filter=event_filter)
    return Response(body, content_type="application/atom+xml; charset=utf-8")
