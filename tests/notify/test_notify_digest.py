"""Digests from real corpus texts, delivered through a real SMTP server with STARTTLS and AUTH."""
from __future__ import annotations

import re
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from html import escape
from html.parser import HTMLParser

import pytest

from diffs.compare import compare
from notify import api
from notify.digest import DigestEntry, compose, render_markdown
from notify.digest_html import LIMIT
from notify.items import EventItem
from snapshots import Store

from notify_scenario import DECISION_2024, NIANJIE_URLS, SH_GAZETTE, STATE_GAZETTE, build

NOW = datetime(2025, 11, 5, 2, 0, tzinfo=timezone.utc)
REVIEW = "http://127.0.0.1:8000"

# Who follows what, and which events each must get (by the scenario's names).
SUBSCRIBERS = {
    "all@example.cn": ({}, {"nianjie_new", "decision_new", "nianjie_amended", "nianjie_changed", "yinxiang_amended",
                            "gonglu_repealed", "research_expiring"}),
    "sh@example.cn": ({"sources": [SH_GAZETTE], "kinds": ["amended", "repealed"]}, {"yinxiang_amended", "gonglu_repealed"}),
    "follow@example.cn": ({"rules": ["全国年节及纪念日放假办法"]},
                          {"nianjie_new", "decision_new", "nianjie_amended", "nianjie_changed"}),
    "ops@example.cn": ({"kinds": ["source_error"]}, {"state_error"}),
    # 元旦 is in the 2024 text only: the new version, and the amendment (whose document now reads so).
    "keyword@example.cn": ({"keywords": ["元旦"]}, {"nianjie_changed", "nianjie_amended"}),
    "rules@example.cn": ({"doc_types": ["规章"]}, {"research_expiring"}),
    "nothing@example.cn": ({"issuers": ["财政部"]}, set()),
}


@pytest.fixture
def scenario(tmp_path):
    store = Store(tmp_path / "regwatch.db")
    s = build(store)
    for email, (filters, _) in SUBSCRIBERS.items():
        api.subscribe(store, email, now=NOW - timedelta(days=400), **filters)
    yield s
    store.close()


def received_by(server) -> dict[str, list]:
    by = defaultdict(list)
    for r in server.handler.received:
        for rcpt in r.recipients:
            by[rcpt].append(r.message)
    return by


def event_ids(message) -> set[int]:
    return {int(x) for x in message["X-Regwatch-Events"].split(",") if x.isdigit()}


def test_each_subscriber_gets_exactly_its_events_once(scenario, smtp_server):
    settings = smtp_server.mail_settings()
    run = api.digest(scenario.store, settings, now=NOW, review_url=REVIEW)
    assert run.delivery.failed == [] and run.delivery.retrying == []
    got = received_by(smtp_server)
    for email, (_, expected) in SUBSCRIBERS.items():
        want = {scenario.events[name] for name in expected}
        assert [event_ids(m) for m in got.get(email, [])] == ([want] if want else []), email
    # Nothing new: nothing sent, even a day later.
    again = api.digest(scenario.store, settings, now=NOW + timedelta(days=1))
    assert again.digests == []
    assert sum(len(v) for v in received_by(smtp_server).values()) == sum(1 for _, (_, e) in SUBSCRIBERS.items() if e)
    # A new event reaches only the subscriptions it matches, alone.
    new = scenario.store.add_event("source_error", at="2025-11-06T00:00:00+00:00", source=SH_GAZETTE,
                                   error="SourceError: 上海市人民政府公报 index has no issue list")
    api.digest(scenario.store, settings, now=NOW + timedelta(days=1))
    after = received_by(smtp_server)
    assert [event_ids(m) for m in after["ops@example.cn"]] == [{scenario.events["state_error"]}, {new}]
    assert all(len(after[e]) == 1 for e, (_, exp) in SUBSCRIBERS.items() if exp and e != "ops@example.cn")


