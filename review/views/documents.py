"""Documents: the list, and one document's metadata, version timeline (法规变迁) and full text."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, g, render_template, request

from diffs.errors import ParseError
from diffs.rulefacts import legal_dates
from diffs.structure import parse
from snapshots.rules import cause

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
    # 法规变迁 is the legal history: each version known by its 公布/修正 date read from its 题注,
    # the fetch time secondary; a version a later 修正 replaced is 已被修改.
    timeline = [{**v, "decision": decision_for_version(g.store, v),
                 "legal": legal_dates(g.store.version_text(document_id, v["seq"]), document.get("title"))}
                for v in versions]
    for version in timeline:
        if version["decision"] and not version["legal"]["amended"]:
            # A republished text without a 题注 of its own is dated by the decision that made it.
            decision = version["decision"]
            version["legal"].update(label="修正", date=decision.get("published"), by=decision.get("number"),
                                    amended=[{"date": decision.get("published"), "number": decision.get("number"),
                                              "decision": decision.get("title")}])
    for older, newer in zip(timeline, timeline[1:]):
        older["superseded"] = bool(newer["legal"]["amended"]) and newer["legal"]["date"] != older["legal"]["date"]
    today = date.today().isoformat()
    rule = g.store.rule_on(document["rule_id"], today) if document.get("rule_id") else None
    if rule:
        rule["cause"] = cause(rule)
    rule_history = g.store.rule_history(rule["id"]) if rule else []
    text = g.store.version_text(document_id, seq)
    try:
        parsed = parse(text)
    except ParseError:
        parsed = None   # an empty extraction (a scanned PDF, say): the page still shows the history
    return render_template("document.html", document=document, timeline=timeline, seq=seq, rule=rule,
                           rule_history=rule_history, parsed=parsed)
