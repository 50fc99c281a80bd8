"""The rules audit: every rule's status on a chosen date, the repealed ones with what repealed
them, the ones expiring soon; the same table as CSV."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, Response, abort, current_app, g, render_template, request

from snapshots.rules import IN_FORCE, NOT_YET, REPEALED
from snapshots.tables import audit_rows, rules_csv

bp = Blueprint("audit", __name__)


def _chosen_date() -> date:
    raw = request.args.get("date") or date.today().isoformat()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        abort(400, f"日期格式应为 YYYY-MM-DD，收到的是“{raw}”。")


def _audit(on: date) -> dict:
    rules = audit_rows(g.store, g.store.rules(at=on.isoformat()))   # with cause, 文号 and pending date
    horizon = (on + timedelta(days=current_app.config["REVIEW"].expiring_days)).isoformat()
    return {
        "rules": rules,
        "repealed": [r for r in rules if r.get("status") == REPEALED],
        "pending": [r for r in rules if r.get("pending")],
        "expiring": sorted((r for r in rules if r.get("expires") and on.isoformat() <= r["expires"] <= horizon
                            and r.get("status") in (IN_FORCE, NOT_YET)),
                           key=lambda r: r["expires"]),
    }


@bp.route("/audit")
def index():
    on = _chosen_date()
    return render_template("audit.html", on=on, days=current_app.config["REVIEW"].expiring_days, **_audit(on))


@bp.route("/audit.csv")
def export_csv():
    on = _chosen_date()
    return Response(rules_csv(audit_rows(g.store, g.store.rules(at=on.isoformat()))), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="rules-{on.isoformat()}.csv"'})
