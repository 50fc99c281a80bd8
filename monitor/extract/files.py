"""A document the user obtained themselves, read from a file: DOCX, PDF, HTML or plain text.

For sites whose robots.txt forbids crawling (the national laws database, flk.npc.gov.cn, forbids
all of it), a person downloads the text and ``regwatch import`` stores it like a fetched page.
"""
from __future__ import annotations

from pathlib import Path

from diffs.errors import InputError
from monitor.encoding import read_regular_file
from monitor.extract.html import extract_saved_page
from monitor.extract.meta import Extracted, clean_text, looks_like_title, text_meta
from monitor.extract.pdf import extract_pdf
from monitor.inputs import MAX_BYTES, read_bytes

CONTENT_TYPES = {".pdf": "application/pdf", ".html": "text/html", ".htm": "text/html", ".txt": "text/plain",
                 ".md": "text/plain",
                 ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}


def read_document(path: Path) -> tuple[Extracted, bytes, str]:
    """(extracted text and metadata, raw bytes, content type) of one file; InputError when unreadable.
    The text comes from the one reader of every text command (monitor.inputs); HTML pages keep the
    metadata their markup gives (title, 文号, dates)."""
    data = read_regular_file(path, MAX_BYTES)
    suffix = path.suffix.lower()
    if data.startswith(b"%PDF"):
        return extract_pdf(data), data, CONTENT_TYPES[".pdf"]
    if data.strip() and (suffix in (".html", ".htm") or _is_html(data)):
        return _html(data, path), data, CONTENT_TYPES[".html"]
    document = read_bytes(str(path), data)     # refuses empty, binary, legacy .doc; decodes the rest
    content_type = CONTENT_TYPES[".docx"] if data.startswith(b"PK") else CONTENT_TYPES.get(suffix, "text/plain")
    return _plain(document.text), data, content_type


def _is_html(data: bytes) -> bool:
    return data.lstrip(b"\xef\xbb\xbf \t\r\n")[:200].lower().startswith((b"<!doctype html", b"<html"))


def _plain(text: str) -> Extracted:
    clean = clean_text(text)
    if not clean:
        raise InputError("the file has no text")
    title = next((line for line in clean.split("\n")[:6] if looks_like_title(line)), "")
    return Extracted(title, clean, text_meta(clean, title))


def _html(data: bytes, path: Path) -> Extracted:
    from monitor.encoding import decode

    return extract_saved_page(decode(data, what=str(path)).text, path.resolve().as_uri())
