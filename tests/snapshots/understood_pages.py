"""Saving a page the way the pipeline does: stored, then understood, in one transaction."""
from __future__ import annotations

from snapshots.decisions import understand


def save_understood(store, url, title, text, **meta):
    """Save one page (source "s") and record what it says about rules; returns its document row."""
    with store.transaction():
        result = store.save_version("s", url, None, text, {"title": title, **meta})
        understand(store, store.document(result.document_id), result.version_id, text)
    return store.document(result.document_id)
