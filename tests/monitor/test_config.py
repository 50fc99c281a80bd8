"""regwatch.toml: what a valid file gives, and errors that name the file, the line and the key."""
from __future__ import annotations

import pytest

from diffs.errors import ConfigError
from monitor.config import load

GOOD = """\
expiring_days = 14

[store]
path = "data/regwatch.db"

[[source]]
name = "gazette"
kind = "shanghai-gazette"
url = "http://127.0.0.1:41001/nw2404/index.html"
schedule = "0 8 * * *"
options = { max_issues = 2 }

[[source]]
name = "gongbao"
kind = "gov-gongbao"
url = "http://127.0.0.1:41003/gongbao/gbgl.json"
schedule = "30m"
min_interval = 2

[mail]
outbox_dir = "outbox"

[[subscription]]
email = "legal@example.com"

[review]
url = "http://127.0.0.1:8080"
"""


def write(tmp_path, text):
    path = tmp_path / "regwatch.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_file(tmp_path):
    config = load(write(tmp_path, GOOD))
    assert config.store == tmp_path / "data" / "regwatch.db"  # relative to the file, not the cwd
    assert [s.name for s in config.sources] == ["gazette", "gongbao"]
    assert config.sources[0].schedule.cron == "0 8 * * *" and config.sources[0].options == {"max_issues": 2}
    assert config.sources[1].schedule.seconds == 1800 and config.sources[1].min_interval == 2.0
    assert config.expiring_days == 14 and config.review_url == "http://127.0.0.1:8080"
    assert config.mail == {"outbox_dir": "outbox"} and config.subscriptions == [{"email": "legal@example.com"}]
    assert config.lock_path == tmp_path / "data" / "regwatch.db.lock"


@pytest.mark.parametrize("change, line, key", [
    (('schedule = "30m"', 'schedule = "every day"'), 17, "schedule"),
    (('schedule = "0 8 * * *"', 'schedule = "0 25 * * *"'), 10, "schedule"),
    (('kind = "gov-gongbao"', 'kind = "gov-gazette"'), 15, "kind"),
    (('min_interval = 2', 'min_interval = -1'), 18, "min_interval"),
    (('min_interval = 2', 'interval = 2'), 18, "interval"),
    (("options = { max_issues = 2 }", "options = { max_isues = 2 }"), 11, "options"),
    (('url = "http://127.0.0.1:41001/nw2404/index.html"', 'url = "ftp://x"'), 9, "url"),
    (("expiring_days = 14", "expiring_days = -3"), 1, "expiring_days"),
    (('name = "gongbao"', 'name = "gazette"'), 14, "name"),
])
def test_errors_name_file_line_and_key(tmp_path, change, line, key):
    path = write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ConfigError) as err:
        load(path)
    assert f"{path}:{line}:" in str(err.value) and f"'{key}'" in str(err.value)


def test_syntax_errors_and_missing_files(tmp_path):
    path = write(tmp_path, GOOD.replace('name = "gazette"', 'name = "gazette'))
    with pytest.raises(ConfigError, match=r"invalid TOML: .*line 7"):
        load(path)
    with pytest.raises(ConfigError, match="no such configuration file"):
        load(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match=r"regwatch.toml:1: unknown key.*'stores'"):
        load(write(tmp_path, '[stores]\npath = "x.db"\n'))
