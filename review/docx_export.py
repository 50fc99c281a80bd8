"""The 新旧对照表 as a Word document: the form in which Chinese legal teams circulate amendments.

One table, 修改前 | 修改后 | 说明; deleted characters struck through in red on the left, inserted
ones bold and underlined on the right; unchanged articles collapsed into one row with their count.
"""
from __future__ import annotations

import io

from docx import Document as WordDocument
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from diffs.inline import DELETE, EQUAL, INSERT
from diffs.render import STATUS_NAMES


CJK_FONT = "SimSun"   # 宋体: what Word on a Chinese desktop has; LibreOffice maps it to Noto Serif CJK


def _use_cjk_font(word) -> None:
    style = word.styles["Normal"]
    style.font.name = CJK_FONT
    style.font.size = Pt(10.5)   # 五号
    style.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT)


def _side(cell, label: str | None, ops: list, keep: int, mark: int) -> None:
    """Write one side of a pair: ``keep`` the runs of this side, highlight those of op ``mark``."""
    paragraph = cell.paragraphs[0]
    if label:
        paragraph.add_run(label + " ").bold = True
    for op, text in ops:
        if op not in (EQUAL, keep):
            continue
        for k, line in enumerate(text.split("\n")):
            if k:
                paragraph = cell.add_paragraph()
            if not line:
                continue
            run = paragraph.add_run(line)
            if op == mark == DELETE:
                run.font.strike = True
                run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
            elif op == mark == INSERT:
                run.bold = True
                run.underline = True
                run.font.highlight_color = WD_COLOR_INDEX.YELLOW


def _note(pair) -> str:
    words = [STATUS_NAMES[pair.status]]
    if pair.old_label and pair.new_label and pair.old_label != pair.new_label:
        words.append(f"{pair.old_label}→{pair.new_label}")
    if pair.moved:
        words.append("移动")
    if pair.formatting:
        words.append("仅格式")
    if pair.note:
        words.append(pair.note)
    return "；".join(words)


def diff_docx(result, show_formatting: bool = False) -> bytes:
    """The .docx bytes of ``result`` (a diffs.DiffResult)."""
    word = WordDocument()
    _use_cjk_font(word)
    old_title, new_title = result.old.title or "修改前", result.new.title or "修改后"
    word.add_heading(f"{new_title} 新旧对照表", level=1)
    if old_title != new_title:
        word.add_paragraph(f"修改前：{old_title}；修改后：{new_title}")
    table = word.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, heading in zip(table.rows[0].cells, ("修改前", "修改后", "说明")):
        cell.paragraphs[0].add_run(heading).bold = True
    unchanged = 0

    def flush_unchanged() -> None:
        nonlocal unchanged
        if unchanged:
            row = table.add_row().cells
            merged = row[0].merge(row[2])
            merged.paragraphs[0].add_run(f"（{unchanged} 条未修改）").italic = True
            unchanged = 0

    for pair in result.pairs:
        if pair.status == "unchanged" and not (pair.formatting and show_formatting):
            unchanged += 1
            continue
        flush_unchanged()
        old_cell, new_cell, note_cell = table.add_row().cells
        _side(old_cell, pair.old_label, pair.inline, DELETE, DELETE)
        _side(new_cell, pair.new_label, pair.inline, INSERT, INSERT)
        note_cell.paragraphs[0].add_run(_note(pair))
    flush_unchanged()
    out = io.BytesIO()
    word.save(out)
    return out.getvalue()
