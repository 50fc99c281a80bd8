"""Fetch-and-extract throughput against the offline mirror (per-host interval 0), extraction time per
document, extraction scaling (4,000 blocks against bs4's own parse + get_text, as a ratio; a page of
100k nested tags), and the requests of a no-change cycle per source (the mirror's sources after their
issues became final, and a synthetic 20-year gazette). Prints figures; asserts nothing.

    python bench/bench_fetch.py [--rounds N]
"""
from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bs4 import BeautifulSoup

from diffs.errors import InputError

from mirror.server import MirrorServer
from monitor.extract import extract_html, extract_pdf
from monitor.http import PoliteSession
from monitor.sources import get
from monitor.sources.memo import ISSUE_RECHECKS, REVISITS_PER_CYCLE, DiscoveryMemo

SOURCES = [  # (kind, host, path)
    ("shanghai-gazette", "www.shanghai.gov.cn", "/nw2404/index.html"),
    ("shanghai-series", "www.shanghai.gov.cn", "/nw11408/index.html"),
    ("shanghai-rules", "www.shanghai.gov.cn", "/xxzfgzwj/index.html"),
    ("gov-gongbao", "www.gov.cn", "/gongbao/"),
    ("gov-policy", "www.gov.cn", "/zhengce/zuixin/ZUIXINZHENGCE.json"),
    ("shanghai-normative", "service.shanghai.gov.cn", "/XingZhengWenDangKuJyh/XZGFList.aspx?pagesize=10"),
    ("shanghai-policy", "www.shanghai.gov.cn", "/gwk/policy/page"),
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
            if "json" in doc.content_type:
                continue  # an API answer (shanghai-policy), not a page
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
    extraction_scaling()
    mirror_no_change_requests()
    synthetic_gazette_requests()


def best_of(runs: int, work) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def extraction_scaling() -> None:
    """extract_html on 4,000 <p> against BeautifulSoup(html, "lxml").get_text() on the same page."""
    paragraphs = "".join(f"<p>第{n}条　本办法所称的第{n}项事务，由市人民政府有关部门负责。</p>" for n in range(1, 4001))
    page = f'<html><head><title>t</title></head><body><div id="UCAP-CONTENT">{paragraphs}</div></body></html>'
    baseline = best_of(3, lambda: BeautifulSoup(page, "lxml").get_text())
    ours = best_of(3, lambda: extract_html(page, "http://127.0.0.1/x.html"))
    print(f"extract 4,000 <p>: {ours * 1000:.0f} ms; bs4 parse + get_text {baseline * 1000:.0f} ms; "
          f"ratio {ours / baseline:.2f} (target < 3)")
    nested = "<html><body><div id='UCAP-CONTENT'>" + "<div>" * 100_000 + "深" + "</div>" * 100_000 + "</div></body></html>"
    start = time.perf_counter()
    try:
        extract_html(nested, "http://127.0.0.1/nested.html")
        outcome = "extracted"
    except InputError as err:
        outcome = f"refused: {err}"
    print(f"extract 100k nested tags: {time.perf_counter() - start:.2f} s, {outcome}")


def mirror_no_change_requests() -> None:
    """Run the pipeline over the mirror's sources on ISSUE_RECHECKS + 1 days; count the last cycle's
    requests per source (robots.txt aside)."""
    from monitor.config import Config, Schedule, SourceConfig
    from monitor.pipeline import run_source
    from snapshots import Store

    with MirrorServer(state=3).start() as mirror, tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "store.db")
        configs = [SourceConfig(kind, kind, mirror.urls[host] + path, Schedule(), 0.0) for kind, host, path in SOURCES]
        Config(Path(tmp) / "regwatch.toml", Path(tmp) / "store.db", configs)
        counts = {}
        for day in range(ISSUE_RECHECKS + 1):
            for config in configs:
                before = len(mirror.hits)
                run_source(config, store, today=date(2025, 3, 1) + timedelta(days=day))
                counts[config.name] = len([h for h in mirror.hits[before:] if h.path != "/robots.txt"])
        store.close()
    print("no-change cycle requests (mirror, after issues are final): "
          + ", ".join(f"{name} {n}" for name, n in counts.items()))


def synthetic_gazette_requests(years: int = 20, issues_per_year: int = 24, docs_per_issue: int = 12) -> None:
    """gov-gongbao discovery of a 20-year gazette on loopback: requests of the first cycle and of a
    no-change cycle once the issues are final (plus the documents revisited in rotation)."""
    values, pages = {}, {}
    for year in range(2006, 2006 + years):
        for no in range(1, issues_per_year + 1):
            path = f"/gongbao/{year}/issue_{year * 100 + no}/"
            values.setdefault(f"{year}年", {})[f"第{no}号"] = {"issue": f"第{no}号", "gname": path, "serial": 0}
            items = "".join(f'<li><a href="../../content/{year}/content_{year * 10000 + no * 100 + d}.htm"><i></i>'
                            f"国务院关于第{no}号第{d}项事务的通知</a></li>" for d in range(docs_per_issue))
            pages[path] = f'<html><body><div class="box"><ul>{items}</ul></div></body></html>'.encode()
    pages["/gongbao/gbgl.json"] = json.dumps([{"values": values}], ensure_ascii=False).encode()

    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            hits.append(self.path)
            body = pages.get(self.path)
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body or b"")))
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    memo_pages: dict = {}
    counts = []
    try:
        with PoliteSession(min_interval=0) as session:
            for day in range(ISSUE_RECHECKS + 1):
                source = get("gov-gongbao")("synthetic", base + "/gongbao/gbgl.json", {})
                source.memo = DiscoveryMemo(memo_pages, today=date(2025, 3, 1) + timedelta(days=day))
                before = len([h for h in hits if h != "/robots.txt"])
                refs = list(source.discover(session))
                counts.append((len([h for h in hits if h != "/robots.txt"]) - before, len(refs), len(source.known_listed)))
                memo_pages = source.memo.pages
    finally:
        server.shutdown()
        server.server_close()
    first, last = counts[0], counts[-1]
    print(f"synthetic {years}-year gazette ({years * issues_per_year} issues, {years * issues_per_year * docs_per_issue} "
          f"documents): first cycle {first[0]} listing requests; no-change cycle {last[0]} listing request(s) + "
          f"{REVISITS_PER_CYCLE} documents revisited in rotation ({last[2]} documents still listed, none fetched)")


if __name__ == "__main__":
    main()