class _Tables(HTMLParser):
    """Collects text per table cell, per table (by its class), from the digest's HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append((dict(attrs).get("class") or "", []))
        elif tag == "tr" and self.tables:
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1][1]:
            self.tables[-1][1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def test_message_headers_parts_and_overview(scenario, smtp_server):
    api.digest(scenario.store, smtp_server.mail_settings(), now=NOW, review_url=REVIEW, subscriber="sh@example.cn")
    (received,) = smtp_server.handler.received
    head = received.raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii(), "headers must be RFC 2047 encoded, not raw UTF-8"
    msg = received.message
    # The repeal names no gazette issue, so the subject names the source only.
    assert msg["Subject"] == f"regwatch：1 项地方性法规修改，1 项废止 — {SH_GAZETTE}"
    assert msg["From"].addresses[0].display_name == "regwatch 法规监测" and msg["To"].addresses[0].addr_spec == "sh@example.cn"
    assert re.fullmatch(r"<regwatch\.\d+\.[0-9a-f]{20}@regwatch\.test>", msg["Message-ID"])
    assert msg.get_content_type() == "multipart/alternative"
    text, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert text.get_content_charset() == html.get_content_charset() == "utf-8"
    text, html = text.get_content(), html.get_content()
    for fact in ("上海市音像制品管理条例", "上海市公路管理条例", "2025-03-01", DECISION_2024, "概览"):
        assert fact in text and fact.replace("《", "").replace("》", "") in html.replace("《", "").replace("》", "")
    tables = _Tables()
    tables.feed(html)
    overview = next(rows for cls, rows in tables.tables if cls == "overview")
    assert overview[0] == ["施行日期", "名称", "文号", "发布单位", "来源", "变动"]
    # One row per decision, naming the rule it amends or repeals; the earlier effective date first.
    repeal_decision = "上海市人民代表大会常务委员会关于废止《上海市公路管理条例》的决定"
    assert [(r[0], r[1], r[4], r[5]) for r in overview[1:]] == [
        ("2024-12-31", DECISION_2024, SH_GAZETTE, "修改《上海市音像制品管理条例》，自 2024-12-31 起施行"),
        ("2025-03-01", repeal_decision, SH_GAZETTE, "废止《上海市公路管理条例》，自 2025-03-01 起施行")]
    old_id, new_id = scenario.versions["yinxiang"]
    assert f'href="{REVIEW}/diff/{old_id}/{new_id}"' in html
    assert "<script" not in html.lower()


class _DiffRows(HTMLParser):
    """(old label, new label) of each article row of the 新旧对照表, and the folded-run lines."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str | None]] = []
        self.runs: list[str] = []
        self._where: str | None = None

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if tag == "tr" and "rw-pair" in cls:
            self.rows.append([])
        elif tag == "tr" and "rw-run" in cls:
            self.runs.append("")
            self._where = "run"
        elif tag == "td" and self.rows and self._where != "run" and len(self.rows[-1]) < 2 and "rw-empty" in cls:
            self.rows[-1].append(None)
        elif tag == "span" and cls == "rw-label" and self.rows:
            self.rows[-1].append("")
            self._where = "label"

    def handle_endtag(self, tag):
        if (tag == "span" and self._where == "label") or (tag == "tr" and self._where == "run"):
            self._where = None

    def handle_data(self, data):
        if self._where == "label":
            self.rows[-1][-1] += data
        elif self._where == "run":
            self.runs[-1] += data


def test_html_changed_articles_equal_the_diff_of_the_same_versions(scenario, smtp_server):
    api.digest(scenario.store, smtp_server.mail_settings(), now=NOW, subscriber="follow@example.cn")
    (received,) = smtp_server.handler.received
    html = received.message.get_body(("html",)).get_content()
    result = compare(*scenario.texts("nianjie"))
    changed = [p for p in result.pairs if p.status not in ("unchanged", "renumbered") or p.moved]
    assert changed, "the 2024 decision changed articles of 全国年节及纪念日放假办法"
    table = _DiffRows()
    table.feed(html)
    assert [tuple(r) for r in table.rows] == [(p.old_label, p.new_label) for p in changed]
    # The unchanged articles are folded into lines that count them, not shown.
    folded = sum(int(re.search(r"(\d+) 条未改动", run).group(1)) for run in table.runs)
    assert folded == len(result.pairs) - len(changed) > 0
    text = received.message.get_body(("plain",)).get_content()
    assert all(f"】{p.new_label or p.old_label}" in text or f"】{p.old_label} → {p.new_label}" in text for p in changed)


def test_scraped_text_is_escaped(scenario, smtp_server):
    evil = scenario.store.add_event("new_document", at="2025-11-05T00:00:00+00:00", source=SH_GAZETTE,
                                    title='<script>alert("x")</script>关于<b>试行</b>的通知', url="javascript:alert(1)")
    api.subscribe(scenario.store, "esc@example.cn", kinds=["new_document"], sources=[SH_GAZETTE])
    api.digest(scenario.store, smtp_server.mail_settings(), now=NOW, subscriber="esc@example.cn")
    (received,) = smtp_server.handler.received
    html = received.message.get_body(("html",)).get_content()
    assert "<script" not in html and "<b>试行" not in html and "&lt;script&gt;" in html
    assert event_ids(received.message) == {evil}
    assert received.message["Subject"] == f"regwatch：1 项新文件 — {SH_GAZETTE}"


