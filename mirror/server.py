"""The offline mirror: serves the bundled archive on loopback, one listener per mirrored host.

The archive (``mirror/archive/``, written by ``python -m mirror.build``) is a manifest plus
content-addressed blobs. Every path has a list of versions, each valid from a state on; a version
with no blob means the page is gone (404) from that state. The server answers like the real sites:
weak ETags, Last-Modified, 304 on conditional requests, no charset header on most pages; tests
inject faults per host and path glob to imitate what goes wrong on the real web.

This package imports none of the others: it imitates the web, it is not part of regwatch.
"""
from __future__ import annotations

import fnmatch
import json
import re
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

ARCHIVE = Path(__file__).resolve().parent / "archive"
HOSTS = ("www.shanghai.gov.cn", "service.shanghai.gov.cn", "www.gov.cn")
CONTROL_PREFIX = "/__mirror__/"
POLICY_PAGE, POLICY_DETAIL = "/gwk/policy/page", "/gwk/policy/detail"  # POST-only search API
HANG_LIMIT_S = 30.0
FAULTS = ("slow", "hang", "status", "rate_limit", "truncate", "no_charset", "gbk", "layout",
          "foreign_redirect", "oversize")


@dataclass(frozen=True)
class Version:
    """One version of a path: served from state ``since`` on; ``blob`` None means gone (404)."""
    since: int
    blob: str | None
    content_type: str = "text/html"
    modified: int = 0  # Unix time, drives Last-Modified and the ETag


@dataclass(frozen=True)
class Hit:
    """One request the mirror answered (the request log tests read)."""
    host: str
    path: str
    method: str
    status: int | None  # None when the connection was cut before a status line (hang)
    conditional: bool
    fault: str | None
    bytes: int  # body bytes the answer set out to send (a truncated answer: those it sent)


@dataclass
class Fault:
    host: str
    path_glob: str
    kind: str
    params: dict[str, Any] = field(default_factory=dict)
    remaining: int | None = None  # None: until cleared

    def matches(self, host: str, path: str) -> bool:
        return fnmatch.fnmatchcase(host, self.host) and fnmatch.fnmatchcase(path, self.path_glob)


class Archive:
    """The manifest of the built archive: which bytes each host serves at each path and state."""

    def __init__(self, root: Path = ARCHIVE) -> None:
        manifest_path = root / "manifest.json"
        if not manifest_path.exists():
            raise FileNotFoundError(f"{manifest_path} is missing: run `python -m mirror.build`")
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        self.root = root
        self.max_state: int = manifest["max_state"]
        self.paths: dict[str, dict[str, list[Version]]] = {
            host: {path: [Version(**v) for v in versions] for path, versions in paths.items()}
            for host, paths in manifest["hosts"].items()
        }
        # Pages addressed by query (XZGFList.aspx?currentPage=2&pagesize=10) are stored under the
        # path and their query's parameters sorted; other parameters a client adds are ignored.
        self.query_names: dict[tuple[str, str], set[str]] = defaultdict(set)
        for host, paths in self.paths.items():
            for key in paths:
                path, _, query = key.partition("?")
                self.query_names[(host, path)].update(name for name, _ in parse_qsl(query))

    def key(self, host: str, path: str, query: str) -> str:
        names = self.query_names.get((host, path))
        if not names:
            return path
        kept = sorted((k, v) for k, v in parse_qsl(query) if k in names)
        return f"{path}?{urlencode(kept)}" if kept else path

    def lookup(self, host: str, path: str, state: int, query: str = "") -> Version | None:
        current = None
        for version in self.paths.get(host, {}).get(self.key(host, path, query), ()):
            if version.since <= state:
                current = version
        return current if current and current.blob else None

    def read(self, version: Version) -> bytes:
        return (self.root / "blobs" / version.blob[:2] / version.blob).read_bytes()


