"""CSRF protection for the few POSTs of the UI (marking changes reviewed, naming the reviewer).

Double submit: a random token lives in a SameSite=Strict cookie and in every form; a POST must
carry both, equal, and (when the browser says where it comes from) come from this origin.
"""
from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from flask import abort, g, request

COOKIE = "regwatch_csrf"
FIELD = "csrf"


def token() -> str:
    """This browser's token (a new one is set on the response by ``remember``)."""
    if "csrf" not in g:
        presented = request.cookies.get(COOKIE, "")
        g.csrf_new = not (len(presented) == 32 and all(c in "0123456789abcdef" for c in presented))
        g.csrf = secrets.token_hex(16) if g.csrf_new else presented
    return g.csrf


def remember(response):
    """``after_request``: hand a token minted during this request to the browser."""
    if g.get("csrf_new"):
        response.set_cookie(COOKIE, g.csrf, httponly=True, samesite="Strict")
    return response


def check() -> None:
    """Abort 400 unless this POST carries the browser's token and comes from this origin."""
    cookie, sent = request.cookies.get(COOKIE, ""), request.form.get(FIELD, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), sent.encode()):
        abort(400, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。")
    # Our Referrer-Policy (no-referrer) makes browsers send "Origin: null" even for our own forms.
    origin = request.headers.get("Origin") or request.headers.get("Referer")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        abort(400, "拒绝来自其他网站的提交。")
