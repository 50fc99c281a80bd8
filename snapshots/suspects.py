"""Suspect versions and reverts: the store side (mixed into Store).

A text that looks like an error page is held (table held_versions) rather than stored as a version;
it becomes one only when a later cycle fetches it again. A version stored before this guard existed
can be flagged by `regwatch repair`, and the text it displaced restored as a new version (a revert).
"""
from __future__ import annotations

import json

from . import blobs

HELD, CONFIRMED, DROPPED, FLAGGED = "held", "confirmed", "dropped", "flagged"


class SuspectsMixin:
    def latest_version(self, document_id: int) -> dict | None:
        return self._row("SELECT * FROM versions WHERE document_id = ? ORDER BY seq DESC LIMIT 1", [document_id])

    def hold_version(self, document_id: int, url: str, text: str, raw: bytes | None, title: str | None,
                     reasons: list[str], cycle: str, at: str) -> int:
        """Keep a suspect text aside (its blobs stored, no version); replaces an earlier held text of `url`."""
        with self.transaction():
            self.resolve_held(url, DROPPED, at)
            text_sha = self.put_blob(text.encode("utf-8"))
            raw_sha = self.put_blob(raw) if raw is not None else None
            return self._insert("held_versions", dict(document_id=document_id, url=url, text_sha=text_sha, raw_sha=raw_sha,
                                                      title=title, reasons=json.dumps(reasons, ensure_ascii=False),
                                                      held_at=at, cycle=cycle, status=HELD))

    def held_version(self, url: str) -> dict | None:
        """The text held for `url`, if any (reasons decoded)."""
        row = self._row("SELECT * FROM held_versions WHERE url = ? AND status = ? ORDER BY id DESC LIMIT 1", [url, HELD])
        if row:
            row["reasons"] = json.loads(row["reasons"])
        return row

    def resolve_held(self, url: str, status: str, at: str, version_id: int | None = None) -> None:
        """The held text of `url` was seen again (CONFIRMED, with its new version) or replaced (DROPPED)."""
        with self.transaction():
            self.conn.execute("UPDATE held_versions SET status = ?, resolved_at = ?, version_id = ? WHERE url = ? AND status = ?",
                              [status, at, version_id, url, HELD])

    def flag_version(self, version_id: int, reasons: list[str], at: str) -> int | None:
        """Mark a stored version as suspect (repair); None when it is already flagged."""
        with self.transaction():
            if self.conn.execute("SELECT 1 FROM held_versions WHERE version_id = ? AND status = ?",
                                 [version_id, FLAGGED]).fetchone():
                return None
            version = self.version(version_id)
            document = self.document(version["document_id"])
            return self._insert("held_versions", dict(
                document_id=version["document_id"], url=document["url"], text_sha=version["text_sha"],
                raw_sha=version["raw_sha"], title=document["title"], reasons=json.dumps(reasons, ensure_ascii=False),
                held_at=at, status=FLAGGED, resolved_at=at, version_id=version_id))

    def suspects(self, document_id: int) -> list[dict]:
        """Every text of the document held or flagged as suspect, oldest first (reasons decoded)."""
        rows = self._rows("SELECT * FROM held_versions WHERE document_id = ? ORDER BY id", [document_id])
        for row in rows:
            row["reasons"] = json.loads(row["reasons"])
        return rows

    def append_revert(self, document_id: int, seq: int, at: str, title: str | None = None) -> int:
        """A new latest version with the text of version `seq` (the page came back to it after a flagged
        version); `title` restores the document's title. Returns the new version id."""
        with self.transaction():
            earlier = self._row("SELECT * FROM versions WHERE document_id = ? AND seq = ?", [document_id, seq])
            latest = self.latest_version(document_id)
            version_id = self._insert("versions", dict(
                document_id=document_id, seq=latest["seq"] + 1, fetched_at=at, raw_sha=earlier["raw_sha"],
                text_sha=earlier["text_sha"], content_type=earlier["content_type"], formatting_only=0))
            if title:
                self.conn.execute("UPDATE documents SET title = ? WHERE id = ?", [title, document_id])
            return version_id

    def _reverts(self, document_id: int, url: str, previous: dict | None, text_sha: str) -> bool:
        """Whether a text the lineage already holds is a revert: it comes back on the document's
        current page after a different latest text (at another URL it is an old page, not a revert)."""
        if previous is None or previous["text_sha"] == text_sha:
            return False
        return self.conn.execute("SELECT 1 FROM documents WHERE id = ? AND url = ?", [document_id, url]).fetchone() is not None

    def text_of(self, text_sha: str) -> str:
        return self.get_blob(text_sha).decode("utf-8")


def sha_of(text: str) -> str:
    return blobs.sha256(text.encode("utf-8"))
