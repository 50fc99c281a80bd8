"""Fetch-and-extract throughput against the offline mirror (per-host interval 0), and extraction time
per document. Prints figures; asserts nothing.

    python bench/bench_fetch.py [--rounds N]
"""
from __future__ import annotations

import argparse
import statistics
import time

from mirror.server import MirrorServer
from monitor.extract import extract_html, extract_pdf
from monitor.http import PoliteSession
from monitor.sources import get

SOURCES = [  # (kind, host, path)
    ("shanghai-gazette", "www.shanghai.gov.cn", "/nw2404/index.html"),
    ("shanghai-series", "www.shanghai.gov.cn", "/nw11408/index.html"),
    ("shanghai-rules", "www.shanghai.gov.cn", "/xxzfgzwj/index.html"),
    ("gov-gongbao", "www.gov.cn", "/gongbao/"),
]


def crawl(mirror: MirrorServer, session: PoliteSession) -> tuple[int, int, list]:
    """Discover and fetch every document of every source; returns (pages, bytes, fetched documents)."""
    before = len(mirror.hits)
    documents = []
    for kind, host, path in SOURCES:
        source = get(kind)(kind, mirror.urls[host] + path, {})
        for ref in list(source.discover(session)):
            documents.append(source.fetch(session, ref))
    hits = mirror.hits[before:]
    return len(hits), sum(h.bytes for h in hits), documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with MirrorServer(state=0).start() as mirror, PoliteSession(min_interval=0) as session:
        crawl(mirror, session)  # warm up: robots.txt, imports, connection pools
        rates, documents = [], []
        for _ in range(args.rounds):
            start = time.perf_counter()
            pages, size, documents = crawl(mirror, session)
            elapsed = time.perf_counter() - start
            rates.append(pages / elapsed)
        print(f"fetch+extract: {pages} pages ({size / 1e6:.1f} MB, {len(documents)} documents) per pass; "
              f"{statistics.median(rates):.1f} pages/s median over {args.rounds} passes "
              f"(min {min(rates):.1f}, max {max(rates):.1f})")
        html_times, pdf_times = [], []
        for doc in documents:
            start = time.perf_counter()
            if doc.raw.startswith(b"%PDF"):
                extract_pdf(doc.raw)
                pdf_times.append(time.perf_counter() - start)
            else:
                extract_html(doc.raw, doc.url)
                html_times.append(time.perf_counter() - start)
        for label, times in (("HTML", html_times), ("PDF", pdf_times)):
            if times:
                print(f"extract {label}: {len(times)} documents, median {statistics.median(times) * 1000:.1f} ms, "
                      f"max {max(times) * 1000:.1f} ms, total {sum(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
