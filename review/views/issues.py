"""Gazette issues: each issue's table of contents by section, with what regwatch found in it."""
from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, g, render_template, request

bp = Blueprint("issues", __name__)


def _issue_documents() -> dict[tuple[str, str], list[dict]]:
    by_issue: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for document in g.store.documents():
        if document.get("issue"):
            by_issue[(document["source"], document["issue"])].append(document)
    return by_issue


@bp.route("/issues")
def index():
    by_issue = _issue_documents()
    issues = sorted(((source, issue, len(docs), max((d.get("published") or "") for d in docs))
                     for (source, issue), docs in by_issue.items()), key=lambda row: row[3], reverse=True)
    return render_template("issues.html", issues=issues)


@bp.route("/issues/view")
def issue():
    source, name = request.args.get("source", ""), request.args.get("issue", "")
    documents = _issue_documents().get((source, name))
    if not documents:
        abort(404, f"{source} 没有“{name}”这一期公报。")
    findings: dict[int, list[dict]] = defaultdict(list)
    ids = {d["id"] for d in documents}
    for event in g.store.events(source=source):
        if event.get("document_id") in ids:
            findings[event["document_id"]].append(event)
    sections: dict[str, list[dict]] = defaultdict(list)
    for document in documents:   # the store keeps them in the order the table of contents lists them
        sections[document.get("section") or "未分栏目"].append(document)
    return render_template("issue.html", source=source, issue=name, sections=sections, findings=findings)
