"""The digest's HTML as a mail client would show it: rendered by headless Chromium with CJK fonts."""
from __future__ import annotations

import struct
import zlib
from datetime import datetime, timezone

import pytest

from notify import api
from snapshots import Store

from notify_scenario import build

NOW = datetime(2025, 11, 5, 2, 0, tzinfo=timezone.utc)


def decode_png(data: bytes) -> tuple[int, int, int, bytes]:
    """(width, height, channels, raw pixels) of an 8-bit RGB/RGBA PNG, as Chromium writes them."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", chunk[:10])
            assert depth == 8 and color in (2, 6)
            channels = 3 if color == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, stride = zlib.decompress(idat), width * channels
    rows, prev = [], bytearray(stride)
    for y in range(height):
        ftype, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - channels] if i >= channels else 0
            b, c = prev[i], prev[i - channels] if i >= channels else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 255
            elif ftype == 2:
                line[i] = (line[i] + b) & 255
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, channels, b"".join(rows)


def pixel_counts(png: bytes) -> tuple[int, int]:
    """(non-white pixels, coloured pixels): text and rules are grey, highlights are coloured."""
    width, height, channels, pixels = decode_png(png)
    ink = coloured = 0
    for i in range(0, width * height * channels, channels):
        r, g, b = pixels[i], pixels[i + 1], pixels[i + 2]
        if min(r, g, b) < 235:
            ink += 1
        if max(r, g, b) - min(r, g, b) > 24:
            coloured += 1
    return ink, coloured


@pytest.mark.browser
def test_digest_html_renders_overview_and_highlighted_changes(tmp_path, browser, artifacts_dir):
    store = Store(tmp_path / "regwatch.db")
    build(store)
    api.subscribe(store, "all@example.cn")
    (digest,) = api.digest(store, {}, now=NOW, dry_run=True, review_url="http://127.0.0.1:8000").digests
    store.close()
    html = digest.message.get_body(("html",)).get_content()
    page = browser.new_page(viewport={"width": 1000, "height": 800})
    try:
        page.set_content(html)
        page.screenshot(path=str(artifacts_dir / "notify-digest-email.png"), full_page=True)
        overview = page.locator("table.overview")
        # Header + one row per document or decision: 全国年节及纪念日放假办法 (first seen, then republished),
        # its 2024 decision (with the amendment it made), the Shanghai amendment, the repeal, the expiry.
        assert len(digest.event_ids) == 7 and overview.locator("tr").count() == 1 + 5
        ink, _ = pixel_counts(overview.screenshot())
        assert ink > 2000, "the overview table is blank"
        # The 新旧对照表 of 全国年节及纪念日放假办法: its changes are highlighted in colour.
        diff_table = page.locator("table").nth(1)
        png = diff_table.screenshot()
        (artifacts_dir / "notify-digest-diff.png").write_bytes(png)
        ink, coloured = pixel_counts(png)
        assert ink > 2000 and coloured > 200, (ink, coloured)
        blank = browser.new_page(viewport={"width": 1000, "height": 800})
        blank.set_content("<html><body><table class='overview'><tr><td></td></tr></table></body></html>")
        assert pixel_counts(blank.locator("body").screenshot())[0] < 50
        blank.close()
    finally:
        page.close()
