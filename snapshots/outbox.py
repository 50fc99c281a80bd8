"""Subscriptions, the outbox and its deliveries: the rows notify keeps, as Store methods.

notify decides (what to send, when, what an answer means); these methods only read and write,
each write one transaction. Times are the caller's UTC ISO strings, so SQL compares them as text.
An outbox row is for one channel: '' is email, anything else an Apprise URL as configured.
"""
from __future__ import annotations

import json
from typing import Any, Iterable


def _decoded(row: dict | None) -> dict | None:
    if row is not None:
        row["recipients"] = json.loads(row["recipients"] or "[]")
        row["accepted"] = json.loads(row["accepted"] or "[]")
        row["refused"] = json.loads(row["refused"] or "{}")
    return row


class OutboxTables:
    """Mixed into ``snapshots.Store`` (uses its ``conn``, ``transaction``, ``_rows``, ``_insert``)."""

    # ---- subscriptions -------------------------------------------------------------------------

    def subscription_rows(self) -> list[dict]:
        """Every subscription as stored (notify decodes them; the review UI lists them read-only)."""
        return self._rows("SELECT * FROM subscriptions ORDER BY id")

    def add_subscription(self, row: dict[str, Any]) -> int:
        with self.transaction():
            return self._insert("subscriptions", row)

    def update_subscription(self, subscription_id: int, row: dict[str, Any]) -> None:
        with self.transaction():
            self.conn.execute(f"UPDATE subscriptions SET {', '.join(f'{k} = ?' for k in row)} WHERE id = ?",
                              [*row.values(), subscription_id])

    def delete_subscription(self, subscription_id: int) -> None:
        with self.transaction():
            self.conn.execute("DELETE FROM subscriptions WHERE id = ?", [subscription_id])

    def undelivered_events(self, subscription_id: int, channel: str = "") -> list[dict]:
        """Events not yet put into a message of this subscription on this channel ('' = email),
        oldest first, payload decoded."""
        rows = self._rows("SELECT * FROM events WHERE id NOT IN (SELECT event_id FROM deliveries"
                          " WHERE subscription_id = ? AND channel = ?) ORDER BY id", [subscription_id, channel])
        for row in rows:
            text = row.get("payload") or ""
            row["payload"] = json.loads(text) if text.strip() else {}
        return rows

    # ---- the outbox ----------------------------------------------------------------------------

    def enqueue_message(self, message_id: str, subscription_id: int | None, channel: str, recipients: list[str],
                        subject: str, body: str, at: str, event_ids: Iterable[int]) -> int | None:
        """Store a message with its deliveries in one transaction. The id of the row holding this
        Message-ID when there is one; None when another run already put one of the events into a
        message of this subscription on this channel."""
        event_ids = list(event_ids)
        with self.transaction():
            existing = self.conn.execute("SELECT id FROM outbox WHERE message_id = ?", [message_id]).fetchone()
            if existing:
                return existing[0]
            if event_ids:
                marks = ",".join("?" * len(event_ids))
                if self.conn.execute(f"SELECT 1 FROM deliveries WHERE subscription_id IS ? AND channel = ?"
                                     f" AND event_id IN ({marks}) LIMIT 1",
                                     [subscription_id, channel, *event_ids]).fetchone():
                    return None
            outbox_id = self._insert("outbox", dict(
                message_id=message_id, subscription_id=subscription_id, channel=channel,
                recipients=json.dumps(recipients, ensure_ascii=False), subject=subject, body=body, status="pending",
                attempts=0, next_attempt_at=at, created_at=at))
            self.conn.executemany("INSERT INTO deliveries (subscription_id, channel, event_id, outbox_id) VALUES (?, ?, ?, ?)",
                                  [(subscription_id, channel, e, outbox_id) for e in event_ids])
            return outbox_id

    def outbox_row(self, outbox_id: int) -> dict | None:
        return _decoded(self._row("SELECT * FROM outbox WHERE id = ?", [outbox_id]))

    def outbox_rows(self, status: str | None = None) -> list[dict]:
        where, params = (" WHERE status = ?", [status]) if status else ("", [])
        return [_decoded(r) for r in self._rows("SELECT * FROM outbox" + where + " ORDER BY id", params)]

    def outbox_due(self, at: str, ignore_backoff: bool = False) -> list[int]:
        """Pending rows whose next attempt is due (all pending rows with ``ignore_backoff``)."""
        sql = "SELECT id FROM outbox WHERE status = 'pending'"
        params: list[Any] = []
        if not ignore_backoff:
            sql += " AND (next_attempt_at IS NULL OR next_attempt_at <= ?)"
            params.append(at)
        return [r[0] for r in self.conn.execute(sql + " ORDER BY id", params)]

    def outbox_claimed(self) -> list[dict]:
        return self._rows("SELECT id, next_attempt_at, claimed_by, handed_at FROM outbox WHERE status = 'sending'")

    def claim_message(self, outbox_id: int, lease_until: str, owner: str) -> bool:
        """pending -> sending for this process; False when another process was first."""
        with self.transaction():
            return self.conn.execute(
                "UPDATE outbox SET status = 'sending', attempts = attempts + 1, next_attempt_at = ?, claimed_by = ?,"
                " handed_at = NULL WHERE id = ? AND status = 'pending'", [lease_until, owner, outbox_id]).rowcount == 1

    def release_claim(self, outbox_id: int, owner: str | None, due_at: str, note: str | None) -> bool:
        """sending -> pending (due at ``due_at``), if ``owner`` still holds it."""
        with self.transaction():
            return self.conn.execute(
                "UPDATE outbox SET status = 'pending', next_attempt_at = ?, claimed_by = NULL,"
                " last_error = coalesce(?, last_error) WHERE id = ? AND status = 'sending' AND claimed_by IS ?",
                [due_at, note, outbox_id, owner]).rowcount == 1

    def mark_handed(self, outbox_id: int, at: str) -> None:
        with self.transaction():
            self.conn.execute("UPDATE outbox SET handed_at = ? WHERE id = ?", [at, outbox_id])

    def record_recipients(self, outbox_id: int, accepted: list[str], refused: dict[str, str]) -> None:
        with self.transaction():
            self.conn.execute("UPDATE outbox SET accepted = ?, refused = ? WHERE id = ?",
                              [json.dumps(accepted, ensure_ascii=False), json.dumps(refused, ensure_ascii=False),
                               outbox_id])

    def finish_message(self, outbox_id: int, status: str, error: str | None, sent_at: str | None) -> None:
        with self.transaction():
            self.conn.execute("UPDATE outbox SET status = ?, last_error = ?, sent_at = ?, next_attempt_at = NULL,"
                              " claimed_by = NULL WHERE id = ?", [status, error, sent_at, outbox_id])

    def defer_message(self, outbox_id: int, next_at: str, error: str, counted: bool = True) -> None:
        """Back to pending until ``next_at``; an attempt that was not the message's fault is counted apart."""
        with self.transaction():
            self.conn.execute("UPDATE outbox SET status = 'pending', next_attempt_at = ?, last_error = ?, claimed_by = NULL,"
                              " transport_failures = transport_failures + ? WHERE id = ?",
                              [next_at, error, 0 if counted else 1, outbox_id])

    def requeue_message(self, outbox_id: int, at: str) -> bool:
        with self.transaction():
            return self.conn.execute("UPDATE outbox SET status = 'pending', next_attempt_at = ?, attempts = 0,"
                                     " transport_failures = 0"
                                     " WHERE id = ? AND status = 'failed'", [at, outbox_id]).rowcount == 1

    def last_digest_at(self, subscription_id: int) -> str | None:
        row = self.conn.execute("SELECT max(created_at) FROM outbox WHERE subscription_id = ?", [subscription_id]).fetchone()
        return row[0] if row else None
