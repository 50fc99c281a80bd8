"""regwatch.toml: where the store is, which sources to watch and when, mail and subscriptions.

Every error names the file, the line and the key, so a typo is found without reading code.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diffs.errors import ConfigError
from monitor.encoding import read_regular_file

INTERVAL_RE = re.compile(r"^(\d+)\s*(s|m|h|d)$")
INTERVAL_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
TOP_KEYS = {"store", "source", "mail", "subscription", "review", "expiring_days"}
SOURCE_KEYS = {"name", "kind", "url", "schedule", "min_interval", "options", "display_name"}
REVIEW_KEYS = {"url", "token_env", "hosts"}
# What readers of digests and the review UI see for a source when its config gives no display_name.
DISPLAY_NAMES = {"shanghai-gazette": "上海市人民政府公报", "shanghai-series": "上海市人民政府文件",
                 "shanghai-rules": "上海市现行有效规章", "gov-gongbao": "国务院公报"}
DEFAULT_SCHEDULE = "6h"
MAX_CONFIG_BYTES = 1 << 20


@dataclass
class Schedule:
    """Either a cron expression (five fields) or a fixed interval in seconds."""
    cron: str | None = None
    seconds: int | None = None

    def describe(self) -> str:
        return f"cron {self.cron}" if self.cron else f"every {self.seconds}s"


@dataclass
class SourceConfig:
    name: str
    kind: str
    url: str
    schedule: Schedule
    min_interval: float | None = None
    options: dict[str, Any] = field(default_factory=dict)
    display_name: str = ""   # what readers see; load() fills it from DISPLAY_NAMES by kind, else the name


@dataclass
class Config:
    path: Path
    store: Path
    sources: list[SourceConfig]
    mail: dict[str, Any] = field(default_factory=dict)
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    review_url: str | None = None
    expiring_days: int = 30
    review_token_env: str | None = None          # [review] token_env: the variable holding the UI's token
    review_hosts: tuple[str, ...] = ()           # [review] hosts: Host names the UI answers besides loopback

    @property
    def lock_path(self) -> Path:
        return self.store.with_name(self.store.name + ".lock")


class _Locator:
    """Finds the line of a key in the TOML text, for error messages (tomllib gives no positions)."""

    def __init__(self, path: Path, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()

    def line(self, key: str, table: str | None = None, index: int = 0) -> int | None:
        start, seen = 0, -1
        if table:
            header = re.compile(rf"^\s*\[\[?\s*{re.escape(table)}\s*\]\]?")
            for number, line in enumerate(self.lines):
                if header.match(line):
                    seen += 1
                    if seen == index:
                        start = number
                        break
            else:
                return None
        key_re = re.compile(rf"^\s*(?:{re.escape(key)}\s*=|\[\[?\s*{re.escape(key)}\s*\]\]?\s*$)")
        for number in range(start, len(self.lines)):
            if number > start and table and self.lines[number].lstrip().startswith("[") and \
                    not self.lines[number].lstrip().startswith(f"[{table}.") and "=" not in self.lines[number]:
                break
            if key_re.match(self.lines[number]):
                return number + 1
        return start + 1 if table else None

    def error(self, message: str, key: str, table: str | None = None, index: int = 0) -> ConfigError:
        line = self.line(key, table, index)
        where = f"{self.path}:{line}" if line else str(self.path)
        return ConfigError(f"{where}: {message} (key {key!r})")


def parse_schedule(value: Any) -> Schedule:
    """'0 8 * * *' (cron) or '6h' / '30m' / '90s' / '1d' (interval). Raises ValueError."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"schedule must be a cron expression or an interval such as '6h', not {value!r}")
    value = value.strip()
    interval = INTERVAL_RE.match(value)
    if interval:
        seconds = int(interval.group(1)) * INTERVAL_UNITS[interval.group(2)]
        if seconds <= 0:
            raise ValueError(f"schedule interval must be positive, not {value!r}")
        return Schedule(seconds=seconds)
    if len(value.split()) != 5:
        raise ValueError(f"schedule {value!r} is neither a 5-field cron expression nor an interval such as '6h'")
    from apscheduler.triggers.cron import CronTrigger
    CronTrigger.from_crontab(value)  # raises ValueError on a bad field
    return Schedule(cron=value)


def load(path: str | Path, check_sources: bool = True) -> Config:
    """The configuration at ``path``. ``check_sources=False`` leaves each source's kind and options
    to be checked when it runs: checking them imports the adapters and with them the fetching stack
    (requests, bs4), which commands that only read the store must not pay for at start-up."""
    path = Path(path)
    if not path.exists():
        raise ConfigError(f"{path}: no such configuration file (write one with `regwatch init {path}`, "
                          "or pass --config)")
    try:
        text = read_regular_file(path, MAX_CONFIG_BYTES, error=ConfigError).decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: cannot read: {e}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        # tomllib's message ends with "(at line N, column M)".
        raise ConfigError(f"{path}: invalid TOML: {e}") from None
    return parse(data, path, _Locator(path, text), check_sources)


