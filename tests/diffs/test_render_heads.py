"""The 新旧对照表's head names the law and each version's edition date, never a placeholder."""
from __future__ import annotations

from diffs.compare import compare
from diffs.render import Sides, headings, render_html, render_markdown, render_text

OLD = "（2010年1月1日某市人民政府令第1号公布）\n第一条 为了管理某事，制定本办法。\n第二条 甲应当报告。"
NEW = ("（2010年1月1日某市人民政府令第1号公布　根据二〇二〇年五月六日某市人民政府令第9号修正）\n"
       "第一条 为了管理某事，制定本办法。\n第二条 甲应当书面报告。")


def test_dates_come_from_each_texts_edition_lines():
    result = compare(OLD, NEW)
    assert headings(result) == ("", "修改前（2010-01-01 版）", "修改后（2020-05-06 版）")
    assert headings(result, Sides(title="某事管理办法", new_date="2020-07-01")) == (
        "某事管理办法", "修改前（2010-01-01 版）", "修改后（2020-07-01 版）")


def test_every_rendering_carries_the_law_and_dates():
    result = compare(OLD, NEW)
    sides = Sides(title="某事管理办法")
    html = render_html(result, standalone=False, sides=sides)
    assert '<tr class="rw-title"><th colspan="2">某事管理办法</th></tr>' in html
    assert "<th>修改前（2010-01-01 版）</th><th>修改后（2020-05-06 版）</th>" in html
    untitled = render_html(compare("第一条 甲。\n第二条 乙。", "第一条 甲。\n第二条 丙。"))
    assert "修改前：" not in html and "<th>修改前</th><th>修改后</th>" in untitled
    assert render_text(result, sides=sides).startswith("某事管理办法：修改前（2010-01-01 版） → 修改后（2020-05-06 版）\n")
    assert render_markdown(result, sides=sides).startswith("# 某事管理办法：修改前（2010-01-01 版） → 修改后（2020-05-06 版）\n")


def test_mail_tables_use_table_attributes_not_per_cell_borders():
    html = render_html(compare(OLD, NEW), standalone=False, inline_styles=True)
    assert '<table class="rw-table" border="1" cellpadding="5"' in html and "<style>" not in html
    assert "border:1px solid" not in html
