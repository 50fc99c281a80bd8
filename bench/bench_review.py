"""Benchmark the review UI over the offline mirror. Prints figures; not a test.

    python bench/bench_review.py

Fills a store with the real pipeline over every state of the mirror, serves the app on
127.0.0.1, then measures:
- the diff page of the largest stored pair of versions: cold (the diff computed) and warm (the
  diff cached), over HTTP, plus the DOCX export;
- search latency over all stored texts, for short (LIKE) and long (FTS5 trigram) terms, both the
  store call and the whole /search page.
"""
from __future__ import annotations

import logging
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "review"))

from mirror.server import MirrorServer  # noqa: E402
from regwatch.commands.mirror import source_block  # noqa: E402
from monitor.config import load  # noqa: E402
from regwatch.api import cycle_through_mirror  # noqa: E402
from review import create_app  # noqa: E402
from review.diffing import cached_compare  # noqa: E402
from review_live import serving  # noqa: E402
from snapshots import Store  # noqa: E402

QUERIES = ("法", "规章", "管理办法", "音像制品", "最低生活保障边缘家庭", "不存在的一句话")
REPEAT = 7


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def timed(fn, repeat: int = REPEAT, before=None) -> list[float]:
    times = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def fill(folder: Path) -> Path:
    server = MirrorServer(state=0).start()
    try:
        config_path = folder / "regwatch.toml"
        config_path.write_text(f'[store]\npath = "regwatch.db"\n\n{source_block(server.urls)}', encoding="utf-8")
        config = load(config_path)
        with Store(config.store) as store:
            cycle_through_mirror(config, store, server)
        return config.store
    finally:
        server.stop()


def largest_pair(store: Store) -> tuple[dict, dict, int]:
    best = None
    for document in store.documents():
        versions = store.versions(document["id"])
        for old, new in zip(versions, versions[1:]):
            size = sum(len(store.version_text(document["id"], v["seq"])) for v in (old, new))
            if best is None or size > best[2]:
                best = (old, new, size)
    return best


def main() -> None:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)   # no line per request
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        path = fill(Path(tmp))
        with Store(path) as store:
            old, new, size = largest_pair(store)
            title = store.document(new["document_id"])["title"]
            texts = [store.version_text(v["document_id"], v["seq"]) for v in (old, new)]
            stats = (len(store.documents()), store.conn.execute("SELECT count(*) FROM versions").fetchone()[0],
                     sum(len(store.get_blob(sha)) for (sha,) in store.conn.execute("SELECT DISTINCT text_sha FROM versions")))
        print(f"store filled from the mirror in {time.perf_counter() - start:.1f} s: "
              f"{stats[0]} documents, {stats[1]} versions, {stats[2] / 1e6:.2f} MB of text")
        articles = len(cached_compare(*texts).pairs)
        print(f"largest pair: {title} v{old['seq']}→v{new['seq']}, {size} characters, {articles} rows")

        with serving(create_app(path)) as base, requests.Session() as http:
            page = f"{base}/diff/{old['id']}/{new['id']}"

            def get(url: str, **params) -> None:
                response = http.get(url, params=params, timeout=60)
                response.raise_for_status()

            cold = timed(lambda: get(page), before=cached_compare.cache_clear)
            warm = timed(lambda: get(page))
            docx = timed(lambda: get(page + ".docx"))
            print(f"diff page, cold (diff computed): median {ms(statistics.median(cold))}, max {ms(max(cold))}")
            print(f"diff page, warm (diff cached):   median {ms(statistics.median(warm))}, max {ms(max(warm))}")
            print(f"DOCX export:                     median {ms(statistics.median(docx))}")
            print("search (store.search | whole /search page), median of", REPEAT)
            with Store(path) as store:
                for query in QUERIES:
                    hits = len(store.search(query))
                    direct = timed(lambda query=query: store.search(query))
                    whole = timed(lambda query=query: get(f"{base}/search", q=query))
                    kind = "FTS5" if len(query) >= 3 else "LIKE"
                    print(f"  {query!r:<14} {kind} {hits:3d} hits  {ms(statistics.median(direct))} | "
                          f"{ms(statistics.median(whole))}")


if __name__ == "__main__":
    main()
