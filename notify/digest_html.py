"""The HTML part of a digest, kept under the size mail clients show unclipped (about 100 KB).

Details are added in order while they fit the budget: first with their 新旧对照表 (changed articles
only), then, if the table does not fit, as a summary line and a link; what still does not fit is
counted, and the message says how much was left out and where to read it. Every scraped value is
escaped here; the table comes from ``diffs.render`` (inline styles for mail), which escapes its own.
"""
from __future__ import annotations

import html
from typing import TYPE_CHECKING

from diffs.render import render_html

from .overview import overview_rows

if TYPE_CHECKING:
    from .digest import Digest, Shown

LIMIT = 100 * 1024
# Headroom for the closing note and footer, which are written after the budget is spent.
BUDGET = LIMIT - 8 * 1024
OVERVIEW_SHARE = 0.35
FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
LINK = "color:#0550ae"
MUTED = "color:#57606a"
e_ = html.escape


def size(text: str) -> int:
    return len(text.encode("utf-8"))


def render(digest: "Digest", shown: "Shown") -> str:
    """The whole HTML document; records in ``shown`` what it left out so the text part says the same."""
    out = [f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{e_(digest.title)}</title></head>'
           f'<body style="margin:0;padding:12px;font-family:{FONT};color:#1f2328;font-size:14px;line-height:1.6">',
           f'<h1 style="font-size:19px;margin:0 0 8px">{e_(digest.title)}</h1>',
           f'<p style="margin:0 0 8px;{MUTED}">{e_(digest.generated)}</p>']
    if not digest.entries:
        out.append('<p>本期没有新的变动。</p>')
    else:
        out.append('<h2 style="font-size:17px;margin:18px 0 6px">详情</h2>')
        used = sum(size(part) for part in out) + size(_overview(digest, shown))
        details = _details(digest, shown, used)
        # The overview links to details that made it in: written once the choice is made.
        out[-1:-1] = [_overview(digest, shown)]
        out += [details, _left_out_note(digest, shown)]
    out.append(_footer(digest))
    out.append("</body></html>")
    return "".join(out)


TABLE = ('border="1" cellpadding="4" cellspacing="0" '
         'style="border-collapse:collapse;width:100%;border-color:#d0d7de;font-size:13px"')
# Details are chosen most consequential first (then rendered in the digest's order).
PRIORITY = ("amended", "repealed", "expired", "expiring", "new_version", "source_error", "new_document")


def _overview(digest: "Digest", shown: "Shown") -> str:
    rows = overview_rows(digest.entries, digest.names)
    head = (f'<h2 style="font-size:17px;margin:12px 0 6px">概览</h2><table class="overview" {TABLE}><tr>'
            + "".join(f'<th style="background:#f3f4f6;text-align:left;width:{w}">{h}</th>' for h, w in
                      (("施行日期", "6em"), ("名称", "24%"), ("文号", "12%"), ("发布单位", "12%"), ("来源", "10%"),
                       ("变动", "auto"))) + "</tr>")
    parts, used = [head], size(head)
    for n, row in enumerate(rows):
        href = digest.row_link(row, shown)
        name = f'<a href="{e_(href)}" style="{LINK}">{e_(row.title)}</a>' if href else e_(row.title)
        line = (f'<tr valign="top"><td style="white-space:nowrap">{e_(row.date)}</td><td>{name}</td>'
                f'<td>{e_(row.number)}</td><td>{e_(row.issuer)}</td><td>{e_(row.source)}</td><td>{e_(row.what)}</td></tr>')
        if used + size(line) > BUDGET * OVERVIEW_SHARE:
            shown.overview_left_out = len(rows) - n
            break
        parts.append(line)
        used += size(line)
    parts.append("</table>")
    if shown.overview_left_out:
        parts.append(f'<p style="margin:4px 0;{MUTED}">概览另有 {shown.overview_left_out} 行未列出。</p>')
    return "".join(parts)


