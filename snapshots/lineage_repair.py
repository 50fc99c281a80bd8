"""Repair what an older regwatch recorded wrongly about rules: split the lineages it merged on a bare
令 number (上海市人民政府令第12号 of 1992 and of 2014 became one document), key every 令 number by its
year, and drop expiries read from a permit's term (许可证有效期为5年) instead of the rule's own.

Which rule each version was is read from the titles its new_document/new_version events recorded;
a run of versions whose names cannot be one rule (diffs.identity.names_agree) becomes a document of
its own, taking its versions, the URLs that served them, their events, and a rule of its own.
"""
from __future__ import annotations

import sqlite3
import zlib

from diffs.identity import issued_year, names_agree, number_key, rule_name_key
from diffs.validity import extract_validity, headnote

_VERSION_EVENTS = ("new_document", "new_version")


def repair(conn: sqlite3.Connection) -> None:
    for (document_id,) in conn.execute("SELECT id FROM documents ORDER BY id").fetchall():
        _split(conn, document_id)
    _rekey(conn)
    _revalidate(conn)


def _revalidate(conn: sqlite3.Connection) -> None:
    """Each rule's expiry as its own text states it; an 已失效 that only a misread term caused goes."""
    rows = conn.execute("SELECT r.id, r.expires, d.id, d.title FROM rules r JOIN documents d ON d.id = r.document_id"
                        " WHERE r.expires IS NOT NULL").fetchall()
    for rule_id, stored, document_id, title in rows:
        sha = conn.execute("SELECT text_sha FROM versions WHERE document_id = ? ORDER BY seq DESC LIMIT 1",
                           [document_id]).fetchone()
        if not sha:
            continue
        validity = extract_validity(_text(conn, sha[0]), title)
        own = _iso(validity.extended_to or validity.expires)
        if own == stored:
            continue
        conn.execute("UPDATE rules SET expires = ? WHERE id = ?", [own, rule_id])
        # The expiry regwatch itself recorded (by the rule's own document) after a date that is not the rule's.
        conn.execute("DELETE FROM rule_history WHERE rule_id = ? AND status = '已失效' AND by_document_id IS ?"
                     " AND (? IS NULL OR since <= ?)", [rule_id, document_id, own, own])
        latest = conn.execute("SELECT status, since, by_document_id, by_title, by_url FROM rule_history"
                              " WHERE rule_id = ? ORDER BY coalesce(since, '') DESC, id DESC LIMIT 1",
                              [rule_id]).fetchone()
        if latest:
            conn.execute("UPDATE rules SET status = ?, since = ?, by_document_id = ?, by_title = ?, by_url = ?"
                         " WHERE id = ?", [*latest, rule_id])


def _text(conn: sqlite3.Connection, sha: str) -> str:
    (data,) = conn.execute("SELECT data FROM blobs WHERE sha256 = ?", [sha]).fetchone()
    return zlib.decompress(data).decode("utf-8")


def _segments(conn: sqlite3.Connection, document_id: int) -> list[tuple[str | None, list[tuple]]]:
    """(title, versions) runs of one document, each run one rule by name."""
    versions = conn.execute("SELECT id, seq, text_sha, fetched_at FROM versions WHERE document_id = ? ORDER BY seq",
                            [document_id]).fetchall()
    titles = dict(conn.execute("SELECT version_id, title FROM events WHERE document_id = ? AND version_id IS NOT NULL"
                               f" AND kind IN {_VERSION_EVENTS}", [document_id]).fetchall())
    runs: list[tuple[str | None, list[tuple]]] = []
    for version in versions:
        title = titles.get(version[0])
        key = rule_name_key(title)
        if runs:
            run_title, run = runs[-1]
            run_key = rule_name_key(run_title)
            if key is None or run_key is None or key == run_key or names_agree(key, run_key):
                run.append(version)
                continue
        runs.append((title, [version]))
    return runs


