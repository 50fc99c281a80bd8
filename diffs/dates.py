"""Dates as legal texts write them: 2024年12月31日, 2022 年 6 月 18 日 (PDF conversions space every
token), 二〇二四年五月十五日, ２０２５年１月８日.

Apart from :mod:`diffs.validity` so that a renderer dating a diff's columns does not compile the
validity patterns (the largest import-time cost of the diffs package).
"""
from __future__ import annotations

import datetime as dt
import re

from .numerals import cn_to_int

_S = r"\s*"
_DIGITS = r"[0-9０-９〇○零一二三四五六七八九十]"
#: A date (a regex fragment without groups, to embed in other patterns).
DATE = rf"{_DIGITS}{{4}}{_S}年{_S}{_DIGITS}{{1,2}}{_S}月{_S}{_DIGITS}{{1,3}}{_S}日"
_DATE_PARTS = re.compile(rf"({_DIGITS}{{4}}){_S}年{_S}({_DIGITS}{{1,2}}){_S}月{_S}({_DIGITS}{{1,3}}){_S}日")


def parse_date(text: str) -> dt.date | None:
    """The first date in ``text``: 2024年12月31日, 2022 年 6 月 18 日, 二〇二四年五月十五日."""
    m = _DATE_PARTS.search(text)
    if not m:
        return None
    try:
        return dt.date(*(cn_to_int(g) for g in m.groups()))
    except ValueError:
        return None
