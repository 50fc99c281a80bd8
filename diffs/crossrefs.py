"""A law's references to its own provisions, renumbered with them (本法第十六条 -> 本法第十五条).

One rule for :mod:`diffs.amendments.apply` (which rewrites them, as 对条文顺序作相应调整 implies)
and :mod:`diffs.compare` (which explains a changed reference by the renumbering):

- a run of article references (第十六条和第十七条, 第十条至第十二条, 第五条第二款、第三款) refers to
  this law when it follows 本法/本条例/… or stands bare; it refers to another rule when it follows
  that rule's name (《某条例》第五条, 刑法第一百三十三条之一, 该法第三条) and is left alone;
- 本条第N款 refers to a paragraph of the same article and follows that article's paragraphs.
"""
from __future__ import annotations

import re
from functools import cache
from typing import Callable

from .numerals import ANY_NUM, cn_to_int, int_to_cn
from .vocab import ARTICLE_NUMBER, ITEM_NUMBER, PARAGRAPH_NUMBER, REFERENCE_JOIN, RULE_ENDING, SELF_REFERENCE

_RUN = (rf"{ARTICLE_NUMBER}(?:(?:{PARAGRAPH_NUMBER}|{ITEM_NUMBER})|{REFERENCE_JOIN}(?=第)"
        rf"(?:{ARTICLE_NUMBER}|{PARAGRAPH_NUMBER}|{ITEM_NUMBER}))*")
_ARTICLE = rf"第({ANY_NUM})条(?:之({ANY_NUM}))?"
_SELF_BEFORE = rf"{SELF_REFERENCE}$"
_OTHER_BEFORE = rf"(?:[》〉>]|{RULE_ENDING})$"
_SAME_ARTICLE_PARAGRAPH = rf"(本条)第({ANY_NUM})款"
# Each pattern is compiled on its first use (3 ms in all): a diff needs them only when articles
# were renumbered, and `regwatch diff` starts cold.
_compiled = cache(re.compile)


def refers_to_this_law(text: str, start: int) -> bool:
    """Whether the article reference run starting at ``start`` speaks of the text's own law."""
    before = text[max(0, start - 12):start]
    return bool(_compiled(_SELF_BEFORE).search(before)) or not _compiled(_OTHER_BEFORE).search(before)


def renumber_articles(text: str, new_label: Callable[[int, int], str | None],
                      keep: list[tuple[int, int]] | None = None) -> tuple[str, list[tuple[str, str]]]:
    """``text`` with its own article references renumbered by ``new_label(num, sub)`` (None: unchanged).

    ``keep`` are spans left as they are (wording the decision itself put in, already in the new
    numbering). Returns the text and the (old, new) labels changed.
    """
    changes: list[tuple[str, str]] = []

    def run(m: re.Match) -> str:
        if not refers_to_this_law(m.string, m.start()) or \
                any(a < m.end() and m.start() < b for a, b in keep or ()):
            return m.group(0)

        def one(r: re.Match) -> str:
            label = new_label(cn_to_int(r.group(1)), cn_to_int(r.group(2)) if r.group(2) else 0)
            if label is None or label == r.group(0):
                return r.group(0)
            changes.append((r.group(0), label))
            return label
        return _compiled(_ARTICLE).sub(one, m.group(0))

    return _compiled(_RUN).sub(run, text), changes


def renumber_paragraphs(text: str, mapping: dict[int, int]) -> str:
    """本条第N款 after the article's paragraphs were renumbered (``mapping``: old number -> new)."""
    def one(m: re.Match) -> str:
        new = mapping.get(cn_to_int(m.group(2)))
        return m.group(0) if new is None else f"{m.group(1)}第{int_to_cn(new)}款"
    return _compiled(_SAME_ARTICLE_PARAGRAPH).sub(one, text) if mapping else text
