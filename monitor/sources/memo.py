"""What discovery remembers between cycles, so a cycle re-reads only what can have changed.

Issues of a gazette do not change once published: a table of contents read completely on a few
different days is not fetched again, and the documents it listed count as still listed without a
request (a few of them are revisited each cycle, in rotation, to notice a page that changed or went).
The pipeline loads the memo from the store before a source runs and saves what changed after;
without a store (tests, one-off discovery) it lives in memory.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone

# On how many different days a new issue's table of contents is read before it is taken as final:
# a site may add an entry or fix a title in the days after publication.
ISSUE_RECHECKS = 3
# Documents of final pages re-fetched per cycle, in rotation.
REVISITS_PER_CYCLE = 3
# In the first weeks of January the previous year's last issues may still appear on its page.
NEW_YEAR_GRACE_DAYS = 21
MAX_LINK_DEPTH = 4
CST = timezone(timedelta(hours=8))


def shanghai_today() -> date:
    return datetime.now(CST).date()


@dataclass
class DiscoveryMemo:
    pages: dict[str, dict] = field(default_factory=dict)  # url -> {"checks": days read, "day", "links": [urls]}
    today: date = field(default_factory=shanghai_today)
    updates: dict[str, dict] = field(default_factory=dict)

    def is_final(self, url: str, reads: int = ISSUE_RECHECKS) -> bool:
        """The page has been read completely on ``reads`` different days: its links are final."""
        entry = self.pages.get(url)
        return bool(entry) and entry.get("checks", 0) >= reads and bool(entry.get("links"))

    def read(self, url: str, links: list[str]) -> None:
        """A listing page was read completely today and listed ``links``."""
        entry = self.pages.get(url, {})
        day = self.today.isoformat()
        checks = entry.get("checks", 0) + (entry.get("day") != day)
        self.pages[url] = self.updates[url] = {"checks": checks, "day": day, "links": list(dict.fromkeys(links))}

    def revisits(self, urls: set[str]) -> list[str]:
        """The few documents of final pages to re-fetch today: a rotation through all of them."""
        ordered = sorted(urls)
        if len(ordered) <= REVISITS_PER_CYCLE:
            return ordered
        start = (self.today.toordinal() * REVISITS_PER_CYCLE) % len(ordered)
        return (ordered + ordered)[start:start + REVISITS_PER_CYCLE]

    def leaves(self, url: str) -> list[str]:
        """Every document URL below a remembered listing page (year page → issues → documents)."""
        out: list[str] = []
        stack = [(url, 0)]
        while stack:
            page, depth = stack.pop()
            for link in self.pages.get(page, {}).get("links", []):
                if link in self.pages and depth < MAX_LINK_DEPTH:
                    stack.append((link, depth + 1))
                else:
                    out.append(link)
        return out

    def year_is_open(self, year: int) -> bool:
        """Whether a year's page can still gain issues: the current year, and the previous one in January."""
        return year >= self.today.year or (year == self.today.year - 1
                                           and self.today.timetuple().tm_yday <= NEW_YEAR_GRACE_DAYS)
