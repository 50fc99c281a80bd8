"""Whole-issue and attachment PDFs, printed by headless Chromium from the issue's text (build time only).

Chromium embeds the CJK font (fonts-noto-cjk) so the text can be extracted back (pypdfium2).
The creation and modification dates Chromium writes are pinned so that a rebuild gives the same bytes.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from mirror.pages import esc

if TYPE_CHECKING:
    from mirror.corpus import Doc

CHROMIUM = "/usr/bin/chromium"
# No network from Chromium: these flags keep it quiet and on loopback only.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
PINNED_DATE = b"D:20000101000000+00'00'"
_PRINT_CSS = """
body { font-family: "Noto Serif CJK SC", "Noto Sans CJK SC", serif; font-size: 11pt; line-height: 1.6; }
h1 { font-size: 18pt; text-align: center; } h2 { font-size: 14pt; text-align: center; margin-top: 2em; }
p { margin: 0.2em 0; text-indent: 2em; } p.num { text-align: center; text-indent: 0; }
.doc { page-break-before: always; } .doc:first-of-type { page-break-before: auto; }
"""


def print_html(docs: list["Doc"], heading: str | None = None) -> str:
    parts = [f"<h1>{esc(heading)}</h1>"] if heading else []
    for doc in docs:
        parts.append('<div class="doc">')
        parts.append(f"<h2>{esc(doc.title)}</h2>")
        if doc.number:
            parts.append(f'<p class="num">{esc(doc.number)}</p>')
        parts.extend(f"<p>{esc(p)}</p>" for p in doc.paragraphs)
        parts.append("</div>")
    return (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><style>{_PRINT_CSS}</style></head>'
            f"<body>{''.join(parts)}</body></html>")


def pin_dates(pdf: bytes) -> bytes:
    return re.sub(rb"D:\d{14}[+\-Z][0-9']*", lambda m: PINNED_DATE[: len(m.group())].ljust(len(m.group()), b" "), pdf)


class PdfRenderer:
    """One Chromium for the whole build; ``render`` prints documents to PDF bytes."""

    def __init__(self) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        self._page = self._browser.new_page()

    def render(self, docs: list["Doc"], heading: str | None = None) -> bytes:
        self._page.set_content(print_html(docs, heading), wait_until="load")
        return pin_dates(self._page.pdf(format="A4", margin={"top": "20mm", "bottom": "20mm",
                                                             "left": "18mm", "right": "18mm"}))

    def close(self) -> None:
        self._browser.close()
        self._playwright.stop()
