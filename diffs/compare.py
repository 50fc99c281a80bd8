"""Compare two versions of a document unit by unit (articles, or numbered sections of a policy text).

Units are paired by :func:`diffs.align.align`; what remains unpaired is checked for splits (one old
article now spread over several) and merges (several old ones now in one), judged by how much of a
unit's text is contained in its neighbour (longest common subsequence), so that a deleted article
that merely resembles the next one stays deleted. Inside a changed unit the paragraphs (款) and
items (项) are aligned the same way and each changed line gets a character diff.
"""
from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from .align import Link, align, longest_increasing
from .crossrefs import renumber_articles
from .candidates import EXHAUSTIVE, distinctive, trigrams
from .inline import DELETE, EQUAL, INSERT, Ops, inline_diff, join
from .model import ANNEX, ARTICLE, PARA, POLICY_LEVELS, ROOT, STATUTE_CONTAINERS, Document, Node, cn_path_label
from .normalize import normalize

STATUSES = ("unchanged", "renumbered", "modified", "added", "deleted", "split", "merged")
#: Share of a unit's text found again in a neighbour (each line against its most similar line
#: there, weighted by length) for the two to be one provision split, merged or cut down.
#: Unrelated articles of one law score about 0.4 from their shared vocabulary.
CONTAINED = 0.6
#: A split piece or merged unit must add at least this share of its own length to what its
#: neighbour already explains; a deleted article that repeats the one kept next to it adds nothing.
GAIN = 0.5
_MIN_PIECE = 8
#: Opens the note of a unit whose only change is references to renumbered articles.
XREF_ONLY = "仅因条文序号调整而更新引用："


@dataclass
class Pair:
    old_label: str | None
    new_label: str | None
    status: str
    similarity: float
    formatting: bool = False
    inline: Ops = field(default_factory=list)
    old_text: str | None = None
    new_text: str | None = None
    old_path: str | None = None
    new_path: str | None = None
    note: str | None = None
    moved: bool = False
    parts: list[dict] = field(default_factory=list)   # paragraph/item pairs inside a changed unit

    def to_dict(self) -> dict:
        out = {"old": self.old_label, "new": self.new_label, "status": self.status,
               "similarity": round(self.similarity, 4), "formatting": self.formatting,
               "inline": self.inline, "moved": self.moved,
               "old_path": self.old_path, "new_path": self.new_path}
        if self.note:
            out["note"] = self.note
        if self.parts:
            out["parts"] = self.parts
        return out


@dataclass
class DiffResult:
    old: Document
    new: Document
    pairs: list[Pair]
    old_units: int
    new_units: int

    @property
    def summary(self) -> dict[str, int]:
        count = Counter(p.status for p in self.pairs)
        return {
            "modified": count["modified"], "added": count["added"], "deleted": count["deleted"],
            "renumbered": count["renumbered"], "moved": sum(p.moved for p in self.pairs),
            "unchanged": count["unchanged"],
            # A split repeats the old article over its pieces, a merge the new one: count articles.
            "split": len({p.old_path for p in self.pairs if p.status == "split"}),
            "merged": len({p.new_path for p in self.pairs if p.status == "merged"}),
            "formatting": sum(p.formatting for p in self.pairs),
            "cross_references": sum(1 for p in self.pairs if p.note and p.note.startswith(XREF_ONLY)),
        }

    @property
    def changed(self) -> bool:
        return any(p.status not in ("unchanged", "renumbered") for p in self.pairs)

    def to_dict(self) -> dict:
        return {"old": {"title": self.old.title, "articles": self.old_units},
                "new": {"title": self.new.title, "articles": self.new_units},
                "summary": self.summary, "pairs": [p.to_dict() for p in self.pairs]}