def test_heartbeat_and_no_event_no_email(scenario, tmp_path):
    store = scenario.store
    quiet = api.subscribe(store, "quiet@example.cn", issuers=["财政部"], heartbeat=True)
    settings = {"outbox_dir": str(tmp_path / "outbox"), "from": "regwatch <alerts@regwatch.test>"}
    api.digest(store, settings, now=NOW, subscriber="quiet@example.cn")
    api.digest(store, settings, now=NOW + timedelta(minutes=5), subscriber="quiet@example.cn")
    (eml,) = (tmp_path / "outbox").glob("*.eml")
    assert "heartbeat" in eml.name
    api.digest(store, settings, now=NOW, subscriber="nothing@example.cn")
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    assert [e.subscription_id for e in api.outbox(store)] == [quiet.id]


def test_subject_names_the_gazette_issue(scenario, tmp_path):
    run = api.digest(scenario.store, {"outbox_dir": str(tmp_path)}, now=NOW, dry_run=True,
                     subscriber="follow@example.cn")
    (d,) = run.digests
    # Amendments first; the two new documents (a 行政法规 and a 国务院令) are just 文件 together.
    assert d.message["Subject"] == f"regwatch：1 项行政法规修改，1 项行政法规更新，2 项新文件 — {STATE_GAZETTE} 2024年第33号"
    assert api.outbox(scenario.store) == [] and not list(tmp_path.glob("*.eml"))  # dry run stores and sends nothing


def test_amendment_shows_the_decisions_operations_and_the_consolidated_table(scenario, smtp_server):
    """Without the republished text in the same digest, an amendment brings its own 新旧对照表: the
    rule's stored text against the text the pipeline consolidated from the decision."""
    api.subscribe(scenario.store, "amend@example.cn", kinds=["amended"], rules=["全国年节及纪念日放假办法"])
    api.digest(scenario.store, smtp_server.mail_settings(), now=NOW, subscriber="amend@example.cn")
    (received,) = smtp_server.handler.received
    assert event_ids(received.message) == {scenario.events["nianjie_amended"]}
    html = received.message.get_body(("html",)).get_content()
    text = received.message.get_body(("plain",)).get_content()
    store = scenario.store
    decision_doc = store.document_by_url(NIANJIE_URLS[1])
    outcome = store.decision(decision_doc["id"])["applied"][str(store.events(kind="amended")[0]["rule_id"])]
    assert outcome["applied"] and not outcome["failed"]
    for n, op in enumerate(outcome["applied"], 1):
        assert f"{n}. {op}" in text and escape(op) in html
    base = store.version(outcome["base_version_id"])
    result = compare(store.version_text(base["document_id"], base["seq"]),
                     store.get_blob(outcome["consolidated_sha"]).decode("utf-8"))
    table = _DiffRows()
    table.feed(html)
    assert [tuple(r) for r in table.rows] == [(p.old_label, p.new_label) for p in result.pairs
                                              if p.status not in ("unchanged", "renumbered") or p.moved]
    assert received.message["Subject"] == f"regwatch：1 项行政法规修改 — {STATE_GAZETTE} 2024年第33号"


def test_a_long_digest_stays_under_the_clipping_size_and_says_what_it_left_out(scenario):
    """Forty amended versions, each with a real 新旧对照表: the HTML stays under 100 KB, shows some
    tables, and counts the others with a link to the review UI."""
    result = compare(*scenario.texts("yinxiang"))
    one_table = len(render_html_inline(result).encode())
    items = [EventItem(id=i, kind="new_version", at="2025-01-06T00:00:00+00:00", source=STATE_GAZETTE,
                       title=f"办法{i}", url=None, document_id=i, version_id=None, rule_id=None)
             for i in range(1, 41)]
    assert one_table * 40 > 3 * LIMIT                      # the tables alone would be far too large
    message = compose(api.subscriptions(scenario.store)[0], [DigestEntry(i, diff=result) for i in items],
                      sender="alerts@regwatch.test", message_id="<cap@regwatch.test>", now=NOW, review_url=REVIEW)
    html = message.get_body(("html",)).get_content()
    text = message.get_body(("plain",)).get_content()
    assert len(html.encode()) < LIMIT
    shown = html.count('class="rw-table"')
    assert 0 < shown < 40
    note = re.search(r"因邮件篇幅所限，(\d+) 份对照表未附（约 (\d+) KB）", html)
    assert note and int(note.group(1)) == 40 - shown and note.group(1) in text
    assert int(note.group(2)) >= (40 - shown) * one_table // 1024 // 2
    assert f'href="{REVIEW}/"' in html
    # Every change keeps its overview row, whatever happened to its table.
    tables = _Tables()
    tables.feed(html)
    overview = next(rows for cls, rows in tables.tables if cls == "overview")
    assert sorted(r[1] for r in overview[1:]) == sorted(f"办法{i}" for i in range(1, 41))


