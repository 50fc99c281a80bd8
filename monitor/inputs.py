"""A document file given on the command line, as text: the one reader of every text command
(`regwatch diff`, `ops`, `amend`, `validity`, `import`).

Accepted: plain text and Markdown in UTF-8, GBK/GB18030 or UTF-16 (with or without a byte-order
mark), HTML pages (saved gazette pages keep only their document body), PDF and DOCX. A legacy
Word .doc is refused with advice. Only regular files: a named pipe or a device would block or never
end, so it is refused before anything is read. Stored versions (`DOC@N`) are the store's business:
`regwatch.api.read` resolves them and calls :func:`read_file` for everything else.

Heavy readers (BeautifulSoup, pdfium, python-docx) are imported only for their own format, so that
`regwatch diff a.md b.md` stays cold-fast.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from diffs.errors import InputError
from monitor.encoding import read_regular_file

MAX_BYTES = 100 * 1024 * 1024            # a whole gazette issue as PDF is tens of MB
MAX_DOCX_XML = 200 * 1024 * 1024         # uncompressed word/document.xml: a zip bomb stops here
MAX_DOCX_BLOCKS = 200_000                # paragraphs and table rows read from one DOCX
_MARKDOWN = {".md", ".markdown"}
_HTML = {".html", ".htm", ".xhtml", ".shtml"}
# Control characters other than tab/newline/CR/form feed: text documents have none, binaries many.
_CONTROL = {c for c in range(32) if c not in (9, 10, 12, 13)} | {127}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # legacy .doc/.xls/.wps compound file


@dataclass(frozen=True)
class Input:
    """A document read from a file: `label` names it in output, `fmt` is the `diffs.structure.parse`
    format its text is in (`md`, `text` or `auto`)."""

    label: str
    text: str
    fmt: str = "auto"


def read_file(path: str | Path) -> Input:
    """The text of the document file at `path`. Raises InputError with one clear sentence (missing,
    not a regular file, too large, empty, binary, undecodable, unsupported format)."""
    name = str(path)
    return read_bytes(name, read_regular_file(name, MAX_BYTES))


def read_bytes(name: str, data: bytes) -> Input:
    """The text of a document file's bytes (`name` gives its suffix and names it in errors)."""
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    suffix = Path(name).suffix.lower()
    label = Path(name).name
    if data.startswith(b"%PDF-"):
        return Input(label, _nonblank(name, _pdf_text(data)))
    if data.startswith(b"PK\x03\x04"):
        return Input(label, _nonblank(name, _docx_text(name, data)))
    if data.startswith(_OLE_MAGIC[:4]):   # the compound file's signature; its first half is distinctive
        raise InputError(f"{name}: a legacy Word/WPS/OFD file; save it as .docx or PDF and give that")
    text = _decode(name, data)
    if suffix in _HTML or _looks_like_html(text):
        return Input(label, _nonblank(name, _html_text(name, text)))
    if sum(ord(c) in _CONTROL for c in text[:4096]) > len(text[:4096]) // 100:
        raise InputError(f"{name}: looks like a binary file, not a text document")
    fmt = "md" if suffix in _MARKDOWN else "text" if suffix == ".txt" else "auto"
    return Input(label, _nonblank(name, text), fmt)


def _decode(name: str, data: bytes) -> str:
    from monitor.encoding import decode

    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _utf16_without_bom(data)
        if text is not None:
            return text
    return decode(data, what=name).text


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark (some Windows editors), else None: the byte order
    whose decoding is valid and free of control characters wins."""
    if len(data) % 2:
        return None
    for codec in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if not any(ord(c) in _CONTROL or 0xE000 <= ord(c) <= 0xF8FF for c in text[:4096]):
            return text
    return None


def _looks_like_html(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:200].lower()
    return head.startswith(("<!doctype html", "<html", "<?xml")) and "<html" in text[:4096].lower()


def _html_text(name: str, html: str) -> str:
    """The document of a saved page: the gazette sites' body container when there is one, else the
    whole <body>; the page title goes first when the body does not start with it."""
    from monitor.extract import extract_saved_page

    page = extract_saved_page(html, Path(name).resolve().as_uri())
    first_line = page.text.lstrip().split("\n", 1)[0]
    if page.title and page.title not in first_line:
        return f"{page.title}\n{page.text}"
    return page.text


def _pdf_text(data: bytes) -> str:
    from monitor.extract import extract_pdf   # pdfium is paid for by PDF input only

    return extract_pdf(data).text


def _docx_text(name: str, data: bytes) -> str:
    """Paragraphs and table rows of a DOCX in document order (cells of a row joined by a tab)."""
    import zipfile

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        body = archive.getinfo("word/document.xml")
    except (zipfile.BadZipFile, KeyError):
        raise InputError(f"{name}: a ZIP archive but not a Word .docx document") from None
    if body.file_size > MAX_DOCX_XML:
        raise InputError(f"{name}: its document part unpacks to {body.file_size} bytes; refusing more than "
                         f"{MAX_DOCX_XML // 2**20} MB")
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises several unrelated types for a damaged package
        raise InputError(f"{name}: cannot read the .docx: {e}") from None
    lines: list[str] = []
    for child in document.element.body.iterchildren():
        if len(lines) >= MAX_DOCX_BLOCKS:
            raise InputError(f"{name}: more than {MAX_DOCX_BLOCKS} paragraphs; not a single document")
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows[:MAX_DOCX_BLOCKS]:
                lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _nonblank(name: str, text: str) -> str:
    if not text.strip():
        raise InputError(f"{name}: the file has no text")
    return text
