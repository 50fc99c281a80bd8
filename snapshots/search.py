"""Full-text search over every stored text: FTS5 trigram for 3+ characters, LIKE below that
(a trigram index cannot answer a one- or two-character Chinese query)."""
from __future__ import annotations

import re
import sqlite3

_HITS = """
SELECT v.document_id, v.seq, v.id AS version_id, v.fetched_at, d.title, d.url, d.source
FROM versions v JOIN documents d ON d.id = v.document_id
WHERE v.text_sha IN ({matching})
  AND v.seq = (SELECT max(w.seq) FROM versions w WHERE w.document_id = v.document_id AND w.text_sha IN ({matching}))
ORDER BY v.fetched_at DESC, v.id DESC
LIMIT ?
"""


# C0/C1 controls and DEL: no stored text is searched for them, and SQLite ends a string at a NUL
# (FTS5 then reports an unterminated phrase). A control character separates words like a space.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_query(query: str) -> str:
    """A search query as it can be matched: controls become spaces, the ends are trimmed."""
    return _CONTROL.sub(" ", query).strip()


def index_text(conn: sqlite3.Connection, text_sha: str, text: str) -> None:
    """Index a text once; call before the version holding it is inserted.

    A text is in the index exactly when some version holds it, and versions are indexed by
    text_sha, so the check costs a B-tree lookup instead of a scan of the FTS table."""
    if conn.execute("SELECT 1 FROM versions WHERE text_sha = ? LIMIT 1", [text_sha]).fetchone() is None:
        conn.execute("INSERT INTO search_texts (text_sha, text) VALUES (?, ?)", [text_sha, text])


def search(conn: sqlite3.Connection, query: str, limit: int = 50) -> list[dict]:
    """The latest matching version of each document, newest first."""
    query = clean_query(query)
    if not query:
        return []
    if len(query) >= 3:
        matching = "SELECT text_sha FROM search_texts WHERE search_texts MATCH ?"
        term = '"' + query.replace('"', '""') + '"'
    else:
        matching = "SELECT text_sha FROM search_texts WHERE text LIKE ? ESCAPE '\\'"
        term = "%" + query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    cursor = conn.execute(_HITS.format(matching=matching), [term, term, limit])
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]
