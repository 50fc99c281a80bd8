"""Change alerts: subscriptions and their filters, digest emails (text + HTML) and the durable outbox.

The functions the commands wrap are in ``notify.api``; the contracts are in docs/ARCHITECTURE.md.
"""
