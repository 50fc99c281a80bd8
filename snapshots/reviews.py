"""Who has reviewed which change: one row per reviewer and event (mixed into Store).

Reviewers are names, not accounts: the UI is for a team on one store, and the name says who
looked, not who may look (access is review/access.py's job). The table comes from schema.REVIEWS.
"""
from __future__ import annotations

from datetime import datetime, timezone

MAX_REVIEWER = 60


def clean_reviewer(name: str | None) -> str | None:
    """A reviewer name as stored: trimmed, one line, bounded; None when empty."""
    name = " ".join((name or "").split())[:MAX_REVIEWER]
    return name or None


class ReviewState:
    """Store methods of the review workflow; ``self.conn``/``self._rows``/``self.transaction`` are the Store's."""

    def mark_reviewed(self, reviewer: str, event_ids: list[int], at: str | None = None) -> int:
        """Record that ``reviewer`` has read these events (again: keeps the first time); how many are new."""
        at = at or datetime.now(timezone.utc).isoformat(timespec="seconds")
        added = 0
        with self.transaction():
            for event_id in event_ids:
                added += self.conn.execute(
                    "INSERT OR IGNORE INTO reviews (reviewer, event_id, document_id, version_id, reviewed_at)"
                    " SELECT ?, id, document_id, version_id, ? FROM events WHERE id = ?",
                    [reviewer, at, event_id]).rowcount
        return added

    def reviewed_events(self, reviewer: str) -> dict[int, str]:
        """event id -> when ``reviewer`` reviewed it."""
        return {r["event_id"]: r["reviewed_at"] for r in
                self._rows("SELECT event_id, reviewed_at FROM reviews WHERE reviewer = ?", [reviewer])}

    def reviews_of(self, event_ids: list[int]) -> dict[int, list[dict]]:
        """event id -> [{reviewer, reviewed_at}] for the exports (everyone's, oldest first)."""
        out: dict[int, list[dict]] = {}
        wanted = set(event_ids)
        for row in self._rows("SELECT event_id, reviewer, reviewed_at FROM reviews ORDER BY reviewed_at, reviewer"):
            if row["event_id"] in wanted:
                out.setdefault(row["event_id"], []).append({"reviewer": row["reviewer"],
                                                            "reviewed_at": row["reviewed_at"]})
        return out

    def last_reviewed_version(self, reviewer: str, document_id: int) -> dict | None:
        """The newest version of ``document_id`` whose change ``reviewer`` has marked reviewed."""
        return self._row("SELECT v.* FROM reviews r JOIN versions v ON v.id = r.version_id"
                         " WHERE r.reviewer = ? AND r.document_id = ? ORDER BY v.seq DESC LIMIT 1",
                         [reviewer, document_id])

    def document_events(self, document_id: int, up_to_version_seq: int | None = None) -> list[int]:
        """Ids of the events about ``document_id`` (with a version at or before that seq, when given)."""
        rows = self._rows("SELECT e.id, v.seq FROM events e LEFT JOIN versions v ON v.id = e.version_id"
                          " WHERE e.document_id = ? ORDER BY e.id", [document_id])
        return [r["id"] for r in rows if up_to_version_seq is None or r["seq"] is None or r["seq"] <= up_to_version_seq]
