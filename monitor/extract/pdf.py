"""Clean text and metadata of a PDF (pypdfium2), visual line breaks inside a paragraph joined back."""
from __future__ import annotations

import re

from diffs.errors import InputError
from monitor.extract.meta import NUMBERED_START_RE, Extracted, clean_line, clean_text, looks_like_title, text_meta

PAGE_NUMBER_RE = re.compile(r"^[-—－–\s]*\d{1,4}[-—－–\s]*$")
PARAGRAPH_END = tuple("。！？；：”」』）)")


def extract_pdf(data: bytes) -> Extracted:
    """Text of a PDF (pypdfium2), with visual line breaks inside a paragraph joined back."""
    import pypdfium2 as pdfium

    if not data.startswith(b"%PDF"):
        raise InputError("not a PDF (no %PDF header)")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        raise InputError(f"unreadable PDF: {err}") from err
    try:
        raw_lines: list[str] = []
        for page in pdf:
            textpage = page.get_textpage()
            raw_lines.extend(textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n").split("\n"))
            textpage.close()
            page.close()
    finally:
        pdf.close()
    lines = [line for line in (clean_line(raw) for raw in raw_lines) if line and not PAGE_NUMBER_RE.match(line)]
    text = "\n".join(join_wrapped_lines(lines))
    text = clean_text(text)
    title = _pdf_title(text)
    return Extracted(title, text, text_meta(text, title))


def join_wrapped_lines(lines: list[str]) -> list[str]:
    """Rejoin paragraphs that a PDF broke into visual lines: a full-width line without closing
    punctuation continues on the next line unless that one starts a numbered unit."""
    if not lines:
        return []
    width = sorted(len(line) for line in lines)[int(len(lines) * 0.9)]
    out = [lines[0]]
    for previous, line in zip(lines, lines[1:]):  # previous: the visual line above, not the paragraph
        if (len(previous) >= width * 0.85 and not previous.endswith(PARAGRAPH_END)
                and not NUMBERED_START_RE.match(line)):
            out[-1] += line
        else:
            out.append(line)
    return out


def _pdf_title(text: str) -> str:
    for line in text.split("\n")[:8]:
        if looks_like_title(line):
            return line
    return ""

