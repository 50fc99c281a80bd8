"""How fast the mirror serves its archive on loopback (so it is never the bottleneck of a fetch
benchmark). Prints figures; asserts nothing.

    python -m mirror.bench [--rounds N]
"""
from __future__ import annotations

import argparse
import time

import requests

from mirror.server import MirrorServer


def served_pages(server: MirrorServer) -> list[tuple[str, str]]:
    """(host, path with its query) of every page the current state serves."""
    pages = []
    for host, paths in server.archive.paths.items():
        for key in paths:
            path, _, query = key.partition("?")
            if server.archive.lookup(host, path, server.state, query):
                pages.append((host, key))
    return pages


def serve_rate(server: MirrorServer, rounds: int, keep_alive: bool) -> tuple[int, int, float]:
    """GET every page served at the current state, ``rounds`` times: (requests, bytes, seconds)."""
    pages = served_pages(server)
    session = requests.Session()
    count = size = 0
    started = time.perf_counter()
    for _ in range(rounds):
        for host, path in pages:
            getter = session.get if keep_alive else requests.get
            size += len(getter(server.urls[host] + path, timeout=10).content)
            count += 1
    return count, size, time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mirror.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    with MirrorServer(state=3) as server:
        for keep_alive in (True, False):
            count, size, seconds = serve_rate(server, args.rounds, keep_alive)
            label = "keep-alive" if keep_alive else "new connection each"
            print(f"mirror, {label}: {count} GETs, {size / 1e6:.1f} MB in {seconds:.2f} s = "
                  f"{count / seconds:.0f} requests/s, {size / 1e6 / seconds:.1f} MB/s")


if __name__ == "__main__":
    main()
