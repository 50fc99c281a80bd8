import json
import re
from pathlib import Path

import pytest

from diffs.compare import compare
from diffs.render import render_html, render_json, render_markdown, render_text

EVAL_DEV = Path(__file__).resolve().parents[2] / "corpus" / "eval-dev"
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(scope="module")
def result():
    folder = EVAL_DEV / "sh-yinxiang"
    return compare((folder / "old.md").read_text(encoding="utf-8"), (folder / "new.md").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def hostile():
    old = f"{HOSTILE}条例\n第一条 为了管理，制定本条例。\n第二条 本条例适用于本市。\n第三条 普通条文。\n"
    new = f"{HOSTILE}条例\n第一条 为了管理，制定本条例{HOSTILE}。\n第二条 本条例适用于本市。\n第三条 普通条文。\n"
    return compare(old, new)


def test_html_escapes_scraped_text_everywhere(hostile):
    for page in (render_html(hostile), render_html(hostile, standalone=False),
                 render_html(hostile, inline_styles=True), render_markdown(hostile)):
        assert "<script>" not in page and "<img" not in page
        assert "&lt;script&gt;" in page


def test_standalone_fragment_and_mail_variants(result):
    page = render_html(result)
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page and "<details>" in page
    fragment = render_html(result, standalone=False)
    assert not fragment.lstrip().startswith("<!DOCTYPE") and "<html" not in fragment
    assert fragment.count('class="rw-diff"') == 1
    mail = render_html(result, inline_styles=True)
    assert "<style" not in mail and "<details" not in mail
    assert 'style="background:#fdd' in mail and "<del style=" in mail and "<ins style=" in mail


def test_one_row_per_shown_pair_with_permalinks_and_renumbering(result):
    page = render_html(result)
    shown = [p for p in result.pairs if p.status not in ("unchanged", "renumbered") or p.moved]
    assert page.count('class="rw-head"') == len(shown)
    ids = re.findall(r'<tr id="([^"]+)"', page)
    assert len(ids) == len(set(ids)) == len(result.pairs)
    for head_id in re.findall(r'<tr id="([^"]+)" class="rw-head"', page):
        assert f'href="#{head_id}"' in page
    renumbered_modified = [p for p in shown if p.old_label and p.new_label and p.old_label != p.new_label]
    assert renumbered_modified
    for p in renumbered_modified:
        assert f"{p.old_label} → {p.new_label}" in page


def test_unchanged_runs_are_folded_with_their_count(result):
    page = render_html(result)
    folded = re.findall(r"<summary>(\d+) 条未改动", page)
    hidden = [p for p in result.pairs if p.status in ("unchanged", "renumbered") and not p.moved]
    assert sum(map(int, folded)) == len(hidden)


def test_show_formatting_brings_formatting_only_rows_out():
    old = "某条例\n第一条 下列情形:\n(一)甲;\n第二条 本条例自公布之日起施行。\n"
    new = "某条例\n第一条 下列情形：\n（一）甲；\n第二条 本条例自公布之日起施行。\n"
    result = compare(old, new)
    assert 'class="rw-head"' not in render_html(result)
    shown = render_html(result, show_formatting=True)
    assert shown.count('class="rw-head"') == 1 and "仅格式" in shown


def test_text_colours_only_when_asked(result):
    plain, coloured = render_text(result), render_text(result, color=True)
    assert "\x1b[" not in plain and "[-" in plain and "{+" in plain
    assert "\x1b[31m" in coloured and "\x1b[32m" in coloured
    assert "【修改】第三十二条 → 第三十一条" in plain


def test_markdown_headings_per_changed_article(result):
    md = render_markdown(result)
    changed = [p for p in result.pairs if p.status not in ("unchanged", "renumbered")]
    assert md.count("\n### ") == len(changed)
    assert "<del>" in md and "<ins>" in md


def test_json_is_the_contract(result):
    data = json.loads(render_json(result))
    assert data == json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert "第一条" in render_json(result)          # UTF-8, not \\u escapes


@pytest.mark.browser
def test_the_standalone_table_in_chromium(browser, result, artifacts_dir):
    page = browser.new_page()
    page.set_content(render_html(result))
    heads = page.locator("tr.rw-head")
    assert heads.count() == sum(1 for p in result.pairs if p.status not in ("unchanged", "renumbered") or p.moved)
    first_run = page.locator("details").first
    hidden_row = first_run.locator("tr").first
    assert not hidden_row.is_visible()
    first_run.locator("summary").click()
    assert hidden_row.is_visible()
    deleted = page.locator("tr.rw-modified del").first
    assert deleted.is_visible() and deleted.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(255, 221, 221)"
    page.screenshot(path=str(artifacts_dir / "diff-table.png"), full_page=False)
    page.close()
