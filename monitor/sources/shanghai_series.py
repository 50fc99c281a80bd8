"""A Shanghai document series listing (沪府规 nw42944, 市政府令 nw2407, …) with index_N pagination.

Entries are ``ul.tadaty-list li > a[title]`` with ``span.time``. The live listings page with
JavaScript: without a ``totalPage`` count every index_N is walked until one adds nothing new. The
list grows at its head: once a page holds only entries read before, older pages are not re-read.
"""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from diffs.errors import SourceError
from monitor.extract import doc_kind, parse_date
from monitor.http import PoliteSession
from monitor.sources.base import DocumentRef, Source

EXPECTED = "listing entries ul.tadaty-list li > a[title] + span.time"


class ShanghaiSeries(Source):
    kind = "shanghai-series"
    option_names = ("max_pages", "doc_type")

    def discover(self, session: PoliteSession) -> Iterator[DocumentRef]:
        first = True
        pages = self.listing_pages(session, self.url, lambda url, s: [r.url for r in self.entries(url, s)],
                                   newest_first=True)
        for page_url, soup in pages:
            refs = self.entries(page_url, soup)
            if not refs:
                items = soup.select("ul.tadaty-list li")
                error = SourceError(page_url, EXPECTED, f"{len(items)} items without links" if items
                                        else "no ul.tadaty-list items")
                if first:
                    raise error  # the entry page itself: the listing changed shape
                self.skip(error)
            first = False
            yield from refs

    def entries(self, page_url: str, soup: BeautifulSoup) -> list[DocumentRef]:
        refs = []
        for item in soup.select("ul.tadaty-list li"):
            link = item.find("a", href=True)
            if link is None:
                continue
            date = item.select_one("span.time")
            title = (link.get("title") or link.get_text()).strip()
            refs.append(DocumentRef(url=urljoin(page_url, link["href"].strip()), title=title,
                                    published=parse_date(date.get_text()) if date else None,
                                    doc_type=self.options.get("doc_type") or doc_kind(title)))
        return refs
