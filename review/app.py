"""The review web UI: ``create_app(store)`` builds the Flask application.

Server-rendered pages over the store and the diff engine; the only JavaScript is
``static/review.js`` (jump between changes). Every response carries a strict CSP; every request
must name an allowed Host, present the token when one is configured, and pass the CSRF check when
it changes state (review/access.py). Pages only read: a store that is gone is an error, never
recreated.
"""
from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, g, render_template, request
from werkzeug.exceptions import HTTPException

from diffs.errors import RegwatchError, StoreError
from diffs.render import DIFF_CSS
from snapshots import Store

from . import access, presentation
from .views import ALL_BLUEPRINTS


def _style_hash(css: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'"


# The embedded 新旧对照表 brings its own <style> block (the same one the CLI and mail use); the
# policy admits exactly that block by its hash, and no other inline style or any inline script.
DIFF_STYLE = _style_hash(f"\n{DIFF_CSS}\n")
SECURITY_HEADERS = {
    # No inline script, no foreign origin: scraped text that slipped through escaping still cannot run.
    "Content-Security-Policy": (f"default-src 'self'; script-src 'self'; style-src 'self' {DIFF_STYLE}; "
                                "img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; "
                                "frame-ancestors 'none'"),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@dataclass
class ReviewConfig:
    """What the UI needs beyond the store: the access token (None: loopback only), the horizon of
    the "expiring soon" list, and the Host names it answers to (``access.allowed_hosts``)."""
    token: str | None = None
    expiring_days: int = 30
    hosts: tuple[str, ...] = field(default_factory=access.allowed_hosts)
    display_names: dict[str, str] = field(default_factory=dict)   # source name -> what readers see


def create_app(store: str | Path | Store, config: ReviewConfig | None = None) -> Flask:
    """The Flask app serving the store at ``store`` (a path, or an open Store whose file is used)."""
    path = Path(store.path) if isinstance(store, Store) else Path(store)
    app = Flask(__name__)
    app.config["REVIEW"] = config or ReviewConfig()
    app.jinja_env.autoescape = True
    presentation.install(app)
    for blueprint in ALL_BLUEPRINTS:
        app.register_blueprint(blueprint)

    access.install(app)

    # One Store per request: sqlite3 connections must stay in the thread that opened them, and
    # the threaded server gives each request its own thread.
    @app.before_request
    def open_store():
        if request.endpoint in access.PUBLIC_ENDPOINTS:
            return None
        try:
            g.store = Store(path, create=False)
        except StoreError as e:
            return render_template("error.html", code=503, message=str(e)), 503
        return None

    @app.teardown_request
    def close_store(exc):
        store = g.pop("store", None)
        if store is not None:
            store.close()

    @app.after_request
    def secure(response):
        response.headers.update(SECURITY_HEADERS)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return render_template("error.html", code=error.code, message=error.description), error.code

    @app.errorhandler(RegwatchError)
    def regwatch_error(error: RegwatchError):
        # A stored text regwatch cannot read (empty, unparseable): say so, do not fail with a 500.
        return render_template("error.html", code=422, message=str(error)), 422

    return app
