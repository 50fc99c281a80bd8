"""End to end on the demo scenario: the offline mirror moves through its states, the monitor's cycles
record events, and after each cycle the digests go through a real SMTP server (STARTTLS + AUTH).

Each subscriber must receive exactly the events its filters select — computed here straight from
the events and documents tables — none twice, across all the digests of the story.
"""
from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import pytest

from mirror.server import MirrorServer
from regwatch.commands.mirror import source_block
from monitor.config import load
from monitor.pipeline import run_cycle
from notify import api
from notify.digest_html import LIMIT
from snapshots import Store

from notify_smtp import PASSWORD, PASSWORD_ENV, SMTPServer

TODAY = date(2025, 3, 15)
SUBSCRIBERS = {  # email -> filters
    "everything@example.cn": {},
    "rules@example.cn": {"doc_types": ["规章"], "kinds": ["new_version", "amended", "repealed"]},
    "hfl@example.cn": {"sources": ["shanghai-hfl"]},
    "ops@example.cn": {"kinds": ["source_error"]},
}


def expected(store, email: str) -> set[int]:
    """The events each subscriber asked for, by plain SQL over the store (an oracle independent of notify)."""
    rows = store.conn.execute("SELECT e.id, e.kind, e.source, d.doc_type FROM events e"
                              " LEFT JOIN documents d ON d.id = e.document_id").fetchall()
    f = SUBSCRIBERS[email]
    return {i for i, kind, source, doc_type in rows
            if (kind in f["kinds"] if "kinds" in f else kind != "source_error")
            and ("sources" not in f or source in f["sources"])
            and ("doc_types" not in f or doc_type in f["doc_types"])}


@pytest.fixture(scope="module")
def story(tmp_path_factory, tls_files):
    directory = tmp_path_factory.mktemp("mirror-story")
    server = SMTPServer(tls_files).start()
    mail = server.mail_settings()
    with MirrorServer(state=0) as mirror, pytest.MonkeyPatch.context() as env:
        env.setenv(PASSWORD_ENV, PASSWORD)
        (directory / "regwatch.toml").write_text(f'[store]\npath = "regwatch.db"\n{source_block(mirror.urls)}',
                                                 encoding="utf-8")
        config = load(directory / "regwatch.toml")
        store = Store(config.store)
        for email, filters in SUBSCRIBERS.items():
            api.subscribe(store, email, **filters)
        now = datetime(2025, 3, 15, 1, 0, tzinfo=timezone.utc)
        runs = []
        for state in (0, 1, 2, 3, "broken"):
            if state == "broken":
                mirror.set_fault("www.gov.cn", "/gongbao/*", "layout")
            else:
                mirror.set_state(state)
            run_cycle(config, store, today=TODAY)
            now += timedelta(hours=1)
            runs.append(api.digest(store, mail, now=now, review_url="http://127.0.0.1:8000"))
        yield store, server, runs
        store.close()
    server.stop()


def test_every_subscriber_gets_exactly_its_events_once(story):
    store, server, runs = story
    assert all(not r.delivery.failed and not r.delivery.retrying for r in runs)
    got: dict[str, list[int]] = defaultdict(list)
    for received in server.handler.received:
        (rcpt,) = received.recipients
        got[rcpt] += [int(x) for x in received.message["X-Regwatch-Events"].split(",")]
    for email in SUBSCRIBERS:
        want = expected(store, email)
        assert want, f"the story has events for {email}"
        assert sorted(got[email]) == sorted(want), email
    kinds = {k for (k,) in store.conn.execute("SELECT DISTINCT kind FROM events")}
    assert {"new_document", "new_version", "amended", "repealed", "source_error"} <= kinds


def test_messages_are_parseable_and_match_their_events(story):
    store, server, _ = story
    # A decision's row names the rules it amends or repeals; other rows name their document.
    titles = {i: json.loads(p or "{}").get("rule") if kind in ("amended", "repealed") else t
              for i, kind, t, p in store.conn.execute("SELECT id, kind, title, payload FROM events")}
    for received in server.handler.received:
        msg = received.message
        assert received.raw.split(b"\r\n\r\n", 1)[0].isascii()
        assert msg.get_content_type() == "multipart/alternative" and msg["Subject"].startswith("regwatch：")
        html = msg.get_body(("html",)).get_content()
        text = msg.get_body(("plain",)).get_content()
        ids = [int(x) for x in msg["X-Regwatch-Events"].split(",")]
        assert len(html.encode()) < LIMIT                 # mail clients clip longer messages
        assert html.count('<tr valign="top">') >= 1 and "rw-table" not in html.split("详情")[0]
        for i in ids:
            if titles[i]:
                assert titles[i] in text
    # The repeal of a 规章 reaches its follower with the repealing document and the date.
    payload = store.conn.execute("SELECT e.payload FROM events e JOIN documents d ON d.id = e.document_id"
                                 " WHERE e.kind = 'repealed' AND d.doc_type = '规章' LIMIT 1").fetchone()[0]
    repeal = json.loads(payload)
    rules_mail = "".join(r.message.get_body(("plain",)).get_content() for r in server.handler.received
                         if r.recipients == ["rules@example.cn"])
    # Its decision's overview row names the repealed rule and the date.
    row = next(line for line in rules_mail.splitlines() if repeal["by"] in line and "废止《" in line)
    assert f"《{repeal['rule']}》" in row and repeal["effective"] in row
