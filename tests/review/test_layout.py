"""Every page type at a desktop and a phone size in a real headless Chromium: nothing wider than the
window, old and new text stacked per article on the phone, the decision panel beside the table on
a desktop (staying in view while scrolling) and below it on a phone. Screenshots go to test-artifacts/."""
from __future__ import annotations

import pytest

from test_browser import screenshot

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1280, 800), "phone": (390, 844)}
MATERIALS = "上海市建设工程材料管理条例"     # amended by a decision the store holds: the diff has its panel


@pytest.fixture(scope="module")
def pages(ids, versions_of):
    old_id, new_id = versions_of(MATERIALS)
    return {
        "changes": "/",
        "issues": "/issues",
        "issue": f"/issues/view?source={ids['source']}&issue={ids['issue']}",
        "documents": "/documents",
        "document": f"/documents/{ids['law']}",
        "diff": f"/diff/{old_id}/{new_id}",
        "audit": f"/audit?date={ids['audit_date']}",
        "search": "/search?q=音像制品",
        "subscriptions": "/subscriptions",
        "not-found": "/documents/999999",
    }


@pytest.fixture(params=list(SIZES))
def sized(request, browser):
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    yield request.param, page
    context.close()


def overflow(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_no_page_overflows_horizontally(browser, sized, site, pages, artifacts_dir):
    size, page = sized
    # A named reviewer sees the review forms and bold rows too: they must fit as well.
    page.goto(f"{site}/")
    page.fill("form.reviewer input[name=name]", "测试审阅人")
    page.click("form.reviewer button")
    page.wait_for_selector("tr.event.unread")
    for name, path in pages.items():
        page.goto(site + path)
        scroll_width, inner_width = overflow(page)
        assert scroll_width <= inner_width, f"{name} at {size}: {scroll_width}px wide in a {inner_width}px window"
        if name == "not-found":   # a short page: mostly white by design
            page.screenshot(path=str(artifacts_dir / f"review-layout-{name}-{size}.png"), full_page=True)
            assert "找不到" in page.inner_text("main")
        else:
            screenshot(browser, page, artifacts_dir, f"layout-{name}-{size}")


def test_phone_stacks_old_and_new_and_puts_the_decision_below(browser, site, pages):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(site + pages["diff"])
        row = page.locator(".diff-table tr.rw-pair.rw-modified").first
        old, new = (row.locator("td").nth(i).bounding_box() for i in (0, 1))
        assert new["y"] >= old["y"] + old["height"] - 1          # new below old, not beside it
        assert old["width"] > 300 and new["width"] > 300          # each nearly the phone's width
        assert page.locator(".diff-table tr.rw-sides").is_hidden()
        table = page.locator(".diff-table").bounding_box()
        panel = page.locator("aside.amendment").bounding_box()
        assert panel["y"] >= table["y"] + table["height"] - 1
    finally:
        context.close()


def test_desktop_panel_stays_in_view_and_shortcuts_are_shown(browser, site, pages):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page = context.new_page()
    try:
        page.goto(site + pages["diff"])
        assert "j" in page.inner_text(".diff-tools .keys") and "k" in page.inner_text(".diff-tools .keys")
        table = page.locator(".diff-table").bounding_box()
        panel = page.locator("aside.amendment").bounding_box()
        assert panel["x"] >= table["x"] + table["width"] - 1      # beside the table
        page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
        page.wait_for_function("window.scrollY > 400")
        top = page.evaluate("document.querySelector('aside.amendment').getBoundingClientRect().top")
        assert 0 <= top < 800                                     # still on screen half way down
    finally:
        context.close()
