"""Show a :class:`~diffs.compare.DiffResult`: terminal text, Markdown, the HTML 新旧对照表, JSON.

``render_html`` is the one table renderer of regwatch: the CLI writes it standalone, the review UI
embeds it (``standalone=False``) and the digest mails it (``inline_styles=True``: mail clients drop
<style> blocks and <details>). All document text is escaped: scraped text is untrusted.
"""
from __future__ import annotations

import json
from html import escape

from .compare import DiffResult, Pair
from .inline import DELETE, EQUAL, INSERT

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
""".strip()
# Mail clients keep only style attributes.
_INLINE = {
    "table": "border-collapse:collapse;width:100%",
    "th": "border:1px solid #ccc;padding:4px 6px;text-align:left;background:#f0f0f0",
    "td": "border:1px solid #ccc;padding:4px 6px;vertical-align:top",
    "del": "background:#fdd;color:#a00",
    "ins": "background:#dfd;color:#060;text-decoration:none",
    "run": "border:1px solid #ccc;padding:4px 6px;background:#f6f6f6;color:#555",
}


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

def render_text(result: DiffResult, color: bool = False) -> str:
    """Plain text for a terminal; ANSI colours only when ``color`` (the CLI passes isatty)."""
    lines = [f"{result.old.title or '旧版本'} → {result.new.title or '新版本'}", summary_line(result), ""]
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

def render_markdown(result: DiffResult) -> str:
    """Markdown with <del>/<ins> marks (HTML inside Markdown, so the text is HTML-escaped)."""
    lines = [f"# {escape(result.old.title or '旧版本')} → {escape(result.new.title or '新版本')}", "",
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
    return f' style="{styles[name]}"' if styles else ""


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
                show_formatting: bool = False) -> str:
    """The 新旧对照表: one row per aligned article, old left, new right, unchanged runs folded."""
    styles = _INLINE if inline_styles else None
    rows = [_html_run(item, styles) if isinstance(item, list) else _html_row(item, styles)
            for item in _runs(result, show_formatting)]
    title_old = escape(result.old.title or "修改前")
    title_new = escape(result.new.title or "修改后")
    th = _style(styles, "th")
    body = (f'<div class="rw-diff">\n<p class="rw-summary">{escape(summary_line(result))}</p>\n'
            f'<table class="rw-table"{_style(styles, "table")}>\n'
            f'<thead><tr><th{th}>修改前：{title_old}</th><th{th}>修改后：{title_new}</th></tr></thead>\n'
            f'<tbody>\n' + "\n".join(rows) + '\n</tbody>\n</table>\n</div>\n')
    if not inline_styles:
        body = f"<style>\n{DIFF_CSS}\n</style>\n" + body
    if not standalone:
        return body
    page_title = escape(f"{result.new.title or result.old.title or '文本'} 新旧对照表")
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
