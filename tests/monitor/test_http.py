"""PoliteSession against a real HTTP server on 127.0.0.1 (tests/monitor/conftest.py)."""
from __future__ import annotations

import time

import pytest

from diffs.errors import FetchError, InputError
from monitor.encoding import decode
from monitor.http import USER_AGENT, PoliteSession, parse_retry_after

HTML = "<html><head><title>通知</title></head><body><p>第一条　上海市</p></body></html>"


def fast_session(**kw) -> PoliteSession:
    kw.setdefault("backoff", 0.01)
    kw.setdefault("timeout", (1.0, 1.0))
    kw.setdefault("deadline", 10.0)
    return PoliteSession(**kw)


def html_route(site, body: str = HTML, etag: str = 'W/"66272ab2-268c"', content_type: str = "text/html"):
    def route(handler, before):
        if handler.headers.get("If-None-Match") == etag:
            site.reply(handler, 304, headers={"ETag": etag})
        else:
            site.reply(handler, 200, body.encode("utf-8"), {"Content-Type": content_type, "ETag": etag,
                                                       "Last-Modified": "Mon, 03 Mar 2025 08:00:00 GMT"})
    return route


def test_get_decodes_utf8_without_charset_and_sends_user_agent(site):
    site.routes["/a.html"] = html_route(site)
    with fast_session() as session:
        page = session.get(site.url("/a.html"))
    assert page.status == 200 and not page.not_modified
    assert "上海市" in page.text and page.encoding == "utf-8"
    assert page.etag == 'W/"66272ab2-268c"'
    (_, headers), = [h for h in site.hits if h[0] == "/a.html"]
    assert headers["user-agent"] == USER_AGENT


