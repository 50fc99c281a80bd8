"""Size of each digest the demo mails (the whole story of the offline mirror), HTML and text parts.

    python bench/bench_digest_size.py        # prints one line per message; HTML must stay < 100 KB
"""
from __future__ import annotations

import email
import email.policy
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from regwatch.demo import run_demo  # noqa: E402


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        found = run_demo(Path(folder), echo=lambda *_: None)
        for path in sorted(found["outbox"].glob("*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            html = message.get_body(("html",)).get_content().encode("utf-8")
            text = message.get_body(("plain",)).get_content().encode("utf-8")
            print(f"{message['To']:24} html {len(html) / 1024:6.1f} KB  text {len(text) / 1024:6.1f} KB  "
                  f"message {path.stat().st_size / 1024:6.1f} KB")


if __name__ == "__main__":
    main()
