"""Monitoring cycles over the whole offline mirror: a first cycle (documents per second), a no-change
cycle answered by conditional GET (cost per document), a no-change cycle with the validators
forgotten, answered by the raw bytes' hash before any extraction (target < 2 ms CPU per document),
and as its baseline the same cycle with the bytes' hashes forgotten too, so that every page is
extracted and its text's hash decides. CPU is the pipeline thread's (the mirror serves from its own
threads). Prints figures; asserts nothing.

    python bench/bench_cycle.py [--state N] [--rounds R]
"""
from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from mirror.server import MirrorServer
from regwatch.commands.mirror import source_block
from monitor.config import load
from monitor.pipeline import run_cycle
from snapshots import Store


def cycle(config, store) -> tuple[float, object]:
    """(CPU seconds of this thread, report)."""
    start = time.thread_time()
    report = run_cycle(config, store)
    return time.thread_time() - start, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--state", type=int, default=3, help="Mirror state to crawl (3 = everything).")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with MirrorServer(state=args.state) as mirror:
        firsts, conditional, hashed, extracted = [], [], [], []
        for _ in range(args.rounds):
            with tempfile.TemporaryDirectory(prefix="regwatch-cycle-") as folder:
                directory = Path(folder)
                (directory / "regwatch.toml").write_text('[store]\npath = "regwatch.db"\n' + source_block(mirror.urls),
                                                         encoding="utf-8")
                config = load(directory / "regwatch.toml")
                with Store(config.store) as store:
                    elapsed, report = cycle(config, store)
                    stored = report.total("new") + report.total("changed") + report.total("formatting")
                    firsts.append((elapsed, stored, report))
                    elapsed, report = cycle(config, store)
                    conditional.append((elapsed, sum(s.discovered for s in report.sources), report))
                    # Forget the validators: the server sends every page again and the hash decides.
                    store.conn.execute("UPDATE urls SET etag = NULL, last_modified = NULL")
                    elapsed, report = cycle(config, store)
                    hashed.append((elapsed, sum(s.discovered for s in report.sources), report))
                    store.conn.execute("UPDATE urls SET etag = NULL, last_modified = NULL, raw_sha = NULL")
                    elapsed, report = cycle(config, store)
                    extracted.append((elapsed, sum(s.discovered for s in report.sources), report))
    elapsed, stored, report = min(firsts, key=lambda r: r[0])
    print(f"first cycle, mirror state {args.state}: {stored} documents stored, {elapsed:.2f}s CPU = "
          f"{elapsed / stored * 1000:.1f} ms CPU/document (best of {args.rounds}; {report.events} events)")
    per_document = {}
    for key, label, runs, outcome in (("conditional", "no-change cycle, conditional GET", conditional, "not_modified"),
                                      ("bytes", "no-change cycle, raw bytes' hash", hashed, "unchanged"),
                                      ("extracted", "baseline: every page extracted, text hash", extracted,
                                       "unchanged")):
        elapsed, documents, report = min(runs, key=lambda r: r[0])
        per_document[key] = elapsed / documents
        print(f"{label}: {documents} documents, {elapsed * 1000 / documents:.2f} ms CPU/document "
              f"({report.total(outcome)} {outcome}, {report.events} events, listing pages included)")
    print(f"  -> the bytes' hash: {per_document['bytes'] * 1000:.2f} ms CPU per unchanged document (target < 2), "
          f"{per_document['extracted'] / per_document['bytes']:.1f}x less than extracting every page")

if __name__ == "__main__":
    main()
