"""The decision's wording put into a law's text: new provisions parsed into nodes, phrases found
and replaced despite width variants, clauses added at the end or the opening of a paragraph.
Pure string/tree helpers for :mod:`diffs.amendments.apply`.
"""
from __future__ import annotations

import re

from ..model import ITEM, Node
from ..numerals import ANY_NUM, cn_to_int, int_to_cn
from ..structure import parse

ITEM_ENDS = "。；;：:"
_SENTENCE_ENDS = ("。", "；", "：", "！", "？")
_CONTINUATION = re.compile(r"^(?:[^，。；]{1,20}的，|但是|但|并且|并|或者|且|其中|情节)")
_ITEM_LABEL = re.compile(r"^[（(]([一二三四五六七八九十]+)[）)]\s*")
_ARTICLE_LABEL = re.compile(rf"^第({ANY_NUM})条(?:之({ANY_NUM}))?\s*(?:[（(]([^（）()]{{1,30}})[）)])?\s*")


def article_body(text: str) -> tuple[str, list[Node]]:
    """A decision's wording of an article (or of paragraphs) -> (title, 款 nodes with their 项).

    The text is parsed by the structure parser as the body of a stand-in article, so paragraphs and
    items are told apart exactly as in a full law.
    """
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    title = ""
    if lines:
        m = _ARTICLE_LABEL.match(lines[0])
        if m:
            title = m.group(3) or ""
            lines[0] = lines[0][m.end():]
    if not lines or not lines[0]:
        return title, []
    doc = parse("第一条 " + "\n".join(lines) + "\n第二条 。", fmt="text")
    first = doc.articles()[0]
    return title or first.title, first.children


def items(text: str, first: int) -> list[Node]:
    """Items (项) worded by the decision, one per line: （二）春节…; unlabelled lines count on from ``first``."""
    out = []
    for line in (l.strip() for l in text.splitlines()):
        if not line:
            continue
        m = _ITEM_LABEL.match(line)
        num = cn_to_int(m.group(1)) if m else first + len(out)
        out.append(Node(ITEM, num=num, label=f"（{int_to_cn(num)}）", text=line[m.end():] if m else line))
    return out


def article_pieces(text: str, count: int) -> list[tuple[str, list[Node]]]:
    """分为两条: the new articles, cut at their labels (第十条 …) or else one paragraph each."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    starts = [i for i, line in enumerate(lines) if _ARTICLE_LABEL.match(line)]
    if len(starts) != count:
        starts = list(range(len(lines))) if len(lines) == count else starts
    return [article_body("\n".join(lines[a:b])) for a, b in zip(starts, starts[1:] + [len(lines)])]


# Inside a quotation a decision writes the text's “” as ‘’; brackets and colons vary in width.
_VARIANTS = str.maketrans("()：:;,‘’", "（）：：；，“”")


def replace_all(text: str, phrase: str, new: str) -> tuple[str, int]:
    if not phrase:
        return text, 0
    count = text.count(phrase)
    if count:
        return text.replace(phrase, new), count
    # The decision and the base often differ only in full/half-width brackets and colons.
    folded_phrase = phrase.translate(_VARIANTS)
    folded = text.translate(_VARIANTS)
    count = folded.count(folded_phrase)
    if not count or len(folded) != len(text):
        return text, 0
    out, i = [], 0
    while True:
        j = folded.find(folded_phrase, i)
        if j < 0:
            out.append(text[i:])
            break
        out += [text[i:j], new]
        i = j + len(phrase)
    return "".join(out), count


def replace_merged(text: str, phrases: list[str], new: str) -> tuple[str, int]:
    """“卫生”“计划生育”合并修改为“卫生健康”: the phrases stand side by side in the text."""
    for sep in ("、", "和", "，", "及", ""):
        result, n = replace_all(text, sep.join(phrases), new)
        if n:
            return result, n
    result, n = replace_all(text, phrases[0], new)
    for other in phrases[1:]:
        result, _ = delete_all(result, other)
    return result, n


def delete_all(text: str, phrase: str) -> tuple[str, int]:
    result, n = replace_all(text, phrase, "\x00")
    if not n:
        return text, 0
    # A list loses its separator with the deleted member: 区、县 -> 区, （、） disappears.
    result = re.sub(r"、\x00(?=[、，。；）])|\x00、|、\x00$", "", result)
    result = result.replace("\x00", "")
    result = re.sub(r"、(?=[。；，）])", "", result).replace("（）", "")
    return result, n


def append_clause(text: str, added: str) -> str:
    """款尾增加: ``added`` at the end of a paragraph, punctuated as the drafting implies."""
    if added[:1] in "，,；;。":
        return text.rstrip("。.") + added + ("" if added.endswith(_SENTENCE_ENDS) else "。")
    if added.endswith(_SENTENCE_ENDS):
        return text + added
    if _CONTINUATION.match(added):
        # 款尾增加“情节严重的，依法吊销……”: a clause that continues the last sentence.
        return text.rstrip("。；;.") + "；" + added + "。"
    return text + added + "。"        # a sentence of its own


def replace_opening(text: str, new: str) -> str | None:
    """款首修改为: ``new`` instead of the paragraph's lead-in (up to its colon, else its first sentence)."""
    stop = "：" if new.endswith(("：", ":")) else "。"
    cut = max(text.find(stop), text.find(":" if stop == "：" else "."))
    return None if cut < 0 else new + text[cut + 1:]
