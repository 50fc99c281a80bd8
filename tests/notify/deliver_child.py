"""A separate process that delivers the outbox, so that a test can kill -9 it mid-send.

Usage: python deliver_child.py STORE HOST PORT CAFILE USER PASSWORD_ENV
"""
from __future__ import annotations

import sys

from notify.mailer import MailSettings, transport_for
from notify.outbox import deliver
from snapshots import Store

if __name__ == "__main__":
    store_path, host, port, cafile, user, password_env = sys.argv[1:7]
    settings = MailSettings(host=host, port=int(port), security="starttls", username=user,
                            password_env=password_env, cafile=cafile, timeout=60.0)
    store = Store(store_path)
    print("delivering", flush=True)
    report = deliver(store, transport_for(settings))
    print(f"sent {report.sent}", flush=True)
