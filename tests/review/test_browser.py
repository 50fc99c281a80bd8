"""The UI in a real headless Chromium: follow an amendment to its diff, jump between changes,
audit the repealed rule, and check that hostile scraped text stays inert."""
from __future__ import annotations

import base64
import re
from urllib.parse import unquote

import pytest

from diffs.compare import compare

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")


def ink_ratio(browser, png: bytes) -> float:
    """Share of the screenshot's pixels that are not (near) white, counted by a canvas on a blank page."""
    page = browser.new_page()
    try:
        page.set_content(f'<img id="shot" src="data:image/png;base64,{base64.b64encode(png).decode()}">')
        page.wait_for_function("document.getElementById('shot').complete")
        return page.evaluate("""() => {
            const img = document.getElementById('shot');
            const canvas = document.createElement('canvas');
            canvas.width = img.naturalWidth; canvas.height = img.naturalHeight;
            const ctx = canvas.getContext('2d'); ctx.drawImage(img, 0, 0);
            const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
            let ink = 0;
            for (let i = 0; i < data.length; i += 4) {
                if (data[i] < 200 || data[i + 1] < 200 || data[i + 2] < 200) ink++;
            }
            return ink / (data.length / 4);
        }""")
    finally:
        page.close()


def screenshot(browser, page, artifacts_dir, name: str) -> None:
    """Save a full-page screenshot and check it shows Chinese text, not a blank page."""
    path = artifacts_dir / f"review-{name}.png"
    png = page.screenshot(path=str(path), full_page=True)
    assert CJK.search(page.inner_text("body")), f"{name}: no Chinese text on the page"
    assert ink_ratio(browser, png) > 0.01, f"{name}: screenshot {path} is blank"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    page.dialogs, page.errors = [], []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda msg: msg.type == "error" and page.errors.append(msg.text))
    yield page
    context.close()


def test_follow_an_amendment_to_its_diff_and_jump(browser, page, site, ids, law_texts, artifacts_dir):
    page.goto(f"{site}/")
    screenshot(browser, page, artifacts_dir, "changes")
    row = page.locator(f'tr.event[data-kind="amended"]:has-text("{ids["law_title"]}")').first
    row.locator("a.diff-link").click()
    page.wait_for_url(re.compile(r"/diff/\d+/\d+$"))
    screenshot(browser, page, artifacts_dir, "diff")

    # The rows and highlights are those of diffs.compare, as `regwatch diff` shows them.
    result = compare(*law_texts)
    shown = [p for p in result.pairs if p.status not in ("unchanged", "renumbered") or p.moved]
    heads = page.locator(".diff-table tr.rw-head").all_inner_texts()
    assert len(heads) == len(shown)
    for pair, head in zip(shown, heads):
        assert (pair.new_label or pair.old_label) in head
    inserted = [text for p in shown for op, text in p.inline if op == 1]
    deleted = [text for p in shown for op, text in p.inline if op == -1]
    assert inserted and deleted
    assert page.locator(".diff-table tr.rw-pair ins").all_inner_texts() == inserted
    assert page.locator(".diff-table tr.rw-pair del").all_inner_texts() == deleted
    # The renderer's own stylesheet applies under the CSP (admitted by its hash): deletions in #a00.
    assert page.eval_on_selector(".diff-table del", "e => getComputedStyle(e).color") == "rgb(170, 0, 0)"

    # Keyboard: j goes to the first change, j again to the second; the button goes on to the third.
    before = page.evaluate("window.scrollY")
    page.keyboard.press("j")
    first = page.evaluate("document.activeElement.id")
    page.keyboard.press("j")
    second = page.evaluate("document.activeElement.id")
    assert first and second and first != second
    assert page.locator("tr.current-change").count() == 1
    page.click("#next-change")
    third = page.evaluate("document.activeElement.id")
    assert third not in (first, second)
    assert page.evaluate("window.scrollY") != before
    assert unquote(page.url).endswith("#" + third)               # the address is the row's permalink
    page.keyboard.press("k")
    assert page.evaluate("document.activeElement.id") == second
    # The decision's operations on the current article light up beside the table.
    lit = page.locator(".amendment li.op.touches-current a.op-target").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")
    assert "#" + second in lit
    assert not page.errors, page.errors


def test_audit_page_finds_the_repealed_rule(browser, page, site, ids, artifacts_dir):
    page.goto(f"{site}/audit?date={ids['audit_date']}")
    row = page.locator(f'table.repealed tr.rule:has-text("{ids["repealed_rule"]}")')
    assert row.count() == 1
    assert ids["repealer_title"] in row.locator("td.by").inner_text()
    assert ids["repealer_number"] in row.locator("td.by-number").inner_text()
    screenshot(browser, page, artifacts_dir, "audit")


def test_hostile_page_runs_no_script(browser, page, site, ids, artifacts_dir):
    page.goto(f"{site}/documents/{ids['hostile']}")
    links = page.eval_on_selector_all("a[href]", "els => els.map(a => a.getAttribute('href'))")
    assert not [href for href in links if href.strip().lower().startswith("javascript:")]
    assert page.locator("img").count() == 0 and page.locator("main script").count() == 0
    assert "<script>" in page.inner_text("main")            # shown as text
    page.goto(f"{site}/")
    page.goto(f"{site}/search?q=onerror")
    screenshot(browser, page, artifacts_dir, "hostile-search")
    assert page.dialogs == []
