"""Jinja helpers shared by the templates: Chinese labels, Beijing times and URL safety."""
from __future__ import annotations

from datetime import datetime, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import Flask
from werkzeug.exceptions import default_exceptions

from snapshots.events import EVENT_LABELS as KIND_LABELS  # one definition for every reader

CHINA = ZoneInfo("Asia/Shanghai")
ZONE = "北京时间"
# What an error page says when the view gave no message of its own (werkzeug's are English).
ERROR_MESSAGES = {400: "请求有误。", 401: "需要访问令牌。", 403: "没有权限。", 404: "找不到这个页面。",
                  405: "不支持这种请求方式。", 422: "无法处理这份文本。", 500: "服务器出错了。"}


def is_web_url(url: str | None) -> bool:
    """Only http(s) URLs become links: scraped hrefs may be ``javascript:`` or ``data:``."""
    if not url:
        return False
    return urlsplit(url.strip()).scheme.lower() in ("http", "https")


def beijing(value: str | None) -> datetime | None:
    """A stored time (ISO, UTC when naive) in Asia/Shanghai; None when absent or unreadable."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(CHINA)


def local_time(value: str | None) -> str:
    """``2025-01-06 08:00 北京时间``; a bare date stays a date (it is a legal date, not a moment)."""
    if value and len(value) == 10:
        return value
    moment = beijing(value)
    return f"{moment:%Y-%m-%d %H:%M} {ZONE}" if moment else (value or "")


def error_message(message: str | None, code: int) -> str:
    """The view's own message, or a Chinese one instead of werkzeug's English default."""
    default = getattr(default_exceptions.get(code), "description", None)
    if not message or message == default:
        return ERROR_MESSAGES.get(code, "出错了。")
    return message


def install(app: Flask) -> None:
    """What the templates use (forms carry review.access's CSRF field)."""
    from .views.reviews import current_reviewer

    app.jinja_env.globals.update(reviewer=current_reviewer)
    app.jinja_env.filters["is_web_url"] = is_web_url
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["source_name"] = source_name
    app.jinja_env.filters["error_message"] = error_message
    app.jinja_env.globals.update(kind_labels=KIND_LABELS, zone=ZONE)


def source_name(name: str | None) -> str:
    """A source as readers know it (its ``display_name``, e.g. 上海市人民政府公报), else its config name."""
    from flask import current_app

    return current_app.config["REVIEW"].display_names.get(name or "", name or "")