@dataclass
class _Unit:
    node: Node
    label: str              # as the text numbers it: 第十一条, 三、（二）1., 第二段
    path: str               # 条11, 一、3/（一）2
    number: str             # what "same number" means when deciding unchanged vs renumbered
    container: str          # path of the enclosing 编/章/节 ('' at the top)
    lines: list[tuple[str, str, str]]   # (sub-path, numbering, text) of each paragraph / item line
    text: str = ""
    key: str = ""           # normalised text: what alignment compares
    line_keys: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        texts = [label + body for _, label, body in self.lines]
        self.text = "\n".join(texts)
        self.line_keys = list(map(normalize, texts))
        self.key = "".join(self.line_keys)


def compare(old: Document | str, new: Document | str, anchors: dict[str, str] | None = None) -> DiffResult:
    """Pair the units of two versions and classify each pair (see :data:`STATUSES`).

    ``anchors`` maps old unit paths to new ones known to be the same provision (``{"条25": "条18"}``
    from a decision's 将第二十五条改为第十八条，修改为：…): a provision rewritten from scratch
    cannot be recognised from its text alone. Paths missing on either side are ignored.
    """
    from .structure import parse

    old_doc = parse(old) if isinstance(old, str) else old
    new_doc = parse(new) if isinstance(new, str) else new
    olds, news = units(old_doc), units(new_doc)
    old_at = {u.path: k for k, u in enumerate(olds)}
    new_at = {u.path: k for k, u in enumerate(news)}
    forced = [(old_at[o], new_at[n]) for o, n in (anchors or {}).items() if o in old_at and n in new_at]
    links = align([u.key for u in olds], [u.key for u in news], forced=forced)
    statuses = _splits_and_merges(olds, news, links)
    linked = {(l.old, l.new) for l in links}
    rows = [(l.old, l.new, statuses.get((l.old, l.new))) for l in links]
    rows += [(i, j, status) for (i, j), status in statuses.items() if (i, j) not in linked]
    moved = _moved(olds, news, links)
    renumbering = {olds[l.old].number: news[l.new] for l in links
                   if olds[l.old].number != news[l.new].number and olds[l.old].node.kind == ARTICLE}
    pairs = []
    for i, j, status in _reading_order(len(olds), len(news), rows):
        o = olds[i] if i is not None else None
        n = news[j] if j is not None else None
        pairs.append(_pair(o, n, status, (i, j) in moved, renumbering))
    return DiffResult(old_doc, new_doc, pairs, len(olds), len(news))


def units(doc: Document) -> list[_Unit]:
    """The units a diff pairs: articles of a statute; the smallest numbered sections of a policy
    document (a section with text of its own above numbered ones is a unit too); annexes;
    paragraphs outside any of these (a preamble, an unnumbered text)."""
    out: list[_Unit] = []
    _collect(doc.root, "", "", "", out)
    return out


def _collect(node: Node, path: str, label: str, container: str, out: list[_Unit]) -> None:
    for child in node.children:
        key = child.key
        child_path = f"{path}/{key}" if path else key
        if child.kind in STATUTE_CONTAINERS:
            _collect(child, child_path, label, child_path, out)
        elif child.kind == ARTICLE:
            out.append(_Unit(child, child.label, key, key, container, _article_lines(child)))
        elif child.kind == PARA:
            if node.kind == ROOT or node.kind in STATUTE_CONTAINERS:   # else a line of its section
                own = cn_path_label(key)
                out.append(_Unit(child, own, child_path, child_path, container, _section_lines(child)))
        elif child.kind in POLICY_LEVELS or child.kind == ANNEX:
            child_label = label + child.label if child.kind != ANNEX else child.label + " "
            numbered = [c for c in child.children if c.kind in POLICY_LEVELS]
            lines = _section_lines(child)
            if lines or not numbered:
                out.append(_Unit(child, child_label.strip(), child_path, normalize(child_label), container, lines))
            _collect(child, child_path, child_label, container, out)


def _article_lines(article: Node) -> list[tuple[str, str, str]]:
    lines = [("标题", "", f"（{article.title}）")] if article.title else []

    def visit(node: Node, path: str) -> None:
        for child in node.children:
            child_path = f"{path}/{child.key}" if path else child.key
            if child.label or child.title or child.text:
                lines.append((child_path, child.label, child.title + child.text))
            if child.children:
                visit(child, child_path)

    visit(article, "")
    return lines


