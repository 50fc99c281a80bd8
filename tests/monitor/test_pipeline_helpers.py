"""Shared by the pipeline, command and crash tests: a regwatch.toml for every source of the
offline mirror, and the store's contents in a form two runs can be compared by."""
from __future__ import annotations

import sqlite3
from collections import Counter
from pathlib import Path

from regwatch.commands.mirror import source_block


def write_config(directory: Path, urls: dict[str, str], extra: str = "") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "regwatch.toml"
    path.write_text(f'[store]\npath = "regwatch.db"\n{extra}\n' + source_block(urls), encoding="utf-8")
    return path


def snapshot(db: Path) -> dict:
    """What a run stored, without times or ids: documents, their versions' texts, events."""
    conn = sqlite3.connect(db)
    try:
        docs = {row[0]: row[1:] for row in conn.execute("SELECT id, url, title, gone_at IS NOT NULL FROM documents")}
        versions = Counter((docs[d][0], seq, sha, fmt) for d, seq, sha, fmt in
                           conn.execute("SELECT document_id, seq, text_sha, formatting_only FROM versions"))
        events = Counter(conn.execute("SELECT kind, title, url FROM events").fetchall())
        rules = Counter(conn.execute("SELECT name, status, since, by_title FROM rules").fetchall())
        return {"documents": sorted(docs.values()), "versions": versions, "events": events, "rules": rules}
    finally:
        conn.close()