def render_html_inline(result):
    from diffs.render import render_html
    return render_html(result, standalone=False, inline_styles=True)


def test_table_heads_name_the_law_and_both_editions(scenario, smtp_server):
    api.digest(scenario.store, smtp_server.mail_settings(), now=NOW, subscriber="follow@example.cn")
    (received,) = smtp_server.handler.received
    html = received.message.get_body(("html",)).get_content()
    # The last 修订 line of each text's header is its edition (corpus/eval-dev/nianjie).
    assert re.search(r'<tr class="rw-title"><th[^>]*>全国年节及纪念日放假办法</th></tr>', html)
    assert ">修改前（2007-12-14 版）</th>" in html and ">修改后（2024-11-10 版）</th>" in html
    assert "修改前：" not in html
    assert "生成于 2025-11-05 10:00 北京时间" in html        # NOW is 02:00 UTC


def test_markdown_for_chat_fits_its_limit_and_escapes(scenario):
    store = scenario.store
    evil = store.add_event("new_document", at="2025-11-05T00:00:00+00:00", source=SH_GAZETTE,
                           title="[点我](javascript:alert(1)) **通知**")
    api.subscribe(store, "chat@example.cn")
    run = api.digest(store, {}, now=NOW, dry_run=True, subscriber="chat@example.cn", review_url=REVIEW)
    (composed,) = run.digests
    full = render_markdown(composed.digest, 100_000)
    assert "\\[点我\\]\\(javascript:alert\\(1\\)\\) \\*\\*通知\\*\\*" in full and evil in event_ids(composed.message)
    assert "修改《上海市音像制品管理条例》，自 2024-12-31 起施行" in full
    short = render_markdown(composed.digest, 400)
    assert len(short) <= 400
    left = re.search(r"……另有 (\d+) 项未列出，\[在审阅界面查看\]\(http://127\.0\.0\.1:8000/\)", short)
    shown = short.count("\n- ")
    assert left and shown + int(left.group(1)) == full.count("\n- ")


def test_event_times_are_beijing_times(scenario):
    late = EventItem(id=1, kind="source_error", at="2025-11-05T17:30:00+00:00", source=STATE_GAZETTE, title=None,
                     url=None, document_id=None, version_id=None, rule_id=None, payload={"error": "HTTP 503"})
    message = compose(api.subscriptions(scenario.store)[0], [DigestEntry(late)], sender="alerts@regwatch.test",
                      message_id="<tz@regwatch.test>", now=NOW)
    text = message.get_body(("plain",)).get_content()
    assert text.splitlines()[5].startswith("2025-11-06  ")          # the overview row: the day in Beijing
    assert "时间：2025-11-06 01:30 北京时间" in text


def test_footer_names_the_subscription_and_how_to_change_it():
    from notify.subscriptions import Filters, Subscription

    from_config = Subscription(emails=["a@example.cn"], filters=Filters(sources=("sh",), kinds=("amended",)),
                               frequency="weekly", hour=9, name="config:legal", id=3)
    assert from_config.footer_lines({"sh": "上海市人民政府公报"}) == [
        "此邮件发给订阅「legal」（每周一 09 时；来源：上海市人民政府公报；变动类型：修改）的收件人。",
        '修改或退订：编辑 regwatch.toml 中 name = "legal" 的 [[subscription]]。']
    by_command = Subscription(emails=["b@example.cn"], id=7)
    assert by_command.footer_lines() == ["此邮件发给订阅「#7」（即时；全部变动）的收件人。",
                                         "修改或退订：regwatch subscriptions 查看，regwatch unsubscribe 7 退订。"]
