"""The Shanghai policy platform's API (city, district and town policies, about 10,500 documents).

``POST …/gwk/policy/page {"pageNo", "pageSize" ≤ 150}`` answers ``{"data": {"totalCount",
"totalPage", "records": [{"title", "publishDate", "siteId", "businessId", "effectiveFlag", "attrs":
{"agency", "documentAgency", "policyLevel", "zwPDFUrl"}}]}}``, newest first;
``POST …/gwk/policy/detail {"siteId", "businessId"}`` answers the text in ``data.txt``. The
source's URL is the page endpoint. A cycle reads pages until one holds nothing it has seen before,
and fetches the details of new records only (known ones are revisited in rotation).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from diffs.errors import FetchError, InputError, SourceError
from monitor.extract import clean_text, doc_kind, extract_html, normalize_number, parse_date, text_meta
from monitor.http import PoliteSession
from monitor.sources.base import MAX_WALK_PAGES, DocumentRef, FetchedDocument, Source

PAGE_SHAPE = '{"data": {"totalPage", "records": [{"title", "siteId", "businessId", "publishDate"}]}}'
MAX_PAGE_SIZE = 150


class ShanghaiPolicy(Source):
    kind = "shanghai-policy"
    option_names = ("max_pages", "page_size")

    def __init__(self, name: str, url: str, options: dict | None = None) -> None:
        super().__init__(name, url, options)
        self.limit("page_size")  # a bad page size is a configuration error, found when the config loads

    @property
    def detail_url(self) -> str:
        return urljoin(self.url, "detail")

    def discover(self, session: PoliteSession) -> Iterator[DocumentRef]:
        size = min(self.limit("page_size") or 50, MAX_PAGE_SIZE)
        known = set(self.memo.pages.get(self.url, {}).get("links", []))
        seen: list[str] = []
        total = self.limit("max_pages") or MAX_WALK_PAGES
        n = 1
        while n <= total:
            try:
                data = self._data(session.post_json(self.url, {"pageNo": n, "pageSize": size}), self.url)
            except FetchError:
                if n == 1:
                    raise
                self.skip(SourceError(self.url, f"page {n} of the policy list", "the query failed"))
                break
            records = data.get("records") if isinstance(data.get("records"), list) else []
            refs = [ref for ref in (self._ref(r) for r in records) if ref is not None and ref.url not in seen]
            if not refs:
                if n == 1:
                    raise SourceError(self.url, PAGE_SHAPE, "no records")
                break
            seen += [ref.url for ref in refs]
            # a detail cannot be asked conditionally: a record read before is fetched again only
            # when the pipeline revisits it in rotation
            for ref in refs:
                if ref.url in known:
                    self.known_listed.add(ref.url)
                else:
                    yield ref
            if known and all(ref.url in known for ref in refs):
                break  # newest first: the rest was read before
            if isinstance(data.get("totalPage"), int):
                total = min(total, data["totalPage"])
            n += 1
        self.known_listed.update(known - set(seen))
        self.memo.read(self.url, list(dict.fromkeys(seen + sorted(known))))

    def _ref(self, record) -> DocumentRef | None:
        if not isinstance(record, dict) or not record.get("title") or not record.get("businessId"):
            return None
        key = urlencode([("siteId", str(record.get("siteId", ""))), ("businessId", str(record["businessId"]))])
        title = str(record["title"]).strip()
        attrs = record.get("attrs") if isinstance(record.get("attrs"), dict) else {}
        number = normalize_number(str(attrs.get("documentAgency") or "")) or normalize_number(title)
        return DocumentRef(url=f"{self.detail_url}?{key}", title=title, number=number,
                           published=parse_date(str(record.get("publishDate") or "")),
                           doc_type=doc_kind(title, number))

    def fetch(self, session: PoliteSession, ref: DocumentRef, etag: str | None = None,
              last_modified: str | None = None) -> FetchedDocument:
        """The detail answer is a POST: no conditional request; the store's hash tells "unchanged"."""
        payload = dict(parse_qsl(urlsplit(ref.url).query))
        page = session.post_json(self.detail_url, payload)
        text = self._data(page, ref.url).get("txt")
        if not isinstance(text, str) or not text.strip():
            raise SourceError(ref.url, 'the document text in data.txt', "none")
        try:
            if "<" in text and ">" in text:
                extracted = extract_html(f"<html><body>{text}</body></html>", ref.url, body_selector="body")
                body = extracted.text
            else:
                body = clean_text(text)
        except InputError as err:
            raise SourceError(ref.url, "a readable document text", str(err)) from err
        meta = {"title": ref.title}
        for key in ("number", "published", "doc_type"):
            if getattr(ref, key):
                meta[key] = getattr(ref, key)
        for key, value in text_meta(body, ref.title).items():
            meta.setdefault(key, value)
        return FetchedDocument(ref=ref, url=ref.url, raw=page.content, content_type=page.content_type, text=body,
                               meta=meta, http_status=page.status)

    @staticmethod
    def _data(page, url: str) -> dict:
        try:
            answer = json.loads(page.text)
        except json.JSONDecodeError as err:
            raise SourceError(url, PAGE_SHAPE, f"invalid JSON ({err})") from err
        data = answer.get("data") if isinstance(answer, dict) else None
        if not isinstance(data, dict):
            raise SourceError(url, PAGE_SHAPE, f"no data object ({type(answer).__name__})")
        return data
