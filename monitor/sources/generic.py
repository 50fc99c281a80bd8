"""Any list-and-detail site, described in the config by CSS selectors.

Options: ``links`` (required) selects the <a> elements of the list page; ``body`` the document body
on a detail page; ``title`` and ``date`` (optional) the title and date on a detail page;
``max_pages`` with ``next`` (a selector for the next-page link) to walk a paginated list.
"""
from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from diffs.errors import ConfigError, SourceError
from monitor.extract import Extracted, clean_line, parse_date
from monitor.http import Page, PoliteSession
from monitor.sources.base import DocumentRef, Source, is_pdf, load_html


class Generic(Source):
    kind = "generic"
    option_names = ("links", "body", "title", "date", "next", "max_pages")

    def __init__(self, name: str, url: str, options: dict | None = None) -> None:
        super().__init__(name, url, options)
        for required in ("links", "body"):
            if not self.options.get(required):
                raise ConfigError(f"source {name!r} (generic): option {required!r} (a CSS selector) is required")

    def discover(self, session: PoliteSession) -> Iterator[DocumentRef]:
        url: str | None = self.url
        pages = 0
        seen: set[str] = set()
        while url and url not in seen and pages < (self.limit("max_pages") or 1):
            seen.add(url)
            soup, _ = load_html(session, url)
            links = [a for a in soup.select(self.options["links"]) if a.name == "a" and a.get("href")]
            if not links:
                raise SourceError(url, f"document links matching {self.options['links']!r}", "none")
            for link in links:
                yield DocumentRef(url=urljoin(url, link["href"].strip()),
                                  title=clean_line(link.get("title") or link.get_text()))
            pages += 1
            following = soup.select_one(self.options["next"]) if self.options.get("next") else None
            url = urljoin(url, following["href"]) if following is not None and following.get("href") else None

    @property
    def body_selector(self) -> str:
        return self.options["body"]

    def extract(self, page: Page, ref: DocumentRef) -> Extracted:
        extracted = super().extract(page, ref)
        if is_pdf(page):
            return extracted
        soup = BeautifulSoup(page.text, "lxml")
        for option in ("title", "date"):
            selector = self.options.get(option)
            if not selector:
                continue
            element = soup.select_one(selector)
            if element is None:
                raise SourceError(page.url, f"the {option} matching {selector!r}", "none")
            value = clean_line(element.get_text())
            if option == "title":
                extracted.title = value
            else:
                extracted.meta["published"] = parse_date(value)
        return extracted
