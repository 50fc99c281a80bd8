"""Rows of the store as spreadsheet tables: the one CSV writer of the rules audit (``regwatch status
--format csv`` and the web UI's /audit.csv) and of the change list."""
from __future__ import annotations

import csv
import io
from typing import Any, Iterable

from .rules import EXPIRED, cause

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
    """Rules (``store.rules()`` rows, which carry their own page's ``url``) with what the audit shows:
    the 文号 of the document that changed their status, its title where the status names none (an
    expiry computed from the rule's own 有效期), the status in words and a pending change's date. The
    one place these facts are made for the CLI, the web page and both CSVs."""
    deciding_ids = {rule["by_document_id"] for rule in rules if rule.get("by_document_id")}
    deciding = {i: store.document(i) or {} for i in deciding_ids}   # a few decisions for many rules
    rows = []
    for rule in rules:
        by = deciding.get(rule.get("by_document_id"), {})
        row = {**rule, "by_number": by.get("number")}
        if not row.get("by_title"):
            if by:
                row["by_title"], row["by_url"] = by.get("title"), by.get("url")
            elif row.get("status") == EXPIRED:
                row["by_title"] = row["name"]
        row["cause"] = cause(row)
        row["pending_since"] = (row.get("pending") or {}).get("since")
        rows.append(row)
    return rows


def rules_csv(rows: list[dict]) -> str:
    """The audit as CSV; ``rows`` as :func:`audit_rows` makes them."""
    return to_csv(rows, RULE_COLUMNS)
