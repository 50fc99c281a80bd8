"""A Shanghai document series listing (沪府规 nw42944, 市政府令 nw2407, …) with index_N pagination."""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin

from monitor.extract import parse_date
from monitor.http import PoliteSession
from diffs.errors import SourceError
from monitor.sources.base import DocumentRef, Source, paginated


class ShanghaiSeries(Source):
    kind = "shanghai-series"
    option_names = ("max_pages", "doc_type")

    def discover(self, session: PoliteSession) -> Iterator[DocumentRef]:
        for page_url, soup in paginated(session, self.url, self.limit("max_pages")):
            items = soup.select("ul.tadaty-list li")
            refs = []
            for item in items:
                link = item.find("a", href=True)
                if link is None:
                    continue
                date = item.select_one("span.time")
                refs.append(DocumentRef(url=urljoin(page_url, link["href"].strip()),
                                        title=(link.get("title") or link.get_text()).strip(),
                                        published=parse_date(date.get_text()) if date else None,
                                        doc_type=self.options.get("doc_type")))
            if not refs:
                found = f"{len(items)} items without links" if items else "no ul.tadaty-list items"
                raise SourceError(page_url, "listing entries ul.tadaty-list li > a[title] + span.time", found)
            yield from refs
