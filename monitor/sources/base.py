"""What every source adapter shares: the document reference and fetched document, the registry of
kinds, page loading, and the rule that a page no longer shaped as expected is an error, never
"nothing new"."""
from __future__ import annotations

import importlib
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from bs4 import BeautifulSoup

from diffs.errors import ConfigError, FetchError, InputError, SourceError
from monitor.extract import Extracted, extract_html, extract_pdf
from monitor.http import Page, PoliteSession
from monitor.sources.memo import DiscoveryMemo

KINDS = {
    "shanghai-gazette": "monitor.sources.shanghai_gazette:ShanghaiGazette",
    "shanghai-series": "monitor.sources.shanghai_series:ShanghaiSeries",
    "shanghai-rules": "monitor.sources.shanghai_rules:ShanghaiRules",
    "gov-gongbao": "monitor.sources.gov_gongbao:GovGongbao",
    "gov-policy": "monitor.sources.gov_policy:GovPolicy",
    "shanghai-policy": "monitor.sources.shanghai_policy:ShanghaiPolicy",
    "shanghai-normative": "monitor.sources.shanghai_normative:ShanghaiNormative",
    "generic": "monitor.sources.generic:Generic",
}
# doc_type of a whole gazette issue as one PDF: it holds many documents, so none of their metadata is its own
WHOLE_ISSUE_PDF = "gazette-pdf"
HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
TOTAL_PAGES_RE = re.compile(r"totalPage\s*:\s*(\d+)")
# A listing without a page count is walked until a page adds nothing; never further than this.
MAX_WALK_PAGES = 500
# Listing pages parsed lately, by URL, kept while their texts total at most this many characters: a
# page whose text is the one parsed last time (most listing pages of a no-change cycle in the daemon)
# is not parsed again. The adapters only read the trees.
PARSED_CHARS = 1_000_000


@dataclass
class DocumentRef:
    url: str
    title: str = ""
    published: str | None = None
    number: str | None = None
    section: str | None = None
    issue: str | None = None
    doc_type: str | None = None


@dataclass
class FetchedDocument:
    ref: DocumentRef
    url: str
    raw: bytes
    content_type: str
    text: str
    meta: dict = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    http_status: int = 200


def get(kind: str) -> type["Source"]:
    """The adapter class for a source kind (imported on first use)."""
    if kind not in KINDS:
        raise ConfigError(f"unknown source kind {kind!r}; known kinds: {', '.join(sorted(KINDS))}")
    module, _, name = KINDS[kind].partition(":")
    return getattr(importlib.import_module(module), name)


