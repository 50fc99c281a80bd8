"""PoliteSession: the one way regwatch fetches a page from a government site.

Government hosts are slow, rate-limit crawlers and sometimes fail; the monitor runs unattended. So
every request honours robots.txt, waits a minimum interval per host, revalidates with ETag /
Last-Modified, retries transient failures with backoff (honouring Retry-After), caps the size of the
body and the total time spent, and only follows redirects to hosts the source allows. Every failure
ends in a FetchError whose message says what went wrong; nothing waits unboundedly.
"""
from __future__ import annotations

import email.utils
import ipaddress
import random
import time
import urllib.robotparser
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from diffs.errors import FetchError, InputError
from monitor.budget import OverBudget, time_limit
from monitor.encoding import decode

# Identifies the crawler to site operators; a deployment passes its own contact (user_agent=...).
USER_AGENT = "regwatch/0.1 (+contact)"
DEFAULT_INTERVAL = 5.0
REDIRECT_STATUSES = {301, 302, 303, 307, 308}
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_REDIRECTS = 5
# Socket reads return whatever has arrived, at most this much: a server dripping a byte at a time
# gives control back after every byte, so the deadline is checked whatever the drip rate.
SMALL_READ = 16 * 1024
# The watchdog behind the socket timeouts (a status line and headers dripped slowly never trip a
# per-read timeout) strikes this long after the deadline, leaving the checks between reads to
# report first.
WATCHDOG_GRACE = 1.0


