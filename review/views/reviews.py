"""The review workflow: who is reviewing (a name kept in a cookie), marking changes reviewed
(POST, CSRF-checked), and the diff "since I last reviewed" a document."""
from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit

from flask import Blueprint, abort, g, redirect, request, url_for

from snapshots.reviews import clean_reviewer

from ..access import csrf_protected
from ..lookup import document_or_404, version_or_404

bp = Blueprint("reviews", __name__)
COOKIE = "regwatch_reviewer"
MAX_MARKED = 500   # one form marks at most a page of the feed


def current_reviewer() -> str | None:
    return clean_reviewer(unquote(request.cookies.get(COOKIE, "")))


def _back(default: str):
    """Redirect to the form's ``next`` when it is a path of this site, else to ``default``."""
    target = request.form.get("next") or ""
    parts = urlsplit(target)
    safe = target.startswith("/") and not target.startswith("//") and not parts.scheme and not parts.netloc
    return redirect(target if safe else default, code=303)


@bp.post("/reviewer")
@csrf_protected
def set_reviewer():
    name = clean_reviewer(request.form.get("name"))
    response = _back(url_for("changes.index"))
    if name:
        response.set_cookie(COOKIE, quote(name), samesite="Strict", max_age=365 * 86400)
    else:
        response.delete_cookie(COOKIE)
    return response


@bp.post("/reviewed")
@csrf_protected
def mark():
    """Mark the form's ``event`` ids, or every change of ``document`` up to version ``upto``, reviewed."""
    reviewer = current_reviewer()
    if not reviewer:
        abort(400, "请先在“变更”页填写审阅人姓名。")
    events = [int(v) for v in request.form.getlist("event")[:MAX_MARKED] if v.isdigit()]
    document_id = request.form.get("document", type=int)
    if document_id is not None:
        document_or_404(document_id)
        upto = version_or_404(request.form.get("upto", type=int) or 0)
        events += g.store.document_events(document_id, upto["seq"])
    if not events:
        abort(400, "没有指定要标记的变更。")
    g.store.mark_reviewed(reviewer, events)
    return _back(url_for("changes.index"))


@bp.get("/documents/<int:document_id>/since-reviewed")
def since_reviewed(document_id: int):
    """The diff from the version the reviewer last reviewed (else the one before ``to``) to ``to``
    (else the newest)."""
    document_or_404(document_id)
    versions = g.store.versions(document_id)
    target = next((v for v in versions if v["id"] == request.args.get("to", type=int)), versions[-1] if versions else None)
    if target is None:
        abort(404, f"文件 {document_id} 没有保存的版本。")
    reviewer = current_reviewer()
    seen = g.store.last_reviewed_version(reviewer, document_id) if reviewer else None
    if seen is None or seen["seq"] >= target["seq"]:
        earlier = [v for v in versions if v["seq"] < target["seq"]]
        seen = earlier[-1] if earlier else None
    if seen is None:
        return redirect(url_for("documents.show", document_id=document_id, v=target["seq"]))
    return redirect(url_for("diff.show", old_id=seen["id"], new_id=target["id"], since=1))
