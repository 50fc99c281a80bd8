"""The demo's whole story (every mirror state, every subscription) mailed as it is: each digest's HTML
part stays under the size mail clients show unclipped, and says what it left out."""
from __future__ import annotations

import email
import email.policy
import re

import pytest

from notify.digest_html import LIMIT
from regwatch.demo import run_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    directory = tmp_path_factory.mktemp("demo")
    found = run_demo(directory, echo=lambda *_: None)
    messages = [email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
                for p in sorted(found["outbox"].glob("*.eml"))]
    return found, messages


def test_every_digest_of_the_demo_is_under_100_kb(demo):
    found, messages = demo
    assert len(messages) == len(found["digests"]) == 2
    for message in messages:
        html = message.get_body(("html",)).get_content()
        assert len(html.encode("utf-8")) < LIMIT == 100 * 1024, message["To"]


def test_decisions_are_one_row_naming_their_rules(demo):
    _, messages = demo
    text = "".join(m.get_body(("plain",)).get_content() for m in messages)
    # 令第13号 repeals several rules at once (the demo's state 2): one row names them all.
    rows = [line for line in text.splitlines() if line.startswith("2024-05-15") and "废止《" in line]
    assert rows and all(row.count("《") >= 3 for row in rows)
    assert "上海市人民政府令第13号" in rows[0]


def test_headers_name_the_source_and_the_way_out(demo):
    _, messages = demo
    for message in messages:
        html = message.get_body(("html",)).get_content()
        assert "上海市人民政府公报" in html and "国务院公报" in html        # display names, not shanghai-gazette
        assert "shanghai-gazette" not in message.get_body(("plain",)).get_content()
        assert re.search(r"订阅「(legal|everything)」", html)
        unsubscribe = message["List-Unsubscribe"]
        assert unsubscribe.startswith("<mailto:") and "http://127.0.0.1:8000/subscriptions" in unsubscribe
        assert "北京时间" in html
        assert "修改前：修改前" not in html
