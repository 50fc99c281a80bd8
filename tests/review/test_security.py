"""Scraped text is untrusted; the UI binds beyond loopback only with a token; unknown ids are 404."""
from __future__ import annotations

import base64
import hashlib
import os
import re
import subprocess
import sys

import pytest
import requests

from diffs.errors import ConfigError
from review import ReviewConfig, create_app, serve
from review.access import check_bind

from review_live import serving


def test_hostile_document_renders_inert_in_html(site, ids):
    page = requests.get(f"{site}/documents/{ids['hostile']}", timeout=10)
    assert page.status_code == 200
    html = page.text
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html                      # shown as text, not dropped
    assert "<img" not in html and not re.search(r"<[^>]*\sonerror\s*=", html)
    assert 'href="javascript:' not in html.lower()
    assert "javascript:alert" in html                   # the scraped URL is visible, as inert text


def test_hostile_event_feed_and_search_are_escaped(site, ids):
    changes = requests.get(f"{site}/", timeout=10).text
    assert "<script>alert" not in changes and 'href="javascript:' not in changes.lower()
    found = requests.get(f"{site}/search", params={"q": "onerror"}, timeout=10).text
    assert "<mark>onerror</mark>" in found
    assert "<img" not in found and not re.search(r"<[^>]*\sonerror\s*=", found)
    feed = requests.get(f"{site}/feed.atom", timeout=10)
    assert "<script>" not in feed.text and "&lt;script&gt;" in feed.text


def test_responses_carry_a_strict_policy(site):
    headers = requests.get(f"{site}/", timeout=10).headers
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_the_only_inline_style_is_the_renderers_admitted_by_hash(site, ids):
    response = requests.get(f"{site}/diff/{ids['law_v1']}/{ids['law_v2']}", timeout=30)
    styles = re.findall(r"<style>(.*?)</style>", response.text, re.S)
    assert len(styles) == 1 and "<script" not in response.text.split("</head>")[1]
    digest = base64.b64encode(hashlib.sha256(styles[0].encode()).digest()).decode()
    assert f"'sha256-{digest}'" in response.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["/documents/999999", "/diff/999998/999999", "/diff/1/999999.docx",
                                  "/documents/1/nowhere", "/issues/view?source=x&issue=y"])
def test_unknown_ids_are_404_pages(site, path):
    response = requests.get(site + path, timeout=10)
    assert response.status_code == 404
    assert "找不到" in response.text and "Content-Security-Policy" in response.headers


def test_unreadable_text_is_a_clear_error_not_500(site, ids):
    with_empty = requests.get(f"{site}/diff/{ids['empty_v1']}/{ids['empty_v2']}", timeout=10)
    assert with_empty.status_code == 422 and "无法处理这份文本" in with_empty.text
    assert "no text" in with_empty.text                          # the engine's own reason
    document = requests.get(f"{site}/documents/{ids['empty_doc']}?v=1", timeout=10)
    assert document.status_code == 200 and "这一版没有可显示的文字" in document.text
    assert "第 2 版" in document.text


def test_bad_date_is_400_not_500(site):
    assert requests.get(f"{site}/audit", params={"date": "2024-13-45"}, timeout=10).status_code == 400


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_non_loopback_without_token_refuses(host, review_store):
    with pytest.raises(ConfigError, match="token"):
        check_bind(host, None)
    with pytest.raises(ConfigError):
        serve(review_store, host=host, port=0)   # refuses before binding, so this returns at once


def test_missing_store_refuses_instead_of_serving_an_empty_one(tmp_path):
    with pytest.raises(ConfigError, match="no store"):
        serve(tmp_path / "typo.db", host="127.0.0.1", port=0)
    assert not (tmp_path / "typo.db").exists()


def test_loopback_needs_no_token():
    for host in ("127.0.0.1", "localhost", "::1"):
        check_bind(host, None)


def test_cli_refuses_non_loopback_without_token(review_store, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "REGWATCH_TEST_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "regwatch", "serve", "--host", "0.0.0.0", "--port", "0",
                             "--store", str(review_store), "--config", str(tmp_path / "none.toml")],
                            capture_output=True, text=True, timeout=60, env=env, cwd=tmp_path)
    assert result.returncode != 0
    assert "token" in result.stderr and "Traceback" not in result.stderr


def test_token_is_required_when_configured(review_store):
    app = create_app(review_store, ReviewConfig(token="s3cret-token"))
    with serving(app) as base:
        assert requests.get(f"{base}/", timeout=10).status_code == 401
        assert requests.get(f"{base}/", headers={"Authorization": "Bearer wrong"}, timeout=10).status_code == 401
        ok = requests.get(f"{base}/", headers={"Authorization": "Bearer s3cret-token"}, timeout=10)
        assert ok.status_code == 200
        session = requests.Session()
        first = session.get(f"{base}/audit", params={"token": "s3cret-token", "date": "2025-01-01"}, timeout=10,
                            allow_redirects=False)
        assert first.status_code == 302 and "token" not in first.headers["Location"]
        assert "date=2025-01-01" in first.headers["Location"]
        assert session.get(f"{base}/audit", timeout=10).status_code == 200   # the cookie now carries it