def _section_lines(section: Node) -> list[tuple[str, str, str]]:
    """A policy section's own heading/text and its unnumbered paragraphs (numbered ones are units)."""
    own = section.title + section.text
    lines = [("正文", "", own)] if own else []
    for child in section.children:
        if child.kind == PARA:
            lines.append((child.key, "", child.text))
    return lines


def _splits_and_merges(olds: list[_Unit], news: list[_Unit], links: list[Link]) -> dict[tuple[int, int], str]:
    """(old, new) -> status for units left unpaired by ``align`` that were merged into or split
    out of a neighbour, and for the paired units they joined. A unit contained in a neighbour that
    has no other source is that neighbour's earlier version, rewritten: ``modified``."""
    new_of = {l.old: l.new for l in links}
    old_of = {l.new: l.old for l in links}
    sources: dict[int, list[int]] = {}    # new unit -> old units it merges
    pieces: dict[int, list[int]] = {}     # old unit -> new units it was split into
    for l in links:
        sources[l.new] = [l.old]
        pieces[l.old] = [l.new]
    # Each unpaired unit is checked against up to 2 * _REACH + 1 units, a check costing about four
    # similarity scores: beyond EXHAUSTIVE scores, only units sharing distinctive trigrams are checked.
    unpaired = sum(1 for i in range(len(olds)) if i not in new_of) + sum(1 for j in range(len(news)) if j not in old_of)
    large = unpaired * (2 * _REACH + 1) * 4 > EXHAUSTIVE
    old_grams = distinctive([trigrams(u.key) for u in olds]) if large else None
    new_grams = distinctive([trigrams(u.key) for u in news]) if large else None
    paired = sorted(new_of)
    for i in range(len(olds)):
        if i in new_of or len(olds[i].key) < _MIN_PIECE:
            continue
        window = _window(i, new_of, paired, len(news))
        j = _best_home(olds[i], i, olds, news, _likely(window, old_grams, i, new_grams), sources)
        if j is not None:
            new_of[i] = j
            insort(paired, i)
            old_of.setdefault(j, i)
            sources.setdefault(j, []).append(i)
            pieces.setdefault(i, []).append(j)
    paired = sorted(old_of)
    for j in range(len(news)):
        if j in old_of or len(news[j].key) < _MIN_PIECE:
            continue
        window = _window(j, old_of, paired, len(olds))
        i = _best_home(news[j], j, news, olds, _likely(window, new_grams, j, old_grams), pieces)
        if i is not None:
            old_of[j] = i
            insort(paired, j)
            pieces.setdefault(i, []).append(j)
            sources.setdefault(j, []).append(i)
    linked_olds = {l.old for l in links}
    statuses: dict[tuple[int, int], str] = {}
    for j, olds_of_j in sources.items():
        for i in olds_of_j:
            if len(olds_of_j) > 1:
                statuses[(i, j)] = "merged"
            elif len(pieces[i]) > 1:
                statuses[(i, j)] = "split"
            elif i not in linked_olds:
                statuses[(i, j)] = "modified"
    return statuses


def _neighbours(index: int, partner: dict[int, int], keys: list[int]) -> tuple[int | None, int | None]:
    """Partners of the nearest paired units before and after ``index`` (None at either end);
    ``keys`` are ``partner``'s keys, sorted."""
    at = bisect_left(keys, index)
    before = keys[at - 1] if at else None
    at = bisect_right(keys, index)
    after = keys[at] if at < len(keys) else None
    return (partner[before] if before is not None else None), (partner[after] if after is not None else None)


#: At most this many candidates on either side of the expected place.
_REACH = 12


