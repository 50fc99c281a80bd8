"""Ids beyond SQLite's integers and control characters in a search, against the review UI served
for real on 127.0.0.1: a 404 or an answer, never an HTTP 500."""
from __future__ import annotations

import urllib.error
import urllib.request

import pytest

from review import create_app
from review_live import serving
from snapshots import Store

BIG = "99999999999999999999"
LAW = "上海市测试办法\n第一条　为了测试，制定本办法。\n第二条　本办法适用于本市。\n"


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    path = tmp_path_factory.mktemp("ui-bounds") / "regwatch.db"
    with Store(path) as store:
        store.save_version("test", "http://127.0.0.1/law.html", None, LAW, {"title": "上海市测试办法"})
        store.save_version("test", "http://127.0.0.1/law.html", None, LAW.replace("本市", "本市行政区域"), {})
    with serving(create_app(path)) as url:
        yield url


def status_of(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")


@pytest.mark.parametrize("path", [f"/documents/{BIG}", f"/diff/{BIG}/1", f"/diff/1/{BIG}", f"/diff/{BIG}/1.json",
                                  f"/diff/1/{BIG}.md", f"/documents/1?v={BIG}"])
def test_an_id_beyond_sqlite_is_not_found(base, path):
    assert status_of(base + path)[0] == 404


def test_a_nul_byte_in_a_search_is_a_space(base):
    status, body = status_of(base + "/search?q=%E4%B8%BA%E4%BA%86%00%E6%B5%8B%E8%AF%95")  # 为了\0测试
    assert status == 200
    status, body = status_of(base + "/search?q=%00%E4%B8%BA%E4%BA%86%E6%B5%8B%E8%AF%95%00")  # \0为了测试\0
    assert status == 200 and "上海市测试办法" in body
