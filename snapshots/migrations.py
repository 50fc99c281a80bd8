"""Bring a database of any earlier schema version up to schema.SCHEMA_VERSION, in place."""
from __future__ import annotations

import sqlite3
import zlib

from diffs.errors import StoreError

from diffs.identity import number_key, rule_name_key

from . import blobs, lineage_repair
from .schema import COMPACT_VERSION, MIGRATIONS, SCHEMA_VERSION, V5_LINEAGES

# The step after which merged lineages are split (issue 11), wherever the list puts it.
SPLIT_LINEAGES = MIGRATIONS.index(V5_LINEAGES) + 1


def current_version(conn: sqlite3.Connection) -> int:
    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    if not has_meta:
        return 0
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def _index_existing_texts(conn: sqlite3.Connection) -> None:
    shas = [r[0] for r in conn.execute("SELECT DISTINCT text_sha FROM versions")]
    for sha in shas:
        data = conn.execute("SELECT data FROM blobs WHERE sha256 = ?", [sha]).fetchone()[0]
        conn.execute("INSERT INTO search_texts (text_sha, text) VALUES (?, ?)",
                     [sha, zlib.decompress(data).decode("utf-8")])


def _key_existing_documents(conn: sqlite3.Connection) -> None:
    for doc_id, title, number in conn.execute("SELECT id, title, number FROM documents").fetchall():
        conn.execute("UPDATE documents SET name_key = ?, number_key = ? WHERE id = ?",
                     [rule_name_key(title), number_key(number), doc_id])
    for rule_id, name, number in conn.execute("SELECT id, name, number FROM rules").fetchall():
        conn.execute("UPDATE rules SET name_key = ?, number_key = ? WHERE id = ?",
                     [rule_name_key(name) or name, number_key(number), rule_id])


def _compact(conn: sqlite3.Connection) -> None:
    """Re-pack each document's texts and pages as deltas against its previous version, index each
    document's latest text, and remember the last page fetched at each URL."""
    rows = conn.execute("SELECT document_id, text_sha, raw_sha FROM versions ORDER BY document_id, seq").fetchall()
    previous: tuple = (None, None, None)
    latest: dict[int, str] = {}
    for document_id, text_sha, raw_sha in rows:
        if previous[0] == document_id:
            _repack(conn, text_sha, previous[1])
            _repack(conn, raw_sha, previous[2] or text_sha)
        else:
            _repack(conn, raw_sha, text_sha)          # a page holds its clean text
        previous = (document_id, text_sha, raw_sha)
        latest[document_id] = text_sha
    for document_id, text_sha in latest.items():
        conn.execute("INSERT INTO search_latest (rowid, text) VALUES (?, ?)",
                     [document_id, blobs.get(conn, text_sha).decode("utf-8")])
    conn.execute("UPDATE urls SET raw_sha = (SELECT v.raw_sha FROM versions v WHERE v.document_id = urls.document_id"
                 " AND v.text_sha = urls.text_sha ORDER BY v.seq DESC LIMIT 1)")


def _repack(conn: sqlite3.Connection, sha: str | None, base: str | None) -> None:
    # A blob other blobs are deltas of stays whole (so no chain of deltas, and no cycle, can form).
    if sha is None or base is None or sha == base or conn.execute(
            "SELECT 1 FROM blobs WHERE base = ? OR (sha256 = ? AND base IS NOT NULL)", [sha, sha]).fetchone():
        return
    packed, delta_of = blobs.pack(conn, blobs.get(conn, sha), base)
    if delta_of is not None:
        conn.execute("UPDATE blobs SET data = ?, stored_size = ?, base = ? WHERE sha256 = ?",
                     [packed, len(packed), delta_of, sha])


# Data steps that SQL alone cannot do, run right after the migration of that version.
AFTER = {2: _key_existing_documents, 3: _index_existing_texts, SPLIT_LINEAGES: lineage_repair.repair,
         COMPACT_VERSION: _compact}


def migrate(conn: sqlite3.Connection) -> int:
    """Upgrade in one transaction per step; returns the version the database had before."""
    before = current_version(conn)
    if before > SCHEMA_VERSION:
        raise StoreError(f"the store has schema version {before}, newer than this regwatch ({SCHEMA_VERSION}); "
                         "upgrade regwatch")
    for version in range(before + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have migrated while we waited for the write lock.
            if current_version(conn) >= version:
                conn.execute("COMMIT")
                continue
            for statement in _statements(MIGRATIONS[version - 1]):
                conn.execute(statement)
            if version in AFTER:
                AFTER[version](conn)
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", [str(version)])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return before


def _statements(script: str) -> list[str]:
    # executescript() would COMMIT on its own; split so each step stays inside our transaction.
    return [s.strip() for s in script.split(";\n") if s.strip()]
