"""Show a :class:`~diffs.compare.DiffResult`: terminal text, Markdown, the HTML 新旧对照表, JSON.

``render_html`` is the one table renderer of regwatch: the CLI writes it standalone, the review UI
embeds it (``standalone=False``) and the digest mails it (``inline_styles=True``: mail clients drop
<style> blocks and <details>). All document text is escaped: scraped text is untrusted.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from html import escape

from .compare import DiffResult, Pair
from .inline import DELETE, EQUAL, INSERT
from .model import Document
from .dates import DATE, parse_date

STATUS_NAMES = {"unchanged": "未改动", "renumbered": "序号调整", "modified": "修改", "added": "新增",
                "deleted": "删除", "split": "拆分", "merged": "合并"}
_SUMMARY_ORDER = ("modified", "added", "deleted", "split", "merged", "renumbered", "moved", "unchanged")
_SUMMARY_NAMES = {**STATUS_NAMES, "moved": "移动"}

_ANSI = {DELETE: "\x1b[31m", INSERT: "\x1b[32m"}
_ANSI_RESET = "\x1b[0m"
_PLAIN_MARKS = {DELETE: ("[-", "-]"), INSERT: ("{+", "+}")}

DIFF_CSS = """
.rw-diff{font-family:"Noto Sans CJK SC","Source Han Sans SC",sans-serif;line-height:1.7}
.rw-diff table.rw-table{border-collapse:collapse;width:100%;table-layout:fixed}
.rw-diff th,.rw-diff td{border:1px solid #ccc;padding:.4em .6em;vertical-align:top;text-align:left}
.rw-diff .rw-label{font-weight:bold;margin-right:.5em}
.rw-diff .rw-status{font-size:.85em;color:#555;margin-left:.5em}
.rw-diff .rw-note{font-size:.85em;color:#555;display:block}
.rw-diff del{background:#fdd;color:#a00}
.rw-diff ins{background:#dfd;color:#060;text-decoration:none}
.rw-diff tr.rw-run td{background:#f6f6f6;color:#555}
.rw-diff a.rw-anchor{color:#999;text-decoration:none;margin-left:.3em}
.rw-diff td{overflow-wrap:anywhere}
.rw-diff tr.rw-title th{background:#f0f0f0;font-size:1.05em}
@media (max-width:640px){
.rw-diff table.rw-table,.rw-diff tbody,.rw-diff thead,.rw-diff tr,.rw-diff td,.rw-diff th{display:block;width:auto}
.rw-diff tr.rw-sides{display:none}
.rw-diff tr.rw-pair td:first-child::before{content:"修改前";display:block;font-size:.8em;color:#555}
.rw-diff tr.rw-pair td:last-child::before{content:"修改后";display:block;font-size:.8em;color:#555}
.rw-diff tr.rw-pair td.rw-empty{display:none}
}
""".strip()
# Mail clients keep only style attributes; borders and padding come from the table's own
# attributes (border/cellpadding), which every client honours, so cells stay short: a digest must
# stay under the ~100 KB that mail clients show unclipped.
_INLINE = {
    "table": ('border="1" cellpadding="5" cellspacing="0" '
              'style="border-collapse:collapse;width:100%;border-color:#ccc"'),
    "th": "text-align:left;background:#f0f0f0",
    "td": "vertical-align:top",
    "del": "background:#fdd;color:#a00",
    "ins": "background:#dfd;color:#060;text-decoration:none",
    "run": "background:#f6f6f6;color:#555",
}


_DATE = re.compile(DATE)


@dataclass(frozen=True)
class Sides:
    """What the two columns hold, for headers: the law's name (stored texts rarely carry it) and each
    version's legal date (公布/修正/施行), when the caller knows it better than the texts' own headers."""
    title: str | None = None
    old_date: str | None = None
    new_date: str | None = None


def edition_date(document: Document) -> str | None:
    """The latest date the header states (通过 / 修正 / 修订 / 公布 lines): the edition's legal date."""
    dates = [parse_date(m.group(0)) for line in document.header for m in _DATE.finditer(line)]
    dates = [d for d in dates if d]
    return max(dates).isoformat() if dates else None


def headings(result: DiffResult, sides: Sides | None = None) -> tuple[str, str, str]:
    """(law name or "", old column heading, new column heading): 修改前（2010-09-17 版）, never a placeholder."""
    sides = sides or Sides()
    old_title, new_title = result.old.title, result.new.title
    title = sides.title or new_title or old_title or ""
    if not sides.title and old_title and new_title and old_title != new_title:
        title = f"{old_title} → {new_title}"
    old_date = sides.old_date or edition_date(result.old)
    new_date = sides.new_date or edition_date(result.new)
    return (title, "修改前" + (f"（{old_date} 版）" if old_date else ""),
            "修改后" + (f"（{new_date} 版）" if new_date else ""))


def summary_line(result: DiffResult) -> str:
    """修改 3 条，新增 1 条，… (zero counts left out)."""
    summary = result.summary
    parts = [f"{_SUMMARY_NAMES[k]} {summary[k]} 条" for k in _SUMMARY_ORDER if summary.get(k)]
    return "，".join(parts) or "无条文"


def _shown(pair: Pair, show_formatting: bool) -> bool:
    """Whether a pair gets its own row; the others are folded into 'unchanged' runs."""
    if pair.status not in ("unchanged", "renumbered"):
        return True
    return pair.moved or (show_formatting and pair.formatting)


def _labels(pair: Pair) -> str:
    if pair.old_label and pair.new_label and pair.old_label != pair.new_label:
        return f"{pair.old_label} → {pair.new_label}"
    return pair.new_label or pair.old_label or ""


def _status_words(pair: Pair) -> str:
    words = [STATUS_NAMES[pair.status]]
    if pair.moved:
        words.append("移动")
    if pair.formatting:
        words.append("仅格式")
    return "、".join(words)


def _runs(result: DiffResult, show_formatting: bool) -> list[Pair | list[Pair]]:
    """Pairs in order, consecutive unshown ones grouped into lists."""
    out: list[Pair | list[Pair]] = []
    for pair in result.pairs:
        if _shown(pair, show_formatting):
            out.append(pair)
        elif out and isinstance(out[-1], list):
            out[-1].append(pair)
        else:
            out.append([pair])
    return out


def _run_words(run: list[Pair]) -> str:
    renumbered = sum(p.status == "renumbered" for p in run)
    return f"{len(run)} 条未改动" + (f"（其中 {renumbered} 条仅序号调整）" if renumbered else "")


# ---------------------------------------------------------------- text

def _heading_line(result: DiffResult, sides: Sides | None) -> str:
    title, old, new = headings(result, sides)
    return (f"{title}：" if title else "") + f"{old} → {new}"


def render_text(result: DiffResult, color: bool = False, sides: Sides | None = None) -> str:
    """Plain text for a terminal; ANSI colours only when ``color`` (the CLI passes isatty)."""
    lines = [_heading_line(result, sides), summary_line(result), ""]
    for item in _runs(result, show_formatting=False):
        if isinstance(item, list):
            lines += [f"  … {_run_words(item)}", ""]
            continue
        lines.append(f"【{_status_words(item)}】{_labels(item)}")
        if item.note:
            lines.append(f"  （{item.note}）")
        lines.append(_indent(_text_inline(item.inline, color)))
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


def _text_inline(ops: list, color: bool) -> str:
    out = []
    for op, text in ops:
        if op == EQUAL:
            out.append(text)
        elif color:
            out.append(_ANSI[op] + text + _ANSI_RESET)
        else:
            start, end = _PLAIN_MARKS[op]
            out.append(start + text + end)
    return "".join(out)


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.split("\n"))


# ---------------------------------------------------------------- markdown

def render_markdown(result: DiffResult, sides: Sides | None = None) -> str:
    """Markdown with <del>/<ins> marks (HTML inside Markdown, so the text is HTML-escaped)."""
    lines = [f"# {escape(_heading_line(result, sides))}", "",
             f"**{summary_line(result)}**", ""]
    for item in _runs(result, show_formatting=False):
        if isinstance(item, list):
            lines += [f"*… {_run_words(item)}*", ""]
            continue
        lines += [f"### {escape(_labels(item))}（{_status_words(item)}）", ""]
        if item.note:
            lines += [f"> {escape(item.note)}", ""]
        for paragraph in _html_inline(item.inline, (DELETE, EQUAL, INSERT), None).split("<br>"):
            lines += [paragraph, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


# ---------------------------------------------------------------- html

def _style(styles: dict | None, name: str) -> str:
    if not styles:
        return ""
    return " " + styles[name] if name == "table" else f' style="{styles[name]}"'


def _html_text(text: str) -> str:
    return escape(text).replace("\n", "<br>")


def _html_inline(ops: list, keep: tuple[int, ...], styles: dict | None) -> str:
    out = []
    for op, text in ops:
        if op not in keep:
            continue
        if op == EQUAL:
            out.append(_html_text(text))
        else:
            tag = "del" if op == DELETE else "ins"
            out.append(f"<{tag}{_style(styles, tag)}>{_html_text(text)}</{tag}>")
    return "".join(out)


def _anchor(pair: Pair) -> str:
    path = pair.new_path or pair.old_path or ""
    side = "n" if pair.new_path else "o"
    return escape(f"rw-{side}-" + path.replace("/", "-"))


def render_html(result: DiffResult, standalone: bool = True, inline_styles: bool = False,
                show_formatting: bool = False, sides: Sides | None = None) -> str:
    """The 新旧对照表: one row per aligned article, old left, new right, unchanged runs folded.
    The head names the law and each version's date (``sides`` when the texts do not say)."""
    styles = _INLINE if inline_styles else None
    rows = [_html_run(item, styles) if isinstance(item, list) else _html_row(item, styles)
            for item in _runs(result, show_formatting)]
    title, head_old, head_new = (escape(h) for h in headings(result, sides))
    th = _style(styles, "th")
    caption = f'<tr class="rw-title"><th colspan="2"{th}>{title}</th></tr>' if title else ""
    body = (f'<div class="rw-diff">\n<p class="rw-summary">{escape(summary_line(result))}</p>\n'
            f'<table class="rw-table"{_style(styles, "table")}>\n'
            f'<thead>{caption}<tr class="rw-sides"><th{th}>{head_old}</th><th{th}>{head_new}</th></tr></thead>\n'
            f'<tbody>\n' + "\n".join(rows) + '\n</tbody>\n</table>\n</div>\n')
    if not inline_styles:
        body = f"<style>\n{DIFF_CSS}\n</style>\n" + body
    if not standalone:
        return body
    page_title = escape(f"{headings(result, sides)[0] or '文本'} 新旧对照表")
    return ('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>{page_title}</title>\n'
            f'</head>\n<body>\n<h1>{page_title}</h1>\n{body}</body>\n</html>\n')


def _html_row(pair: Pair, styles: dict | None) -> str:
    anchor = _anchor(pair)
    td = _style(styles, "td")
    note = f'<span class="rw-note">{escape(pair.note)}</span>' if pair.note else ""

    def cell(label: str | None, keep: tuple[int, int]) -> str:
        if label is None:
            return f'<td class="rw-empty"{td}></td>'
        return (f'<td{td}><span class="rw-label">{escape(label)}</span><br>'
                f'{_html_inline(pair.inline, keep, styles)}</td>')

    return (f'<tr id="{anchor}" class="rw-head"><td colspan="2"{td}>'
            f'<strong>{escape(_labels(pair))}</strong><span class="rw-status">{escape(_status_words(pair))}</span>'
            f'<a class="rw-anchor" href="#{anchor}" aria-label="permalink">¶</a>{note}</td></tr>\n'
            f'<tr class="rw-pair rw-{pair.status}">{cell(pair.old_label, (EQUAL, DELETE))}'
            f'{cell(pair.new_label, (EQUAL, INSERT))}</tr>')


def _html_run(run: list[Pair], styles: dict | None) -> str:
    words = escape(_run_words(run))
    if styles:
        # No <details> in mail: say how many were left out.
        return f'<tr class="rw-run"><td colspan="2"{_style(styles, "run")}>… {words}</td></tr>'
    # Folded pairs read the same in both versions (formatting aside): show each side as written.
    inner = "\n".join(
        f'<tr id="{_anchor(p)}"><td><span class="rw-label">{escape(p.old_label or "")}</span><br>'
        f'{_html_text(p.old_text or "")}</td><td><span class="rw-label">{escape(p.new_label or "")}</span><br>'
        f'{_html_text(p.new_text or "")}</td></tr>' for p in run)
    return (f'<tr class="rw-run"><td colspan="2"><details><summary>{words}</summary>\n'
            f'<table class="rw-table">\n{inner}\n</table></details></td></tr>')


# ---------------------------------------------------------------- json

def render_json(result: DiffResult) -> str:
    """The JSON contract of issue 2 (keys old, new, summary, pairs)."""
    return json.dumps(result.to_dict(), ensure_ascii=False, indent=1) + "\n"
