"""Where the republished text differs from what the decision prescribed, article by article.

Consolidated and republished articles are paired by their (new) number and compared in the
comparison form (``normalize``). Each difference gets a category, tried from the most specific:
only cross-reference numbers differ, only item numbering, only punctuation, a phrase replacement
carried out in fewer or more places than the decision says, the decision's own wording changed,
and last any other wording the decision does not list (此外，对…部分文字作相应调整).
"""
from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass

from ..model import Document
from ..normalize import normalize
from ..numerals import ANY_NUM
from .ops import DELETE_PHRASE, INSERT_PHRASE, REPLACE_PHRASE, Op

REASONS = {
    "missing": "公布文本有此条，按决定整理的文本没有",
    "extra": "按决定整理的文本有此条，公布文本没有",
    "cross_reference": "条文引用的条号不同（决定未列明的引用调整）",
    "item_labels": "项的序号不同（排版或转换差异）",
    "punctuation": "仅标点不同（决定未列明的标点调整）",
    "replacement_not_everywhere": "公布文本仍保留被替换的文字：“均修改为”未在此处执行",
    "replacement_beyond_listed": "公布文本在决定未列明之处也作了同样的替换",
    "prescribed_wording": "公布文本与决定给出的文字不同",
    "unlisted_wording": "决定未列明的文字调整",
}
_REF_NUM = re.compile(rf"第{ANY_NUM}(条|款|项|章)(?:之{ANY_NUM})?")
_ITEM_MARK = re.compile(r"(^|\n)[(（][一二三四五六七八九十]+[)）]")
_PUNCT = re.compile(r"[、，,。；;：:！？!?\"'“”‘’《》〈〉<>()（）\[\]【】·\-—…\s]")
_LABEL = re.compile(rf"^(?:第{ANY_NUM}条(?:之{ANY_NUM})?|\([一二三四五六七八九十]+\))")
_TEXT_OPS = (REPLACE_PHRASE, DELETE_PHRASE, INSERT_PHRASE)


@dataclass
class Discrepancy:
    label: str               # 第十二条 (new numbering)
    category: str
    reason: str
    expected: str | None     # the consolidated article
    published: str | None    # the republished article
    detail: str = ""         # the differing words: “A”→“B”

    def to_dict(self) -> dict:
        return asdict(self)


def check(consolidated: Document, republished: Document, ops: list[Op] | None = None) -> list[Discrepancy]:
    """The articles whose republished text differs from the consolidated one, each with a reason."""
    ours = {(a.num, a.sub): a for a in consolidated.articles()}
    theirs = {(a.num, a.sub): a for a in republished.articles()}
    out = []
    for key in sorted(set(ours) | set(theirs)):
        a, b = ours.get(key), theirs.get(key)
        expected = a.display_line() if a else None
        published = b.display_line() if b else None
        if expected is not None and published is not None and normalize(expected) == normalize(published):
            continue
        category = _category(expected, published, ops or [])
        label = (a or b).label
        out.append(Discrepancy(label, category, REASONS[category], expected, published,
                               _detail(expected or "", published or "")))
    return out


def _category(expected: str | None, published: str | None, ops: list[Op]) -> str:
    if expected is None:
        return "missing"
    if published is None:
        return "extra"
    e, p = normalize(expected), normalize(published)
    if _REF_NUM.sub("#", e) == _REF_NUM.sub("#", p):
        return "cross_reference"
    if normalize(_ITEM_MARK.sub(r"\1", expected)) == normalize(_ITEM_MARK.sub(r"\1", published)):
        return "item_labels"
    if _PUNCT.sub("", e) == _PUNCT.sub("", p):
        return "punctuation"
    for op in ops:
        if op.action != REPLACE_PHRASE or not op.phrase or not op.text:
            continue
        old, new = normalize(op.phrase), normalize(op.text)
        if old in p and old not in e and new in e:
            return "replacement_not_everywhere"
        if old in e and old not in p and new in p:
            return "replacement_beyond_listed"
    if _inside_prescribed(e, p, ops):
        return "prescribed_wording"
    return "unlisted_wording"


def _inside_prescribed(e: str, p: str, ops: list[Op]) -> bool:
    """Whether a difference falls inside wording the decision itself gives (修改为：…, 增加一条：…)."""
    spans = []
    for op in ops:
        if not op.text or op.action in _TEXT_OPS:
            continue
        for line in op.text.splitlines():
            line = _LABEL.sub("", normalize(line))
            at = e.find(line) if len(line) > 4 else -1
            if at >= 0:
                spans.append((at, at + len(line)))
    if not spans:
        return False
    matcher = difflib.SequenceMatcher(None, e, p, autojunk=False)
    changes = [(i1, i2) for tag, i1, i2, _, _ in matcher.get_opcodes() if tag != "equal"]
    return any(a <= i1 and i2 <= b and (i1 < b or i1 == i2 == b) for i1, i2 in changes for a, b in spans)


def _detail(expected: str, published: str, limit: int = 3) -> str:
    """The differing words, at most ``limit`` places: “按决定”→“公布文本”."""
    matcher = difflib.SequenceMatcher(None, expected, published, autojunk=False)
    parts = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or normalize(expected[i1:i2]) == normalize(published[j1:j2]):
            continue   # full/half width and spacing are not a difference
        parts.append(f"“{expected[i1:i2]}”→“{published[j1:j2]}”")
        if len(parts) == limit:
            break
    return "；".join(parts)

