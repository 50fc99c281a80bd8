"""The regwatch.toml text regwatch writes: the [[source]] entries of every source kind (pointed at
the offline mirror by `regwatch demo` and `regwatch mirror`, at the real sites by `regwatch init`)
and the commented starter configuration of `regwatch init`."""
from __future__ import annotations

# The real entry points of each source kind; on the mirror only the base changes.
SOURCE_ENTRIES = [
    ("shanghai-gazette", "shanghai-gazette", "www.shanghai.gov.cn", "/nw2404/index.html"),
    ("shanghai-hfg", "shanghai-series", "www.shanghai.gov.cn", "/nw42944/index.html"),
    ("shanghai-hfl", "shanghai-series", "www.shanghai.gov.cn", "/nw2407/index.html"),
    ("shanghai-rules", "shanghai-rules", "www.shanghai.gov.cn", "/xxzfgzwj/index.html"),
    ("gov-gongbao", "gov-gongbao", "www.gov.cn", "/gongbao/gbgl.json"),
]
REAL_HOSTS = {host: f"https://{host}" for _, _, host, _ in SOURCE_ENTRIES}

STARTER_HEAD = """\
# regwatch.toml — what regwatch watches, where it keeps what it found, and whom it tells.
# Every command reads ./regwatch.toml, or the file given with --config.

[store]
# The SQLite file holding every version of every document (relative to this file).
path = "regwatch.db"

# [mail]
# Without a host, digests are written as .eml files to outbox_dir (next to this file).
# outbox_dir = "outbox"
# host = "smtp.example.com"
# port = 587
# security = "starttls"          # starttls | ssl | none
# username = "alerts@example.com"
# password_env = "REGWATCH_SMTP_PASSWORD"   # the name of an environment variable, never the password
# from = "regwatch <alerts@example.com>"

# [review]
# The review UI's public address: digests link to it (`regwatch serve` starts it).
# url = "http://127.0.0.1:8000"

# [[subscription]]
# name = "legal"
# emails = ["legal@example.com"]
# kinds = ["amended", "repealed", "new_version", "expiring", "expired"]
# rules = ["上海市音像制品管理条例"]     # follow these rules and the decisions touching them
# frequency = "daily"                  # immediate | daily | weekly (Monday)
# hour = 8                             # Beijing time

# The sites. schedule: a cron expression (Beijing time) or an interval such as "6h".
# Kinds: shanghai-gazette, shanghai-series, shanghai-rules, gov-gongbao, generic (CSS selectors).
# Fetching is polite: robots.txt, at least 5 s between requests to one host, conditional GET.
"""


def source_block(urls: dict[str, str], schedule: str | None = None) -> str:
    """The [[source]] entries of every source kind, each host's base taken from `urls`."""
    blocks = []
    for name, kind, host, path in SOURCE_ENTRIES:
        when = f'schedule = "{schedule}"\n' if schedule else ""
        blocks.append(f'[[source]]\nname = "{name}"\nkind = "{kind}"\nurl = "{urls[host]}{path}"\n{when}')
    return "\n".join(blocks)


def starter_config() -> str:
    """The commented regwatch.toml of `regwatch init`: every source kind on the real sites."""
    return STARTER_HEAD + "\n" + source_block(REAL_HOSTS, schedule="12h")
