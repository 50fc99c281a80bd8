"""The store at scale: a generated store of N documents × 3 versions (default 10,000 × 3) built from
the corpus's real texts; database size per version against the raw text size; save rate; and the
query times of `status`, `events` and search. Prints figures; asserts nothing.

    python bench/bench_store.py [--docs N] [--keep PATH]
"""
from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
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


def timed(label: str, call, repeat: int = 5) -> None:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - start)
    print(f"  {label:46} {statistics.median(times) * 1000:9.1f} ms   ({len(result)} rows)")


def build(store: Store, docs: int, batch: int) -> tuple[int, int, float]:
    bases = base_texts()
    rng = random.Random(4)
    raw_bytes = versions = 0
    start = time.perf_counter()
    for seq in (1, 2, 3):
        for first in range(0, docs, batch):
            with store.transaction():
                for doc in range(first, min(docs, first + batch)):
                    raw_bytes += save(store, bases, rng, doc, seq)
                    versions += 1
    return raw_bytes, versions, time.perf_counter() - start


def save(store: Store, bases: list[str], rng: random.Random, doc: int, seq: int) -> int:
    """One document's seq-th version with its events and rule, as the pipeline records them; returns
    the clean text's size."""
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
    return len(text.encode("utf-8"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=10_000)
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
        raw_bytes, versions, elapsed = build(store, args.docs, args.batch)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db_size = path.stat().st_size
        blob_stored = store.conn.execute("SELECT sum(stored_size) FROM blobs").fetchone()[0]
        print(f"generated store: {args.docs} documents × 3 = {versions} versions in {elapsed:.1f}s "
              f"({versions / elapsed:.0f} versions/s saved, {args.batch} document(s) per transaction)")
        print(f"  clean text (UTF-8)                 {raw_bytes / 1e6:9.1f} MB   {raw_bytes / versions / 1024:6.1f} KB/version")
        print(f"  compressed blobs (text + raw page) {blob_stored / 1e6:9.1f} MB   {blob_stored / versions / 1024:6.1f} KB/version")
        print(f"  whole database file (with FTS)     {db_size / 1e6:9.1f} MB   {db_size / versions / 1024:6.1f} KB/version"
              f"   ({db_size / raw_bytes:.2f} × the clean text)")
        print("query times (median of 5):")
        timed("status today (store.rules)", lambda: store.rules())
        timed("status --at 2024-01-01 --repealed (api)", lambda: api.status(store, at="2024-01-01", repealed=True))
        timed("status --expiring 365 (api)", lambda: api.status(store, at="2030-01-01", expiring=365))
        timed("events --limit 100", lambda: store.events(limit=100))
        timed("events --kind repealed", lambda: store.events(kind="repealed"))
        timed("events --since 2023-01-01", lambda: store.events(since="2023-01-01"))
        timed("search '期限为' (FTS5 trigram)", lambda: store.search("期限为", limit=50))
        timed("search '期限' (2 chars: LIKE)", lambda: store.search("期限", limit=50), repeat=1)
    if args.keep:
        print(f"store kept at {path}")


if __name__ == "__main__":
    main()
