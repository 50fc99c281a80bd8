"""The comparison form of a text: what two versions must agree on to count as "the same words".

Gazette texts of one provision differ in ways that are not amendments: full- or half-width letters,
digits and punctuation, spaces and U+3000 used for layout, ( ) vs （ ）, : vs ：, curly vs straight
quotes, 〈〉 vs <>, and HTML entities (&#8195; &nbsp;) left by the web pages. ``normalize`` maps all
of these to one form. It is only ever used to compare; stored and displayed text keeps its form.
"""
from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

# After NFKC (which folds full width to half width and U+3000 to a space), the remaining variants.
_FOLD = str.maketrans({
    "“": '"', "”": '"', "„": '"', "〝": '"', "〞": '"', "「": '"', "」": '"', "『": '"', "』": '"',
    "‘": "'", "’": "'", "‚": "'",
    "〈": "<", "〉": ">", "⟨": "<", "⟩": ">",
    "【": "[", "】": "]", "〔": "[", "〕": "]",
    "—": "-", "–": "-", "―": "-", "－": "-", "‐": "-", "‑": "-",
    "・": "·", "•": "·",
})
_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """The comparison form of ``text``: equal for two texts that differ only in formatting.

    >>> normalize("第一条　（目的）: “本法”&#8195;") == normalize("第一条(目的)：\\"本法\\"")
    True
    """
    text = html.unescape(text)
    text = unicodedata.normalize("NFKC", text).translate(_FOLD)
    return _SPACES.sub("", text)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    return (folded if len(folded) == 1 else ch).translate(_FOLD)


def fold(text: str) -> str:
    """Like :func:`normalize` but one character for one character (spaces and entities kept), so
    that positions in the folded text are positions in ``text``: for diffs that ignore formatting."""
    return "".join(map(_fold_char, text))
