"""上海市现行有效规章库 (/xxzfgzwj/): every rule in force with its 令 number and date.

A row's second cell holds one <a> wrapping two <p>: the rule's name, then
（2023年1月12日上海市人民政府令第74号公布 …）. The date in the detail URL is the day the page was
posted, not the rule's: the date comes from that line.
"""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from diffs.errors import SourceError
from monitor.extract import clean_line, normalize_number, parse_date
from monitor.http import PoliteSession
from monitor.sources.base import DocumentRef, Source

EXPECTED = "rule rows table.r-table tbody tr with a title link"


class ShanghaiRules(Source):
    kind = "shanghai-rules"
    option_names = ("max_pages",)

    def discover(self, session: PoliteSession) -> Iterator[DocumentRef]:
        first = True
        for page_url, soup in self.listing_pages(session, self.url, lambda url, s: [r.url for r in self.rows(url, s)]):
            refs = self.rows(page_url, soup)
            if not refs:
                rows = soup.select("table.r-table tbody tr")
                error = SourceError(page_url, EXPECTED, f"{len(rows)} rows without a rule link" if rows
                                        else "no table.r-table rows")
                if first:
                    raise error
                self.skip(error)
            first = False
            yield from refs

    def rows(self, page_url: str, soup: BeautifulSoup) -> list[DocumentRef]:
        refs = []
        for row in soup.select("table.r-table tbody tr"):
            cells = row.find_all("td")
            link = cells[1].find("a", href=True) if len(cells) > 1 else None
            if link is None:
                continue
            paragraphs = [clean_line(p.get_text()) for p in cells[1].find_all("p")]
            paragraphs = [p for p in paragraphs if p]
            title = paragraphs[0] if paragraphs else clean_line(link.get("title") or link.get_text())
            info = " ".join(paragraphs[1:])
            refs.append(DocumentRef(url=urljoin(page_url, link["href"].strip()), title=title,
                                    published=parse_date(info), number=normalize_number(info),
                                    doc_type="规章"))  # the legal category every rule of the library has
        return refs