def test_conditional_get_returns_not_modified_without_body(site):
    site.routes["/a.html"] = html_route(site)
    with fast_session() as session:
        first = session.get(site.url("/a.html"))
        second = session.get(site.url("/a.html"), etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.status == 304 and second.content == b""
    headers = site.hits[-1][1]
    assert headers["if-none-match"] == first.etag
    assert headers["if-modified-since"] == "Mon, 03 Mar 2025 08:00:00 GMT"


def test_gbk_page_decodes_as_gb18030(site):
    text = "上海市人民政府令第13号 《上海市行政执法证管理办法》已经市政府常务会议通过，现予公布。" * 3
    site.routes["/old.html"] = lambda h, n: site.reply(h, 200, text.encode("gbk"), {"Content-Type": "text/html"})
    site.routes["/declared.html"] = lambda h, n: site.reply(h, 200, text.encode("gbk"),
                                                       {"Content-Type": "text/html; charset=GB2312"})
    with fast_session() as session:
        detected = session.get(site.url("/old.html"))
        declared = session.get(site.url("/declared.html"))
    assert detected.text == text == declared.text
    assert declared.encoding == "gb18030"


def test_robots_txt_is_honoured_per_host(site):
    site.routes["/robots.txt"] = lambda h, n: site.reply(h, 200, b"User-agent: *\nDisallow: /private/\n",
                                                    {"Content-Type": "text/plain"})
    site.routes["/private/x.html"] = html_route(site)
    site.routes["/public.html"] = html_route(site)
    with fast_session() as session:
        assert session.get(site.url("/public.html")).status == 200
        with pytest.raises(FetchError, match="robots.txt"):
            session.get(site.url("/private/x.html"))
        session.get(site.url("/public.html"))
    assert site.count("/private/x.html") == 0
    assert site.count("/robots.txt") == 1  # fetched once per host, then cached


def test_missing_robots_txt_allows_everything(site):
    site.routes["/a.html"] = html_route(site)
    with fast_session() as session:
        assert session.get(site.url("/a.html")).status == 200
    assert site.count("/robots.txt") == 1


def test_min_interval_spaces_requests_to_one_host(site):
    site.routes["/a.html"] = html_route(site)
    with fast_session(min_interval=0.3) as session:
        start = time.monotonic()
        for _ in range(3):
            session.get(site.url("/a.html"))
        elapsed = time.monotonic() - start
    # robots.txt + 3 pages = 4 requests, 3 gaps of at least 0.3 s
    assert elapsed >= 0.9


def test_robots_crawl_delay_lengthens_the_interval(site):
    site.routes["/robots.txt"] = lambda h, n: site.reply(h, 200, b"User-agent: *\nCrawl-delay: 1\n")
    site.routes["/a.html"] = html_route(site)
    with fast_session() as session:
        session.get(site.url("/robots.txt"))  # robots.txt read and the host's clock started
        start = time.monotonic()
        session.get(site.url("/a.html"))
        session.get(site.url("/a.html"))
    # The robots.txt delay holds between requests to the host: two pages cannot both come within 1 s.
    assert time.monotonic() - start >= 1.0


def test_loopback_hosts_get_no_interval_by_default_real_hosts_do():
    session = PoliteSession()
    assert session.interval_for("127.0.0.1:8000") == 0.0
    assert session.interval_for("localhost") == 0.0
    assert session.interval_for("www.shanghai.gov.cn") == 5.0
    assert PoliteSession(min_interval=1.5).interval_for("127.0.0.1:1") == 1.5


def test_retries_5xx_then_succeeds(site):
    def flaky(handler, before):
        if before < 2:
            site.reply(handler, 503, b"busy")
        else:
            html_route(site)(handler, before)
    site.routes["/flaky.html"] = flaky
    with fast_session(retries=3) as session:
        page = session.get(site.url("/flaky.html"))
    assert page.status == 200 and site.count("/flaky.html") == 3


def test_gives_up_after_retries_with_clear_error(site):
    site.routes["/down.html"] = lambda h, n: site.reply(h, 500, b"error")
    with fast_session(retries=2) as session:
        with pytest.raises(FetchError, match=r"HTTP 500 \(gave up after 3 attempts\)"):
            session.get(site.url("/down.html"))
    assert site.count("/down.html") == 3


def test_429_honours_retry_after(site):
    def limited(handler, before):
        if before == 0:
            site.reply(handler, 429, b"slow down", {"Retry-After": "1"})
        else:
            html_route(site)(handler, before)
    site.routes["/limited.html"] = limited
    with fast_session() as session:
        start = time.monotonic()
        page = session.get(site.url("/limited.html"))
    assert page.status == 200
    assert time.monotonic() - start >= 1.0


def test_retry_after_is_capped_by_max_retry_after(site):
    def limited(handler, before):
        if before == 0:
            site.reply(handler, 429, b"slow down", {"Retry-After": "3600"})
        else:
            html_route(site)(handler, before)
    site.routes["/limited.html"] = limited
    with fast_session(max_retry_after=0.2) as session:
        start = time.monotonic()
        assert session.get(site.url("/limited.html")).status == 200
    assert time.monotonic() - start < 10  # not 3600 s


def test_parse_retry_after_forms():
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    assert 0 <= parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") <= 0.0 + 1  # in the past -> 0


def test_read_timeout_is_retried_then_fails_within_deadline(site):
    site.routes["/slow.html"] = site.slow(3)
    with fast_session(timeout=(1.0, 0.3), retries=1) as session:
        start = time.monotonic()
        with pytest.raises(FetchError, match="ReadTimeout|Timeout"):
            session.get(site.url("/slow.html"))
    assert time.monotonic() - start < 2.9  # two attempts of 0.3 s, not the 3 s the server takes
    assert site.count("/slow.html") == 2


def test_overall_deadline_stops_a_dripping_body(site):
    def drip(handler, before):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        for _ in range(100):  # one small chunk every 0.1 s: no read timeout ever fires
            handler.wfile.write(b"<p>x</p>" * 1000)
            handler.wfile.flush()
            time.sleep(0.1)
    site.routes["/drip.html"] = drip
    with fast_session(deadline=1.0) as session:
        start = time.monotonic()
        with pytest.raises(FetchError, match="deadline"):
            session.get(site.url("/drip.html"))
    assert time.monotonic() - start < 5  # the body would take 10 s


def _drip(data: bytes, every: float):
    """Write `data` one byte at a time, `every` seconds apart (far below any read timeout)."""
    def write(handler) -> None:
        for byte in data:
            handler.wfile.write(bytes([byte]))
            handler.wfile.flush()
            time.sleep(every)
    return write


def seconds_to_fail(site, path: str) -> float:
    """How long a GET with a 1.5 s deadline took to fail on the deadline."""
    with fast_session(deadline=1.5, timeout=(1.0, 1.0), retries=0) as session:
        start = time.monotonic()
        with pytest.raises(FetchError, match="deadline"):
            session.get(site.url(path))
        return time.monotonic() - start


def test_deadline_holds_when_the_body_drips_one_byte_at_a_time(site):
    body = ("<html><body>" + "第一条　上海市" * 200 + "</body></html>").encode("utf-8")

    def drip(handler, before):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))  # 3 kB at 50 bytes/s: a minute
        handler.end_headers()
        _drip(body, 0.02)(handler)
    site.routes["/drip1.html"] = drip
    assert seconds_to_fail(site, "/drip1.html") < 1.5 + 0.5


