"""Downloads of a diff: HTML, Markdown, JSON (the CLI's contract) and DOCX (a Word 新旧对照表)."""
from __future__ import annotations

from flask import Blueprint, Response, abort, request

from diffs.render import render_html, render_json, render_markdown

from ..diffing import load_pair
from ..docx_export import diff_docx
from .diff import sides_of

bp = Blueprint("exports", __name__)

FORMATS = {
    "html": ("text/html; charset=utf-8",
             lambda result, formatting, sides: render_html(result, standalone=True, show_formatting=formatting,
                                                           sides=sides)),
    "md": ("text/markdown; charset=utf-8", lambda result, formatting, sides: render_markdown(result, sides=sides)),
    "json": ("application/json; charset=utf-8", lambda result, formatting, sides: render_json(result)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document",
             lambda result, formatting, sides: diff_docx(result, show_formatting=formatting, sides=sides)),
}


@bp.route("/diff/<int:old_id>/<int:new_id>.<fmt>")
def export(old_id: int, new_id: int, fmt: str):
    if fmt not in FORMATS:
        abort(404, f"没有 {fmt} 这种导出格式；可选：{'、'.join(FORMATS)}")
    pair = load_pair(old_id, new_id)
    mimetype, render = FORMATS[fmt]
    body = render(pair.result, request.args.get("formatting") == "1", sides_of(pair))
    filename = f"diff-{old_id}-{new_id}.{fmt}"
    return Response(body, content_type=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