def parse(data: dict[str, Any], path: Path, where: _Locator, check_sources: bool = True) -> Config:
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise where.error(f"unknown key; known keys: {', '.join(sorted(TOP_KEYS))}", unknown[0])
    base = path.resolve().parent
    store_table = _table(data, "store", where)
    store_path = store_table.get("path", "regwatch.db")
    if not isinstance(store_path, str) or not store_path:
        raise where.error("[store] path must be a file name", "path", "store")
    extra = sorted(set(store_table) - {"path"})
    if extra:
        raise where.error("unknown key in [store]; known: path", extra[0], "store")
    sources = [_source(entry, i, where, check_sources) for i, entry in enumerate(_array(data, "source", where))]
    names = [s.name for s in sources]
    for i, name in enumerate(names):
        if name in names[:i]:
            raise where.error(f"two sources are named {name!r}", "name", "source", i)
    review = _table(data, "review", where)
    _known(review, REVIEW_KEYS, "[review]", where, "review")
    review_url = review.get("url")
    if review_url is not None and not isinstance(review_url, str):
        raise where.error("[review] url must be a string", "url", "review")
    token_env = review.get("token_env")
    if token_env is not None and (not isinstance(token_env, str) or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", token_env)):
        raise where.error("[review] token_env must name an environment variable, e.g. REGWATCH_REVIEW_TOKEN",
                          "token_env", "review")
    hosts = review.get("hosts", [])
    if not isinstance(hosts, list) or not all(isinstance(h, str) and h.strip() for h in hosts):
        raise where.error('[review] hosts must be a list of host names, e.g. ["review.example.cn"]', "hosts", "review")
    from notify.mailer import MailSettings
    from notify.subscriptions import SUBSCRIPTION_KEYS

    mail = _table(data, "mail", where)
    _known(mail, (set(MailSettings.__dataclass_fields__) - {"sender"}) | {"from"}, "[mail]", where, "mail")
    subscriptions = _array(data, "subscription", where)
    for index, entry in enumerate(subscriptions):
        _known(entry, SUBSCRIPTION_KEYS, f"[[subscription]] #{index + 1}", where, "subscription", index)
    expiring_days = data.get("expiring_days", 30)
    if not isinstance(expiring_days, int) or isinstance(expiring_days, bool) or expiring_days < 0:
        raise where.error("expiring_days must be a whole number of days ≥ 0", "expiring_days")
    return Config(path=path, store=(base / store_path), sources=sources, mail=mail, subscriptions=subscriptions,
                  review_url=review_url, expiring_days=expiring_days, review_token_env=token_env,
                  review_hosts=tuple(h.strip() for h in hosts))


def _known(table: dict, keys: set[str] | frozenset[str], name: str, where: _Locator, header: str, index: int = 0) -> None:
    unknown = sorted(set(table) - set(keys))
    if unknown:
        raise where.error(f"unknown key in {name}; known: {', '.join(sorted(keys))}", unknown[0], header, index)


def _table(data: dict, key: str, where: _Locator) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise where.error(f"[{key}] must be a table", key)
    return value


def _array(data: dict, key: str, where: _Locator) -> list[dict]:
    value = data.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise where.error(f"{key} must be written as [[{key}]] tables", key)
    return value


def _source(entry: dict, index: int, where: _Locator, check_adapter: bool = True) -> SourceConfig:
    def fail(message: str, key: str) -> ConfigError:
        return where.error(f"[[source]] #{index + 1}: {message}", key, "source", index)

    unknown = sorted(set(entry) - SOURCE_KEYS)
    if unknown:
        raise fail(f"unknown key; known: {', '.join(sorted(SOURCE_KEYS))}", unknown[0])
    for key in ("name", "kind", "url"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            raise fail(f"{key} is required and must be a non-empty string", key)
    if not re.match(r"^https?://", entry["url"]):
        raise fail(f"url must start with http:// or https://, not {entry['url']!r}", "url")
    try:
        schedule = parse_schedule(entry.get("schedule", DEFAULT_SCHEDULE))
    except ValueError as e:
        raise fail(str(e), "schedule") from None
    min_interval = entry.get("min_interval")
    if min_interval is not None and (isinstance(min_interval, bool) or not isinstance(min_interval, (int, float))
                                     or min_interval < 0):
        raise fail("min_interval must be a number of seconds ≥ 0", "min_interval")
    display_name = entry.get("display_name")
    if display_name is not None and (not isinstance(display_name, str) or not display_name.strip()):
        raise fail("display_name must be a non-empty string", "display_name")
    options = entry.get("options", {})
    if not isinstance(options, dict):
        raise fail("options must be a table", "options")
    if check_adapter:
        from monitor import sources
        try:
            sources.get(entry["kind"])(entry["name"], entry["url"], options)
        except ConfigError as e:
            key = "kind" if "kind" in str(e) and "unknown source kind" in str(e) else "options"
            raise fail(str(e), key) from None
    return SourceConfig(name=entry["name"], kind=entry["kind"], url=entry["url"], schedule=schedule,
                        min_interval=float(min_interval) if min_interval is not None else None, options=options,
                        display_name=(display_name or "").strip() or DISPLAY_NAMES.get(entry["kind"]) or entry["name"])
