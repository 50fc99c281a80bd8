"""A tiny real web site on 127.0.0.1 for the HTTP tests: each path is a scripted behaviour."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import pytest

Route = Callable[[BaseHTTPRequestHandler, int], None]  # (handler, how many times this path was hit before)


@dataclass
class LoopbackSite:
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def netloc(self) -> str:
        return self.base.removeprefix("http://")

    def url(self, path: str) -> str:
        return self.base + path

    def count(self, path: str) -> int:
        return sum(1 for p, _ in self.hits if p == path)

    @staticmethod
    def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"",
              headers: dict[str, str] | None = None) -> None:
        reply(handler, status, body, headers)
    @staticmethod
    def slow(seconds: float) -> Route:
        def route(handler, before):
            time.sleep(seconds)
            reply(handler, 200, b"late")
        return route


def reply(handler: BaseHTTPRequestHandler, status: int, body: bytes = b"",
          headers: dict[str, str] | None = None) -> None:
    handler.send_response(status)
    headers = dict(headers or {})
    headers.setdefault("Content-Length", str(len(body)))
    for name, value in headers.items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def start_site() -> LoopbackSite:
    site = LoopbackSite()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # keep test output quiet
            pass

        def do_GET(self) -> None:
            path = self.path.split("?")[0]
            before = site.count(path)
            site.hits.append((path, {k.lower(): v for k, v in self.headers.items()}))
            route = site.routes.get(path)
            if route is None:
                reply(self, 404, b"not found", {"Content-Type": "text/plain"})
            else:
                try:
                    route(self, before)
                except (BrokenPipeError, ConnectionResetError):
                    pass

    site.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.server.daemon_threads = True
    threading.Thread(target=site.server.serve_forever, daemon=True).start()
    return site


@pytest.fixture
def site():
    s = start_site()
    yield s
    s.server.shutdown()
    s.server.server_close()


@pytest.fixture
def other_site():
    """A second host (another port): a 'foreign' host for redirect tests."""
    s = start_site()
    yield s
    s.server.shutdown()
    s.server.server_close()
