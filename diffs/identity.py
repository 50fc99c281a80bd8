"""Rule identity: when two texts are the same rule.

A rule is identified by its normalised name, or by its issuer's number in the year it was issued:
令 numbers restart with each government term (上海市人民政府令第12号 was a 1992 rule and a 2014
one), so a 令 number without its year identifies nothing, and a number match whose names disagree
is not a match either. Titles that name no rule (通知, 决定, 解读) have no name key: they repeat
across years and would merge strangers.
"""
from __future__ import annotations

import re

from .normalize import normalize
from .validity import headnote
from .vocab import NOT_RULE_WORDS, RULE_ENDINGS

# Gazette titles carry edition notes the name itself does not: （2025年修正）, （试行）, 《》.
_EDITION = re.compile(r"[(（][^()（）]*(?:修正|修订|修改|公布|施行|试行|草案)[^()（）]*[)）]")
_SPACES = re.compile(r"\s+")
_YEAR_IN_NUMBER = re.compile(r"[〔\[(（]\s*(\d{4})\s*[〕\])）]")
_TENTATIVE = re.compile(r"暂行|试行")
# Names of one rule across a rename by amendment share most of their words; strangers do not.
_AGREEMENT = 0.6


def rule_name_key(title: str | None) -> str | None:
    """The comparison key of a rule's name, or None when the title is not a rule's name."""
    if not title:
        return None
    name = _EDITION.sub("", normalize(title)).strip().strip("《》<>\"'")
    name = name.replace("《", "").replace("》", "")
    if not name.endswith(RULE_ENDINGS) or any(w in name for w in NOT_RULE_WORDS):
        return None
    return name


def number_key(number: str | None, year: int | None = None) -> str | None:
    """The identity of a 文号/令 number: 沪府规〔2018〕21号 as it is (the year is in it), a 令 number
    with the year it was issued (上海市人民政府令第12号@2014), and None for a 令 without its year."""
    if not number:
        return None
    key = _SPACES.sub("", normalize(number))
    if not key:
        return None
    if _YEAR_IN_NUMBER.search(key):
        return key
    return f"{key}@{year}" if year else None


def issued_year(number: str | None, published: str | None, text: str | None = None) -> int | None:
    """The year a rule was issued under `number`: the 题注's date when the 题注 gives that number
    (a republished text's page is dated by the amendment), None when the number is that of a decision
    that amended the rule (it identifies the decision, not the rule), else the page's date."""
    note = headnote(text) if text else None
    compact = _SPACES.sub("", number or "")
    if note and compact:
        if note.number and note.number in compact and note.published:
            return note.published.year
        if any(a.number and a.number in compact for a in note.amendments):
            return None
    return int(published[:4]) if published and published[:4].isdigit() else None


def names_agree(a: str | None, b: str | None) -> bool:
    """Whether two rule name keys can name one rule (equal, or a rename keeping most of the name)."""
    if not a or not b:
        return False
    a, b = _TENTATIVE.sub("", a), _TENTATIVE.sub("", b)
    if a == b:
        return True
    pairs_a = {a[i:i + 2] for i in range(len(a) - 1)}
    pairs_b = {b[i:i + 2] for i in range(len(b) - 1)}
    if not pairs_a or not pairs_b:
        return False
    return 2 * len(pairs_a & pairs_b) / (len(pairs_a) + len(pairs_b)) >= _AGREEMENT