def _split(conn: sqlite3.Connection, document_id: int) -> None:
    runs = _segments(conn, document_id)
    if len(runs) < 2:
        return
    columns = [c[1] for c in conn.execute("PRAGMA table_info(documents)")]
    row = dict(zip(columns, conn.execute("SELECT * FROM documents WHERE id = ?", [document_id]).fetchone()))
    rule = conn.execute("SELECT id, name_key FROM rules WHERE id = ?", [row["rule_id"]]).fetchone() \
        if row["rule_id"] else None
    pages = conn.execute("SELECT url, text_sha FROM urls WHERE document_id = ? ORDER BY rowid", [document_id]).fetchall()
    for index, (title, versions) in enumerate(runs):
        shas = [v[2] for v in versions]
        urls = [url for url, sha in pages if sha in shas]
        # A run no URL serves any more keeps a page address of its own (documents.url is unique).
        url = urls[-1] if urls else f"{row['url']}#{versions[0][0]}"
        target = document_id if index == 0 else _copy_document(conn, row, columns, title, versions[0][3], url)
        marks = ",".join("?" * len(versions))
        ids = [v[0] for v in versions]
        if index:
            conn.execute(f"UPDATE versions SET document_id = ?, seq = seq - ? WHERE id IN ({marks})",
                         [target, versions[0][1] - 1, *ids])
            # The run's first text was a new document, not a version of the stranger before it.
            conn.execute("UPDATE versions SET diff_json = NULL WHERE id = ?", [versions[0][0]])
            conn.execute("UPDATE events SET kind = 'new_document', payload = '{}' WHERE version_id = ?"
                         " AND kind = 'new_version'", [versions[0][0]])
            conn.execute(f"UPDATE events SET document_id = ? WHERE version_id IN ({marks})", [target, *ids])
            conn.execute(f"UPDATE urls SET document_id = ? WHERE url IN ({','.join('?' * len(urls))})",
                         [target, *urls])
        _describe(conn, target, title, _text(conn, shas[-1]), row, url)
        own_rule = rule[0] if rule and names_agree(rule_name_key(title), rule[1]) else None
        if own_rule is None and rule_name_key(title):
            own_rule = _new_rule(conn, target, title, row["number"], _text(conn, shas[-1]))
        conn.execute("UPDATE documents SET rule_id = ? WHERE id = ?", [own_rule, target])
        if own_rule is not None and rule is not None and own_rule != rule[0]:
            conn.execute("UPDATE events SET rule_id = ? WHERE rule_id = ? AND document_id = ?",
                         [own_rule, rule[0], target])
        if own_rule is not None and rule is not None and own_rule == rule[0]:
            validity = extract_validity(_text(conn, shas[-1]), title)
            conn.execute("UPDATE rules SET document_id = ?, effective = ?, expires = ? WHERE id = ?",
                         [target, _iso(validity.effective), _iso(validity.extended_to or validity.expires), own_rule])


def _copy_document(conn: sqlite3.Connection, row: dict, columns: list[str], title: str | None, first_seen: str,
                   url: str) -> int:
    copy = {k: row[k] for k in columns if k != "id"}
    copy.update(title=title, first_seen=first_seen, rule_id=None, url=url)
    cursor = conn.execute(f"INSERT INTO documents ({', '.join(copy)}) VALUES ({', '.join('?' * len(copy))})",
                          list(copy.values()))
    return cursor.lastrowid


def _describe(conn: sqlite3.Connection, document_id: int, title: str | None, text: str, row: dict, url: str) -> None:
    """A split document's title, page and dates, from its own versions and URLs."""
    validity = extract_validity(text, title)
    note = headnote(text)
    published = note.published.isoformat() if note and note.published else row["published"]
    conn.execute("UPDATE documents SET title = ?, name_key = ?, url = ?, published = ?, effective = ?, expires = ?"
                 " WHERE id = ?", [title, rule_name_key(title), url, published, _iso(validity.effective),
                                   _iso(validity.extended_to or validity.expires), document_id])


def _new_rule(conn: sqlite3.Connection, document_id: int, title: str, number: str | None, text: str) -> int:
    validity = extract_validity(text, title)
    effective = _iso(validity.effective)
    cursor = conn.execute(
        "INSERT INTO rules (name, number, document_id, effective, expires, name_key, number_key, status, since)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, '现行有效', ?)",
        [rule_name_key(title), number, document_id, effective, _iso(validity.extended_to or validity.expires),
         rule_name_key(title), number_key(number, issued_year(number, None, text)), effective])
    conn.execute("INSERT INTO rule_history (rule_id, status, since, by_document_id, recorded_at)"
                 " VALUES (?, '现行有效', ?, ?, datetime('now'))", [cursor.lastrowid, effective, document_id])
    return cursor.lastrowid


def _rekey(conn: sqlite3.Connection) -> None:
    """Every 令 number keyed by its year (a bare 令 number identifies nothing)."""
    texts = {}
    for doc_id, number, published in conn.execute("SELECT id, number, published FROM documents").fetchall():
        sha = conn.execute("SELECT text_sha FROM versions WHERE document_id = ? ORDER BY seq DESC LIMIT 1",
                           [doc_id]).fetchone()
        texts[doc_id] = _text(conn, sha[0]) if sha else None
        conn.execute("UPDATE documents SET number_key = ? WHERE id = ?",
                     [number_key(number, issued_year(number, published, texts[doc_id])), doc_id])
    for rule_id, number, document_id in conn.execute("SELECT id, number, document_id FROM rules").fetchall():
        published = conn.execute("SELECT published FROM documents WHERE id = ?", [document_id]).fetchone() \
            if document_id else None
        year = issued_year(number, published[0] if published else None, texts.get(document_id))
        conn.execute("UPDATE rules SET number_key = ? WHERE id = ?", [number_key(number, year), rule_id])


def _iso(value) -> str | None:
    return value.isoformat() if value else None