def _window(index: int, partner: dict[int, int], keys: list[int], size: int) -> list[int]:
    """Partner-side candidates for an unpaired unit: between the partners of its nearest paired
    neighbours (each included), nearest to the middle first."""
    if size == 0:
        return []
    low, high = _neighbours(index, partner, keys)
    low = 0 if low is None else low
    high = size - 1 if high is None else high
    if low > high:                      # a neighbour moved away: only the two neighbours' places
        return sorted({low, high})
    middle = (low + high) // 2
    low, high = max(low, middle - _REACH), min(high, middle + _REACH)
    return sorted(range(low, high + 1), key=lambda j: abs(j - middle))


def _likely(window: list[int], grams: list[set[str]] | None, piece: int, other: list[set[str]] | None) -> list[int]:
    """In a long text, the units of ``window`` sharing a distinctive trigram with unit ``piece``
    (one whose text is mostly found in a unit shares many); every unit of it otherwise."""
    if grams is None or other is None:
        return window
    return [k for k in window if not grams[piece].isdisjoint(other[k])]


def _best_home(piece: _Unit, index: int, side: list[_Unit], other: list[_Unit], window: list[int],
               joined: dict[int, list[int]]) -> int | None:
    """The unit of ``other`` in ``window`` that best contains ``piece`` (a unit of ``side``), provided
    ``piece`` explains text of it that its existing counterparts in ``joined`` do not."""
    best, best_score = None, CONTAINED
    for k in window:
        score = _containment(piece, other[k])
        if score < best_score:
            continue
        sources = joined.get(k, [])
        explained = "".join(side[s].key for s in sources)
        with_piece = "".join(side[s].key for s in sorted(sources + [index]))
        gain = LCSseq.similarity(with_piece, other[k].key) - LCSseq.similarity(explained, other[k].key)
        if gain >= GAIN * len(piece.key):
            best, best_score = k, score
    return best


def _containment(piece: _Unit, whole: _Unit) -> float:
    """Length-weighted similarity of each line of ``piece`` to its most similar line of ``whole``."""
    if not piece.line_keys or not whole.line_keys:
        return 0.0
    found = sum(len(line) * process.extractOne(line, whole.line_keys, scorer=fuzz.ratio)[1]
                for line in piece.line_keys)
    return found / (100 * max(len(piece.key), 1))


def _moved(olds: list[_Unit], news: list[_Unit], links: list[Link]) -> set[tuple[int, int]]:
    """Pairs that changed place: out of reading order, or into a chapter other than the one most
    of their old chapter's articles went to (a chapter renumbered as a whole moves nothing)."""
    in_order = {(links[k].old, links[k].new) for k in longest_increasing([l.new for l in links])}
    votes = Counter((olds[l.old].container, news[l.new].container) for l in links)
    target: dict[str, str] = {}
    for (old_c, new_c), _ in votes.most_common():
        target.setdefault(old_c, new_c)
    return {(l.old, l.new) for l in links
            if (l.old, l.new) not in in_order or target[olds[l.old].container] != news[l.new].container}


def _reading_order(n_old: int, n_new: int, rows: list[tuple[int, int, object]]) -> list[tuple]:
    """Every unit of both sides once as (old, new, payload) in the new text's order; a deleted
    unit comes after the counterpart of its nearest paired predecessor."""
    ordered = []
    new_of: dict[int, int] = {}
    for i, j, payload in rows:
        ordered.append(((j, 0, i), i, j, payload))
        new_of.setdefault(i, j)
    paired_new = {j for _, j, _ in rows}
    ordered += [((j, 0, -1), None, j, None) for j in range(n_new) if j not in paired_new]
    keys = sorted(new_of)
    for i in range(n_old):
        if i not in new_of:
            before, _ = _neighbours(i, new_of, keys)
            ordered.append(((-1 if before is None else before, 1, i), i, None, None))
    ordered.sort(key=lambda r: r[0])
    return [(i, j, payload) for _, i, j, payload in ordered]


