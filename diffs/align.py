"""Align two sequences of units (articles, paragraphs, items) by what they say, not by their numbers.

A line diff pairs units by position, so one inserted article shifts every later number and the
whole rest of a law looks changed. Here units are paired in two passes: first units whose
normalised text is identical, wherever they sit (renumbered and moved units are found here); then,
between those anchors, the remaining units by text similarity (rapidfuzz), most similar first;
then leftovers that moved further away, at a stricter threshold; finally a stretch left with one
unit on each side pairs them as a rewrite.
"""
from __future__ import annotations

from bisect import bisect_left
from typing import NamedTuple

from rapidfuzz import fuzz, process

from .candidates import EXHAUSTIVE, GramIndex, trigrams

#: Below this similarity (0..1) two units in the same stretch are not the same unit changed.
SIMILAR = 0.5
#: A unit paired with one outside its stretch must be this similar: moves are rarer than edits.
MOVED_SIMILAR = 0.7
#: Within a stretch, a unit is compared with the units this far either side of its expected place
#: (a stretch of a whole law rewritten throughout would otherwise cost n² comparisons).
REACH = 15
#: A unit looking for its moved counterpart in a long text scores this many candidates (the units
#: sharing most distinctive trigrams with it; see diffs.candidates), not every unit.
_CANDIDATES = 12


class Link(NamedTuple):
    """One pair (a named tuple: an alignment makes one per unit, a frozen dataclass cost 3x more)."""
    old: int
    new: int
    score: float          # 1.0 for identical normalised text
    exact: bool


def align(old: list[str], new: list[str], similar: float = SIMILAR,
          moved_similar: float = MOVED_SIMILAR, forced: list[tuple[int, int]] = ()) -> list[Link]:
    """Pair indices of ``old`` and ``new`` (normalised texts); unpaired indices are added/deleted.

    ``forced`` pairs are known from elsewhere (an amendment decision's 将第X条改为第Y条) and taken
    as given, however different their texts.
    """
    if forced:
        return _align(old, new, similar, moved_similar, forced)
    # Identical units at the same place at either end pair as they are; only the middle is aligned
    # (an amendment touches a few articles: most of a law is a common head and tail).
    shorter = min(len(old), len(new))
    head = 0
    while head < shorter and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < shorter - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    middle = _align(old[head:len(old) - tail], new[head:len(new) - tail], similar, moved_similar, ())
    return ([Link(k, k, 1.0, True) for k in range(head)]
            + [Link(l.old + head, l.new + head, l.score, l.exact) for l in middle]
            + [Link(len(old) - tail + k, len(new) - tail + k, 1.0, True) for k in range(tail)])


def _align(old: list[str], new: list[str], similar: float, moved_similar: float,
           forced: list[tuple[int, int]]) -> list[Link]:
    if not old or not new:
        return []
    if len(old) == 1 and len(new) == 1 and not forced:
        # One unit left on each side: the same provision, however rewritten (see below).
        return [Link(0, 0, fuzz.ratio(old[0], new[0]) / 100, old[0] == new[0])]
    links = [Link(i, j, fuzz.ratio(old[i], new[j]) / 100, old[i] == new[j]) for i, j in forced]
    taken_old = {l.old for l in links}
    taken_new = {l.new for l in links}
    links += _exact(old, new, taken_old, taken_new)
    links.sort(key=lambda l: l.old)
    anchors = [links[k] for k in longest_increasing([l.new for l in links])]
    used_old = {l.old for l in links}
    used_new = {l.new for l in links}
    # Each stretch between two consecutive anchors is aligned on its own.
    bounds = [(-1, -1)] + [(a.old, a.new) for a in anchors] + [(len(old), len(new))]
    for (o0, n0), (o1, n1) in zip(bounds, bounds[1:]):
        olds = [i for i in range(o0 + 1, o1) if i not in used_old]
        news = [j for j in range(n0 + 1, n1) if j not in used_new]
        links += _similar(old, new, olds, news, similar, used_old, used_new)
    olds = [i for i in range(len(old)) if i not in used_old]
    news = [j for j in range(len(new)) if j not in used_new]
    links += _similar(old, new, olds, news, moved_similar, used_old, used_new, reach=None)
    # One unit left on each side of a stretch (now bounded by every pair, so that no pairing
    # crosses another) is the same provision rewritten in place (将第九条修改为：…), however
    # little of its wording survived.
    links.sort(key=lambda l: l.old)
    ordered = [links[k] for k in longest_increasing([l.new for l in links])]
    bounds = [(-1, -1)] + [(a.old, a.new) for a in ordered] + [(len(old), len(new))]
    for (o0, n0), (o1, n1) in zip(bounds, bounds[1:]):
        olds = [i for i in range(o0 + 1, o1) if i not in used_old]
        news = [j for j in range(n0 + 1, n1) if j not in used_new]
        if len(olds) == 1 and len(news) == 1:
            used_old.add(olds[0])
            used_new.add(news[0])
            links.append(Link(olds[0], news[0], fuzz.ratio(old[olds[0]], new[news[0]]) / 100, False))
    return sorted(links, key=lambda l: l.old)