class MirrorServer:
    """Serves each mirrored host on its own 127.0.0.1 port, in background threads."""

    def __init__(self, state: int = 0, host: str = "127.0.0.1", port: int = 0,
                 archive: Archive | None = None, quiet: bool = True) -> None:
        self.archive = archive or Archive()
        self._check_state(state)
        self._state = state
        self._bind_host = host
        self._base_port = port
        self._quiet = quiet
        self._lock = threading.Lock()
        self._faults: list[Fault] = []
        self.hang_limit = HANG_LIMIT_S  # no hang outlasts this, whatever a fault asks for
        self._stopping = threading.Event()
        self._servers: dict[str, ThreadingHTTPServer] = {}
        self._threads: list[threading.Thread] = []
        self.hits: list[Hit] = []

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> "MirrorServer":
        handler = _handler_for(self)
        try:
            for offset, name in enumerate(HOSTS):
                port = self._base_port + offset if self._base_port else 0
                server = ThreadingHTTPServer((self._bind_host, port), handler)
                server.daemon_threads = True
                server.mirror_host = name  # type: ignore[attr-defined]
                self._servers[name] = server
        except OSError:
            self._close_listeners()
            raise
        for server in self._servers.values():
            thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                                      name=f"mirror-{server.mirror_host}", daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes hanging and slow handlers
        # shut the listeners down together, not one poll interval after the other: stopping is
        # in every test's teardown
        stoppers = [threading.Thread(target=server.shutdown) for server in self._servers.values()]
        for stopper in stoppers:
            stopper.start()
        for stopper in stoppers + self._threads:
            stopper.join(timeout=5)
        self._threads.clear()
        self._close_listeners()

    def _close_listeners(self) -> None:
        for server in self._servers.values():
            server.server_close()
        self._servers.clear()

    def __enter__(self) -> "MirrorServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def urls(self) -> dict[str, str]:
        return {name: f"http://{self._bind_host}:{server.server_address[1]}"
                for name, server in self._servers.items()}

    def localize(self, body: bytes, content_type: str) -> bytes:
        """Pages link the mirrored hosts by absolute URL (https://www.gov.cn/…) as the real ones do;
        those links lead to this mirror's listeners instead, so a client never leaves loopback."""
        if not content_type.startswith(("text/", "application/json")):
            return body
        for name, url in self.urls.items():
            for scheme in (b"https://", b"http://"):
                body = body.replace(scheme + name.encode(), url.encode())
        return body

    # -- states ----------------------------------------------------------------------------
    @property
    def state(self) -> int:
        return self._state

    @property
    def max_state(self) -> int:
        return self.archive.max_state

    def _check_state(self, n: int) -> None:
        if not isinstance(n, int) or not 0 <= n <= self.archive.max_state:
            raise ValueError(f"mirror state must be an integer from 0 to {self.archive.max_state}, got {n!r}")

    def set_state(self, n: int) -> None:
        self._check_state(n)
        with self._lock:
            self._state = n

    def advance(self) -> int:
        with self._lock:
            if self._state >= self.archive.max_state:
                raise ValueError(f"mirror is already at its last state ({self._state})")
            self._state += 1
            return self._state

    # -- faults ----------------------------------------------------------------------------
    def set_fault(self, host: str, path_glob: str, fault: str, times: int | None = None,
                  **params: Any) -> None:
        """Make requests to ``host`` (a name or glob) whose path matches ``path_glob`` misbehave.

        ``times`` limits the fault to the next N matching requests (a transient failure, so
        retries can succeed). Parameters: slow ``delay`` (s); hang ``seconds`` (at most 30);
        status ``code`` (500); rate_limit ``retry_after`` (s); truncate ``missing`` (bytes short);
        oversize ``size`` (bytes, 20 MB) and ``declare`` (send Content-Length, True).
        """
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault!r}; known: {', '.join(FAULTS)}")
        with self._lock:
            self._faults.append(Fault(host, path_glob, fault, params, times))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _take_fault(self, host: str, path: str) -> Fault | None:
        with self._lock:
            for fault in reversed(self._faults):  # the latest rule wins
                if fault.matches(host, path):
                    if fault.remaining is not None:
                        fault.remaining -= 1
                        if fault.remaining <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    def _record(self, hit: Hit) -> None:
        with self._lock:
            self.hits.append(hit)

    def hits_for(self, path: str, host: str | None = None) -> list[Hit]:
        return [h for h in list(self.hits) if h.path == path and (host is None or h.host == host)]


def _etag(version: Version, size: int) -> str:
    return f'W/"{version.modified:x}-{size:x}"'


