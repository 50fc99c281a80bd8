"""上海市人民政府公报: gazette index -> years -> issues -> table of contents (by section) -> documents.

Document pages are recognised by their URL shape, /{YYYY}{NN}{section}/{YYYYMMDD}/{32 hex}.html,
never by a list of section codes: the site adds sections without notice. An issue's whole-issue PDF
is a document of its own.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from bs4 import NavigableString

from monitor.extract import doc_kind
from monitor.http import PoliteSession
from diffs.errors import SourceError
from monitor.sources.base import WHOLE_ISSUE_PDF, DocumentRef, Source, load_html

DOCUMENT_PATH_RE = re.compile(r"^/(\d{4})(\d{2})([a-z]+)/(\d{8})/[0-9a-f]{32}\.html$")
YEAR_RE = re.compile(r"^\s*(\d{4})\s*年?\s*(?:度)?\s*(?:政府公报|公报)?\s*$")  # 2024年, 2024, 2024年公报
ISSUE_RE = re.compile(r"(?:(\d{4})\s*年\s*)?第\s*(\d+)\s*期")  # the year page may omit the year
FIRST_YEAR = 1950  # a bare "2024" link is a year only within the gazette's possible years
SECTION_RE = re.compile(r"^\s*【\s*(.+?)\s*】\s*$")


class ShanghaiGazette(Source):
    kind = "shanghai-gazette"
    option_names = ("max_issues", "years", "pdf")

    def discover(self, session: PoliteSession) -> Iterator[DocumentRef]:
        for issue_url, year, number in self.issues(session):
            if self.remember_final(issue_url):
                continue
            refs = self.issue_documents(session, issue_url, f"{year}年第{number}期")
            if refs:
                self.memo.read(issue_url, [ref.url for ref in refs])
            yield from refs

    def issues(self, session: PoliteSession) -> list[tuple[str, int, int]]:
        """(url, year, number) of the issues to read, newest first, at most max_issues.

        A past year whose page and issues are all final costs no request. A year page that fails or
        lists no issue is recorded and the other years are still read; the newest year listing no
        issue is only a year without issues yet."""
        max_issues = self.limit("max_issues")
        soup, _ = load_html(session, self.url)
        years = {}
        for link in soup.find_all("a", href=True):
            match = YEAR_RE.match(link.get_text())
            if match and FIRST_YEAR <= int(match.group(1)) <= self.memo.today.year + 1:
                years[int(match.group(1))] = urljoin(self.url, link["href"])
        # an index may also list the latest issues itself (2025年第1期), beside the year links
        on_entry: dict[tuple[int, int], str] = {}
        for link in soup.find_all("a", href=True):
            match = ISSUE_RE.search(link.get("title") or link.get_text())
            if match and match.group(1):
                on_entry.setdefault((int(match.group(1)), int(match.group(2))), urljoin(self.url, link["href"]))
        if not years and not on_entry:
            raise SourceError(self.url, "links to the gazette's years (<a><h4>2024年</h4></a>) or issues",
                                  "no year or issue links")
        wanted = set(self.options.get("years") or set(years) | {year for year, _ in on_entry})
        found = {key: url for key, url in on_entry.items() if key[0] in wanted}
        counted = len(found)
        newest = max(set(years) | {year for year, _ in on_entry})
        for year in sorted(years, reverse=True):
            if year not in wanted:
                continue
            if max_issues and counted >= max_issues:
                break
            year_url = years[year]
            if not self.memo.year_is_open(year) and self._year_is_final(year_url):
                self.known_listed.update(self.memo.leaves(year_url))
                counted += len(self.memo.pages[year_url]["links"])
                continue
            year_soup = self.sub_page(session, year_url, f"the issues of {year} (…{year}年第N期…)")
            if year_soup is None:
                continue
            in_year = {}
            for link in year_soup.find_all("a", href=True):
                match = ISSUE_RE.search(link.get("title") or link.get_text())
                if match and int(match.group(1) or year) == year:
                    in_year.setdefault((year, int(match.group(2))), urljoin(year_url, link["href"]))
            if not in_year:
                if year != newest:
                    self.skip(SourceError(year_url, f"links to the issues of {year} (…{year}年第N期…)",
                                              "no issue links"))
                continue
            if not self.memo.year_is_open(year):
                self.memo.read(year_url, list(in_year.values()))
            found.update(in_year)
            counted += len(in_year)
        return [(found[key], *key) for key in sorted(found, reverse=True)][:max_issues]

    def _year_is_final(self, year_url: str) -> bool:
        return self.memo.is_final(year_url, reads=1) and all(
            self.memo.is_final(url) for url in self.memo.pages[year_url]["links"])

    def issue_documents(self, session: PoliteSession, issue_url: str, issue: str) -> list[DocumentRef]:
        """The documents of one issue; [] (recorded) when its page fails or lists none."""
        soup = self.sub_page(session, issue_url, f"the table of contents of {issue}")
        if soup is None:
            return []
        refs: list[DocumentRef] = []
        seen: set[str] = set()
        section = None
        pdfs: list[str] = []
        # Walk the page in document order so each link takes the 【section】 heading above it.
        for node in soup.body.descendants if soup.body else ():
            if isinstance(node, NavigableString):
                heading = SECTION_RE.match(str(node))
                if heading:
                    section = heading.group(1)
                continue
            if node.name != "a" or not node.get("href"):
                continue
            url = urljoin(issue_url, node["href"].strip())
            path = urlsplit(url).path
            match = DOCUMENT_PATH_RE.match(path)
            if match and url not in seen:
                seen.add(url)
                day = match.group(4)
                refs.append(DocumentRef(url=url, title=(node.get("title") or node.get_text()).strip(),
                                        published=f"{day[:4]}-{day[4:6]}-{day[6:]}", section=section,
                                        issue=issue, doc_type=doc_kind(node.get("title") or node.get_text())))
            elif path.lower().endswith(".pdf") and url not in pdfs:
                pdfs.append(url)
        if not refs:
            self.skip(SourceError(issue_url, "a table of contents with document links "
                                      "/{YYYY}{NN}{section}/{YYYYMMDD}/{hex}.html", "no document links"))
            return []
        if self.options.get("pdf", True):
            refs += [DocumentRef(url=url, title=f"上海市人民政府公报{issue}（全文PDF）", issue=issue,
                                 doc_type=WHOLE_ISSUE_PDF) for url in pdfs]
        return refs
