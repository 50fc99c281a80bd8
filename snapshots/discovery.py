"""Store methods for the discovery memo (see monitor.sources.memo), mixed into Store."""
from __future__ import annotations

import json


class DiscoveryMixin:
    def discovery_pages(self, source: str) -> dict[str, dict]:
        """url -> {"checks", "links"} of the listing pages ``source`` has read completely."""
        rows = self.conn.execute("SELECT url, checks, links_json, read_at FROM discovery_pages WHERE source = ?",
                                 [source])
        return {url: {"checks": checks, "day": day, "links": json.loads(links)} for url, checks, links, day in rows}

    def save_discovery_pages(self, source: str, pages: dict[str, dict]) -> None:
        """Record listing pages read this cycle: {"checks": days read, "day": last day read, "links"}."""
        with self.transaction():
            self.conn.executemany(
                "INSERT OR REPLACE INTO discovery_pages (source, url, checks, links_json, read_at) VALUES (?, ?, ?, ?, ?)",
                [(source, url, entry["checks"], json.dumps(entry["links"], ensure_ascii=False), entry["day"])
                 for url, entry in sorted(pages.items())])