def test_deadline_holds_when_the_status_line_and_headers_drip(site):
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n" + b"X-Padding: " + b"a" * 400 + b"\r\n\r\n"

    def drip(handler, before):
        _drip(head, 0.02)(handler)  # 460 bytes at 50 bytes/s: nine seconds before the body starts
    site.routes["/drip2.html"] = drip
    assert seconds_to_fail(site, "/drip2.html") < 1.5 + 1.5  # the watchdog's grace (1 s) plus a margin


def test_truncated_body_is_retried_then_reported(site):
    def truncated(handler, before):
        handler.send_response(200)
        handler.send_header("Content-Length", "5000")
        handler.end_headers()
        handler.wfile.write(b"<p>only part</p>")
        handler.close_connection = True
    site.routes["/cut.html"] = truncated
    with fast_session(retries=1) as session:
        with pytest.raises(FetchError, match="gave up after 2 attempts"):
            session.get(site.url("/cut.html"))
    assert site.count("/cut.html") == 2


def test_oversized_body_is_stopped(site):
    big = b"<p>" + b"x" * 200_000 + b"</p>"
    site.routes["/declared.html"] = lambda h, n: site.reply(h, 200, big, {"Content-Type": "text/html"})

    def undeclared(handler, before):
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html")
        handler.end_headers()
        handler.close_connection = True
        handler.wfile.write(big)
    site.routes["/undeclared.html"] = undeclared
    with fast_session(max_bytes=100_000, retries=0) as session:
        with pytest.raises(FetchError, match="exceeds the limit"):
            session.get(site.url("/declared.html"))
        with pytest.raises(FetchError, match="exceeds the limit"):
            session.get(site.url("/undeclared.html"))


def test_redirects_followed_within_host_refused_to_foreign_host(site, other_site):
    site.routes["/a.html"] = html_route(site)
    site.routes["/moved.html"] = lambda h, n: site.reply(h, 301, headers={"Location": "/a.html"})
    site.routes["/away.html"] = lambda h, n: site.reply(h, 302, headers={"Location": other_site.url("/a.html")})
    other_site.routes["/a.html"] = html_route(site)
    with fast_session() as session:
        page = session.get(site.url("/moved.html"))
        assert page.url == site.url("/a.html") and "上海市" in page.text
        with pytest.raises(FetchError, match="foreign host"):
            session.get(site.url("/away.html"))
    assert other_site.count("/a.html") == 0
    with fast_session(allowed_hosts={site.netloc, other_site.netloc}) as session:
        assert session.get(site.url("/away.html")).url == other_site.url("/a.html")


def test_connection_refused_is_a_fetch_error(site):
    url = site.url("/a.html")
    site.server.shutdown()
    site.server.server_close()
    with fast_session(retries=1) as session:
        with pytest.raises(FetchError, match="robots.txt unavailable"):
            session.get(url)


def test_404_is_a_fetch_error(site):
    with fast_session() as session:
        with pytest.raises(FetchError, match="HTTP 404") as info:
            session.get(site.url("/nothing.html"))
    assert info.value.status == 404


def test_decode_rules():
    assert decode("<meta charset=gbk>通知".encode("gbk")).encoding == "gb18030"
    assert decode("\ufeff[{}]".encode("utf-8")).text == "[{}]"
    assert decode("上海".encode("utf-8"), "text/html; charset=ISO-8859-1").text == "上海"
    with pytest.raises(InputError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00")


def test_a_time_limit_strikes_again_when_its_first_strike_is_swallowed():
    """An asynchronous exception can land in a gc callback or a __del__, where Python ignores it:
    the watchdog strikes again until the block is left."""
    from monitor.budget import OverBudget, time_limit

    swallowed = []
    started = time.monotonic()
    with pytest.raises(OverBudget, match="time limit of 0.2s"):
        with time_limit(0.2):
            try:
                while time.monotonic() - started < 5:
                    pass
            except OverBudget:
                swallowed.append(time.monotonic() - started)   # ignored, as a gc callback would
            while time.monotonic() - started < 5:
                pass
    assert len(swallowed) == 1 and time.monotonic() - started < 2