@dataclass
class Page:
    """One HTTP response. ``content`` is empty and ``not_modified`` true for a 304."""

    url: str
    status: int
    content: bytes
    headers: dict[str, str] = field(default_factory=dict)
    not_modified: bool = False

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @cached_property
    def _decoded(self):
        try:
            return decode(self.content, self.content_type, what=self.url)
        except InputError as err:
            raise FetchError(str(err), url=self.url) from err

    @property
    def text(self) -> str:
        return self._decoded.text if self.content else ""

    @property
    def encoding(self) -> str | None:
        return self._decoded.encoding if self.content else None

    @property
    def etag(self) -> str | None:
        return self.headers.get("etag")

    @property
    def last_modified(self) -> str | None:
        return self.headers.get("last-modified")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class PoliteSession:
    """A requests session that behaves like a considerate crawler.

    ``min_interval`` None means 5 s between requests to a real host and none to a loopback host (the
    offline mirror); a number applies to every host. ``allowed_hosts`` (host or host:port) limits
    where redirects may lead; None means: only the host of the URL asked for. ``timeout`` is
    (connect, read) seconds per attempt and ``deadline`` caps one ``get`` with all its retries.
    ``robots``: a dict of robots.txt rules by host to share with other sessions (one cycle's sources).
    """

    def __init__(self, user_agent: str = USER_AGENT, min_interval: float | None = None,
                 allowed_hosts: set[str] | list[str] | None = None, max_bytes: int = 20 * 1024 * 1024,
                 timeout: tuple[float, float] = (5.0, 20.0), retries: int = 3, deadline: float = 60.0,
                 backoff: float = 0.5, max_retry_after: float = 30.0,
                 robots: dict[str, urllib.robotparser.RobotFileParser] | None = None) -> None:
        self.user_agent = user_agent
        self.min_interval = min_interval
        self.allowed_hosts = set(allowed_hosts) if allowed_hosts is not None else None
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.retries = retries
        self.deadline = deadline
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self._last_request: dict[str, float] = {}
        # robots.txt rules by host; the sessions of one cycle share them (each host's read once a cycle)
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {} if robots is None else robots
        self._http = requests.Session()
        self._http.headers["User-Agent"] = user_agent
        self._http.trust_env = False  # no proxies from the environment: we talk to the site itself

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "PoliteSession":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public ------------------------------------------------------------------------------------
    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Page:
        """Fetch ``url``; a 304 answer to the conditional headers gives ``Page.not_modified``."""
        deadline = time.monotonic() + self.deadline
        origin = urlsplit(url).netloc
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        for _ in range(MAX_REDIRECTS + 1):
            self._check_robots(url, deadline)
            status, headers, content = self._request(url, conditional, deadline)
            if status in REDIRECT_STATUSES and "location" in headers:
                target = urljoin(url, headers["location"])
                self._check_redirect(url, target, origin)
                url = target
                continue
            if status == 304:
                return Page(url, status, b"", headers, not_modified=True)
            if status >= 400:
                # status: callers tell a page that is gone (404/410) from a failure
                raise FetchError(f"GET {url}: HTTP {status}", url=url, status=status)
            return Page(url, status, content, headers)
        raise FetchError(f"GET {url}: more than {MAX_REDIRECTS} redirects", url=url)

    def post_json(self, url: str, payload: dict) -> Page:
        """POST a JSON body to a search API (the Shanghai policy platform) under the same robots.txt,
        per-host interval, size and time limits as ``get``. No redirect is followed and nothing is
        retried: a failed query is simply asked again next cycle."""
        deadline = time.monotonic() + self.deadline
        self._check_robots(url, deadline)
        self._wait_turn(urlsplit(url).netloc, deadline)
        try:
            with self._http.post(url, json=payload, timeout=self.timeout, stream=True,
                                 allow_redirects=False) as response:
                headers = {k.lower(): v for k, v in response.headers.items()}
                content = self._read_body(url, response, deadline)
        except requests.RequestException as err:
            raise FetchError(f"POST {url}: {type(err).__name__}: {_short(err)}") from err
        if response.status_code >= 300:
            error = FetchError(f"POST {url}: HTTP {response.status_code}")
            error.status = response.status_code
            raise error
        return Page(url, response.status_code, content, headers)

    def interval_for(self, netloc: str) -> float:
        if self.min_interval is not None:
            return self.min_interval
        return 0.0 if is_loopback(urlsplit(f"//{netloc}").hostname or "") else DEFAULT_INTERVAL

    # -- politeness --------------------------------------------------------------------------------
    def _check_redirect(self, url: str, target: str, origin: str) -> None:
        parts = urlsplit(target)
        if parts.scheme not in ("http", "https"):
            raise FetchError(f"GET {url}: redirect to a non-HTTP URL {target}", url=url)
        allowed = self.allowed_hosts if self.allowed_hosts is not None else {origin}
        if parts.netloc not in allowed and parts.hostname not in allowed:
            raise FetchError(f"GET {url}: redirect to a foreign host {parts.netloc} refused "
                             f"(allowed: {', '.join(sorted(allowed))})", url=url)

    def _check_robots(self, url: str, deadline: float) -> None:
        parts = urlsplit(url)
        robots = self._robots.get(parts.netloc)
        if robots is None:
            robots = self._load_robots(f"{parts.scheme}://{parts.netloc}/robots.txt", deadline)
            self._robots[parts.netloc] = robots
        if not robots.can_fetch(self.user_agent, url):
            raise FetchError(f"GET {url}: disallowed by {parts.netloc}/robots.txt", url=url)

    def _load_robots(self, robots_url: str, deadline: float) -> urllib.robotparser.RobotFileParser:
        robots = urllib.robotparser.RobotFileParser(robots_url)
        try:
            status, headers, content = self._request(robots_url, {}, deadline)
        except FetchError as err:
            raise FetchError(f"robots.txt unavailable, not fetching from that host: {err}", url=robots_url) from err
        if status in (401, 403):
            robots.disallow_all = True
        elif status >= 400 or status in REDIRECT_STATUSES:
            robots.allow_all = True  # no robots.txt: everything is allowed
        else:
            robots.parse(content.decode("utf-8", "replace").splitlines())
        return robots

    def _wait_turn(self, netloc: str, deadline: float) -> None:
        interval = self.interval_for(netloc)
        robots = self._robots.get(netloc)
        delay = robots.crawl_delay(self.user_agent) if robots else None
        if delay:
            interval = max(interval, float(delay))
        last = self._last_request.get(netloc)
        if last is not None:
            wait = last + interval - time.monotonic()
            if wait > 0:
                if time.monotonic() + wait > deadline:
                    raise FetchError(f"{netloc}: waiting {wait:.1f}s for the per-host interval would pass the deadline")
                time.sleep(wait)
        self._last_request[netloc] = time.monotonic()

    # -- one request with retries ------------------------------------------------------------------
    def _request(self, url: str, headers: dict[str, str], deadline: float) -> tuple[int, dict[str, str], bytes]:
        netloc = urlsplit(url).netloc
        attempt = 0
        while True:
            self._wait_turn(netloc, deadline)
            retry_after = None
            try:
                status, response_headers, content = self._attempt(url, headers, deadline)
                if status not in RETRY_STATUSES:
                    return status, response_headers, content
                problem = f"HTTP {status}"
                retry_after = parse_retry_after(response_headers.get("retry-after"))
            except _Transient as err:
                problem = str(err)
            attempt += 1
            if attempt > self.retries:
                raise FetchError(f"GET {url}: {problem} (gave up after {attempt} attempts)", url=url)
            pause = self.backoff * 2 ** (attempt - 1) + random.uniform(0, self.backoff)
            if retry_after is not None:
                pause = max(pause, min(retry_after, self.max_retry_after))
            if time.monotonic() + pause > deadline:
                raise FetchError(f"GET {url}: {problem}; retrying would pass the {self.deadline:.0f}s deadline", url=url)
            time.sleep(pause)

    def _attempt(self, url: str, headers: dict[str, str], deadline: float) -> tuple[int, dict[str, str], bytes]:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(f"GET {url}: deadline of {self.deadline:.0f}s passed", url=url)
        connect, read = self.timeout
        timeout = (min(connect, remaining), min(read, remaining))
        try:
            # Prepared here rather than by Session.request, whose merging of per-request settings
            # (none here: headers, cookies and hooks are the session's) costs as much as the request.
            request = requests.PreparedRequest()
            request.prepare(method="GET", url=url, headers={**self._http.headers, **headers}, cookies=self._http.cookies)
            with time_limit(remaining + WATCHDOG_GRACE), \
                    self._http.send(request, timeout=timeout, stream=True, allow_redirects=False) as response:
                response_headers = {k.lower(): v for k, v in response.headers.items()}
                declared = response_headers.get("content-length")
                if declared and declared.isdigit() and int(declared) > self.max_bytes:
                    raise FetchError(f"GET {url}: body of {int(declared)} bytes exceeds the limit of "
                                     f"{self.max_bytes} bytes", url=url)
                content = self._read_body(url, response, deadline)
                return response.status_code, response_headers, content
        except OverBudget:
            raise FetchError(f"GET {url}: still running at the {self.deadline:.0f}s deadline; stopped", url=url) from None
        except (requests.Timeout, requests.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.ContentDecodingError, urllib3.exceptions.ReadTimeoutError,
                urllib3.exceptions.ProtocolError, urllib3.exceptions.DecodeError) as err:
            raise _Transient(f"{type(err).__name__}: {_short(err)}") from err
        except requests.RequestException as err:
            raise FetchError(f"GET {url}: {type(err).__name__}: {_short(err)}", url=url) from err

    def _read_body(self, url: str, response: requests.Response, deadline: float) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            if time.monotonic() > deadline:
                raise FetchError(f"GET {url}: download still running at the {self.deadline:.0f}s deadline; stopped",
                                 url=url)
            chunk = response.raw.read1(SMALL_READ, decode_content=True)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > self.max_bytes:
                raise FetchError(f"GET {url}: body exceeds the limit of {self.max_bytes} bytes; download stopped", url=url)
            chunks.append(chunk)


class _Transient(Exception):
    """A failure worth retrying (timeout, refused or dropped connection, truncated body)."""


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _short(err: Exception) -> str:
    text = str(err)
    return text if len(text) <= 200 else text[:200] + "…"