_LAYOUT_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>页面</title></head>
<body><main class="portal-v2"><section class="doc-wrap"><article class="doc-main">{text}</article>
</section></main></body></html>"""


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:  # one of the old GB2312 pages
        return body.decode("gb18030")


def _relayout(body: bytes) -> bytes:
    """The same words in a new template: none of the ids or classes the adapters look for."""
    text = re.sub(r"(?s)<(script|style|head)\b.*?</\1>", "", _decode(body))
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    return _LAYOUT_TEMPLATE.format(text=text).encode("utf-8")


def _to_gbk(body: bytes) -> bytes:
    text = _decode(body)
    text = re.sub(r"(charset=[\"']?)utf-8", r"\1gb2312", text, flags=re.I)
    return text.encode("gb18030")


def _handler_for(mirror: MirrorServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        # headers and body go out in separate writes: without TCP_NODELAY each keep-alive answer
        # waits out the client's delayed ACK (40 ms)
        disable_nagle_algorithm = True
        def version_string(self) -> str:
            return "nginx"
        protocol_version = "HTTP/1.1"

        @property
        def mirror_host(self) -> str:
            return self.server.mirror_host  # type: ignore[attr-defined]

        def log_message(self, format: str, *args: Any) -> None:
            if not mirror._quiet:
                super().log_message(format, *args)

        def do_GET(self) -> None:
            self._serve(send_body=True)

        def do_HEAD(self) -> None:
            self._serve(send_body=False)

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            if path.startswith(CONTROL_PREFIX):
                self._control("POST")
            elif path in (POLICY_PAGE, POLICY_DETAIL):
                self._hit, self._hit_logged = (self.mirror_host, path, False, None), False
                try:
                    self._policy_api(path)
                finally:
                    self._hit = None
            else:
                self._simple(405, b"method not allowed\n")

        def _policy_api(self, path: str) -> None:
            """The policy platform's search API: the archive holds every record of a state at
            POLICY_PAGE and each answer of POLICY_DETAIL keyed by businessId."""
            length = self.headers.get("Content-Length", "")
            if not length.isdigit() or int(length) > 65536:
                self._simple(400, b'{"code": 400, "msg": "a JSON body is required"}', "application/json")
                return
            try:
                query = json.loads(self.rfile.read(int(length)) or b"{}")
            except ValueError:
                query = None
            if not isinstance(query, dict):
                self._simple(400, b'{"code": 400, "msg": "invalid JSON"}', "application/json")
                return
            if path == POLICY_DETAIL:
                version = mirror.archive.lookup(self.mirror_host, path, mirror.state,
                                                urlencode({"businessId": str(query.get("businessId", ""))}))
                if version is None:
                    self._simple(200, b'{"code": 404, "msg": "not found", "data": null}', "application/json")
                else:
                    self._simple(200, mirror.archive.read(version), "application/json")
                return
            page_no, size = query.get("pageNo", 1), query.get("pageSize", 10)
            if not (isinstance(page_no, int) and isinstance(size, int) and page_no >= 1 and 1 <= size <= 150):
                self._simple(400, b'{"code": 400, "msg": "pageNo >= 1, 1 <= pageSize <= 150"}', "application/json")
                return
            version = mirror.archive.lookup(self.mirror_host, path, mirror.state)
            records = json.loads(mirror.archive.read(version)) if version else []
            total_page = max(1, -(-len(records) // size))
            body = {"code": 200, "data": {"totalCount": len(records), "totalPage": total_page, "pageNo": page_no,
                                          "records": records[(page_no - 1) * size:page_no * size]}}
            self._simple(200, json.dumps(body, ensure_ascii=False).encode("utf-8"), "application/json;charset=UTF-8")

        # -- control endpoint ---------------------------------------------------------------
        def _control(self, method: str) -> None:
            parts = urlsplit(self.path)
            action = parts.path[len(CONTROL_PREFIX):]
            try:
                if method == "POST" and action == "advance":
                    mirror.advance()
                elif method == "POST" and action == "state":
                    values = parse_qs(parts.query).get("n", [])
                    if not values or not values[0].isdigit():
                        raise ValueError("POST /__mirror__/state needs ?n=<state number>")
                    mirror.set_state(int(values[0]))
                elif not (method == "GET" and action == "state"):
                    self._simple(404, b"unknown mirror control\n")
                    return
            except ValueError as e:
                self._simple(409, json.dumps({"error": str(e)}, ensure_ascii=False).encode(),
                             "application/json; charset=utf-8")
                return
            body = json.dumps({"state": mirror.state, "max_state": mirror.max_state,
                               "urls": mirror.urls}).encode()
            self._simple(200, body, "application/json; charset=utf-8")

        def _start(self, status: int, sending: int) -> None:
            """Status line, logged before any byte goes out (a test that got its answer sees its hit)."""
            if self._hit is not None and not self._hit_logged:
                host, path, conditional, fault = self._hit
                mirror._record(Hit(host, path, self.command, status, conditional, fault, sending))
                self._hit_logged = True
            self.send_response(status)

        def _simple(self, status: int, body: bytes, content_type: str = "text/plain; charset=utf-8",
                    headers: dict[str, str] | None = None, send_body: bool = True) -> None:
            self._start(status, len(body) if send_body else 0)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            if send_body:
                self.wfile.write(body)

        # -- pages --------------------------------------------------------------------------
        _hit: tuple[str, str, bool, str | None] | None = None  # what the request log will say
        _hit_logged = False

        def _serve(self, send_body: bool) -> None:
            path = urlsplit(self.path).path
            if path.startswith(CONTROL_PREFIX):
                self._control("GET")
                return
            conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
            fault = mirror._take_fault(self.mirror_host, path)
            self._hit, self._hit_logged = (self.mirror_host, path, conditional, fault.kind if fault else None), False
            try:
                self._respond(path, fault, conditional, send_body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (a size limit, a timeout): that is its right
            finally:
                if not self._hit_logged:  # no status line was sent (a hang)
                    mirror._record(Hit(self.mirror_host, path, self.command, None, conditional,
                                       self._hit[3], 0))
                self._hit = None

        def _respond(self, path: str, fault: Fault | None, conditional: bool, send_body: bool) -> None:
            params = fault.params if fault else {}
            kind = fault.kind if fault else None
            if kind == "slow":
                mirror._stopping.wait(float(params.get("delay", 5)))
            elif kind == "hang":
                mirror._stopping.wait(min(float(params.get("seconds", mirror.hang_limit)), mirror.hang_limit))
                self.close_connection = True
                return
            elif kind == "status":
                code = int(params.get("code", 500))
                self._simple(code, f"{code} error\n".encode(), send_body=send_body)
                return
            elif kind == "rate_limit":
                self._simple(429, b"too many requests\n",
                             headers={"Retry-After": str(params.get("retry_after", 1))},
                             send_body=send_body)
                return
            elif kind == "foreign_redirect":
                self._simple(302, b"", headers={"Location": f"http://foreign.invalid{path}"},
                             send_body=send_body)
                return
            elif kind == "oversize":
                self._oversize(int(params.get("size", 20 * 1024 * 1024)), bool(params.get("declare", True)),
                               send_body)
                return

            version = mirror.archive.lookup(self.mirror_host, path, mirror.state, urlsplit(self.path).query)
            if version is None:
                self._simple(404, "<html><body><h1>404 Not Found</h1></body></html>".encode(),
                             "text/html", send_body=send_body)
                return
            body = mirror.localize(mirror.archive.read(version), version.content_type)
            content_type = version.content_type
            if kind == "no_charset":
                content_type = content_type.split(";")[0]
            elif kind == "gbk":
                body, content_type = _to_gbk(body), content_type.split(";")[0]
            elif kind == "layout":
                body = _relayout(body)
            etag = _etag(version, len(body))
            headers = {"ETag": etag, "Last-Modified": formatdate(version.modified, usegmt=True),
                       "Accept-Ranges": "bytes"}
            if conditional and self._not_modified(etag, version.modified):
                self._start(304, 0)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                return
            if kind == "truncate":
                sent = body[: max(len(body) - int(params.get("missing", max(len(body) // 2, 1))), 0)]
                self._start(200, len(sent) if send_body else 0)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.close_connection = True
                if send_body:
                    self.wfile.write(sent)
                return
            self._simple(200, body, content_type, headers, send_body)

        def _not_modified(self, etag: str, modified: int) -> bool:
            if_none_match = self.headers.get("If-None-Match")
            if if_none_match:
                # weak comparison (RFC 9110 13.1.2): W/ prefixes do not matter
                wanted = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
                return "*" in wanted or etag.removeprefix("W/") in wanted
            try:
                since = parsedate_to_datetime(self.headers.get("If-Modified-Since", ""))
            except (TypeError, ValueError):
                return False
            return since is not None and since.timestamp() >= modified

        def _oversize(self, size: int, declare: bool, send_body: bool) -> None:
            self._start(200, size if send_body else 0)
            self.send_header("Content-Type", "text/html")
            if declare:
                self.send_header("Content-Length", str(size))
            self.end_headers()
            self.close_connection = True
            if not send_body:
                return
            chunk = ("<p>" + "填充" * 2000 + "</p>\n").encode("utf-8")
            sent = 0
            while sent < size and not mirror._stopping.is_set():
                piece = chunk[: size - sent]
                self.wfile.write(piece)
                sent += len(piece)

    return Handler


def serve_forever(state: int = 0, port: int = 0, on_ready: Any = None) -> None:
    """Run the mirror in the foreground until KeyboardInterrupt (what ``regwatch mirror`` does)."""
    server = MirrorServer(state=state, port=port, quiet=False).start()
    try:
        if on_ready:
            on_ready(server)
        while True:
            time.sleep(3600)
    finally:
        server.stop()