def _choose(digest: "Digest", shown: "Shown", room: int) -> dict[int, str]:
    """event id -> its detail block: every detail that fits without its table, most consequential
    first, then as many tables as still fit; the rest counted in ``shown``."""
    wanted = [e for e in digest.entries if digest.needs_detail(e)]
    wanted.sort(key=lambda e: PRIORITY.index(e.item.kind) if e.item.kind in PRIORITY else len(PRIORITY))
    blocks: dict[int, str] = {}
    for entry in wanted:
        block = _entry(digest, entry, with_table=False)
        if size(block) + DOC_HEAD_ALLOWANCE <= room:
            blocks[entry.item.id] = block
            room -= size(block) + DOC_HEAD_ALLOWANCE
        else:
            shown.left_out.append(entry.item.id)
            shown.left_out_bytes += size(block)
    for entry in wanted:
        if entry.item.id not in blocks or not digest.has_table(entry):
            continue
        full = _entry(digest, entry, with_table=True)
        extra = size(full) - size(blocks[entry.item.id])
        if extra <= room:
            blocks[entry.item.id] = full
            room -= extra
        else:
            shown.tables_left_out.append(entry.item.id)
            shown.left_out_bytes += extra
    return blocks


DOC_HEAD_ALLOWANCE = 700   # a document's heading and facts, written once per document shown


def _details(digest: "Digest", shown: "Shown", used: int) -> str:
    blocks = _choose(digest, shown, BUDGET - used)
    out: list[str] = []
    for heading, docs in digest.groups():
        group = []
        for doc_entries in docs:
            chosen = [blocks[e.item.id] for e in doc_entries if e.item.id in blocks]
            if not chosen:
                continue
            first = doc_entries[0].item
            group.append(f'<h4 style="font-size:15px;margin:12px 0 2px">《{e_(first.display_title.strip("《》"))}》</h4>'
                         + _facts(digest.doc_facts(first), MUTED) + "".join(chosen))
        if group:
            out.append(f'<h3 style="font-size:16px;margin:16px 0 4px;border-bottom:2px solid #d0d7de">{e_(heading)}</h3>')
            out.extend(group)
    return "".join(out)


def _table(digest: "Digest", entry) -> str:
    caption = (f'<p style="margin:6px 0 2px;{MUTED}">{e_(digest.AMENDMENT_CAPTION)}</p>'
               if entry.item.kind == "amended" else "")
    return caption + render_html(entry.diff, standalone=False, inline_styles=True, sides=digest.sides(entry))


def _entry(digest: "Digest", entry, with_table: bool) -> str:
    item = entry.item
    out = [f'<div id="event-{item.id}" style="margin:4px 0 10px">'
           f'<p style="margin:4px 0;font-weight:bold">{e_(digest.what(entry))}</p>',
           _facts(digest.event_facts(item), "#1f2328")]
    for head, items in digest.amendment_notes(entry):
        out.append(f'<p style="margin:6px 0 2px">{e_(head)}：</p><ol style="margin:2px 0;padding-left:22px">'
                   + "".join(f"<li>{e_(text)}</li>" for text in items) + "</ol>")
    if with_table and digest.has_table(entry):
        out.append(_table(digest, entry))
    elif digest.has_table(entry):
        out.append(f'<p style="margin:4px 0;{MUTED}">{e_(digest.TABLE_LEFT_OUT)}</p>')
    for label, url in digest.links(entry):
        out.append(f'<p style="margin:2px 0"><a href="{e_(url)}" style="{LINK}">{e_(label)}</a></p>')
    out.append("</div>")
    return "".join(out)


def _left_out_note(digest: "Digest", shown: "Shown") -> str:
    note = digest.left_out_sentence(shown)
    if not note:
        return ""
    link = digest.review_changes_link()
    more = f' <a href="{e_(link)}" style="{LINK}">在审阅界面查看全部变动</a>' if link else ""
    return (f'<p class="left-out" style="margin:14px 0;padding:8px;background:#fff8c5;border:1px solid #d4a72c">'
            f'{e_(note)}{more}</p>')


def _footer(digest: "Digest") -> str:
    lines = "".join(f'<p style="margin:2px 0">{e_(line)}</p>' for line in digest.footer_lines())
    link = digest.unsubscribe_link()
    if link:
        lines += f'<p style="margin:2px 0"><a href="{e_(link)}" style="{LINK}">管理或退订此订阅</a></p>'
    return f'<div class="footer" style="margin-top:20px;{MUTED};font-size:12px">{lines}</div>'


def _facts(facts: list[tuple[str, str]], color: str) -> str:
    if not facts:
        return ""
    rows = []
    for k, v in facts:
        value = e_(v)
        if v.startswith(("http://", "https://")):
            value = f'<a href="{e_(v)}" style="{LINK}">{value}</a>'
        rows.append(f'<li>{e_(k)}：{value}</li>')
    return f'<ul style="margin:2px 0;padding-left:18px;color:{color}">{"".join(rows)}</ul>'
