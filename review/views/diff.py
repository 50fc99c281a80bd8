"""The 新旧对照表 of two versions, with the amending decision's operations and discrepancies."""
from __future__ import annotations

from flask import Blueprint, abort, g, redirect, render_template, request, url_for
from markupsafe import Markup

from diffs.render import render_html

from ..amendment import amendment_view, decision_for_version
from ..diffing import load_pair
from ..lookup import document_or_404

bp = Blueprint("diff", __name__)


@bp.route("/diff/<int:old_id>/<int:new_id>")
def show(old_id: int, new_id: int):
    pair = load_pair(old_id, new_id)
    show_formatting = request.args.get("formatting") == "1"
    old_doc = document_or_404(pair.old["document_id"])
    new_doc = document_or_404(pair.new["document_id"])
    amendment = None
    decision = decision_for_version(g.store, pair.new)
    if decision:
        decision_versions = g.store.versions(decision["id"])
        decision_text = g.store.version_text(decision["id"], decision_versions[-1]["seq"])
        amendment = amendment_view(decision, decision_text, new_doc.get("title") or "", pair)
    # render_html escapes every text it is given: it is the one 新旧对照表 renderer of CLI, mail and UI.
    table = Markup(render_html(pair.result, standalone=False, show_formatting=show_formatting))
    return render_template("diff.html", pair=pair, old_doc=old_doc, new_doc=new_doc, table=table,
                           summary=pair.result.to_dict()["summary"], show_formatting=show_formatting,
                           amendment=amendment)


@bp.route("/diff")
def choose():
    """The document page's "compare these two versions" form lands here."""
    old_id, new_id = request.args.get("old", type=int), request.args.get("new", type=int)
    if old_id is None or new_id is None:
        abort(400, "choose two versions: ?old=<version id>&new=<version id>")
    return redirect(url_for("diff.show", old_id=old_id, new_id=new_id))
