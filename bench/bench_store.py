"""The store at scale: a generated store of N documents × 3 versions (default 2,000 × 3; the targets
are stated at 10,000 and 100,000) built from the corpus's real texts, consecutive versions differing
by a line as amendments do. Prints figures; asserts nothing:

- size on disk per version against the clean text compressed on its own (target <= 1.2x), and where
  the bytes go (text blobs, raw pages, search index);
- save rate and peak memory (target < 150 MB RSS for 10,000 versions);
- query times: search for a common term with the snippets of the page shown (target < 20 ms median at
  10,000 documents, < 100 ms at 100,000), a two-character term (the scan path), a term found nowhere;
  a page of status, events and documents (target < 50 ms at 100,000 documents).

    python bench/bench_store.py [--docs N] [--keep PATH]
"""
from __future__ import annotations

import argparse
import random
import resource
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

from regwatch import api
from snapshots import Store

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


def base_texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((CORPUS / "eval-dev").glob("*/*.md"))]
    return [t for t in texts if len(t) > 2000]


def version_text(base: str, doc: int, seq: int) -> str:
    """A document's seq-th text: the base with its own number and a clause that changes per version."""
    lines = base.splitlines()
    cut = (doc * 7) % max(1, len(lines) - 1)
    change = f"第{seq}次修订：本规定第{doc % 97 + 1}条所称期限为{seq * 15 + doc % 11}日。"
    return "\n".join([f"沪府规〔{2000 + doc % 25}〕{doc}号", *lines[:cut], change, *lines[cut:]])


def timed(label: str, call, repeat: int = 7) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    print(f"  {label:52} {statistics.median(times) * 1000:9.1f} ms   ({len(result)} rows)")


def searched(store: Store, query: str, page: int = 20) -> list[str]:
    """What the review's search page does: the hits, then the text of each hit shown, cut to a snippet."""
    out = []
    for hit in store.search(query, limit=page):
        text = store.version_text(hit["document_id"], hit["seq"])
        at = max(0, text.find(query) - 60)
        out.append(text[at:at + 120 + len(query)])
    return out


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(store: Store, docs: int, batch: int) -> tuple[int, int, int, float]:
    bases = base_texts()
    rng = random.Random(4)
    raw_bytes = packed_bytes = versions = 0
    start = time.perf_counter()
    for seq in (1, 2, 3):
        for first in range(0, docs, batch):
            if first % max(batch, docs // 10 // batch * batch or batch) == 0:
                elapsed = time.perf_counter() - start
                print(f"  … version {seq}, document {first:,}: {versions:,} saved in {elapsed:.0f}s, "
                      f"peak RSS {peak_rss_mb():.0f} MB", file=sys.stderr, flush=True)
            with store.transaction():
                for doc in range(first, min(docs, first + batch)):
                    clean, packed = save(store, bases, rng, doc, seq)
                    raw_bytes += clean
                    packed_bytes += packed
                    versions += 1
    return raw_bytes, packed_bytes, versions, time.perf_counter() - start


def save(store: Store, bases: list[str], rng: random.Random, doc: int, seq: int) -> tuple[int, int]:
    """One document's seq-th version with its events and rule, as the pipeline records them; returns
    the clean text's size, plain and compressed on its own (zlib level 6)."""
    text = version_text(bases[doc % len(bases)], doc, seq)
    raw = f"<html><body><div class='Article_content'>{text}</div></body></html>".encode("utf-8")
    url = f"http://127.0.0.1/gen/{doc}.html"
    title = f"上海市第{doc}号生成管理办法"
    at = f"202{seq}-01-{doc % 28 + 1:02d}T08:00:00+00:00"
    result = store.save_version("bench", url, raw, text, {"title": title, "number": f"沪府规〔2020〕{doc}号"}, at)
    store.add_event("new_document" if seq == 1 else "new_version", at=at, source="bench",
                    document_id=result.document_id, version_id=result.version_id, title=title, url=url)
    if seq == 1:
        rule_id = store.ensure_rule(title, None, result.document_id, effective=f"20{10 + doc % 15}-01-01",
                                    expires=f"20{25 + doc % 8}-12-31" if doc % 3 == 0 else None)
        store.set_document_rule(result.document_id, rule_id)
    elif seq == 3 and rng.random() < 0.2:
        rule_id = store.document(result.document_id)["rule_id"]
        store.set_rule_status(rule_id, "已废止", since="2023-06-01", by_title="废止决定")
        store.add_event("repealed", at=at, source="bench", document_id=result.document_id, rule_id=rule_id,
                        title=title, rule=title, by="废止决定", effective="2023-06-01")
    data = text.encode("utf-8")
    return len(data), len(zlib.compress(data, 6))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=100,
                        help="Documents per transaction while generating (the pipeline uses 1; see bench_cycle).")
    parser.add_argument("--keep", type=Path, help="Build the store here instead of a temporary directory.")
    args = parser.parse_args()
    if args.keep:
        report(args, args.keep / "bench.db")
        return
    with tempfile.TemporaryDirectory(prefix="regwatch-bench-store-") as directory:
        report(args, Path(directory) / "bench.db")


