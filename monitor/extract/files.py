"""A document the user obtained themselves, read from a file: DOCX, PDF, HTML or plain text.

For sites whose robots.txt forbids crawling (the national laws database, flk.npc.gov.cn, forbids
all of it), a person downloads the text and ``regwatch import`` stores it like a fetched page.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from diffs.errors import InputError
from monitor.encoding import decode
from monitor.extract.html import extract_html
from monitor.extract.meta import Extracted, clean_text, looks_like_title, text_meta
from monitor.extract.pdf import extract_pdf

CONTENT_TYPES = {".pdf": "application/pdf", ".html": "text/html", ".htm": "text/html", ".txt": "text/plain",
                 ".md": "text/plain",
                 ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document"}
MAX_FILE_BYTES = 50 * 1024 * 1024
# Containers a saved law page may use when it is none of the known CMSs: the page's body last.
FALLBACK_BODY = ("article", "#content", "main", "body")


def read_document(path: Path) -> tuple[Extracted, bytes, str]:
    """(extracted text and metadata, raw bytes, content type) of one file; InputError when unreadable."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if not path.is_file():
        raise InputError(f"{path}: not a regular file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputError(f"{path}: {size} bytes, more than the {MAX_FILE_BYTES} a document may have")
    data = path.read_bytes()
    if not data.strip():
        raise InputError(f"{path}: the file is empty")
    suffix = path.suffix.lower()
    if data.startswith(b"%PDF"):
        return extract_pdf(data), data, CONTENT_TYPES[".pdf"]
    if data.startswith(b"PK") and suffix in (".docx", ""):
        return _docx(data, path), data, CONTENT_TYPES[".docx"]
    if suffix in (".doc", ".wps", ".ofd"):
        raise InputError(f"{path}: {suffix} files cannot be read; save the document as .docx, .pdf or .txt")
    text = decode(data, what=str(path)).text
    if suffix in (".html", ".htm") or text.lstrip()[:200].lower().startswith(("<!doctype html", "<html")):
        return _html(text, path), data, CONTENT_TYPES[".html"]
    return _plain(text), data, CONTENT_TYPES.get(suffix, "text/plain")


def _plain(text: str) -> Extracted:
    clean = clean_text(text)
    if not clean:
        raise InputError("the file has no text")
    title = next((line for line in clean.split("\n")[:6] if looks_like_title(line)), "")
    return Extracted(title, clean, text_meta(clean, title))


def _html(text: str, path: Path) -> Extracted:
    try:
        return extract_html(text, path.resolve().as_uri())
    except InputError:
        pass
    for selector in FALLBACK_BODY:
        try:
            return extract_html(text, path.resolve().as_uri(), body_selector=selector)
        except InputError:
            continue
    raise InputError(f"{path}: no text found in the page")


def _docx(data: bytes, path: Path) -> Extracted:
    import docx  # python-docx, paid for by .docx input only

    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as err:
        raise InputError(f"{path}: not a readable .docx ({err})") from err
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        lines += [" ".join(cell.text for cell in row.cells) for row in table.rows]
    return _plain("\n".join(lines))
