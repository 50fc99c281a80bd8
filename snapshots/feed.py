"""The reads notify makes of the store: events not yet delivered to a subscription, with their
payload decoded (mixed into Store)."""
from __future__ import annotations

import json


class FeedQueries:
    """Store methods for digests; ``self._rows`` is the Store's."""

    def undelivered_events(self, subscription_id: int) -> list[dict]:
        """Events (oldest first) that no digest of this subscription has carried yet."""
        rows = self._rows("SELECT * FROM events WHERE id NOT IN"
                          " (SELECT event_id FROM deliveries WHERE subscription_id = ?) ORDER BY id",
                          [subscription_id])
        for row in rows:
            text = row.get("payload") or ""
            row["payload"] = json.loads(text) if text.strip() else {}
        return rows

    def subscription_rows(self) -> list[dict]:
        """Every subscription as stored (notify decodes them); the review UI lists them read-only."""
        return self._rows("SELECT * FROM subscriptions ORDER BY id")
