"""Digest composition and outbox throughput: many subscribers over the notify test scenario (real
corpus texts), messages to an .eml folder and to a loopback aiosmtpd (plain SMTP, no TLS).
Prints figures; asserts nothing.

    python bench/bench_digest.py [--subscribers N]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from aiosmtpd.controller import Controller

from notify import api, outbox
from notify.mailer import MailSettings, transport_for
from snapshots import Store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "notify"))
from notify_scenario import build  # noqa: E402  (the scenario and server helpers are the tests')
from notify_smtp import free_port  # noqa: E402

NOW = datetime(2025, 11, 5, 2, 0, tzinfo=timezone.utc)


class Sink:
    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        return "250 OK"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--subscribers", type=int, default=200)
    n = parser.parse_args().subscribers
    folder = Path(tempfile.mkdtemp(prefix="regwatch-bench-digest-"))
    store = Store(folder / "regwatch.db")
    build(store)
    for i in range(n):
        api.subscribe(store, f"reader{i}@example.cn", sources=(["上海市人民政府公报"] if i % 2 else []))

    start = time.perf_counter()
    run = api.digest(store, {}, now=NOW, dry_run=True)
    dry = time.perf_counter() - start
    sizes = [len(d.message.as_bytes()) for d in run.digests]
    print(f"compose (dry run): {len(run.digests)} digests in {dry * 1000:.0f} ms "
          f"({dry / len(run.digests) * 1000:.2f} ms each; message {min(sizes) // 1024}-{max(sizes) // 1024} KiB)")

    settings = MailSettings(outbox_dir=str(folder / "outbox"))
    start = time.perf_counter()
    run = api.digest(store, settings, now=NOW)
    took = time.perf_counter() - start
    print(f"compose + queue + .eml: {len(run.delivery.sent)} messages in {took * 1000:.0f} ms "
          f"({len(run.delivery.sent) / took:.0f} messages/s)")

    sink = Sink()
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        store.db.execute("UPDATE outbox SET status = 'pending', next_attempt_at = NULL")
        smtp = transport_for(MailSettings(host="127.0.0.1", port=port, security="none"))
        start = time.perf_counter()
        report = outbox.deliver(store, smtp, now=NOW)
        took = time.perf_counter() - start
        print(f"outbox -> loopback SMTP (one connection per message): {len(report.sent)} messages in "
              f"{took * 1000:.0f} ms ({len(report.sent) / took:.0f} messages/s); server got {sink.count}")
    finally:
        controller.stop()
        store.close()


if __name__ == "__main__":
    main()
