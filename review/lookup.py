"""Reading the store for the pages: rows by id (404 when unknown) and the links between them."""
from __future__ import annotations

from flask import abort, g

from snapshots.bounds import storable


def document_or_404(document_id: int) -> dict:
    document = g.store.document(document_id) if storable(document_id) else None
    if not document:
        abort(404, f"没有编号为 {document_id} 的文件。")
    return document


def version_or_404(version_id: int) -> dict:
    version = g.store.version(version_id) if storable(version_id) else None
    if not version:
        abort(404, f"没有编号为 {version_id} 的版本。")
    return version


def version_text(version: dict) -> str:
    return g.store.version_text(version["document_id"], version["seq"])


def previous_version_id(store, version_id: int) -> int | None:
    """The version before ``version_id`` in its document (None for the first)."""
    version = store.version(version_id) if storable(version_id) else None
    if not version or version["seq"] == 1:
        return None
    earlier = [v["id"] for v in store.versions(version["document_id"]) if v["seq"] == version["seq"] - 1]
    return earlier[0] if earlier else None
