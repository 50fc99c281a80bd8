"""service.shanghai.gov.cn 行政规范性文件库 (XZGFList.aspx?…&currentPage=N&pagesize=10).

Rows are ``table.table-list tr`` after the header: cell 0 ``a[title]`` links the document
(XZGFDetails.aspx?docid=… or WSDetails.aspx?ID=…), cell 1 is its 文号 (sometimes with a space
before 号), cell 2 its date. The list is newest first and runs to hundreds of pages: a cycle reads
pages until one lists nothing it has not seen before, so a quiet day costs one request.
"""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from bs4 import BeautifulSoup

from diffs.errors import FetchError, SourceError
from monitor.extract import clean_line, doc_kind, normalize_number, parse_date
from monitor.http import PoliteSession
from monitor.sources.base import MAX_WALK_PAGES, DocumentRef, Source, load_html

EXPECTED = "document rows table.table-list tr with a[title], 文号 and date cells"


def page_url(url: str, n: int) -> str:
    """The listing URL with currentPage=n (other parameters kept)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "currentPage"]
    query.insert(0, ("currentPage", str(n)))
    if not any(k == "pagesize" for k, _ in query):
        query.append(("pagesize", "10"))
    return urlunsplit(parts._replace(query=urlencode(query)))


class ShanghaiNormative(Source):
    kind = "shanghai-normative"
    option_names = ("max_pages",)

    def discover(self, session: PoliteSession) -> Iterator[DocumentRef]:
        known = set(self.memo.pages.get(self.url, {}).get("links", []))
        seen: list[str] = []
        for n in range(1, (self.limit("max_pages") or MAX_WALK_PAGES) + 1):
            url = page_url(self.url, n)
            try:
                soup = load_html(session, url)[0]
            except FetchError as err:
                if n == 1:
                    raise
                if getattr(err, "status", None) in (404, 410):
                    break  # past the last page
                self.skip(SourceError(url, f"page {n} of the listing", f"the page could not be fetched ({err})"))
                break
            refs = [ref for ref in self.rows(url, soup) if ref.url not in seen]
            if not refs:
                if n == 1:
                    raise SourceError(url, EXPECTED, "no rows")
                break  # past the last page
            seen += [ref.url for ref in refs]
            yield from refs
            if known and all(ref.url in known for ref in refs):
                break  # newest first: everything after this page was read before
        self.known_listed.update(known - set(seen))
        self.memo.read(self.url, list(dict.fromkeys(seen + sorted(known))))

    def rows(self, page: str, soup: BeautifulSoup) -> list[DocumentRef]:
        refs = []
        for row in soup.select("table.table-list tr"):
            cells = row.find_all("td")
            link = cells[0].find("a", href=True) if cells else None
            if link is None:
                continue  # the header row
            title = clean_line(link.get("title") or link.get_text())
            number = normalize_number(cells[1].get_text()) if len(cells) > 1 else None
            published = parse_date(cells[2].get_text()) if len(cells) > 2 else None
            refs.append(DocumentRef(url=urljoin(page, link["href"].strip()), title=title, number=number,
                                    published=published, doc_type=doc_kind(title, number)))
        return refs
