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

from ..model import Document, article_label
from ..normalize import normalize
from ..numerals import ANY_NUM, cn_to_int
from .ops import DELETE_PHRASE, INSERT, INSERT_PHRASE, REPLACE_PHRASE, Op

REASONS = {
    "not_applied": "决定中涉及此条的指令未能读懂或执行，差异来自本工具而非公布文本",
    "convention": "仅按标点符号用法惯例（GB/T 15834）不同，属预期",
    "old_text_noise": "原文本中的标题文字混入了条文（原文本排版问题）",
    "annotation": "仅注释标记不同（脚注、注码）",
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
# GB/T 15834-2011 4.5.3.5: no 、 between quoted or 《》-titled members of a list; list items end in ；
# and the last in 。 — the republished text applies these whether or not the decision says so.
_LIST_COMMA = re.compile(r"(?<=[》”])、(?=[《“])")
_ITEM_END = re.compile(r"[；;。.](?=\n|$)")
_HEADING = re.compile(rf"第{ANY_NUM}(?:分编|编|章|节)[ \u3000]*[^\s，。；：]{{0,24}}(?=\n|$)")
_NOTE_MARK = re.compile(r"\[\d{1,3}\]|［\d{1,3}］|〔注\d{0,3}〕|\^\d{1,3}|[\u00b9\u00b2\u00b3\u2070-\u2079]+"
                        r"|[①-⑳](?=[，。；\n]|$)")
_ARTICLE_REF = re.compile(rf"(?<!》)第({ANY_NUM})条(?:之({ANY_NUM}))?")


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


def check(consolidated: Document, republished: Document, ops: list[Op] | None = None,
          not_applied: set[str] | None = None) -> list[Discrepancy]:
    """The articles whose republished text differs from the consolidated one, each with a reason.

    ``not_applied``: labels (new numbering) of articles an unread or failed instruction names
    (:func:`unapplied_articles`): their differences are the engine's, never the republished text's.
    """
    ours = {(a.num, a.sub): a for a in consolidated.articles()}
    theirs = {(a.num, a.sub): a for a in republished.articles()}
    out = []
    for key in sorted(set(ours) | set(theirs)):
        a, b = ours.get(key), theirs.get(key)
        expected = a.display_line() if a else None
        published = b.display_line() if b else None
        if expected is not None and published is not None and normalize(expected) == normalize(published):
            continue
        label = (a or b).label
        category = "not_applied" if label in (not_applied or ()) else _category(expected, published, ops or [])
        out.append(Discrepancy(label, category, REASONS[category], expected, published,
                               _detail(expected or "", published or "")))
    return out


def _category(expected: str | None, published: str | None, ops: list[Op]) -> str:
    if expected is None:
        return "missing"
    if published is None:
        return "extra"
    e, p = normalize(expected), normalize(published)
    if _convention(e) == _convention(p):
        return "convention"
    if _NOTE_MARK.sub("", e) == _NOTE_MARK.sub("", p):
        return "annotation"
    if _HEADING.sub("", e) == _HEADING.sub("", p) and (_HEADING.search(e) or _HEADING.search(p)):
        return "old_text_noise"
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


def _convention(text: str) -> str:
    return _ITEM_END.sub("；", _LIST_COMMA.sub("", text))


def unapplied_articles(consolidation, problems=()) -> set[str]:
    """Labels, in the new numbering, of the articles named by failed ops and by unread instructions."""
    olds: set[tuple[int, int]] = set()
    news: set[str] = set()
    for op, _ in consolidation.failed:
        for path in [op.target, *op.span, *op.sources]:
            head = path.split("/")[0]
            m = re.fullmatch(r"条(\d+)(?:之(\d+))?", head)
            if not m:
                continue
            number = (int(m.group(1)), int(m.group(2) or 0))
            if op.action == INSERT:
                news.add(article_label(*number))       # an inserted article is named in the new numbering
            else:
                olds.add(number)
    for problem in problems:
        for m in _ARTICLE_REF.finditer(problem.sentence):
            olds.add((cn_to_int(m.group(1)), cn_to_int(m.group(2)) if m.group(2) else 0))
    for old in olds:
        label = consolidation.new_label(old)
        news.add(label or article_label(*old))
    return news


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

