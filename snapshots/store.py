"""The Store: one SQLite file (WAL) holding every document version, event and rule status.

Writes go through plain SQL on a connection in autocommit mode, framed by ``transaction()``
(BEGIN IMMEDIATE … COMMIT): sqlite-utils' write helpers commit on their own, which would break
the one-transaction-per-document guarantee, so ``.db`` (a sqlite_utils.Database) is for reading.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any, Iterator
from zoneinfo import ZoneInfo

import sqlite_utils

from diffs.errors import StoreError
from diffs.normalize import normalize

from . import blobs, rules as registry, search as fulltext
from diffs.identity import issued_year, names_agree, number_key, rule_name_key
from diffs.rulefacts import Context, Facts, RuleRef, Wanted, title_key
from diffs.validity import order_number
from .discovery import DiscoveryMixin
from .migrations import migrate
from .outbox import OutboxTables
from .reviews import ReviewState
from .schema import COMPACT_VERSION
from .suspects import SuspectsMixin

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The metadata keys of an extracted document that become columns of `documents`.
DOCUMENT_FIELDS = ("title", "number", "issuer", "doc_type", "section", "issue", "published", "effective", "expires")


def _keys(meta: dict, text: str) -> tuple[str | None, str | None]:
    """(name key, number key) of a page: the number keyed by the year its rule was issued."""
    number = meta.get("number")
    year = issued_year(number, meta.get("published"), text)
    return rule_name_key(meta.get("title")), number_key(number, year)


def utc_now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@dataclass
class SaveResult:
    document_id: int
    version_id: int | None
    outcome: str  # new | changed | formatting | unchanged
    previous_version_id: int | None
    reverted_to: int | None = None  # the earlier version (seq) whose text came back


class Store(ReviewState, OutboxTables, SuspectsMixin, DiscoveryMixin):
    def __init__(self, path: str | Path, create: bool = True) -> None:
        """``create=False``: open an existing store only (read-only commands and the web UI must not
        leave an empty store behind a typo or a deleted file); a missing file is a StoreError."""
        self.path = Path(path)
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                target: str | Path = self.path
            else:
                # mode=rw: SQLite itself refuses a missing file, so no check-then-open race.
                target = f"{self.path.resolve().as_uri()}?mode=rw"
            # isolation_level=None: we issue BEGIN/COMMIT ourselves; check_same_thread stays on.
            self.conn = sqlite3.connect(target, isolation_level=None, timeout=30, uri=not create)
            # Pages freed by the search index's merges go back to the file system (see close());
            # takes effect on a new file, or on an old one at the VACUUM after its compaction.
            self.conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            self.conn.execute("PRAGMA journal_mode = WAL")
            self.conn.execute("PRAGMA foreign_keys = ON")
            self.conn.execute("PRAGMA synchronous = NORMAL")
            before = migrate(self.conn)
            if 0 < before < COMPACT_VERSION:
                self.conn.execute("VACUUM")    # give back the pages the old search index held
        except (sqlite3.DatabaseError, StoreError) as e:
            if hasattr(self, "conn"):
                self.conn.close()
            if isinstance(e, StoreError):
                raise
            if not create and not self.path.is_file():
                raise StoreError(f"no store at {self.path}: run `regwatch check` first, or give the right --config") from None
            raise StoreError(f"{self.path}: cannot open the store: {e}") from e
        except OSError as e:
            raise StoreError(f"{self.path}: cannot create the store's folder: {e}") from e
        self.db = sqlite_utils.Database(self.conn)
        self._depth = 0

    def close(self) -> None:
        try:
            if self.conn.execute("PRAGMA freelist_count").fetchone()[0]:
                self.conn.execute("PRAGMA busy_timeout = 0")    # never wait for another writer here
                # executescript steps the pragma to its end (execute would free a single page).
                self.conn.executescript("PRAGMA incremental_vacuum;")
        except sqlite3.OperationalError:
            pass            # another process is writing (or the file is read-only): next time
        self.conn.close()

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- transactions and rows -------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """One atomic write. Nested uses join the outermost transaction."""
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as e:
            raise StoreError(f"{self.path}: cannot start a write: {e}") from e
        self._depth = 1
        try:
            yield self
        except BaseException:
            self._depth = 0
            self.conn.execute("ROLLBACK")
            raise
        self._depth = 0
        self.conn.execute("COMMIT")

    def _rows(self, sql: str, params: Any = ()) -> list[dict]:
        cursor = self.conn.execute(sql, list(params))
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]

    def _row(self, sql: str, params: Any = ()) -> dict | None:
        rows = self._rows(sql, params)
        return rows[0] if rows else None

    def _insert(self, table: str, row: dict) -> int:
        sql = f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})"
        return self.conn.execute(sql, list(row.values())).lastrowid

    # ---- blobs -----------------------------------------------------------------------------

    def put_blob(self, data: bytes) -> str:
        return blobs.put(self.conn, data)

    def get_blob(self, sha: str) -> bytes:
        return blobs.get(self.conn, sha)

    # ---- sources and fetches -----------------------------------------------------------------

    def upsert_source(self, name: str, kind: str, url: str) -> None:
        with self.transaction():
            self.conn.execute("INSERT INTO sources (name, kind, url) VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE"
                              " SET kind = excluded.kind, url = excluded.url", [name, kind, url])

    def source_ran(self, name: str, at: str, error: str | None = None) -> None:
        with self.transaction():
            if error is None:
                self.conn.execute("UPDATE sources SET last_run = ?, last_ok = ?, last_error = NULL WHERE name = ?",
                                  [at, at, name])
            else:
                self.conn.execute("UPDATE sources SET last_run = ?, last_error = ? WHERE name = ?", [at, error, name])

    def sources(self) -> list[dict]:
        return self._rows("SELECT * FROM sources ORDER BY name")

    def record_fetch(self, source: str, url: str, http_status: int | None, outcome: str, elapsed_ms: int | None,
                     bytes: int | None, error: str | None = None, at: str | None = None) -> int:
        with self.transaction():
            return self._insert("fetches", dict(source=source, url=url, at=at or utc_now(), http_status=http_status,
                                                outcome=outcome, elapsed_ms=elapsed_ms, bytes=bytes, error=error))

    def url_state(self, url: str) -> dict | None:
        """What the store knows of one URL: document_id, etag, last_modified, text_sha, gone_at."""
        return self._row("SELECT * FROM urls WHERE url = ?", [url])

    def mark_listed(self, urls: list[str], at: str) -> None:
        with self.transaction():
            self.conn.executemany("UPDATE urls SET listed_at = ? WHERE url = ?", [(at, u) for u in urls])

    def unlisted_urls(self, source: str, listed_since: str, listed_now: set[str]) -> list[str]:
        """URLs of this source listed at or after `listed_since` that the listing no longer shows
        and that are not known gone: worth one more request to learn whether they disappeared."""
        rows = self.conn.execute(
            "SELECT u.url FROM urls u JOIN documents d ON d.id = u.document_id WHERE d.source = ?"
            " AND u.listed_at >= ? AND u.gone_at IS NULL ORDER BY u.url", [source, listed_since]).fetchall()
        return [url for (url,) in rows if url not in listed_now]

    def mark_gone(self, url: str, at: str) -> int | None:
        """The page at `url` disappeared: flag it (never delete). Returns the document id when it is
        newly gone and was the document's current page."""
        with self.transaction():
            state = self.url_state(url)
            if state is None or state["gone_at"]:
                return None
            self.conn.execute("UPDATE urls SET gone_at = ? WHERE url = ?", [at, url])
            changed = self.conn.execute("UPDATE documents SET gone_at = ? WHERE id = ? AND url = ? AND gone_at IS NULL",
                                        [at, state["document_id"], url]).rowcount
            return state["document_id"] if changed else None

    # ---- documents and versions --------------------------------------------------------------

    def save_version(self, source: str, url: str, raw: bytes | None, text: str, meta: dict | None,
                     fetched_at: str | None = None, content_type: str | None = None, etag: str | None = None,
                     last_modified: str | None = None) -> SaveResult:
        """Store one fetched text; decide whether it is a new document, a new version or nothing new."""
        meta = meta or {}
        fetched_at = fetched_at or utc_now()
        text_bytes = text.encode("utf-8")
        text_sha = blobs.sha256(text_bytes)
        raw_sha = blobs.sha256(raw) if raw is not None else None
        with self.transaction():
            state = self.url_state(url)
            if state is not None:
                document_id = state["document_id"]
                self.page_seen(url, fetched_at, etag, last_modified, raw_sha)
                if state["text_sha"] == text_sha:
                    return SaveResult(document_id, None, "unchanged", self._latest_version_id(document_id))
            else:
                document_id = self._lineage(source, meta, text) or self._new_document(source, url, meta, fetched_at, text)
                self._insert("urls", dict(url=url, document_id=document_id, etag=etag, last_modified=last_modified,
                                          raw_sha=raw_sha))
            self.conn.execute("UPDATE urls SET text_sha = ? WHERE url = ?", [text_sha, url])
            previous = self._row("SELECT id, seq, text_sha, raw_sha FROM versions WHERE document_id = ?"
                                 " ORDER BY seq DESC LIMIT 1", [document_id])
            # A text this lineage already holds (the same rule at two URLs, an old text re-served
            # at another URL) is not a new version: comparing with the latest alone would ping-pong
            # between them. Back on the document's current page after another text, it is a revert.
            reverted_to = self.conn.execute("SELECT max(seq) FROM versions WHERE document_id = ? AND text_sha = ?",
                                            [document_id, text_sha]).fetchone()[0]
            if reverted_to is not None and not self._reverts(document_id, url, previous, text_sha):
                return SaveResult(document_id, None, "unchanged", previous["id"] if previous else None)
            previous_text = self.get_blob(previous["text_sha"]).decode("utf-8") if previous else None
            formatting_only = previous is not None and normalize(previous_text) == normalize(text)
            blobs.put(self.conn, text_bytes, base=previous and previous["text_sha"])
            if raw is not None:
                blobs.put(self.conn, raw, base=(previous and previous["raw_sha"]) or text_sha)
            fulltext.index_latest(self.conn, document_id, text, previous_text)
            version_id = self._insert("versions", dict(
                document_id=document_id, seq=(previous["seq"] + 1) if previous else 1, fetched_at=fetched_at,
                raw_sha=raw_sha, text_sha=text_sha, content_type=content_type, formatting_only=int(formatting_only)))
            if previous is not None:
                self._refresh_document(document_id, url, meta, fetched_at, text)
            outcome = "new" if previous is None else ("formatting" if formatting_only else "changed")
            return SaveResult(document_id, version_id, outcome, previous["id"] if previous else None, reverted_to)

    def page_seen(self, url: str, at: str, etag: str | None = None, last_modified: str | None = None,
                  raw_sha: str | None = None) -> None:
        """A known page was fetched again: its validators and the last time its document was seen
        (the whole of what a page whose bytes did not change records)."""
        with self.transaction():
            self.conn.execute("UPDATE urls SET etag = ?, last_modified = ?, gone_at = NULL,"
                              " raw_sha = coalesce(?, raw_sha) WHERE url = ?", [etag, last_modified, raw_sha, url])
            self.conn.execute("UPDATE documents SET last_seen = ?, gone_at = NULL WHERE url = ?"
                              " AND id = (SELECT document_id FROM urls WHERE url = ?)", [at, url, url])

    def _lineage(self, source: str, meta: dict, text: str) -> int | None:
        """A document of this source that the new page continues: the same rule name, or the same
        令/文号 in the same year under a name that agrees (diffs.identity)."""
        name, number = _keys(meta, text)
        if name is None:
            return None
        row = self.conn.execute("SELECT id FROM documents WHERE source = ? AND name_key = ? ORDER BY id DESC LIMIT 1",
                                [source, name]).fetchone()
        if row is None and number:
            candidates = self.conn.execute("SELECT id, name_key FROM documents WHERE source = ? AND number_key = ?"
                                           " AND name_key IS NOT NULL ORDER BY id DESC", [source, number]).fetchall()
            row = next((c for c in candidates if names_agree(name, c[1])), None)
        return row[0] if row else None

    def _new_document(self, source: str, url: str, meta: dict, at: str, text: str) -> int:
        row = {k: meta.get(k) or None for k in DOCUMENT_FIELDS}
        name, number = _keys(meta, text)
        return self._insert("documents", dict(source=source, url=url, first_seen=at, last_seen=at,
                                              name_key=name, number_key=number, **row))

    def _refresh_document(self, document_id: int, url: str, meta: dict, at: str, text: str) -> None:
        # The newest text's page and metadata describe the document from now on.
        known = {k: meta[k] for k in DOCUMENT_FIELDS if meta.get(k)}
        known.update(url=url, last_seen=at, gone_at=None)
        name, number = _keys(meta, text)
        if "title" in known:
            known["name_key"] = name
        if "number" in known:
            known["number_key"] = number
        self.conn.execute(f"UPDATE documents SET {', '.join(f'{k} = ?' for k in known)} WHERE id = ?",
                          [*known.values(), document_id])

    def _latest_version_id(self, document_id: int) -> int | None:
        row = self.conn.execute("SELECT id FROM versions WHERE document_id = ? ORDER BY seq DESC LIMIT 1",
                                [document_id]).fetchone()
        return row[0] if row else None

    def set_version_diff(self, version_id: int, diff: dict) -> None:
        with self.transaction():
            self.conn.execute("UPDATE versions SET diff_json = ? WHERE id = ?",
                              [json.dumps(diff, ensure_ascii=False), version_id])

    def set_document_rule(self, document_id: int, rule_id: int) -> None:
        with self.transaction():
            self.conn.execute("UPDATE documents SET rule_id = ? WHERE id = ?", [rule_id, document_id])

    def documents(self, source: str | None = None, limit: int | None = None, offset: int = 0) -> list[dict]:
        """Documents by id with their number of versions; ``limit``/``offset`` give one page."""
        where, params = ("WHERE d.source = ?", [source]) if source else ("", [])
        page = " LIMIT ? OFFSET ?" if limit is not None else ""
        return self._rows(
            "SELECT d.*, (SELECT count(*) FROM versions v WHERE v.document_id = d.id) AS versions"
            f" FROM documents d {where} ORDER BY d.id{page}", params + ([limit, offset] if page else []))

    def document(self, document_id: int) -> dict | None:
        return self._row("SELECT * FROM documents WHERE id = ?", [document_id])

    def document_by_url(self, url: str) -> dict | None:
        return self._row("SELECT d.* FROM urls u JOIN documents d ON d.id = u.document_id WHERE u.url = ?", [url])

    def versions(self, document_id: int) -> list[dict]:
        rows = self._rows("SELECT * FROM versions WHERE document_id = ? ORDER BY seq", [document_id])
        for row in rows:
            row["diff"] = json.loads(row["diff_json"]) if row["diff_json"] else None
        return rows

    def version(self, version_id: int) -> dict | None:
        return self._row("SELECT * FROM versions WHERE id = ?", [version_id])

    def version_text(self, document_id: int, seq: int) -> str:
        row = self.conn.execute("SELECT text_sha FROM versions WHERE document_id = ? AND seq = ?",
                                [document_id, seq]).fetchone()
        if row is None:
            raise StoreError(f"document {document_id} has no version {seq}")
        return self.get_blob(row[0]).decode("utf-8")

    # ---- events ------------------------------------------------------------------------------

    def add_event(self, kind: str, at: str | None = None, source: str | None = None, document_id: int | None = None,
                  version_id: int | None = None, rule_id: int | None = None, title: str | None = None,
                  url: str | None = None, **payload: Any) -> int:
        with self.transaction():
            return self._insert("events", dict(
                at=at or utc_now(), kind=kind, source=source, document_id=document_id, version_id=version_id,
                rule_id=rule_id, title=title, url=url, payload=json.dumps(payload, ensure_ascii=False, default=str)))

    def has_event(self, kind: str, document_id: int | None = None, rule_id: int | None = None,
                  **payload: Any) -> bool:
        """Whether an event of this kind about this document/rule with these payload values exists
        (how once-only events such as `expiring` stay once-only across cycles)."""
        sql = "SELECT payload FROM events WHERE kind = ? AND document_id IS ? AND rule_id IS ?"
        for (text,) in self.conn.execute(sql, [kind, document_id, rule_id]):
            stored = json.loads(text or "{}")
            if all(stored.get(k) == v for k, v in payload.items()):
                return True
        return False

    def events(self, since: str | None = None, kind: str | None = None, source: str | None = None,
               limit: int | None = None) -> list[dict]:
        """Newest first; `payload` decoded to a dict, `document_title` the title its document has now.
        `since` is an ISO date or datetime."""
        clauses, params = [], []
        for column, op, value in (("e.at", ">=", since), ("e.kind", "=", kind), ("e.source", "=", source)):
            if value is not None:
                clauses.append(f"{column} {op} ?")
                params.append(value)
        sql = ("SELECT e.*, d.title AS document_title FROM events e LEFT JOIN documents d ON d.id = e.document_id"
               + (" WHERE " + " AND ".join(clauses) if clauses else "") + " ORDER BY e.at DESC, e.id DESC")
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        rows = self._rows(sql, params)
        for row in rows:
            row["payload"] = json.loads(row["payload"] or "{}")
        return rows

    # ---- rules -------------------------------------------------------------------------------

    def find_rule(self, name: str | None = None, number: str | None = None, year: int | None = None) -> dict | None:
        """A registered rule by name (edition notes and width ignored), else by 文号/令 in its year
        under a name that agrees."""
        key = rule_name_key(name) or name
        if key:
            row = self._row("SELECT * FROM rules WHERE name_key = ? ORDER BY id LIMIT 1", [key])
            if row:
                return row
        number = number_key(number, year)
        if not number:
            return None
        return next((r for r in self._rows("SELECT * FROM rules WHERE number_key = ? ORDER BY id", [number])
                     if names_agree(key, r["name_key"])), None)

    def ensure_rule(self, name: str, number: str | None = None, document_id: int | None = None,
                    effective: str | None = None, expires: str | None = None, year: int | None = None) -> int:
        """The rule's id, registering it (in force from `effective`, when known) the first time."""
        with self.transaction():
            rule = self.find_rule(name, number, year)
            if rule is not None:
                fill = {k: v for k, v in (("number", number), ("document_id", document_id), ("effective", effective),
                                          ("expires", expires)) if v and not rule.get(k)}
                if "number" in fill:
                    fill["number_key"] = number_key(number, year)
                if fill:
                    self.conn.execute(f"UPDATE rules SET {', '.join(f'{k} = ?' for k in fill)} WHERE id = ?",
                                      [*fill.values(), rule["id"]])
                # A rule first named by a decision gets its own start once its text is seen.
                if (effective or document_id) and not self.conn.execute(
                        "SELECT 1 FROM rule_history WHERE rule_id = ? AND status = ?",
                        [rule["id"], registry.IN_FORCE]).fetchone():
                    self.set_rule_status(rule["id"], registry.IN_FORCE, since=effective, by_document_id=document_id)
                return rule["id"]
            rule_id = self._insert("rules", dict(name=name, number=number, document_id=document_id,
                                                 effective=effective, expires=expires,
                                                 name_key=rule_name_key(name) or name,
                                                 number_key=number_key(number, year)))
            if effective or document_id:
                self.set_rule_status(rule_id, registry.IN_FORCE, since=effective, by_document_id=document_id)
            return rule_id

    def set_rule_status(self, rule_id: int, status: str, since: str | None = None, by_document_id: int | None = None,
                        by_title: str | None = None, by_url: str | None = None, recorded_at: str | None = None) -> None:
        """Append to the rule's history (from `since` on, `status` because of `by_*`)."""
        if status not in registry.STATUSES:
            raise StoreError(f"unknown rule status {status!r}; expected one of {', '.join(registry.STATUSES)}")
        with self.transaction():
            self._insert("rule_history", dict(rule_id=rule_id, status=status, since=since, by_document_id=by_document_id,
                                              by_title=by_title, by_url=by_url, recorded_at=recorded_at or utc_now()))
            # The row's columns hold the last entry in effective-date order: the rule's final state.
            latest = self._row("SELECT * FROM rule_history WHERE rule_id = ? ORDER BY coalesce(since, '') DESC, id DESC"
                               " LIMIT 1", [rule_id])
            fields = dict(status=latest["status"], since=latest["since"], by_document_id=latest["by_document_id"],
                          by_title=latest["by_title"], by_url=latest["by_url"])
            self.conn.execute(f"UPDATE rules SET {', '.join(f'{k} = ?' for k in fields)} WHERE id = ?",
                              [*fields.values(), rule_id])

    def set_rule_expiry(self, rule_id: int, expires: str) -> None:
        """The rule's own 有效期 end, as its latest text states it."""
        with self.transaction():
            self.conn.execute("UPDATE rules SET expires = ? WHERE id = ?", [expires, rule_id])

    def rule(self, rule_id: int) -> dict | None:
        return self._row("SELECT * FROM rules WHERE id = ?", [rule_id])

    def rule_on(self, rule_id: int, at: str) -> dict | None:
        """One rule as it stands on `at` (status, cause, amendments, pending), as rules() gives it."""
        rule = self.rule(rule_id)
        if rule is None:
            return None
        return registry.status_on(rule, self._rows("SELECT * FROM rule_history WHERE rule_id = ?", [rule_id]), at[:10])

    def rule_history(self, rule_id: int) -> list[dict]:
        return self._rows("SELECT * FROM rule_history WHERE rule_id = ? ORDER BY coalesce(since, ''), id", [rule_id])

    def rules(self, at: str | None = None, limit: int | None = None, offset: int = 0) -> list[dict]:
        """Every rule (or one page of them, by name) with its status, since and cause as they stand
        on `at` (default today), and `url`, its document's current page."""
        on = (at or date.today().isoformat())[:10]
        page = " LIMIT ? OFFSET ?" if limit is not None else ""
        rules = self._rows("SELECT r.*, d.url AS url FROM rules r LEFT JOIN documents d ON d.id = r.document_id"
                           f" ORDER BY r.name, r.id{page}", [limit, offset] if page else [])
        history: dict[int, list[dict]] = {}
        entries = (self._rows("SELECT * FROM rule_history WHERE rule_id IN (SELECT value FROM json_each(?))",
                              [json.dumps([r["id"] for r in rules])]) if page else self._rows("SELECT * FROM rule_history"))
        for entry in entries:
            history.setdefault(entry["rule_id"], []).append(entry)
        return [registry.status_on(rule, history.get(rule["id"], []), on) for rule in rules]

    # ---- what texts say about rules (diffs.rulefacts) ---------------------------------------------

    def rule_context(self, want: Wanted, quoting_limit: int = 200) -> Context:
        """The stored rows the facts of one text depend on (see diffs.rulefacts.wanted)."""
        context = Context(today=datetime.now(SHANGHAI).date().isoformat())
        rules: dict[int, dict] = {}
        for column, values in (("name_key", {rule_name_key(n) or n for n in want.names}),
                               ("number_key", set(want.numbers))):
            values = sorted(v for v in values if v)
            for start in range(0, len(values), 500):
                chunk = values[start:start + 500]
                for row in self._rows(f"SELECT * FROM rules WHERE {column} IN ({', '.join('?' * len(chunk))})", chunk):
                    rules[row["id"]] = row
        if want.decision_numbers or want.decision_titles:
            for decision in self.decision_documents():
                title = title_key(decision.get("title") or "")
                if order_number(decision.get("number") or "") in want.decision_numbers or \
                        any(title.endswith(cited) for cited in want.decision_titles):
                    context.decisions.append({**decision, "text": self._latest_text(decision["id"])})
        if want.quoting:
            for hit in self.search(want.quoting, limit=quoting_limit):
                document = self.document(hit["document_id"])
                if document.get("rule_id"):
                    rule = self.rule(document["rule_id"])
                    rules[rule["id"]] = rule
                    context.quoting.append({**document, "text": self.version_text(document["id"], hit["seq"]),
                                            "version_id": hit["version_id"], "rule": rule})
        context.rules = list(rules.values())
        if want.bases:
            for rule in context.rules:
                latest = self._latest_version_id(rule["document_id"]) if rule.get("document_id") else None
                if latest:
                    context.bases[rule["id"]] = (latest, self._latest_text(rule["document_id"]))
        for rule_id in rules:
            for kind, text in self.conn.execute("SELECT kind, payload FROM events WHERE rule_id = ? AND kind IN"
                                                " ('amended', 'repealed')", [rule_id]):
                context.recorded.add((kind, rule_id, json.loads(text or "{}").get("by")))
        return context

    def validity_context(self, on: str) -> tuple[list[dict], set[tuple[str, int, str]]]:
        """The rules as they stand on `on`, each with its own document, and the validity events raised."""
        rules = self.rules(at=on)
        for rule in rules:
            rule["document"] = self.document(rule["document_id"]) if rule.get("document_id") else None
        recorded = {(kind, rule_id, json.loads(text or "{}").get("expires")) for kind, rule_id, text in self.conn.execute(
            "SELECT kind, rule_id, payload FROM events WHERE kind IN ('expired', 'expiring')")}
        return rules, recorded

    def record_facts(self, facts: Facts) -> list[int]:
        """Record what diffs.rulefacts read from a text, in one transaction; returns the event ids added."""
        with self.transaction():
            ids: dict[str, int] = {}

            def resolve(ref: RuleRef) -> int:
                if ref.key not in ids:
                    ids[ref.key] = self.ensure_rule(ref.name, ref.number, ref.document_id, ref.effective, ref.expires,
                                                    ref.year)
                return ids[ref.key]

            if facts.document_rule is not None:
                rule_id = resolve(facts.document_rule)
                if facts.document_rule.expires:
                    self.set_rule_expiry(rule_id, facts.document_rule.expires)
                self.set_document_rule(facts.document_id, rule_id)
            for ref in facts.named:
                resolve(ref)
            for change in facts.changes:
                self.set_rule_status(resolve(change.rule), change.status, since=change.since,
                                     by_document_id=change.by_document_id, by_title=change.by_title,
                                     by_url=change.by_url)
            events = []
            for event in facts.events:
                rule = self.rule(resolve(event.rule))
                url = event.url
                if url is None and event.document_id:
                    url = self.document(event.document_id)["url"]
                events.append(self.add_event(event.kind, source=event.source, document_id=event.document_id,
                                             version_id=event.version_id, rule_id=rule["id"], title=rule["name"],
                                             url=url, **{**event.payload, "rule": rule["name"]}))
            if facts.decision is not None:
                applied = {}
                for rule_id, outcome in facts.applied.items():
                    outcome = dict(outcome)
                    outcome["consolidated_sha"] = self.put_blob(outcome.pop("consolidated").encode("utf-8"))
                    applied[rule_id] = outcome
                self.save_decision(facts.document_id, facts.decision, applied)
            return events

    def _latest_text(self, document_id: int) -> str:
        row = self.conn.execute("SELECT text_sha FROM versions WHERE document_id = ? ORDER BY seq DESC LIMIT 1",
                                [document_id]).fetchone()
        return self.get_blob(row[0]).decode("utf-8") if row else ""

    # ---- decisions and search ------------------------------------------------------------------

    def save_decision(self, document_id: int, parsed: Any, applied: Any) -> None:
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO decisions (document_id, parsed_json, applied_json) VALUES (?, ?, ?)",
                              [document_id, json.dumps(parsed, ensure_ascii=False, default=str),
                               json.dumps(applied, ensure_ascii=False, default=str)])

    def decision_documents(self) -> list[dict]:
        """The documents read as decisions, oldest first."""
        return self._rows("SELECT d.* FROM decisions x JOIN documents d ON d.id = x.document_id ORDER BY d.id")

    def decision(self, document_id: int) -> dict | None:
        row = self._row("SELECT * FROM decisions WHERE document_id = ?", [document_id])
        if row:
            row["parsed"] = json.loads(row["parsed_json"] or "null")
            row["applied"] = json.loads(row["applied_json"] or "null")
        return row

    def search(self, query: str, limit: int = 50) -> list[dict]:
        return fulltext.search(self.conn, query, limit)

    # ---- counts and listings for reports (the pipeline's cycle report, the demo, the review UI) ----

    def event_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM events").fetchone()[0]

    def formatting_only_count(self) -> int:
        return self.conn.execute("SELECT count(*) FROM versions WHERE formatting_only = 1").fetchone()[0]

    def decision_document_ids(self) -> list[int]:
        """The documents understood as decisions (each has a `decision()` record), oldest first."""
        return [row[0] for row in self.conn.execute("SELECT document_id FROM decisions ORDER BY document_id")]
