"""The saved real pages of ../shared/real-pages/ (read in place, never copied into the project),
served on 127.0.0.1 at the paths they have on www.gov.cn, so the adapters read them over real HTTP."""
from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REAL_PAGES = Path(__file__).resolve().parents[2].parent / "shared" / "real-pages"
GONGBAO = REAL_PAGES / "gov-gongbao"
# issue page file -> its path on www.gov.cn (from real-pages/README.md)
ISSUE_PATHS = {"cn_gazette_issue_2008_35.html": "/gongbao/2008/issue_1676/",
               "cn_gazette_issue_2013_4.html": "/gongbao/2013/issue_3381/",
               "cn_gazette_issue_2016_1.html": "/gongbao/2016/issue_5125/",
               "cn_gazette_issue_2016_14.html": "/gongbao/2016/issue_5506/",
               "cn_gazette_issue_2017_9.html": "/gongbao/2017/issue_6126/"}
CONTENT_RE = re.compile(r"cn_gazette_content_(\d{4})_content_(\d+)\.htm")


def require_real_pages() -> Path:
    if not GONGBAO.is_dir():
        pytest.skip(f"the saved real pages are not here ({GONGBAO}): these tests need ../shared/real-pages")
    return GONGBAO


def site_paths() -> dict[str, Path]:
    paths = {"/gongbao/gbgl.json": GONGBAO / "cn_gazette_gbgl_slice.json",
             "/robots.txt": GONGBAO / "robots_www.gov.cn.txt"}
    paths.update({path: GONGBAO / name for name, path in ISSUE_PATHS.items()})
    for page in GONGBAO.glob("cn_gazette_content_*.htm"):
        year, cid = CONTENT_RE.match(page.name).groups()
        paths[f"/gongbao/content/{year}/content_{cid}.htm"] = page
    return paths


@contextmanager
def loopback_site(answer: Callable[[str, str], tuple[bytes, str] | None]) -> Iterator[tuple[str, list[str]]]:
    """(base URL, request log) of a site on 127.0.0.1; ``answer(path, base)`` gives (body, content
    type) or None for a 404."""
    hits: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 — the http.server API
            hits.append(self.path)
            found = answer(self.path.split("?")[0], base)
            body, kind = found if found else (b"", "text/plain")
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", kind)  # no charset, as the real sites often send
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield base, hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def real_gov_site():
    """Base URL of a loopback www.gov.cn serving the saved pages; the site's absolute links to
    https://www.gov.cn are answered by this server instead, so nothing leaves the machine."""
    require_real_pages()
    paths = site_paths()

    def answer(path: str, base: str):
        page = paths.get(path)
        if page is None:
            return None
        kind = "application/json" if page.suffix == ".json" else "text/plain" if page.suffix == ".txt" else "text/html"
        return page.read_bytes().replace(b"https://www.gov.cn", base.encode()), kind

    with loopback_site(answer) as site:
        yield site
