"""gov.cn policies: the JSON feeds (/zhengce/zuixin/ZUIXINZHENGCE.json, an array of {TITLE, SUB_TITLE,
URL, DOCRELPUBTIME}) and the State Council policy library's listing pages (items
``.news_box .list ul li h4 > a``). A policy page describes itself in ``table.bd1`` (发文机关, 发文字号,
成文日期, 发布日期, 主题分类) above its body ``div.TRS_UEDITOR``.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from diffs.errors import SourceError
from monitor.extract import Extracted, clean_line, doc_kind, normalize_number, parse_date
from monitor.http import Page, PoliteSession
from monitor.sources.base import DocumentRef, Source, is_pdf, load_html

FEED_SHAPE = '[{"TITLE", "SUB_TITLE", "URL", "DOCRELPUBTIME"}]'
LIBRARY_ITEMS = ".news_box .list ul li h4 > a[href]"
# table.bd1 label -> metadata key
DESCRIPTION = {"发文机关": "issuer", "发文字号": "number", "成文日期": "signed", "发布日期": "published",
               "主题分类": "subject", "标题": "title"}
MAX_FEED_ENTRIES = 5000
CST = timezone(timedelta(hours=8))


def feed_date(value) -> str | None:
    """DOCRELPUBTIME as a date: "2024-11-10" (or with a time), or epoch milliseconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 10**14:
        return datetime.fromtimestamp(value / 1000, CST).date().isoformat()
    return parse_date(str(value or ""))


class GovPolicy(Source):
    kind = "gov-policy"
    option_names = ("max_items",)
    body_selector = "div.TRS_UEDITOR"

    def __init__(self, name: str, url: str, options: dict | None = None) -> None:
        super().__init__(name, url, options)
        self.limit("max_items")

    def discover(self, session: PoliteSession) -> Iterator[DocumentRef]:
        refs = self.feed(session) if self.url.split("?")[0].endswith(".json") else self.library(session)
        yield from refs[: self.limit("max_items") or MAX_FEED_ENTRIES]

    def feed(self, session: PoliteSession) -> list[DocumentRef]:
        page = session.get(self.url)
        try:
            data = json.loads(page.text)
        except json.JSONDecodeError as err:
            raise SourceError(self.url, FEED_SHAPE, f"invalid JSON ({err})") from err
        refs = []
        for item in data if isinstance(data, list) else []:
            if not isinstance(item, dict) or not item.get("URL") or not item.get("TITLE"):
                continue
            title = clean_line(str(item["TITLE"]))
            refs.append(DocumentRef(url=urljoin(self.url, str(item["URL"]).strip()), title=title,
                                    published=feed_date(item.get("DOCRELPUBTIME")),
                                    number=(number := normalize_number(str(item.get("SUB_TITLE") or ""))),
                                    doc_type=doc_kind(title, number)))
        if not refs:
            raise SourceError(self.url, FEED_SHAPE, f"no entries ({type(data).__name__})")
        return refs

    def library(self, session: PoliteSession) -> list[DocumentRef]:
        soup, _ = load_html(session, self.url)
        refs = []
        for link in soup.select(LIBRARY_ITEMS):
            title = clean_line(link.get("title") or link.get_text())
            item = link.find_parent("li")
            date = item.select_one("span.date, span") if item is not None else None
            refs.append(DocumentRef(url=urljoin(self.url, link["href"].strip()), title=title,
                                    published=parse_date(date.get_text()) if date is not None else None,
                                    doc_type=doc_kind(title)))
        if not refs:
            raise SourceError(self.url, f"policy items {LIBRARY_ITEMS}", "none")
        return refs

    def extract(self, page: Page, ref: DocumentRef) -> Extracted:
        extracted = super().extract(page, ref)
        if is_pdf(page):
            return extracted
        soup = BeautifulSoup(page.text, "lxml")
        table = soup.select_one("table.bd1")
        if table is None:
            return extracted
        cells = [clean_line(td.get_text()) for td in table.find_all("td")]
        for label, value in zip(cells, cells[1:]):
            key = DESCRIPTION.get(label.rstrip("：: "))
            if not key or not value:
                continue
            if key in ("signed", "published"):
                value = parse_date(value)
            elif key == "number":
                value = normalize_number(value) or value
            elif key == "title":
                extracted.title = value
                continue
            if value:
                extracted.meta[key] = value
        kind = doc_kind(extracted.title, extracted.meta.get("number"))
        if kind:
            extracted.meta["doc_type"] = kind
        return extracted
