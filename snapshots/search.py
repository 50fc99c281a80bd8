"""Full-text search over each document's latest text.

The index (search_latest: FTS5 trigram, contentless, no positions) holds one row per document,
rowid = document id, so it costs about a quarter of the text's size where an index of every
version with its content cost three times it. A query is answered in two steps: the index gives
the matching document ids (each of the query's trigrams present), then the latest versions of
those documents are read newest first, and only as many texts as the page of results needs are
read from their blobs to confirm the whole query occurs (a query of one trigram needs none).
A query of one or two characters, which no trigram can answer, reads the latest texts newest
first and stops at ``limit`` hits or after :data:`SCAN_BUDGET` texts.
"""
from __future__ import annotations

import json
import re
import sqlite3
from typing import Iterator

from . import blobs

#: Texts read at most for a query of one or two characters (the newest documents; about 0.15 ms
#: each, so a rare term costs at most ~75 ms whatever the size of the store).
SCAN_BUDGET = 500
#: Up to this many matching documents, their latest versions are sorted by SQL; beyond it, the
#: versions are walked newest first until the page is full (a common term matches nearly all).
_FEW = 2000

_LATEST_OF = """
SELECT v.id, v.document_id, v.seq, v.fetched_at, v.text_sha FROM versions v
WHERE v.document_id IN (SELECT value FROM json_each(?))
  AND v.seq = (SELECT max(w.seq) FROM versions w WHERE w.document_id = v.document_id)
ORDER BY v.fetched_at DESC, v.id DESC
"""
_NEWEST = "SELECT id, document_id, seq, fetched_at, text_sha FROM versions ORDER BY fetched_at DESC, id DESC"


# C0/C1 controls and DEL: no stored text is searched for them, and SQLite ends a string at a NUL
# (FTS5 then reports an unterminated phrase). A control character separates words like a space.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def clean_query(query: str) -> str:
    """A search query as it can be matched: controls become spaces, the ends are trimmed."""
    return _CONTROL.sub(" ", query).strip()


def index_latest(conn: sqlite3.Connection, document_id: int, text: str, previous: str | None) -> None:
    """Make ``text`` the document's indexed text; ``previous`` is the text indexed until now (a
    contentless index forgets a row only when told the words it held)."""
    if previous is not None:
        conn.execute("INSERT INTO search_latest (search_latest, rowid, text) VALUES ('delete', ?, ?)",
                     [document_id, previous])
    conn.execute("INSERT INTO search_latest (rowid, text) VALUES (?, ?)", [document_id, text])


def search(conn: sqlite3.Connection, query: str, limit: int = 50) -> list[dict]:
    """The latest version of each document whose latest text contains ``query``, newest first:
    dicts with document_id, seq, version_id, fetched_at, title, url, source."""
    query = clean_query(query)
    if not query or limit <= 0:
        return []
    needle = query.lower()
    if len(query) >= 3:
        grams = list(dict.fromkeys(query[k:k + 3] for k in range(len(query) - 2)))
        match = " AND ".join('"' + gram.replace('"', '""') + '"' for gram in grams)
        documents = {row[0] for row in conn.execute("SELECT rowid FROM search_latest WHERE search_latest MATCH ?",
                                                    [match])}
        rows, confirm, budget = _latest(conn, documents), len(grams) > 1, None
    else:
        rows, confirm, budget = _latest(conn, None), True, SCAN_BUDGET
    hits = []
    for version_id, document_id, seq, fetched_at, text_sha in rows:
        if confirm:
            if budget is not None:
                if budget == 0:
                    break
                budget -= 1
            if needle not in blobs.get(conn, text_sha).decode("utf-8").lower():
                continue
        hits.append(dict(document_id=document_id, seq=seq, version_id=version_id, fetched_at=fetched_at))
        if len(hits) == limit:
            break
    return _with_documents(conn, hits)


def _latest(conn: sqlite3.Connection, documents: set[int] | None) -> Iterator[tuple]:
    """(version id, document id, seq, fetched_at, text_sha) of the latest version of each of
    ``documents`` (None: every document), newest first."""
    if documents is not None and len(documents) <= _FEW:
        yield from conn.execute(_LATEST_OF, [json.dumps(sorted(documents))])
        return
    seen: set[int] = set()
    # Versions of a document are fetched in order, so its first in this walk is its latest.
    for row in conn.execute(_NEWEST):
        if row[1] in seen:
            continue
        seen.add(row[1])
        if documents is None or row[1] in documents:
            yield row


def _with_documents(conn: sqlite3.Connection, hits: list[dict]) -> list[dict]:
    ids = json.dumps([h["document_id"] for h in hits])
    about = {row[0]: row[1:] for row in conn.execute(
        "SELECT id, title, url, source FROM documents WHERE id IN (SELECT value FROM json_each(?))", [ids])}
    for hit in hits:
        hit["title"], hit["url"], hit["source"] = about[hit["document_id"]]
    return hits
