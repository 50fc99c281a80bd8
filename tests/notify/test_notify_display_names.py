"""What readers see for a source: its configured display_name, else the Chinese name of its kind."""
from __future__ import annotations

import pytest

from diffs.errors import ConfigError
from monitor.config import load
from notify import api

CONFIG = """[store]
path = "regwatch.db"

[[source]]
name = "gazette"
kind = "shanghai-gazette"
url = "http://127.0.0.1:9/nw2404/index.html"

[[source]]
name = "gongbao"
kind = "gov-gongbao"
url = "http://127.0.0.1:9/gongbao/gbgl.json"
display_name = "中华人民共和国国务院公报"

[[source]]
name = "city-news"
kind = "generic"
url = "http://127.0.0.1:9/news/"
options = { links = "a.item", body = "div.text" }
"""


def test_display_names_default_by_kind_and_can_be_set(tmp_path):
    path = tmp_path / "regwatch.toml"
    path.write_text(CONFIG, encoding="utf-8")
    assert api.display_names(load(path)) == {"gazette": "上海市人民政府公报", "gongbao": "中华人民共和国国务院公报",
                                             "city-news": "city-news"}


def test_an_empty_display_name_is_refused(tmp_path):
    path = tmp_path / "regwatch.toml"
    path.write_text(CONFIG.replace('display_name = "中华人民共和国国务院公报"', 'display_name = " "'), encoding="utf-8")
    with pytest.raises(ConfigError, match="display_name"):
        load(path)
