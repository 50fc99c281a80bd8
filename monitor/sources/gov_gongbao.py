"""国务院公报 (www.gov.cn/gongbao): gbgl.json -> issue pages -> content pages and issue PDFs.

The index is ``[{"values": {"2017年": {"第9号": {"issue": "第9号", "gname": <absolute issue URL>,
"serial": 0, …}}}}]`` (an older copy used ``y2017`` keys and gnames relative to the file); an
issue page lists its documents as ``div.box ul li a`` whose text is two or three lines split by
<br>: issuer, 令 number, title (a long name wraps onto a line indented by one full-width space).
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup, NavigableString, Tag

from diffs.errors import FetchError, SourceError
from monitor.extract import gazette_heading
from monitor.http import PoliteSession
from monitor.sources.base import WHOLE_ISSUE_PDF, DocumentRef, Source, load_html

CONTENT_RE = re.compile(r"/content_\d+\.html?$")
LEGACY_CONTENT_RE = re.compile(r"^/gongbao/content/\d{4}/content_\d+\.html?$")
YEAR_KEY_RE = re.compile(r"(\d{4})")
NUMBER_LABEL_RE = re.compile(r"第\s*(\d+)\s*[号期]")
FULL_ISSUE_LABEL_RE = re.compile(r"(\d{4})\s*年\s*第\s*(\d+)\s*[号期]")
ENTRY_SELECTOR = "div.box ul li a[href]"
INDENT = " \t\u3000\u00a0"
NEW_LINE_INDENT = "\u3000\u3000"
SOURCE_BREAK_RE = re.compile(r"[\r\n][ \t]*")  # line breaks of the HTML source, not of the entry
INDEX_SHAPE = '[{"values": {"2017年": {"第9号": {"issue", "gname"}}}}]'


class GovGongbao(Source):
    kind = "gov-gongbao"
    option_names = ("max_issues", "pdf")
    body_selector = "#UCAP-CONTENT"

    @property
    def index_url(self) -> str:
        return self.url if self.url.endswith(".json") else urljoin(self.url.rstrip("/") + "/", "gbgl.json")

    def discover(self, session: PoliteSession) -> Iterator[DocumentRef]:
        for issue_url, label in self.issues(session)[: self.limit("max_issues")]:
            if self.remember_final(issue_url):
                continue
            refs = self.issue_documents(session, issue_url, label)
            if refs:
                self.memo.read(issue_url, [ref.url for ref in refs])
            yield from refs

    def issues(self, session: PoliteSession) -> list[tuple[str, str]]:
        """(issue page URL, '2024年第33号') for every issue in gbgl.json, newest first."""
        page = session.get(self.index_url)
        try:
            data = json.loads(page.text)  # page.text has dropped the BOM the file starts with
        except json.JSONDecodeError as err:
            raise SourceError(self.index_url, "the JSON issue index", f"invalid JSON ({err})") from err
        issues: dict[tuple[int, int, str], tuple[str, str]] = {}
        for year_key, key, entry in _entries(data):
            label = str(entry.get("issue") or key)
            full = FULL_ISSUE_LABEL_RE.search(label)
            year_match = YEAR_KEY_RE.search(year_key)
            number_match = NUMBER_LABEL_RE.search(label) or NUMBER_LABEL_RE.search(key)
            year = int(full.group(1)) if full else int(year_match.group(1)) if year_match else 0
            number = int(full.group(2)) if full else int(number_match.group(1)) if number_match else 0
            url = urljoin(self.index_url, str(entry["gname"]).strip())
            if not year or not number:
                self.skip(SourceError(url, "an issue labelled 第N号 under a year key", f"{year_key!r}/{label!r}"))
                continue
            # the issue id in the URL breaks a tie between two entries with the same label
            issues[(year, number, url)] = (url, f"{year}年第{number}号")
        if not issues:
            size = len(data) if isinstance(data, (list, dict)) else 0
            raise SourceError(self.index_url, INDEX_SHAPE, f"no issues ({type(data).__name__} of {size})")
        return [issues[key] for key in sorted(issues, reverse=True)]

    def issue_documents(self, session: PoliteSession, issue_url: str, issue: str) -> list[DocumentRef]:
        """The documents of one issue; [] (recorded) when its page fails or lists none."""
        try:
            soup, _ = load_html(session, issue_url)
        except FetchError as err:
            self.skip(SourceError(issue_url, f"the table of contents of {issue}", f"no page ({err})"))
            return []
        refs = issue_entries(soup, issue_url, issue)
        if not refs:
            self.skip(SourceError(issue_url, f"document links {ENTRY_SELECTOR} in {issue}", "no entries"))
            return []
        if self.options.get("pdf", True):
            for link in soup.select("li.gbpdf a[href]"):
                href = link["href"].strip()
                if href:  # old issues leave the PDF link empty
                    refs.append(DocumentRef(url=urljoin(issue_url, href), title=f"国务院公报{issue}（全文PDF）",
                                            issue=issue, doc_type=WHOLE_ISSUE_PDF))
        return refs


def _entries(data) -> Iterator[tuple[str, str, dict]]:
    """(year key, issue key, entry) of every issue entry of gbgl.json, whatever nesting it uses."""
    blocks = data if isinstance(data, list) else [data]
    for block in blocks:
        values = block.get("values") if isinstance(block, dict) else None
        for year_key, year_issues in (values.items() if isinstance(values, dict) else ()):
            for key, entry in (year_issues.items() if isinstance(year_issues, dict) else ()):
                if isinstance(entry, dict) and entry.get("gname"):
                    yield str(year_key), str(key), entry


def issue_entries(soup: BeautifulSoup, issue_url: str, issue: str) -> list[DocumentRef]:
    """The document entries of an issue page, in order: div.box ul li a, or, on a page without
    that list, every link to a content page of this issue (sidebars link other content pages)."""
    links = [a for a in soup.select(ENTRY_SELECTOR) if CONTENT_RE.search(urlsplit(a["href"].strip()).path)]
    if not links:
        issue_path = urlsplit(issue_url).path
        for a in soup.find_all("a", href=True):
            path = urlsplit(urljoin(issue_url, a["href"].strip())).path
            if CONTENT_RE.search(path) and (path.startswith(issue_path) or LEGACY_CONTENT_RE.match(path)):
                links.append(a)
    refs: dict[str, DocumentRef] = {}
    for link in links:
        url = urljoin(issue_url, link["href"].strip())
        heading = gazette_heading("\u3000\u3000".join(entry_lines(link)))
        if heading.get("title") and url not in refs:
            refs[url] = DocumentRef(url=url, title=heading["title"], number=heading.get("number"), issue=issue,
                                    doc_type=heading.get("doc_type"))
    return list(refs.values())


def entry_lines(link: Tag) -> list[str]:
    """The lines of a TOC entry (split at <br>), wrapped lines joined back to the line they continue.

    A new line of an entry is indented by exactly two full-width spaces; a line indented otherwise
    (one or three full-width spaces, runs of &nbsp;) is the rest of a long name wrapped mid-line."""
    raw: list[str] = [""]
    for node in link.descendants:
        if isinstance(node, Tag) and node.name == "br":
            raw.append("")
        elif isinstance(node, NavigableString) and type(node) is NavigableString:
            raw[-1] += SOURCE_BREAK_RE.sub("", str(node))
    lines: list[str] = []
    for text in raw:
        body = text.lstrip(INDENT)
        if not body.strip(INDENT):
            continue
        lead = text[:len(text) - len(body)]
        body = body.rstrip(INDENT)
        if lines and lead and lead != NEW_LINE_INDENT:
            lines[-1] += body
        else:
            lines.append(body)
    return lines
