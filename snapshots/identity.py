"""Document identity: when two pages are the same document, or the same rule republished.

The same URL is always the same document. A rule republished at a new URL after an amendment
(上海市音像制品管理条例 in the 2025 gazette after the 2024 decision) is the same lineage: matched by
its normalised name, or by the 文号/令 an amendment names. Only titles that name a rule are matched
by name — 通知 and 决定 titles repeat across years and would merge strangers.
"""
from __future__ import annotations

import re

from diffs.normalize import normalize

# 规章、地方性法规、行政法规 and the like end with one of these words.
_RULE_ENDINGS = ("条例", "规定", "办法", "细则", "规则", "规程", "实施意见")
# Gazette titles carry edition notes the name itself does not: （2025年修正）, 〔2018〕 numbers, 《》.
_EDITION = re.compile(r"[(（][^()（）]*(?:修正|修订|修改|公布|施行|试行|草案)[^()（）]*[)）]")
_NUMBER_SPACES = re.compile(r"\s+")


def rule_name_key(title: str | None) -> str | None:
    """The comparison key of a rule's name, or None when the title is not a rule's name."""
    if not title:
        return None
    name = _EDITION.sub("", normalize(title)).strip().strip("《》<>\"'")
    name = name.replace("《", "").replace("》", "")
    if not name.endswith(_RULE_ENDINGS) or "决定" in name or "通知" in name:
        return None
    return name


def number_key(number: str | None) -> str | None:
    """Normalised 文号/令 (沪府规〔2018〕21号 and 沪府规[2018]21号 are one number)."""
    if not number:
        return None
    key = _NUMBER_SPACES.sub("", normalize(number))
    return key or None