def _pair(o: _Unit | None, n: _Unit | None, status: str | None, moved: bool,
          renumbering: dict[str, _Unit]) -> Pair:
    if n is None:
        return Pair(o.label, None, "deleted", 0.0, inline=[[DELETE, o.text]] if o.text else [],
                    old_text=o.text, old_path=o.path)
    if o is None:
        return Pair(None, n.label, "added", 0.0, inline=[[INSERT, n.text]] if n.text else [],
                    new_text=n.text, new_path=n.path)
    pair = Pair(o.label, n.label, "modified", 1.0, old_text=o.text, new_text=n.text,
                old_path=o.path, new_path=n.path, moved=moved)
    if status in ("split", "merged"):
        pair.status = status
        pair.similarity = LCSseq.similarity(o.key, n.key) / max(len(o.key), len(n.key), 1)
        pair.inline = inline_diff(o.text, n.text, ignore_formatting=True)
        return pair
    if o.key == n.key:
        pair.status = "unchanged" if o.number == n.number else "renumbered"
        pair.formatting = o.text != n.text
        pair.inline = inline_diff(o.text, n.text) if pair.formatting else [[EQUAL, n.text]]
        return pair
    pair.similarity = fuzz.ratio(o.key, n.key) / 100
    pair.inline, pair.parts = _inside(o, n)
    pair.note = _cross_reference_note(o, n, renumbering)
    return pair


def _inside(o: _Unit, n: _Unit) -> tuple[Ops, list[dict]]:
    """Align the paragraphs and items of two versions of a unit; diff each changed line."""
    # Lines are aligned on their text without numbering: an item that moved up keeps its words.
    old_keys = [normalize(body) for _, _, body in o.lines]
    new_keys = [normalize(body) for _, _, body in n.lines]
    rows = [(l.old, l.new, l) for l in align(old_keys, new_keys)]
    # Every line paired with the line at its own place (the usual amendment of a few words): that
    # is already the reading order.
    in_place = len(rows) == len(o.lines) == len(n.lines) and all(i == j for i, j, _ in rows)
    chunks: list[Ops] = []
    parts: list[dict] = []
    for i, j, link in rows if in_place else _reading_order(len(o.lines), len(n.lines), rows):
        old_path, old_line = (o.lines[i][0], o.lines[i][1] + o.lines[i][2]) if i is not None else (None, "")
        new_path, new_line = (n.lines[j][0], n.lines[j][1] + n.lines[j][2]) if j is not None else (None, "")
        if link is None:
            status = "deleted" if j is None else "added"
        elif old_keys[i] == new_keys[j]:
            status = "unchanged" if old_path == new_path else "renumbered"
        else:
            status = "modified"
        chunks.append(inline_diff(old_line, new_line, ignore_formatting=True))
        if status != "unchanged":
            parts.append({"old": _part_label(old_path), "new": _part_label(new_path), "status": status,
                          "formatting": status in ("unchanged", "renumbered") and old_line != new_line})
    return join(chunks), parts


@lru_cache(maxsize=1024)
def _part_label(path: str | None) -> str | None:
    if path is None or path in ("标题", "正文"):
        return path
    return cn_path_label(path)


def _cross_reference_note(o: _Unit, n: _Unit, renumbering: dict[str, _Unit]) -> str | None:
    """A remark when references to renumbered articles (本法第十六条 → 本法第十五条) explain all or
    part of the change; references to other laws' articles (《…》第X条) are left alone."""
    if not renumbering or o.node.kind != ARTICLE:
        return None
    def new_label(num: int, sub: int) -> str | None:
        target = renumbering.get(f"条{num}" + (f"之{sub}" if sub else ""))
        return target.label if target is not None else None

    text, changes = renumber_articles(o.text, new_label)
    renumbered = normalize(text)
    if not changes:
        return None
    references = "、".join(dict.fromkeys(f"{old}→{new}" for old, new in changes))
    if renumbered == n.key:
        return XREF_ONLY + references
    if fuzz.ratio(renumbered, n.key) > fuzz.ratio(o.key, n.key):
        return "引用随条文序号调整：" + references
    return None
