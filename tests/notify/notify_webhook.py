"""A webhook receiver on 127.0.0.1 that records every POST (path, headers, JSON body), answers with a
chosen status, and can sit on its answer so a test can kill the sender mid-request."""
from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Hit:
    path: str
    headers: dict[str, str]
    body: dict

    @property
    def message(self) -> str:
        return self.body.get("message", "")


@dataclass
class Receiver:
    hits: list[Hit] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)   # answers to the next requests, then 200
    stall_next: bool = False                            # hold the next answer until release (or 20 s)
    stalled: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)

    def start(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the http.server name)
                length = min(int(self.headers.get("Content-Length") or 0), 1 << 20)
                body = self.rfile.read(length)
                receiver.hits.append(Hit(self.path, dict(self.headers), json.loads(body or b"{}")))
                if receiver.stall_next:
                    receiver.stall_next = False
                    receiver.stalled.set()
                    receiver.release.wait(20)
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                try:
                    self.send_response(status)
                    self.end_headers()
                    self.wfile.write(b"{}")
                except OSError:
                    pass  # the sender is gone

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def url(self, path: str = "/hook", schema: str = "json") -> str:
        return f"{schema}://127.0.0.1:{self.server.server_port}{path}"

    def on(self, path: str) -> list[Hit]:
        return [h for h in self.hits if h.path.split("?")[0] == path]

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()
