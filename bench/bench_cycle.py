"""Monitoring cycles over the whole offline mirror: a first cycle (documents per second), a no-change
cycle answered by conditional GET (cost per document), and a no-change cycle with the validators
forgotten, answered by the content hash. Prints figures; asserts nothing.

    python bench/bench_cycle.py [--state N] [--rounds R]
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from mirror.server import MirrorServer
from regwatch.commands.mirror import source_block
from monitor.config import load
from monitor.pipeline import run_cycle
from snapshots import Store


def cycle(config, store) -> tuple[float, object]:
    start = time.perf_counter()
    report = run_cycle(config, store)
    return time.perf_counter() - start, report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--state", type=int, default=3, help="Mirror state to crawl (3 = everything).")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with MirrorServer(state=args.state) as mirror:
        firsts, conditional, hashed = [], [], []
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
    elapsed, stored, report = min(firsts, key=lambda r: r[0])
    print(f"first cycle, mirror state {args.state}: {stored} documents stored in {elapsed:.2f}s = "
          f"{stored / elapsed:.1f} documents/s (best of {args.rounds}; median "
          f"{statistics.median(r[0] for r in firsts):.2f}s; {report.events} events)")
    for label, runs, outcome in (("no-change cycle, conditional GET", conditional, "not_modified"),
                                 ("no-change cycle, hash short-circuit", hashed, "unchanged")):
        elapsed, documents, report = min(runs, key=lambda r: r[0])
        print(f"{label}: {documents} documents in {elapsed:.2f}s = {elapsed / documents * 1000:.1f} ms/document "
              f"({report.total(outcome)} {outcome}, {report.events} events, listing pages included)")


if __name__ == "__main__":
    main()
