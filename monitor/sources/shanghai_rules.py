"""上海市现行有效规章库 (/xxzfgzwj/): every rule in force with its 令 number and date."""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin

from monitor.extract import clean_line, normalize_number, parse_date
from monitor.http import PoliteSession
from diffs.errors import SourceError
from monitor.sources.base import DocumentRef, Source, paginated


class ShanghaiRules(Source):
    kind = "shanghai-rules"
    option_names = ("max_pages",)

    def discover(self, session: PoliteSession) -> Iterator[DocumentRef]:
        for page_url, soup in paginated(session, self.url, self.limit("max_pages")):
            rows = soup.select("table.r-table tbody tr")
            refs = []
            for row in rows:
                cells = row.find_all("td")
                link = cells[1].find("a", href=True) if len(cells) > 1 else None
                if link is None:
                    continue
                # the paragraph after the title: （2023年1月12日上海市人民政府令第74号公布 …）
                info = " ".join(clean_line(p.get_text()) for p in cells[1].find_all("p")[1:])
                refs.append(DocumentRef(url=urljoin(page_url, link["href"].strip()),
                                        title=clean_line(link.get("title") or link.get_text()),
                                        published=parse_date(info), number=normalize_number(info),
                                        doc_type="规章"))
            if not refs:
                found = f"{len(rows)} rows without a rule link" if rows else "no table.r-table rows"
                raise SourceError(page_url, "rule rows table.r-table tbody tr with a title link", found)
            yield from refs
