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

from monitor.http import PoliteSession
from diffs.errors import SourceError
from monitor.sources.base import WHOLE_ISSUE_PDF, DocumentRef, Source, load_html

DOCUMENT_PATH_RE = re.compile(r"^/(\d{4})(\d{2})([a-z]+)/(\d{8})/[0-9a-f]{32}\.html$")
YEAR_RE = re.compile(r"^\s*(\d{4})\s*年\s*$")
ISSUE_RE = re.compile(r"(?:(\d{4})\s*年\s*)?第\s*(\d+)\s*期")  # the year page may omit the year
SECTION_RE = re.compile(r"^\s*【\s*(.+?)\s*】\s*$")


class ShanghaiGazette(Source):
    kind = "shanghai-gazette"
    option_names = ("max_issues", "years", "pdf")

    def discover(self, session: PoliteSession) -> Iterator[DocumentRef]:
        for issue_url, year, number in self.issues(session):
            yield from self.issue_documents(session, issue_url, f"{year}年第{number}期")

    def issues(self, session: PoliteSession) -> list[tuple[str, int, int]]:
        """(url, year, number) of the issues reachable from the index, newest first, at most max_issues
        (year pages older than needed are not fetched)."""
        max_issues = self.limit("max_issues")
        soup, _ = load_html(session, self.url)
        years = {}
        for link in soup.find_all("a", href=True):
            match = YEAR_RE.match(link.get_text())
            if match:
                years[int(match.group(1))] = urljoin(self.url, link["href"])
        if not years:
            raise SourceError(self.url, "links to the gazette's years (<a><h4>2024年</h4></a>)",
                                  "no year links")
        wanted = set(self.options.get("years") or years)
        found: dict[tuple[int, int], str] = {}
        for year in sorted(years, reverse=True):
            if year not in wanted:
                continue
            year_soup, _ = load_html(session, years[year])
            for link in year_soup.find_all("a", href=True):
                match = ISSUE_RE.search(link.get("title") or link.get_text())
                if match and int(match.group(1) or year) == year:
                    found.setdefault((year, int(match.group(2))), urljoin(years[year], link["href"]))
            if not any(y == year for y, _ in found):
                raise SourceError(years[year], f"links to the issues of {year} (…{year}年第N期…)",
                                      "no issue links")
            if max_issues and len(found) >= max_issues:
                break
        return [(found[key], *key) for key in sorted(found, reverse=True)][:max_issues]

    def issue_documents(self, session: PoliteSession, issue_url: str, issue: str) -> Iterator[DocumentRef]:
        soup, _ = load_html(session, issue_url)
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
                                        issue=issue, doc_type=section))
            elif path.lower().endswith(".pdf") and url not in pdfs:
                pdfs.append(url)
        if not refs:
            raise SourceError(issue_url, "a table of contents with document links "
                                  "/{YYYY}{NN}{section}/{YYYYMMDD}/{hex}.html", "no document links")
        yield from refs
        if self.options.get("pdf", True):
            for url in pdfs:
                yield DocumentRef(url=url, title=f"上海市人民政府公报{issue}（全文PDF）", issue=issue,
                                  doc_type=WHOLE_ISSUE_PDF)