class Source:
    """Base of the adapters: subclasses set ``kind`` and implement ``discover``."""

    kind = ""
    option_names: tuple[str, ...] = ()

    def __init__(self, name: str, url: str, options: dict[str, Any] | None = None) -> None:
        options = dict(options or {})
        unknown = set(options) - set(self.option_names)
        if unknown:
            raise ConfigError(f"source {name!r} ({self.kind}): unknown option(s) {', '.join(sorted(unknown))}; "
                              f"known: {', '.join(self.option_names) or 'none'}")
        self.name = name
        self.url = url
        self.options = options
        # Pages below the entry page that failed or listed nothing: recorded, and the rest of the
        # source is still discovered. Only a failing entry page fails the whole source.
        self.problems: list[SourceError] = []
        self.memo = DiscoveryMemo()
        # Documents still listed on pages the memo says are final, so not fetched this cycle.
        self.known_listed: set[str] = set()
        for option in ("max_issues", "max_pages"):
            self.limit(option)  # a bad limit is a configuration error, found when the config loads

    def discover(self, session: PoliteSession) -> Iterator[DocumentRef]:
        raise NotImplementedError

    def skip(self, error: SourceError) -> None:
        """Record a page below the entry page that could not be read; discovery goes on."""
        self.problems.append(error)

    def sub_page(self, session: PoliteSession, url: str, expected: str) -> BeautifulSoup | None:
        """A page below the entry page, or None (recorded as a problem) when it cannot be fetched."""
        try:
            return load_html(session, url)[0]
        except FetchError as err:
            self.skip(SourceError(url, expected, f"the page could not be fetched ({err})"))
            return None

    def listing_pages(self, session: PoliteSession, first_url: str, entries: Callable[[str, BeautifulSoup], list[str]],
                      newest_first: bool = False) -> Iterator[tuple[str, BeautifulSoup]]:
        """index.html, index_2.html … of a listing, at most max_pages. The page count comes from the
        pagination script when the page has one; otherwise (live listings page with JavaScript)
        index_N is walked until a page lists no entry not seen before or answers 404. ``entries``
        gives a page's entry URLs. A later page that fails is recorded and skipped.

        ``newest_first``: the listing only grows at its head, so once a page lists nothing but
        entries read in an earlier cycle the older pages are not read again (their entries stay
        listed, in ``known_listed``)."""
        known = set(self.memo.pages.get(first_url, {}).get("links", [])) if newest_first else set()
        soup, html = load_html(session, first_url)
        match = TOTAL_PAGES_RE.search(html)
        total = int(match.group(1)) if match else MAX_WALK_PAGES
        total = min(total, self.limit("max_pages") or total)
        last_page = entries(first_url, soup)
        seen = list(dict.fromkeys(last_page))
        yield first_url, soup
        stem = first_url.rsplit("/", 1)[0]
        for n in range(2, total + 1):
            if known and last_page and all(u in known for u in last_page):
                break  # the page before held nothing new: the older pages neither
            url = f"{stem}/index_{n}.html"
            try:
                soup = load_html(session, url)[0]
            except FetchError as err:
                if not match and getattr(err, "status", None) in (404, 410):
                    break  # past the last page of a listing without a page count
                self.skip(SourceError(url, f"page {n} of the listing", f"the page could not be fetched ({err})"))
                continue
            last_page = entries(url, soup)
            new = [u for u in last_page if u not in seen]
            if not new and not match:
                break
            seen += new
            yield url, soup
        if newest_first:
            self.known_listed.update(known - set(seen))
            self.memo.read(first_url, list(dict.fromkeys(seen + sorted(known))))

    def remember_final(self, url: str) -> bool:
        """True when ``url`` is a listing page read completely often enough: its documents count as
        listed without a request this cycle."""
        if not self.memo.is_final(url):
            return False
        self.known_listed.update(self.memo.leaves(url))
        return True

    def fetch(self, session: PoliteSession, ref: DocumentRef, etag: str | None = None,
              last_modified: str | None = None) -> FetchedDocument | None:
        """Download and extract one document; None when the server says it has not changed (304)."""
        page = session.get(ref.url, etag=etag, last_modified=last_modified)
        if page.not_modified:
            return None
        extracted = self.extract(page, ref)
        whole_issue = ref.doc_type == WHOLE_ISSUE_PDF
        meta = {"title": ref.title if whole_issue else extracted.title or ref.title}
        for key in ("number", "published", "section", "issue", "doc_type"):
            if getattr(ref, key):
                meta[key] = getattr(ref, key)
        for key, value in ({} if whole_issue else extracted.meta).items():
            meta.setdefault(key, value)
        return FetchedDocument(ref=ref, url=page.url, raw=page.content, content_type=page.content_type,
                               text=extracted.text, meta=meta, etag=page.etag,
                               last_modified=page.last_modified, http_status=page.status)

    @property
    def body_selector(self) -> str | None:
        """CSS selector of the document body; None tries the selectors of the known CMSs."""
        return None

    def extract(self, page: Page, ref: DocumentRef) -> Extracted:
        try:
            if is_pdf(page):
                return extract_pdf(page.content)
            return extract_html(page.text, page.url, body_selector=self.body_selector)
        except InputError as err:
            raise SourceError(page.url, "a document with a readable body", str(err)) from err

    def limit(self, option: str) -> int | None:
        value = self.options.get(option)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ConfigError(f"source {self.name!r}: {option} must be a positive integer, not {value!r}")
        return value


def is_pdf(page: Page) -> bool:
    return page.content.startswith(b"%PDF") or "pdf" in page.content_type.lower()


def load_html(session: PoliteSession, url: str) -> tuple[BeautifulSoup, str]:
    """A page parsed, with HTML comments removed first (listings keep stale entries in comments).
    The same text as the last time this URL was read gives the tree parsed then (read-only)."""
    text = session.get(url).text
    return _parsed.get(url, text) or _parsed.put(url, text, HTML_COMMENT_RE.sub("", text))


class _ParsedPages:
    """The trees of the listing pages read lately (see PARSED_CHARS); thread-safe."""

    def __init__(self, limit: int = PARSED_CHARS) -> None:
        self.limit, self.size, self.lock = limit, 0, threading.Lock()
        self.pages: OrderedDict[str, tuple[str, BeautifulSoup, str]] = OrderedDict()

    def get(self, url: str, text: str) -> tuple[BeautifulSoup, str] | None:
        with self.lock:
            entry = self.pages.get(url)
            if entry is None or entry[0] != text:
                return None
            self.pages.move_to_end(url)
            return entry[1], entry[2]

    def put(self, url: str, text: str, html: str) -> tuple[BeautifulSoup, str]:
        soup = BeautifulSoup(html, "lxml")
        with self.lock:
            old = self.pages.pop(url, None)
            self.size -= len(old[0]) if old else 0
            if len(text) <= self.limit:
                self.pages[url] = (text, soup, html)
                self.size += len(text)
            while self.size > self.limit:
                self.size -= len(self.pages.popitem(last=False)[1][0])
        return soup, html


_parsed = _ParsedPages()
