"""Who is told about what: the subscriptions, read-only, with how to change or end each one (the
page a digest's List-Unsubscribe link opens)."""
from __future__ import annotations

import json

from flask import Blueprint, g, render_template

from snapshots.events import FREQUENCY_LABELS

from ..presentation import KIND_LABELS

bp = Blueprint("subscriptions", __name__)
CONFIG_PREFIX = "config:"   # notify's marker of subscriptions that regwatch.toml defines
FILTER_NAMES = {"sources": "来源", "sections": "栏目", "issuers": "发布机关", "doc_types": "文件类别",
                "keywords": "关键词", "rules": "法规", "kinds": "变动类型", "since": "起始日期"}


def _shown(row: dict) -> dict:
    filters = json.loads(row.get("filters") or "{}")
    if filters.get("kinds"):
        filters["kinds"] = [KIND_LABELS.get(k, k) for k in filters["kinds"]]
    name = row.get("name") or ""
    return {"id": row["id"], "name": name.removeprefix(CONFIG_PREFIX) or f"#{row['id']}",
            "from_config": name.startswith(CONFIG_PREFIX), "emails": json.loads(row.get("emails") or "[]"),
            "filters": [(FILTER_NAMES.get(k, k), "、".join(v) if isinstance(v, list) else str(v)) for k, v in filters.items()],
            "when": FREQUENCY_LABELS.get(row.get("frequency"), row.get("frequency")) + _hour(row)}


def _hour(row: dict) -> str:
    if row.get("frequency") == "immediate" or row.get("hour") is None:
        return ""
    return f" {row['hour']:02d} 时（北京时间）"


@bp.route("/subscriptions")
def index():
    return render_template("subscriptions.html", subscriptions=[_shown(r) for r in g.store.subscription_rows()])
