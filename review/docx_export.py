"""The 新旧对照表 as a Word document: the form in which Chinese legal teams circulate amendments.

One table, 修改前 | 修改后 | 说明; deleted characters struck through in red on the left, inserted
ones bold and underlined on the right; unchanged articles collapsed into one row with their count.
"""
from __future__ import annotations

import io

from docx import Document as WordDocument
from docx.enum.text import WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from diffs.inline import DELETE, EQUAL, INSERT
from diffs.render import STATUS_NAMES, Sides, headings


CJK_FONT = "SimSun"   # 宋体: what Word on a Chinese desktop has; LibreOffice maps it to Noto Serif CJK
LATIN_FONT = "Times New Roman"


def _use_cjk_font(word) -> None:
    """Every style Word falls back to gets the East Asian font too: w:eastAsia is what Chinese text uses."""
    for name in ("Normal", "Heading 1", "Table Grid"):
        style = word.styles[name]
        style.font.name = LATIN_FONT
        rpr = style.element.get_or_add_rPr()
        fonts = rpr.find(qn("w:rFonts"))
        if fonts is None:
            fonts = OxmlElement("w:rFonts")
            rpr.append(fonts)
        fonts.set(qn("w:eastAsia"), CJK_FONT)
    word.styles["Normal"].font.size = Pt(10.5)   # 五号


def _a4(word) -> None:
    """A4, the paper Chinese offices print on (python-docx defaults to US Letter)."""
    for section in word.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(20)
        section.top_margin = section.bottom_margin = Mm(20)


def _repeat_as_header(row) -> None:
    """The heading row repeats on every page of a long table."""
    properties = row._tr.get_or_add_trPr()
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    properties.append(marker)


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


def diff_docx(result, show_formatting: bool = False, sides: Sides | None = None) -> bytes:
    """The .docx bytes of ``result`` (a diffs.DiffResult); ``sides`` names the law and the versions' dates."""
    word = WordDocument()
    _a4(word)
    _use_cjk_font(word)
    title, head_old, head_new = headings(result, sides)
    word.add_heading(f"{title} 新旧对照表" if title else "新旧对照表", level=1)
    table = word.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    _repeat_as_header(table.rows[0])
    for cell, heading in zip(table.rows[0].cells, (head_old, head_new, "说明")):
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
