"""Reading the store for the pages: rows by id (404 when unknown) and the links between them."""
from __future__ import annotations

import json

from flask import abort, g


def document_or_404(document_id: int) -> dict:
    document = g.store.document(document_id)
    if not document:
        abort(404, f"no document {document_id}")
    return document


def version_or_404(version_id: int) -> dict:
    """The version row with id ``version_id`` (document_id, seq, fetched_at, …)."""
    row = g.store.db.execute("select * from versions where id = ?", [version_id]).fetchone()
    if row is None:
        abort(404, f"no version {version_id}")
    columns = [c[0] for c in g.store.db.execute("select * from versions limit 0").description]
    return dict(zip(columns, row))


def version_text(version: dict) -> str:
    return g.store.version_text(version["document_id"], version["seq"])


def previous_version_id(version_id: int) -> int | None:
    """The version before ``version_id`` in its document (None for the first)."""
    row = g.store.db.execute(
        "select p.id from versions v join versions p on p.document_id = v.document_id and p.seq = v.seq - 1 "
        "where v.id = ?", [version_id]).fetchone()
    return row[0] if row else None


def event_payload(event: dict) -> dict:
    """An event's payload as a dict (the store may hand it over as its JSON text)."""
    payload = event.get("payload") or {}
    return json.loads(payload) if isinstance(payload, str) else payload
