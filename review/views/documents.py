"""Documents: the list, and one document's metadata, version timeline (法规变迁) and full text."""
from __future__ import annotations

from flask import Blueprint, abort, g, render_template, request

from diffs.errors import ParseError
from diffs.structure import parse

from ..amendment import decision_for_version
from ..lookup import document_or_404

bp = Blueprint("documents", __name__)


@bp.route("/documents")
def index():
    documents = sorted(g.store.documents(), key=lambda d: d.get("published") or "", reverse=True)
    return render_template("documents.html", documents=documents)


@bp.route("/documents/<int:document_id>")
def show(document_id: int):
    document = document_or_404(document_id)
    versions = g.store.versions(document_id)
    if not versions:
        abort(404, f"文件 {document_id} 没有保存的版本。")
    seq = request.args.get("v", type=int) or versions[-1]["seq"]
    if seq not in {v["seq"] for v in versions}:
        abort(404, f"文件 {document_id} 没有第 {seq} 版。")
    timeline = [{**v, "decision": decision_for_version(g.store, v)} for v in versions]
    rule = g.store.rule(document["rule_id"]) if document.get("rule_id") else None
    rule_history = g.store.rule_history(rule["id"]) if rule else []
    text = g.store.version_text(document_id, seq)
    try:
        parsed = parse(text)
    except ParseError:
        parsed = None   # an empty extraction (a scanned PDF, say): the page still shows the history
    return render_template("document.html", document=document, timeline=timeline, seq=seq, rule=rule,
                           rule_history=rule_history, parsed=parsed)
