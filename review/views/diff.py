"""The 新旧对照表 of two versions, with the amending decision's operations and discrepancies."""
from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from markupsafe import Markup

from diffs.errors import ParseError
from diffs.render import Sides, edition_date, render_html

from ..amendment import amendment_view, decision_for_version
from ..diffing import load_pair
from ..lookup import document_or_404
from .reviews import current_reviewer

bp = Blueprint("diff", __name__)


@bp.route("/diff/<int:old_id>/<int:new_id>")
def show(old_id: int, new_id: int):
    pair = load_pair(old_id, new_id)
    show_formatting = request.args.get("formatting") == "1"
    old_doc = document_or_404(pair.old["document_id"])
    new_doc = document_or_404(pair.new["document_id"])
    amendment, amendment_error = None, None
    decision = decision_for_version(g.store, pair.new)
    if decision:
        decision_versions = g.store.versions(decision["id"])
        decision_text = g.store.version_text(decision["id"], decision_versions[-1]["seq"])
        try:
            amendment = amendment_view(decision, decision_text, new_doc.get("title") or "", pair.result)
        except ParseError as e:
            # The diff stands on its own; say why the decision's operations are not beside it.
            amendment_error = f"{decision.get('title') or '修改决定'}：{e}"
    sides = sides_of(pair)
    # render_html escapes every text it is given: it is the one 新旧对照表 renderer of CLI, mail and UI.
    table = Markup(render_html(pair.result, standalone=False, show_formatting=show_formatting, sides=sides))
    reviewer = current_reviewer()
    last = g.store.last_reviewed_version(reviewer, new_doc["id"]) if reviewer else None
    reviewed = bool(last and last["document_id"] == pair.new["document_id"] and last["seq"] >= pair.new["seq"])
    return render_template("diff.html", pair=pair, old_doc=old_doc, new_doc=new_doc, table=table,
                           show_formatting=show_formatting, sides=sides, last_reviewed=last, reviewed=reviewed,
                           amendment=amendment, amendment_error=amendment_error)


def sides_of(pair) -> Sides:
    """The law's name (stored texts rarely carry it) and each version's date for the table's head:
    the edition its own header states, else, for the document's current version, its 公布 date."""
    old_doc, new_doc = g.store.document(pair.old["document_id"]) or {}, g.store.document(pair.new["document_id"]) or {}
    old_title, new_title = old_doc.get("title") or "", new_doc.get("title") or ""
    title = new_title if old_title in ("", new_title) else f"{old_title} → {new_title}"
    latest = g.store.versions(pair.new["document_id"])[-1]["id"] == pair.new["id"]
    new_date = edition_date(pair.result.new) or (new_doc.get("published") if latest else None)
    return Sides(title=title or None, old_date=edition_date(pair.result.old), new_date=new_date)


@bp.route("/diff")
def choose():
    """The document page's "compare these two versions" form lands here."""
    old_id, new_id = request.args.get("old", type=int), request.args.get("new", type=int)
    if old_id is None or new_id is None:
        abort(400, "请选择要对照的两个版本（?old=版本编号&new=版本编号）。")
    return redirect(url_for("diff.show", old_id=old_id, new_id=new_id))
