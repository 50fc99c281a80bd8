"""Rows of the store as spreadsheet tables: the one CSV writer of the rules audit (``regwatch status
--format csv`` and the web UI's /audit.csv) and of the change list."""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable

from .rules import cause

RULE_COLUMNS = ("id", "name", "number", "status", "since", "by_title", "by_number", "by_url", "effective",
                "expires", "url", "cause", "pending_since")


def _cell(value: Any) -> Any:
    # Scraped titles are untrusted: a leading = + - @ would make a spreadsheet run a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def to_csv(rows: Iterable[dict], columns: Iterable[str]) -> str:
    """UTF-8 CSV with a BOM, so that Excel, which Chinese legal teams open CSVs with, reads it."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), extrasaction="ignore")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return "\ufeff" + buffer.getvalue()


def audit_rows(store: Any, rules: list[dict]) -> list[dict]:
    """Rules with the 文号 of the document that changed their status and the URL of their own text."""
    documents: dict[int, dict | None] = {}

    def document(document_id: int | None) -> dict:
        if document_id is None:
            return {}
        if document_id not in documents:
            documents[document_id] = store.document(document_id)
        return documents[document_id] or {}

    rows = []
    for rule in rules:
        deciding = document(rule.get("by_document_id"))
        row = {**rule, "by_number": deciding.get("number"), "url": document(rule.get("document_id")).get("url")}
        if deciding and not row.get("by_title"):   # an expiry computed from the rule's own 有效期
            row["by_title"], row["by_url"] = deciding.get("title"), deciding.get("url")
        row["cause"] = cause(row)
        row["pending_since"] = (row.get("pending") or {}).get("since")
        rows.append(row)
    return rows


def rules_csv(store: Any, rules: list[dict]) -> str:
    return to_csv(audit_rows(store, rules), RULE_COLUMNS)
