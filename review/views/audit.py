"""The rules audit: every rule's status on a chosen date, the repealed ones with what repealed
them, the ones expiring soon; the same table as CSV."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from flask import Blueprint, Response, abort, current_app, g, render_template, request

from snapshots.rules import IN_FORCE, NOT_YET, REPEALED, cause

bp = Blueprint("audit", __name__)

CSV_COLUMNS = ("id", "name", "number", "status", "since", "by_title", "by_number", "by_url", "effective", "expires",
               "cause", "pending_since")


def _chosen_date() -> date:
    raw = request.args.get("date") or date.today().isoformat()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, f"not a date (YYYY-MM-DD): {raw!r}")


def _audit(on: date) -> dict:
    rules = g.store.rules(at=on.isoformat())
    for rule in rules:
        repealing = g.store.document(rule["by_document_id"]) if rule.get("by_document_id") else None
        rule["by_number"] = (repealing or {}).get("number")
        if repealing and not rule.get("by_title"):   # an expiry computed from the rule's own 有效期
            rule["by_title"], rule["by_url"] = repealing["title"], repealing["url"]
        rule["cause"] = cause(rule)
        rule["pending_since"] = (rule.get("pending") or {}).get("since")
    horizon = (on + timedelta(days=current_app.config["REVIEW"].expiring_days)).isoformat()
    return {
        "rules": rules,
        "repealed": [r for r in rules if r.get("status") == REPEALED],
        "pending": [r for r in rules if r.get("pending")],
        "expiring": sorted((r for r in rules if r.get("expires") and on.isoformat() <= r["expires"] <= horizon
                            and r.get("status") in (IN_FORCE, NOT_YET)),
                           key=lambda r: r["expires"]),
    }


def _cell(value):
    # Scraped titles are untrusted: a leading = + - @ would make a spreadsheet run a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


@bp.route("/audit")
def index():
    on = _chosen_date()
    return render_template("audit.html", on=on, days=current_app.config["REVIEW"].expiring_days, **_audit(on))


@bp.route("/audit.csv")
def export_csv():
    on = _chosen_date()
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in rule.items()} for rule in _audit(on)["rules"])
    # A BOM so that Excel, which Chinese legal teams open CSVs with, reads UTF-8.
    return Response("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="rules-{on.isoformat()}.csv"'})
