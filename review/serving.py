"""Run the review UI: ``serve(store, host, port, config)`` — what ``regwatch serve`` wraps."""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Callable

from werkzeug.serving import WSGIRequestHandler, make_server

from diffs.errors import ConfigError

from .access import allowed_hosts, check_bind
from .app import ReviewConfig, create_app

SECRET_PARAMETER = re.compile(r"([?&](?:token|access_token)=)[^&\s]*", re.IGNORECASE)


class RedactingHandler(WSGIRequestHandler):
    """The access log without secrets: a token someone put in a URL is masked before it is written."""

    def log(self, type: str, message: str, *args) -> None:
        super().log(type, SECRET_PARAMETER.sub(r"\1***", message % args if args else message))


def serve(store: str | Path, host: str = "127.0.0.1", port: int = 8000, config: ReviewConfig | None = None,
          ready: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted. Refuses (ConfigError) a non-loopback ``host`` without a token and
    a store file that does not exist, before binding anything; ``ready`` is called with the UI's
    address once it listens."""
    config = config or ReviewConfig()
    check_bind(host, config.token)
    config = replace(config, hosts=allowed_hosts(config.hosts, bind=host))
    if not Path(store).is_file():
        # Opening a Store creates it: a mistyped path would serve an empty UI instead of an error.
        raise ConfigError(f"no store at {store}: run `regwatch check` first, or give --store/--config")
    server = make_server(host, port, create_app(store, config), threaded=True, request_handler=RedactingHandler)
    if ready:
        shown = f"[{host}]" if ":" in host else host
        ready(f"http://{shown}:{server.server_port}/")
    try:
        server.serve_forever()
    finally:
        server.server_close()
