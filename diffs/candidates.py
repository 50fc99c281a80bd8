"""Which units are worth comparing, found from the character trigrams they share.

Comparing every unit of one version with every unit of the other costs n² similarity scores: for
a law rewritten throughout (2,000 articles on each side, few alike) that is four million. Units
that are one provision changed share distinctive runs of characters, so an index from each
trigram to the units holding it finds, for each unit, the few others worth scoring. Trigrams held
by many units (本条例, 人民政府, ，并) tell nothing about which unit is which and are left out,
which also keeps each lookup bounded.

Below :data:`EXHAUSTIVE` pairs the callers still score every pair: a candidate set is only ever
needed, and only ever used, where scoring all pairs would not be linear.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

#: Up to this many (unit, unit) pairs, passes compare every pair as they always did.
EXHAUSTIVE = 40_000
#: A trigram held by more units than this is vocabulary, not identity.
COMMON = 32


#: Texts shorter than this keep all their trigrams; longer ones only the sampled ones.
_SHORT = 16


@lru_cache(maxsize=1)
def _sampled() -> re.Pattern:
    # Trigrams starting with one CJK character in three: chosen by the character itself, so two
    # texts sharing a run of characters sample the same trigrams from it (a run of ten shares one
    # with probability 1 - (2/3)^8 > 0.96), at a third of the cost of indexing every trigram.
    chosen = "".join(chr(c) for c in range(0x3400, 0xA000) if c % 3 == 0)
    return re.compile(f"(?=([{chosen}]..))")


def trigrams(text: str) -> set[str]:
    """The trigrams that stand for ``text`` in an index: all of a short text, a content-defined
    sample of a longer one."""
    if len(text) < _SHORT:
        return set(map("".join, zip(text, text[1:], text[2:]))) if len(text) >= 3 else {text}
    return set(_sampled().findall(text))


def distinctive(grams: list[set[str]]) -> list[set[str]]:
    """Each set of ``grams`` without the trigrams held by more than :data:`COMMON` of them."""
    held: Counter = Counter()
    for each in grams:
        held.update(each)
    common = {gram for gram, count in held.items() if count > COMMON}
    return [each - common for each in grams]


class GramIndex:
    """Trigram -> indices of the texts holding it (common trigrams dropped), built from each text's
    :func:`trigrams`."""

    def __init__(self, grams: list[set[str]]) -> None:
        postings: dict[str, list[int]] = defaultdict(list)
        for k, held in enumerate(grams):
            for gram in held:
                postings[gram].append(k)
        self.postings = {gram: ks for gram, ks in postings.items() if len(ks) <= COMMON}

    def shared(self, grams: set[str]) -> Counter:
        """Index of each text sharing a distinctive trigram with ``grams`` -> how many it shares."""
        count: Counter = Counter()
        for found in filter(None, map(self.postings.get, grams)):
            count.update(found)
        return count

    def best(self, grams: set[str], top: int) -> list[int]:
        """The ``top`` texts sharing the most distinctive trigrams with ``grams``."""
        return [k for k, _ in self.shared(grams).most_common(top)]
