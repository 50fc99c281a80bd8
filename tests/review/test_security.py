"""Scraped text is untrusted; the UI binds beyond loopback only with a token; unknown ids are 404;
the Host header is checked (DNS rebinding), the token travels in headers or a cookie and is never
logged, pages never create a store, and state changes need POST with a CSRF token."""
from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from diffs.errors import ConfigError
from monitor.config import load
from review import ReviewConfig, create_app, serve
from review.access import check_bind, csrf_protected

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


TOKEN = "s3cret-token-value"


def raw_get(base: str, path: str, host: str | None, extra: str = "") -> tuple[int, str]:
    """One HTTP/1.1 request written by hand, so the Host header is exactly what a rebinding attacker's
    browser would send (requests would fix it)."""
    port = int(base.rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        head = f"GET {path} HTTP/1.1\r\n" + (f"Host: {host}\r\n" if host is not None else "") + extra
        s.sendall((head + "Connection: close\r\n\r\n").encode())
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    status_line, _, rest = data.decode("utf-8", "replace").partition("\r\n")
    return int(status_line.split()[1]), rest


@pytest.mark.parametrize("host, status", [
    ("127.0.0.1:{port}", 200), ("localhost:{port}", 200), ("[::1]:{port}", 200), ("LOCALHOST", 200),
    ("rebind.attacker.example:{port}", 421), ("127.0.0.1.nip.io:{port}", 421), ("localhost.attacker.example", 421),
    ("", 421), (None, 421)])
def test_host_header_must_name_an_allowed_host(site, host, status):
    port = site.rsplit(":", 1)[1]
    code, body = raw_get(site, "/", host.format(port=port) if host is not None else None)
    assert code == status
    if status == 421:
        assert "DNS 重绑定" in body and "regwatch" in body   # the refusal says why, and leaks no data
        assert "上海市" not in body


def test_configured_host_names_are_answered(review_store):
    app = create_app(review_store, ReviewConfig(token=TOKEN, hosts=("review.example.cn", "localhost")))
    with serving(app) as base:
        auth = f"Authorization: Bearer {TOKEN}\r\n"
        assert raw_get(base, "/", "review.example.cn", auth)[0] == 200
        assert raw_get(base, "/", "127.0.0.1", auth)[0] == 421   # only the names configured


@pytest.mark.browser
def test_dns_rebinding_in_chromium_is_refused(site, browser):
    """Chromium resolves an attacker's name to 127.0.0.1 (what a rebinding DNS server does): the page
    it loads is the refusal, and a script on it could read nothing of the store."""
    port = site.rsplit(":", 1)[1]
    # A Chromium of its own: the resolver rule is a launch argument.
    rebound = browser.browser_type.launch(executable_path="/usr/bin/chromium", headless=True,
                                          args=["--no-sandbox", "--disable-gpu", "--no-first-run",
                                                "--host-resolver-rules=MAP rebind.attacker.test 127.0.0.1"])
    try:
        page = rebound.new_page()
        response = page.goto(f"http://rebind.attacker.test:{port}/")
        assert response.status == 421 and "DNS 重绑定" in page.content()
        fetched = page.evaluate("fetch('/documents').then(r => r.status)")
        assert fetched == 421
        same = page.goto(f"{site}/")                 # the real loopback name still works
        assert same.status == 200
    finally:
        rebound.close()


def test_token_from_header_or_login_cookie_never_from_the_url(review_store):
    app = create_app(review_store, ReviewConfig(token=TOKEN))
    with serving(app) as base:
        assert requests.get(f"{base}/", timeout=10).status_code == 401
        assert requests.get(f"{base}/", headers={"Authorization": "Bearer wrong"}, timeout=10).status_code == 401
        assert requests.get(f"{base}/", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10).status_code == 200
        assert requests.get(f"{base}/", headers={"X-Regwatch-Token": TOKEN}, timeout=10).status_code == 200
        in_url = requests.get(f"{base}/audit", params={"token": TOKEN}, timeout=10, allow_redirects=False)
        assert in_url.status_code == 400 and "/login" in in_url.text and "Set-Cookie" not in in_url.headers

        browser = requests.Session()
        page = browser.get(f"{base}/audit?date=2025-01-01", headers={"Accept": "text/html"}, timeout=10)
        assert page.status_code == 401 and 'name="token"' in page.text   # a browser gets the login form
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        wrong = browser.post(f"{base}/login", data={"token": "wrong", "csrf_token": csrf, "next": "/audit"}, timeout=10)
        assert wrong.status_code == 401 and "令牌不正确" in wrong.text
        forged = requests.post(f"{base}/login", data={"token": TOKEN, "next": "/"}, timeout=10, allow_redirects=False)
        assert forged.status_code == 403                                  # no CSRF token: refused
        ok = browser.post(f"{base}/login", data={"token": TOKEN, "csrf_token": csrf, "next": "/audit?date=2025-01-01"},
                          timeout=10, allow_redirects=False)
        assert ok.status_code == 302 and ok.headers["Location"] == "/audit?date=2025-01-01"
        cookie = ok.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and TOKEN not in cookie
        assert browser.get(f"{base}/audit", timeout=10).status_code == 200
        away = browser.post(f"{base}/login", data={"token": TOKEN, "csrf_token": csrf, "next": "//evil.example/"},
                            timeout=10, allow_redirects=False)
        assert away.headers["Location"] == "/"                             # no open redirect


def _serve_cli(config: Path, env: dict) -> tuple[subprocess.Popen, str]:
    """`regwatch serve` in a child process; returns it and the base URL it printed."""
    child = subprocess.Popen([sys.executable, "-m", "regwatch", "serve", "--port", "0", "--config", str(config)],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = child.stdout.readline()
    match = re.search(r"(http://127\.0\.0\.1:\d+)/", line)
    if not match:
        child.kill()
        pytest.fail(f"serve did not start: {line} {child.stderr.read()}")
    return child, match.group(1)


def test_config_token_env_is_honoured_and_the_token_is_never_logged(review_store, tmp_path):
    config = tmp_path / "regwatch.toml"
    config.write_text(f'[store]\npath = "{review_store}"\n\n[review]\ntoken_env = "REGWATCH_TEST_REVIEW_TOKEN"\n',
                      encoding="utf-8")
    env = {**os.environ, "REGWATCH_TEST_REVIEW_TOKEN": TOKEN, "PYTHONPATH": os.pathsep.join(sys.path)}
    child, base = _serve_cli(config, env)
    try:
        assert requests.get(f"{base}/", timeout=10).status_code == 401
        assert requests.get(f"{base}/", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=10).status_code == 200
        assert requests.get(f"{base}/audit?date=2025-01-01&token={TOKEN}", timeout=10).status_code == 400
        assert requests.get(f"{base}/search?q=x&access_token={TOKEN}", timeout=10).status_code == 401
        time.sleep(0.3)  # let the server flush its log lines
    finally:
        child.terminate()
        _, log = child.communicate(timeout=10)
    assert "GET /audit?date=2025-01-01&token=*** HTTP/1.1" in log and "access_token=***" in log
    assert TOKEN not in log


def test_config_token_env_unset_refuses_to_start(review_store, tmp_path):
    config = tmp_path / "regwatch.toml"
    config.write_text(f'[store]\npath = "{review_store}"\n\n[review]\ntoken_env = "REGWATCH_TEST_UNSET_TOKEN"\n',
                      encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "REGWATCH_TEST_UNSET_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "regwatch", "serve", "--port", "0", "--config", str(config)],
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 2 and "REGWATCH_TEST_UNSET_TOKEN" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("table, key", [
    ('[review]\nurl = "http://127.0.0.1:8000"\ntoken_envv = "X"\n', "token_envv"),
    ('[mail]\nhost = "127.0.0.1"\npasword_env = "X"\n', "pasword_env"),
    ('[[subscription]]\nemails = ["a@example.cn"]\nchanels = ["json://127.0.0.1/x"]\n', "chanels"),
    ('[store]\npath = "x.db"\nuser = "me"\n', "user")])
def test_unknown_config_keys_are_rejected_with_file_line_and_key(tmp_path, table, key):
    path = tmp_path / "regwatch.toml"
    path.write_text(f"expiring_days = 30\n\n{table}", encoding="utf-8")
    with pytest.raises(ConfigError) as failure:
        load(path)
    message = str(failure.value)
    assert message.startswith(f"{path}:5: ")            # line 5: the third line of the table
    assert "unknown key" in message and message.endswith(f"(key {key!r})")


def test_a_deleted_store_is_an_error_page_and_never_recreated(review_store, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(review_store, path)
    app = create_app(path)
    with serving(app) as base:
        assert requests.get(f"{base}/", timeout=10).status_code == 200
        for leftover in tmp_path.glob("copy.db*"):
            leftover.unlink()
        for page in ("/", "/documents", "/search?q=条例", "/audit.csv"):
            response = requests.get(base + page, timeout=10)
            assert response.status_code == 503 and "no store at" in response.text
        assert list(tmp_path.iterdir()) == []


def test_state_changes_need_post_to_a_protected_view_with_the_csrf_token(review_store):
    app = create_app(review_store)
    changed = []

    @app.post("/test-mark")
    @csrf_protected
    def mark():
        changed.append(1)
        return "marked"

    @app.post("/test-unprotected")
    def unprotected():
        changed.append(2)
        return "changed"

    with serving(app) as base:
        browser = requests.Session()
        login_page = browser.get(f"{base}/login", timeout=10).text   # any page with a form sets the CSRF cookie
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', login_page).group(1)
        assert browser.post(f"{base}/test-mark", timeout=10).status_code == 403
        assert browser.post(f"{base}/test-mark", data={"csrf_token": "guess"}, timeout=10).status_code == 403
        foreign = browser.post(f"{base}/test-mark", data={"csrf_token": csrf}, timeout=10,
                               headers={"Origin": "http://attacker.example"})
        assert foreign.status_code == 403
        # Another client (a foreign page's request carries no cookie of ours) with a stolen field value:
        assert requests.post(f"{base}/test-mark", data={"csrf_token": csrf}, timeout=10).status_code == 403
        assert changed == []
        assert browser.post(f"{base}/test-mark", data={"csrf_token": csrf}, timeout=10).text == "marked"
        assert browser.post(f"{base}/test-mark", headers={"X-CSRF-Token": csrf}, timeout=10).text == "marked"
        assert browser.post(f"{base}/test-unprotected", data={"csrf_token": csrf}, timeout=10).status_code == 405
        assert browser.delete(f"{base}/test-mark", timeout=10).status_code == 405
    assert changed == [1, 1]


@pytest.mark.parametrize("command", [["events"], ["documents"], ["status"], ["history", "1"], ["subscriptions"],
                                     ["outbox"], ["digest"], ["diff", "1@1", "1@2"], ["serve", "--port", "0"]])
def test_read_only_commands_never_create_a_store(tmp_path, command):
    config = tmp_path / "regwatch.toml"
    config.write_text('[store]\npath = "data/typo.db"\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "regwatch", *command, "--config", str(config)],
                            capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "does not exist" in result.stderr and "typo.db" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["regwatch.toml"]   # not even the folder
