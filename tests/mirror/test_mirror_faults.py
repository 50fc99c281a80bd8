"""HTTP behaviour of the mirror: conditional GET, the control endpoint and every injected fault."""
from __future__ import annotations

import http.client
import socket
import time

import pytest
import requests

from mirror.server import HANG_LIMIT_S

SH = "www.shanghai.gov.cn"
INDEX = "/nw2404/index.html"


def url(mirror, path: str, host: str = SH) -> str:
    return mirror.urls[host] + path


def raw_get(mirror, path: str, host: str = SH,
            timeout: float = 10) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
    hostname, port = mirror.urls[host].removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(hostname, int(port), timeout=timeout)
    conn.request("GET", path)
    return conn.getresponse(), conn


def test_conditional_get_answers_304(mirror):
    first = requests.get(url(mirror, INDEX), timeout=5)
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('W/"') and modified.endswith("GMT")
    by_etag = requests.get(url(mirror, INDEX), headers={"If-None-Match": etag}, timeout=5)
    by_date = requests.get(url(mirror, INDEX), headers={"If-Modified-Since": modified}, timeout=5)
    stale = requests.get(url(mirror, INDEX), headers={"If-None-Match": 'W/"0-0"'}, timeout=5)
    assert (by_etag.status_code, by_date.status_code, stale.status_code) == (304, 304, 200)
    assert by_etag.content == b"" and by_etag.headers["ETag"] == etag
    hits = mirror.hits_for(INDEX)
    assert [(h.status, h.conditional) for h in hits] == [(200, False), (304, True), (304, True), (200, True)]
    mirror.set_state(2)  # the index changes in state 2 (a new year): the old ETag no longer matches
    changed = requests.get(url(mirror, INDEX), headers={"If-None-Match": etag}, timeout=5)
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_control_endpoint_on_every_port(mirror):
    for base in mirror.urls.values():
        assert requests.get(base + "/__mirror__/state", timeout=5).json()["state"] == mirror.state
    assert requests.post(url(mirror, "/__mirror__/advance"), timeout=5).json()["state"] == 1
    assert mirror.state == 1
    reply = requests.post(url(mirror, "/__mirror__/state?n=3", "www.gov.cn"), timeout=5)
    assert reply.json() == {"state": 3, "max_state": 3, "urls": mirror.urls}
    assert requests.post(url(mirror, "/__mirror__/advance"), timeout=5).status_code == 409
    assert requests.post(url(mirror, "/__mirror__/state?n=7"), timeout=5).status_code == 409
    assert requests.post(url(mirror, "/__mirror__/state"), timeout=5).status_code == 409
    assert mirror.state == 3
    assert not mirror.hits  # control requests are not part of the request log
    with pytest.raises(ValueError):
        mirror.set_state(4)


def test_unknown_path_is_404(mirror):
    assert requests.get(url(mirror, "/nw2404/nope.html"), timeout=5).status_code == 404


def test_slow(mirror):
    mirror.set_fault(SH, "/nw2404/*", "slow", delay=0.4)
    started = time.monotonic()
    assert requests.get(url(mirror, INDEX), timeout=5).status_code == 200
    assert time.monotonic() - started >= 0.4
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(url(mirror, INDEX), timeout=0.1)


def test_hang_is_bounded_then_closes(mirror):
    mirror.set_fault(SH, INDEX, "hang", seconds=0.5)
    with pytest.raises(socket.timeout):
        raw_get(mirror, INDEX, timeout=0.2)
    started = time.monotonic()
    with pytest.raises(http.client.RemoteDisconnected):
        raw_get(mirror, INDEX, timeout=5)
    assert 0.4 <= time.monotonic() - started < 3
    assert mirror.hang_limit == HANG_LIMIT_S <= 30
    mirror.hang_limit = 0.3  # however long a fault asks for, a hang ends at the limit
    mirror.set_fault(SH, INDEX, "hang", seconds=3600)
    started = time.monotonic()
    with pytest.raises(http.client.RemoteDisconnected):
        raw_get(mirror, INDEX, timeout=10)
    assert time.monotonic() - started < 3


def test_status_500_transient(mirror):
    mirror.set_fault(SH, INDEX, "status", times=2, code=500)
    codes = [requests.get(url(mirror, INDEX), timeout=5).status_code for _ in range(3)]
    assert codes == [500, 500, 200]
    assert [h.fault for h in mirror.hits_for(INDEX)] == ["status", "status", None]


