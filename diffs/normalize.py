"""The comparison form of a text: what two versions must agree on to count as "the same words".

Gazette texts of one provision differ in ways that are not amendments: full- or half-width letters,
digits and punctuation, spaces and U+3000 used for layout, ( ) vs （ ）, : vs ：, curly vs straight
quotes, 〈〉 vs <>, and HTML entities (&#8195; &nbsp;) left by the web pages. ``normalize`` maps all
of these to one form. It is only ever used to compare; stored and displayed text keeps its form.

NFKC is applied through a table built once from the Unicode blocks where it matters for Chinese
text (full-width forms, spaces and punctuation, enclosed numbers, Kangxi radicals and compatibility
ideographs that PDF extraction produces): a whole-string NFKC per line was the largest cost of a
diff.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# After NFKC (which folds full width to half width), the variants NFKC leaves apart.
_FOLD = {
    "“": '"', "”": '"', "„": '"', "〝": '"', "〞": '"', "「": '"', "」": '"', "『": '"', "』": '"',
    "‘": "'", "’": "'", "‚": "'",
    "〈": "<", "〉": ">", "⟨": "<", "⟩": ">",
    "【": "[", "】": "]", "〔": "[", "〕": "]",
    "—": "-", "–": "-", "―": "-", "－": "-", "‐": "-", "‑": "-",
    "・": "·", "•": "·",
}
_BLOCKS = [(0x00A0, 0x00FF), (0x2000, 0x206F), (0x2100, 0x218F), (0x2460, 0x24FF), (0x2E80, 0x2FDF),
           (0x3000, 0x303F), (0x3200, 0x33FF), (0xF900, 0xFAFF), (0xFE10, 0xFE6F), (0xFF00, 0xFFEF)]
_WHITESPACE = set(" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000\u200b\ufeff")
_WHITESPACE |= {chr(c) for c in range(0x2000, 0x200B)}


def _tables() -> tuple[dict[str, str], dict[str, str]]:
    compare_form: dict[str, str] = {}
    same_length: dict[str, str] = {}
    for low, high in _BLOCKS:
        for code in range(low, high + 1):
            ch = chr(code)
            folded = unicodedata.normalize("NFKC", ch)
            folded = "".join(_FOLD.get(c, c) for c in folded)
            if folded != ch:
                compare_form[ch] = folded
                if len(folded) == 1:
                    same_length[ch] = folded
    for ch, folded in _FOLD.items():
        compare_form[ch] = same_length[ch] = folded
    for ch in _WHITESPACE:
        compare_form[ch] = ""
        same_length.pop(ch, None)
    return compare_form, same_length


def _char_class(chars: dict[str, str]) -> re.Pattern:
    """[...] of the keys written as code-point ranges (compiles twice as fast as a flat list)."""
    codes = sorted(map(ord, chars))
    runs, start = [], codes[0]
    for prev, code in zip(codes, codes[1:] + [-1]):     # -1 closes the last run
        if code != prev + 1:
            runs.append(re.escape(chr(start)) + (f"-{re.escape(chr(prev))}" if prev != start else ""))
            start = code
    return re.compile("[" + "".join(runs) + "]")


_COMPARE, _SAME_LENGTH = _tables()
# A regex visits only the characters to replace (a tenth of a Chinese text), where str.translate
# looks every character up: three times faster on gazette text.
_TO_COMPARE = _char_class(_COMPARE)
_TO_SAME_LENGTH = _char_class(_SAME_LENGTH)


#: Lines up to this length are cached (two versions of a text share most of their lines); a longer
#: string - a whole text - is normalised each time, so the cache's memory stays bounded
#: (16,384 × 512 characters at most) however many texts pass through.
CACHED_LENGTH = 512


def normalize(text: str) -> str:
    """The comparison form of ``text``: equal for two texts that differ only in formatting.

    >>> normalize("第一条　（目的）: “本法”&#8195;") == normalize("第一条(目的)：\\"本法\\"")
    True
    """
    return _normalize_line(text) if len(text) <= CACHED_LENGTH else _normalize(text)


def _normalize(text: str) -> str:
    if "&" in text:
        from html import unescape   # html.entities is a large table: only texts with entities pay

        text = unescape(text)
    return _TO_COMPARE.sub(lambda m: _COMPARE[m.group()], text)


_normalize_line = lru_cache(maxsize=16384)(_normalize)
normalize.cache_clear = _normalize_line.cache_clear     # what benchmarks call for a cold run


def fold(text: str) -> str:
    """Like :func:`normalize` but one character for one character (spaces and entities kept), so
    that positions in the folded text are positions in ``text``: for diffs that ignore formatting."""
    return _TO_SAME_LENGTH.sub(lambda m: _SAME_LENGTH[m.group()], text)
