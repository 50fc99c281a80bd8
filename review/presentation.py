"""Jinja helpers shared by the templates: Chinese labels and URL safety."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask

KIND_LABELS = {
    "new_document": "新文件", "new_version": "新版本", "amended": "修改", "repealed": "废止",
    "expiring": "即将到期", "expired": "已失效", "source_error": "来源异常",
}


def is_web_url(url: str | None) -> bool:
    """Only http(s) URLs become links: scraped hrefs may be ``javascript:`` or ``data:``."""
    if not url:
        return False
    return urlsplit(url.strip()).scheme.lower() in ("http", "https")


def install(app: Flask) -> None:
    app.jinja_env.filters["is_web_url"] = is_web_url
    app.jinja_env.globals.update(kind_labels=KIND_LABELS)