def test_rate_limit_sends_retry_after(mirror):
    mirror.set_fault("*", "/gongbao/*", "rate_limit", retry_after=7)
    reply = requests.get(url(mirror, "/gongbao/gbgl.json", "www.gov.cn"), timeout=5)
    assert reply.status_code == 429 and reply.headers["Retry-After"] == "7"
    assert requests.get(url(mirror, INDEX), timeout=5).status_code == 200  # another path: unaffected


def test_truncated_body(mirror):
    mirror.set_fault(SH, INDEX, "truncate", missing=100)
    response, conn = raw_get(mirror, INDEX)
    declared = int(response.getheader("Content-Length"))
    with pytest.raises(http.client.IncompleteRead) as caught:
        response.read()
    assert len(caught.value.partial) == declared - 100
    conn.close()
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(url(mirror, INDEX), timeout=5)


def test_no_charset_header(mirror):
    issue = "/gongbao/2013/issue_3923/"
    assert requests.get(url(mirror, issue, "www.gov.cn"), timeout=5).headers["Content-Type"] == "text/html; charset=utf-8"
    mirror.set_fault("www.gov.cn", issue, "no_charset")
    reply = requests.get(url(mirror, issue, "www.gov.cn"), timeout=5)
    assert reply.headers["Content-Type"] == "text/html"
    assert reply.encoding == "ISO-8859-1"  # what a client that trusts the header would do


def test_gbk_body(mirror):
    plain = requests.get(url(mirror, INDEX), timeout=5).content.decode("utf-8")
    mirror.set_fault(SH, INDEX, "gbk")
    raw = requests.get(url(mirror, INDEX), timeout=5).content
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gb18030")
    assert "charset=gb2312" in text and text.replace("charset=gb2312", "charset=utf-8") == plain


def test_changed_layout_keeps_words_but_not_selectors(mirror):
    path = "/gongbao/content/2013/content_2591512.htm"  # an old issue's legacy content URL
    plain = requests.get(url(mirror, path, "www.gov.cn"), timeout=5).content.decode("utf-8")
    mirror.set_fault("www.gov.cn", "*/content_*", "layout")
    changed = requests.get(url(mirror, path, "www.gov.cn"), timeout=5).content.decode("utf-8")
    assert "UCAP-CONTENT" in plain and "UCAP-CONTENT" not in changed and "pages_content" not in changed
    assert "第一条 为统一全国年节及纪念日的假期，制定本办法。" in changed


def test_redirect_to_foreign_host(mirror):
    mirror.set_fault(SH, INDEX, "foreign_redirect")
    reply = requests.get(url(mirror, INDEX), allow_redirects=False, timeout=5)
    assert reply.status_code == 302 and reply.headers["Location"] == f"http://foreign.invalid{INDEX}"


def test_oversized_body_streams_until_the_client_stops(mirror):
    mirror.set_fault(SH, INDEX, "oversize", size=20 * 1024 * 1024)
    with requests.get(url(mirror, INDEX), stream=True, timeout=5) as reply:
        assert int(reply.headers["Content-Length"]) == 20 * 1024 * 1024
        received = 0
        for chunk in reply.iter_content(64 * 1024):
            received += len(chunk)
            if received > 1024 * 1024:
                break  # a client's size limit
    assert received > 1024 * 1024
    mirror.clear_faults()
    assert requests.get(url(mirror, INDEX), timeout=5).status_code == 200  # the server is still well


def test_unknown_fault_is_refused(mirror):
    with pytest.raises(ValueError, match="unknown fault"):
        mirror.set_fault(SH, INDEX, "explode")


def free_port_run(count: int = 3) -> int:
    """A base port with ``count`` consecutive free ports after it."""
    for _ in range(50):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            base = probe.getsockname()[1]
        if base + count > 65535:
            continue
        sockets = []
        try:
            for offset in range(count):
                s = socket.socket()
                sockets.append(s)
                s.bind(("127.0.0.1", base + offset))
            return base
        except OSError:
            continue
        finally:
            for s in sockets:
                s.close()
    raise RuntimeError("no run of free ports")


def test_fixed_ports_and_state():
    from mirror.server import MirrorServer

    base = free_port_run()
    with MirrorServer(state=1, port=base) as fixed:
        assert list(fixed.urls.values()) == [f"http://127.0.0.1:{base + i}" for i in range(3)]
        assert requests.get(fixed.urls[SH] + "/__mirror__/state", timeout=5).json()["state"] == 1


def test_head_sends_headers_only(mirror):
    full = requests.get(url(mirror, INDEX), timeout=5)
    head = requests.head(url(mirror, INDEX), timeout=5)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["Content-Length"] == str(len(full.content)) and head.headers["ETag"] == full.headers["ETag"]