def report(args: argparse.Namespace, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    with Store(path) as store:
        raw_bytes, packed_bytes, versions, elapsed = build(store, args.docs, args.batch)
        store.conn.executescript("PRAGMA incremental_vacuum;")      # what closing the store does
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db_size = path.stat().st_size
        print(f"generated store: {args.docs} documents × 3 = {versions} versions in {elapsed:.1f}s "
              f"({versions / elapsed:.0f} versions/s saved, {args.batch} document(s) per transaction); "
              f"peak RSS {peak_rss_mb():.0f} MB")

        def line(label: str, size: float) -> None:
            print(f"  {label:40} {size / 1e6:9.1f} MB   {size / versions / 1024:6.2f} KB/version"
                  f"   {size / packed_bytes:5.2f} × compressed clean text")
        line("clean text (UTF-8)", raw_bytes)
        line("clean text, each compressed alone", packed_bytes)
        for label, where in (("text blobs (deltas after the first)", "IN (SELECT text_sha FROM versions)"),
                             ("raw page blobs", "IN (SELECT raw_sha FROM versions)")):
            line(label, store.conn.execute(f"SELECT coalesce(sum(stored_size), 0) FROM blobs WHERE sha256 {where}")
                 .fetchone()[0])
        line("search index (latest text of each document)", store.conn.execute(
            "SELECT sum(pgsize) FROM dbstat WHERE name LIKE 'search_latest%'").fetchone()[0])
        line("whole database file", db_size)
        print(f"  -> {db_size / packed_bytes:.2f} × the compressed clean text per version (target <= 1.2)")
        print("query times (median of 7):")
        timed("search '期限为' + snippets of 20 shown (common term)", lambda: searched(store, "期限为"))
        timed("search '所称期限为' + snippets (5 chars: text confirms)", lambda: searched(store, "所称期限为"))
        timed("search '期限' + snippets (2 chars: bounded scan)", lambda: searched(store, "期限"))
        timed("search '不存在的词语' (found nowhere)", lambda: searched(store, "不存在的词语"))
        timed("status: a page of 100 rules (store.rules)", lambda: store.rules(at="2024-01-01", limit=100))
        timed("events --limit 100", lambda: store.events(limit=100))
        timed("events --kind repealed --limit 100", lambda: store.events(kind="repealed", limit=100))
        timed("documents: a page of 100", lambda: store.documents(limit=100, offset=args.docs // 2))
        timed("status --at 2024-01-01 --repealed (api, every rule)",
              lambda: api.status(store, at="2024-01-01", repealed=True), repeat=3)
    if args.keep:
        print(f"store kept at {path}")


if __name__ == "__main__":
    main()
