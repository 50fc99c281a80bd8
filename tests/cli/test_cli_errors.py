"""The exception tree: data in constructor fields (as httpx's exceptions carry theirs), the exit
status a class attribute, and what reaches the user one line long."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from diffs.errors import (ConfigError, FetchError, InputError, MailError, ParseError, RegwatchError, SourceError,
                          StoreError)
from mirror.server import MirrorServer
from monitor.http import PoliteSession
from snapshots import Store


def test_fields_and_messages():
    gone = FetchError("GET http://127.0.0.1:9/a.html: HTTP 410", url="http://127.0.0.1:9/a.html", status=410)
    assert (gone.url, gone.status, str(gone)) == ("http://127.0.0.1:9/a.html", 410, "GET http://127.0.0.1:9/a.html: HTTP 410")
    refused = FetchError("robots.txt unavailable")
    assert refused.url is None and refused.status is None
    layout = SourceError("http://127.0.0.1:9/list.html", "rows of table.r-table", "no table")
    assert (layout.url, layout.expected, layout.found) == ("http://127.0.0.1:9/list.html", "rows of table.r-table",
                                                           "no table")
    assert str(layout) == "http://127.0.0.1:9/list.html: expected rows of table.r-table; found no table"


@pytest.mark.parametrize("error", [InputError, ParseError, ConfigError, StoreError, FetchError, SourceError, MailError])
def test_exit_code_is_a_class_attribute(error):
    assert issubclass(error, RegwatchError) and error.exit_code == 2 and "exit_code" not in vars(error)


def test_a_real_404_and_a_changed_layout_carry_their_data(tmp_path):
    with MirrorServer(state=0) as mirror:
        base = mirror.urls["www.gov.cn"]
        with PoliteSession(min_interval=0, retries=0) as session:
            with pytest.raises(FetchError) as info:
                session.get(f"{base}/no/such/page.html")
        assert (info.value.url, info.value.status) == (f"{base}/no/such/page.html", 404)
        config = tmp_path / "regwatch.toml"
        config.write_text(f'[store]\npath = "regwatch.db"\n\n[[source]]\nname = "gongbao"\nkind = "gov-gongbao"\n'
                          f'url = "{base}/gongbao/gbgl.json"\n', encoding="utf-8")
        mirror.set_fault("www.gov.cn", "/gongbao/*", "layout")
        run = subprocess.run([sys.executable, "-m", "regwatch", "check", "--config", str(config), "--format", "json"],
                             capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert run.returncode == 1 and json.loads(run.stdout)["sources"][0]["failed"]
    with Store(tmp_path / "regwatch.db") as store:
        (event,) = store.events(kind="source_error")
    # The adapter's SourceError reached the event whole: the page, what was expected, what was found.
    assert event["url"].startswith(base) and event["payload"]["expected"] and event["payload"]["found"]
    assert event["payload"]["error"] == f"{event['url']}: expected {event['payload']['expected']}; " \
                                        f"found {event['payload']['found']}"
