"""Who may see the UI: loopback needs nothing, any other address needs the configured token.

The token is accepted from an ``Authorization: Bearer`` header, a ``X-Regwatch-Token`` header, the
``regwatch_token`` cookie, or once as ``?token=`` (which sets the cookie and redirects to the same
URL without it, so the secret does not linger in the address bar or in logs of later requests).
"""
from __future__ import annotations

import hmac
import ipaddress
import socket
from urllib.parse import urlencode

from flask import abort, current_app, redirect, request

from diffs.errors import ConfigError

COOKIE = "regwatch_token"


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


def _presented() -> str | None:
    auth = request.headers.get("Authorization", "")
    if auth.startswith("Bearer "):
        return auth[len("Bearer "):].strip()
    return (request.headers.get("X-Regwatch-Token") or request.cookies.get(COOKIE)
            or request.args.get("token"))


def require_token():
    """``before_request`` hook: 401 unless the configured token (if any) is presented."""
    token = current_app.config["REVIEW"].token
    if not token:
        return None
    presented = _presented() or ""
    if not hmac.compare_digest(presented.encode(), token.encode()):
        abort(401, "an access token is required")
    if "token" in request.args:
        args = [(k, v) for k, v in request.args.items(multi=True) if k != "token"]
        target = request.path + (f"?{urlencode(args)}" if args else "")
        response = redirect(target)
        response.set_cookie(COOKIE, token, httponly=True, samesite="Strict")
        return response
    return None