def _exact(old: list[str], new: list[str], taken_old: set[int], taken_new: set[int]) -> list[Link]:
    positions: dict[str, list[int]] = {}
    for j, text in enumerate(new):
        if j not in taken_new:
            positions.setdefault(text, []).append(j)
    links = []
    for i, text in enumerate(old):
        free = positions.get(text) if i not in taken_old else None
        if free:
            # Repeated texts (two identical items) pair in reading order.
            links.append(Link(i, free.pop(0), 1.0, True))
    return links


def _similar(old: list[str], new: list[str], olds: list[int], news: list[int], threshold: float,
             used_old: set[int], used_new: set[int], reach: int | None = REACH) -> list[Link]:
    """Pair the most similar units first. With ``reach`` each old unit is compared only with the new
    ones near its expected place in the stretch; without (the moved-units pass), with all, or in a
    long text with the candidates that share most distinctive trigrams with it."""
    if not olds or not news:
        return []
    cutoff = threshold * 100
    candidates = []
    texts = [new[j] for j in news]
    index = GramIndex([trigrams(t) for t in texts]) if reach is None and len(olds) * len(texts) > EXHAUSTIVE else None
    for a, i in enumerate(olds):
        if index is not None:
            scored = sorted(((fuzz.ratio(old[i], texts[b], score_cutoff=cutoff), b)
                             for b in index.best(trigrams(old[i]), _CANDIDATES)), reverse=True)[:3]
        elif reach is None:
            scored = [(score, b) for _, score, b in
                      process.extract(old[i], texts, scorer=fuzz.ratio, score_cutoff=cutoff, limit=3)]
        else:
            expected = a * len(news) // len(olds)
            low = max(0, expected - reach)
            # One call scores the whole band (a call per pair cost more than the scoring itself).
            scored = [(score, low + b) for _, score, b in process.extract(
                old[i], texts[low:expected + reach + 1], scorer=fuzz.ratio, score_cutoff=cutoff, limit=None)]
        candidates += [(score, -abs(a - b), a, b) for score, b in scored if score]
    links = []
    for score, _, a, b in sorted(candidates, reverse=True):
        i, j = olds[a], news[b]
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        links.append(Link(i, j, score / 100, False))
    return links


def longest_increasing(values: list[int]) -> list[int]:
    """Indices of a longest strictly increasing subsequence of ``values`` (O(n log n))."""
    tails: list[int] = []        # values[tail index] of the best subsequence of each length
    tail_at: list[int] = []
    previous = [-1] * len(values)
    for k, v in enumerate(values):
        pos = bisect_left(tails, v)
        if pos:
            previous[k] = tail_at[pos - 1]
        if pos == len(tails):
            tails.append(v)
            tail_at.append(k)
        else:
            tails[pos] = v
            tail_at[pos] = k
    out = []
    k = tail_at[-1] if tail_at else -1
    while k != -1:
        out.append(k)
        k = previous[k]
    return out[::-1]
