"""国务院公报 (www.gov.cn/gongbao): gbgl.json -> issue pages -> content pages and issue PDFs."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from monitor.extract import clean_line
from monitor.http import PoliteSession
from diffs.errors import SourceError
from monitor.sources.base import WHOLE_ISSUE_PDF, DocumentRef, Source, load_html

CONTENT_RE = re.compile(r"/content_\d+\.html?$")
LEGACY_CONTENT_RE = re.compile(r"^/gongbao/content/\d{4}/content_\d+\.html?$")
ISSUE_LABEL_RE = re.compile(r"(\d{4})\s*年\s*第\s*(\d+)\s*[号期]")
YEAR_KEY_RE = re.compile(r"(\d{4})")


class GovGongbao(Source):
    kind = "gov-gongbao"
    option_names = ("max_issues", "pdf")
    body_selector = "#UCAP-CONTENT"

    @property
    def index_url(self) -> str:
        return self.url if self.url.endswith(".json") else urljoin(self.url.rstrip("/") + "/", "gbgl.json")

    def discover(self, session: PoliteSession) -> Iterator[DocumentRef]:
        for issue_url, label in self.issues(session)[: self.limit("max_issues")]:
            yield from self.issue_documents(session, issue_url, label)

    def issues(self, session: PoliteSession) -> list[tuple[str, str]]:
        """(issue page URL, '2024年第33号') for every issue in gbgl.json, newest first."""
        page = session.get(self.index_url)
        try:
            data = json.loads(page.text)  # page.text has dropped the BOM the file starts with
        except json.JSONDecodeError as err:
            raise SourceError(self.index_url, "the JSON issue index", f"invalid JSON ({err})") from err
        issues: dict[tuple[int, int], tuple[str, str]] = {}
        for block in data if isinstance(data, list) else []:
            for year_key, year_issues in (block.get("values") or {}).items() if isinstance(block, dict) else ():
                year_match = YEAR_KEY_RE.search(year_key)
                for entry in (year_issues or {}).values() if isinstance(year_issues, dict) else ():
                    if not isinstance(entry, dict) or not entry.get("gname"):
                        continue
                    label = str(entry.get("issue", ""))
                    match = ISSUE_LABEL_RE.search(label)
                    year = int(match.group(1)) if match else int(year_match.group(1)) if year_match else 0
                    number = int(match.group(2)) if match else int(str(entry.get("serial", "0")) or 0)
                    issues[(year, number)] = (urljoin(self.index_url, entry["gname"]), f"{year}年第{number}号")
        if not issues:
            raise SourceError(self.index_url, '[{"values": {year: {issue: {"issue", "gname", "serial"}}}}]',
                                  f"no issues ({type(data).__name__} of {len(data) if hasattr(data, '__len__') else 0})")
        return [issues[key] for key in sorted(issues, reverse=True)]

    def issue_documents(self, session: PoliteSession, issue_url: str, issue: str) -> Iterator[DocumentRef]:
        soup, _ = load_html(session, issue_url)
        refs: list[DocumentRef] = []
        seen: set[str] = set()
        pdfs: list[str] = []
        for link in soup.find_all("a", href=True):
            url = urljoin(issue_url, link["href"].strip())
            path = urlsplit(url).path
            # the issue's own articles; links elsewhere on the page (other columns) are navigation
            in_issue = path.startswith(urlsplit(issue_url).path) or LEGACY_CONTENT_RE.match(path)
            if CONTENT_RE.search(path) and in_issue:
                # TOC entries read "issuer<br>title": the title is the last line
                lines = [clean_line(s) for s in link.get_text("\n").split("\n") if clean_line(s)]
                if lines and url not in seen:
                    seen.add(url)
                    refs.append(DocumentRef(url=url, title=lines[-1], issue=issue,
                                            doc_type=lines[0] if len(lines) > 1 else None))
            elif path.lower().endswith(".pdf") and url not in pdfs:
                pdfs.append(url)
        if not refs:
            raise SourceError(issue_url, "links to ./{YYYYMM}/content_{id}.html", "no content links")
        yield from refs
        if self.options.get("pdf", True):
            for url in pdfs:
                yield DocumentRef(url=url, title=f"国务院公报{issue}（全文PDF）", issue=issue, doc_type=WHOLE_ISSUE_PDF)
