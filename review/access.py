"""Who may use the UI, and how: the Host header, the access token, and CSRF protection.

- Host: a request must name one of the configured host names (loopback names by default), so a
  page on a foreign site cannot reach the UI through a DNS name rebound to 127.0.0.1.
- Token: when one is configured, every request presents it as ``Authorization: Bearer``, as
  ``X-Regwatch-Token`` or through the cookie set by the ``/login`` form. Never in a URL: a
  ``?token=`` would end up in server logs, proxies and the browser's history, so it is refused.
- CSRF: a state-changing request is a POST to a view decorated with :func:`csrf_protected`, and
  carries the form field (or ``X-CSRF-Token`` header) that :func:`csrf_token` put in the page. A
  POST to any other view is refused, so no view can change state by forgetting the decorator.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
import socket
from typing import Any, Callable
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, g, redirect, render_template, request
from markupsafe import Markup

from diffs.errors import ConfigError

COOKIE = "regwatch_token"
CSRF_COOKIE = "regwatch_csrf"
CSRF_FIELD = "csrf_token"
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_ENDPOINTS = frozenset({"static", "access.login"})  # reachable before the token is presented

bp = Blueprint("access", __name__)


def is_loopback(host: str) -> bool:
    """True when every address ``host`` resolves to is a loopback address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except socket.gaierror:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


def check_bind(host: str, token: str | None) -> None:
    """Refuse to serve beyond loopback without a token: the store holds what reviewers have not released."""
    if not is_loopback(host) and not token:
        raise ConfigError(f"refusing to serve on {host}: a non-loopback address needs an access token "
                          "(set [review] token_env in the config, or --token-env, to an environment "
                          "variable holding the token)")


def allowed_hosts(names: tuple[str, ...] = (), bind: str | None = None, review_url: str | None = None) -> tuple[str, ...]:
    """The Host names the UI answers to: loopback names, the configured ones, the bound address
    (unless a wildcard) and the host of the public ``[review] url``."""
    extra = [*names, *([] if bind in (None, "0.0.0.0", "::", "") else [bind]),
             *([urlsplit(review_url).hostname or ""] if review_url else [])]
    return tuple(dict.fromkeys(n.lower().strip("[]") for n in (*LOOPBACK_NAMES, *extra) if n))


def _host_name(header: str) -> str:
    """The name part of a Host header: ``[::1]:8000`` -> ``::1``, ``Example.cn:80`` -> ``example.cn``."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].partition("]")[0]
    return header.rpartition(":")[0] if header.count(":") == 1 else header


def check_host():
    """``before_request``: 421 for a Host the UI was not configured to answer (DNS rebinding)."""
    if _host_name(request.headers.get("Host", "")) not in current_app.config["REVIEW"].hosts:
        abort(421, "主机名不在允许列表中（[review] hosts）：拒绝可能的 DNS 重绑定请求")


def _cookie_value(token: str) -> str:
    # The cookie holds a value derived from the token, so the browser never stores the token itself.
    return hashlib.sha256(f"regwatch-review-cookie:{token}".encode()).hexdigest()


def _presented_ok(token: str) -> bool:
    auth = request.headers.get("Authorization", "")
    header = auth[len("Bearer "):].strip() if auth.startswith("Bearer ") else request.headers.get("X-Regwatch-Token")
    if header is not None:
        return hmac.compare_digest(header.encode(), token.encode())
    cookie = request.cookies.get(COOKIE)
    return cookie is not None and hmac.compare_digest(cookie.encode(), _cookie_value(token).encode())


def require_token():
    """``before_request``: the configured token (if any) from a header or the login cookie, else 401."""
    if "token" in request.args:
        abort(400, "访问令牌不能放在网址里（会留在日志和浏览历史中）：请用 /login 登录，或用 Authorization 头")
    token = current_app.config["REVIEW"].token
    if not token or request.endpoint in PUBLIC_ENDPOINTS or _presented_ok(token):
        return None
    if request.method in SAFE_METHODS and "text/html" in request.headers.get("Accept", ""):
        return render_template("login.html", next=request.full_path.rstrip("?"), failed=False), 401
    abort(401, "需要访问令牌")


def csrf_protected(view: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a view that may change state: its POSTs get through :func:`check_csrf` (the check itself
    runs before every request, so it holds even for a view that is not marked: that one is refused)."""
    view._csrf_protected = True
    return view


@bp.route("/login", methods=["GET", "POST"])
@csrf_protected
def login():
    """A form for browsers: the token in a POST body (never logged), exchanged for an HttpOnly cookie."""
    target = request.values.get("next", "/")
    if not target.startswith("/") or target.startswith("//"):
        target = "/"  # no open redirect
    if request.method == "GET":
        return render_template("login.html", next=target, failed=False)
    token = current_app.config["REVIEW"].token
    given = request.form.get("token", "")
    if not token or not hmac.compare_digest(given.encode(), token.encode()):
        return render_template("login.html", next=target, failed=True), 401
    response = redirect(target)
    response.set_cookie(COOKIE, _cookie_value(token), httponly=True, samesite="Strict", secure=request.is_secure)
    return response


# ---- CSRF -----------------------------------------------------------------------------------

def csrf_token() -> str:
    """The token for this browser's forms (a Jinja global): a random value kept in a cookie and
    repeated in the form, which a foreign page can neither read nor guess."""
    if "csrf" not in g:
        g.csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
    return g.csrf


def csrf_field() -> Markup:
    """``{{ csrf_field() }}`` inside a ``<form method="post">``."""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, csrf_token())


def check_csrf():
    """``before_request``: a request other than GET/HEAD/OPTIONS needs a protected view, a matching
    CSRF token and, when the browser says where it comes from, the same origin."""
    if request.method in SAFE_METHODS:
        return None
    view = current_app.view_functions.get(request.endpoint or "")
    if view is None or not getattr(view, "_csrf_protected", False):
        abort(405, "此地址不接受修改请求")
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc.lower() != request.host.lower():
        abort(403, "跨站请求被拒绝")
    expected = request.cookies.get(CSRF_COOKIE)
    given = request.form.get(CSRF_FIELD) or request.headers.get("X-CSRF-Token") or ""
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        abort(403, "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试")
    return None


def set_csrf_cookie(response):
    """``after_request``: keep the CSRF cookie of a page that used :func:`csrf_token`."""
    if "csrf" in g and request.cookies.get(CSRF_COOKIE) != g.csrf:
        response.set_cookie(CSRF_COOKIE, g.csrf, httponly=True, samesite="Strict", secure=request.is_secure)
    return response


def install(app) -> None:
    """Hooks in order: Host first (before anything else runs), then the token, then CSRF."""
    app.before_request(check_host)
    app.before_request(require_token)
    app.before_request(check_csrf)
    app.after_request(set_csrf_cookie)
    app.jinja_env.globals.update(csrf_token=csrf_token, csrf_field=csrf_field)
    app.register_blueprint(bp)
