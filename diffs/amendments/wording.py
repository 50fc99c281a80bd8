"""The decision's wording put into a law's text: new provisions parsed into nodes, phrases found
and replaced despite width variants, clauses added at the end or the opening of a paragraph.
Pure string/tree helpers for :mod:`diffs.amendments.apply`.
"""
from __future__ import annotations

import re

from ..model import ITEM, Node
from ..numerals import ANY_NUM, cn_to_int, int_to_cn
from ..structure import parse
from ..vocab import thing_kind

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
            if not lines[0]:
                lines = lines[1:]      # the label alone on its line, the body on the next
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


def numbered_articles(lines: list[str]) -> list[tuple[str, list[Node], tuple[int, int] | None]]:
    """Lines holding whole articles (第四条 … / its paragraphs) -> (title, 款 nodes, (num, sub)) each.

    Lines before the first label come back with number None, for the caller to refuse.
    """
    starts = [i for i, line in enumerate(lines) if _ARTICLE_LABEL.match(line)]
    if not starts or starts[0] != 0:
        starts = [0] + starts
    out = []
    for a, b in zip(starts, starts[1:] + [len(lines)]):
        m = _ARTICLE_LABEL.match(lines[a])
        number = (cn_to_int(m.group(1)), cn_to_int(m.group(2)) if m.group(2) else 0) if m else None
        title, paragraphs = article_body("\n".join(lines[a:b]))
        out.append((title, paragraphs, number))
    return [piece for piece in out if piece[1] or piece[2]]


def article_pieces(text: str, count: int) -> list[tuple[str, list[Node]]]:
    """分为两条: the new articles, cut at their labels (第十条 …) or else one paragraph each."""
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    starts = [i for i, line in enumerate(lines) if _ARTICLE_LABEL.match(line)]
    if len(starts) != count:
        starts = list(range(len(lines))) if len(lines) == count else starts
    return [article_body("\n".join(lines[a:b])) for a, b in zip(starts, starts[1:] + [len(lines)])]


# Inside a quotation a decision writes the text's “” as ‘’; brackets and colons vary in width.
_VARIANTS = str.maketrans("()：:;,‘’", "（）：：；，“”")


def sentences(text: str) -> list[str]:
    """A paragraph's sentences (第N句), each with its closing stop; joined they give the text back."""
    return [m.group(0) for m in re.finditer(r"[^。！？]+(?:[。！？]+|$)", text) if m.group(0)]


def punctuate_list(listed: list[Node]) -> None:
    """Items of a ；-list end in ； and the last in 。 — after an item is added or deleted too.

    Only a list already punctuated that way is touched: items that are whole sentences (each ending
    in 。) keep their stops.
    """
    if not listed or (len(listed) > 1 and not any(i.text.endswith(("；", ";")) for i in listed[:-1])):
        return
    for item in listed[:-1]:
        if item.text.endswith(("。", ".")):
            item.text = item.text[:-1] + "；"
        elif item.text and item.text[-1] not in _PUNCT:
            item.text += "；"         # an item the decision quoted without its stop
    last = listed[-1]
    if last.text.endswith(("；", ";")):
        last.text = last.text[:-1] + "。"
    elif last.text and last.text[-1] not in _PUNCT:
        last.text += "。"


def occurrences(text: str, phrase: str) -> list[tuple[int, int]]:
    """Where ``phrase`` stands in ``text``: exactly, else up to full/half-width brackets and colons."""
    if not phrase:
        return []
    folded, wanted = text, phrase
    if phrase not in text:
        # The decision and the base often differ only in full/half-width brackets and colons.
        folded, wanted = text.translate(_VARIANTS), phrase.translate(_VARIANTS)
    out, i = [], 0
    while len(out) < 10_000:
        j = folded.find(wanted, i)
        if j < 0:
            break
        out.append((j, j + len(phrase)))
        i = j + len(phrase)
    return out


def spans_of(text: str, phrases) -> list[tuple[int, int]]:
    """Where each of ``phrases`` stands in ``text`` (the words a decision put in, to be left alone)."""
    return [(m.start(), m.end()) for p in phrases if p for m in re.finditer(re.escape(p), text)]


def substitute(text: str, phrase: str, new, nth: int = 0,
               keep: list[tuple[int, int]] = ()) -> tuple[str, int]:
    """Every occurrence of ``phrase`` (only the ``nth``, counted from 1, when given; none inside a
    ``keep`` span) replaced by ``new`` (a string, or ``new(text, start, end)``)."""
    spans = [(a, b) for a, b in occurrences(text, phrase) if not any(x < b and a < y for x, y in keep)]
    if nth:
        spans = spans[nth - 1:nth]
    out, i = [], 0
    for a, b in spans:
        out += [text[i:a], new(text, a, b) if callable(new) else new]
        i = b
    return "".join(out) + text[i:], len(spans)


def replace_all(text: str, phrase: str, new: str, nth: int = 0, keep: list[tuple[int, int]] = ()) -> tuple[str, int]:
    """Every occurrence replaced; words that now end a sentence (…并支付相关费用。) take the stop the
    text already had there, never a second one; an occurrence that already reads as the new words stays."""
    attaches = new[:1] in _ATTACHING
    k = new.find(phrase) if phrase else -1

    def fitted(t: str, a: int, b: int) -> str:
        if k >= 0 and a >= k and t[a - k:a - k + len(new)] == new:
            return phrase       # “安置方式”修改为“生态安置方式”: where it already reads so, it stays
        words = new[:-1] if new[-1:] in _STOPS and t[b:b + 1] == new[-1] else new
        return "\x02" + words if attaches and t[a - 1:a] in "，," else words
    result, n = substitute(text, phrase, fitted, nth, keep)
    # Words that open with a particle (的责任份额) attach to the word before: no comma between.
    return re.sub(r"[，,]\x02", "", result).replace("\x02", ""), n


def replace_merged(text: str, phrases: list[str], new: str) -> tuple[str, int]:
    """“卫生”“计划生育”合并修改为“卫生健康”: the phrases stand side by side in the text."""
    for sep in ("、", "和", "，", "及", ""):
        result, n = replace_all(text, sep.join(phrases), new)
        if n:
            return result, n
    result, n = replace_all(text, phrases[0], new)
    if not n:
        return text, 0         # the first phrase is not there: the others are left alone too
    for other in phrases[1:]:
        result, _ = delete_all(result, other)
    return result, n


_PUNCT = "，,、；;。：:！？）)》”’"
_STOPS = "。；;！？"
_ATTACHING = "的地得之"
_PHRASE_CONJ = re.compile(r"^(?:和|及|以及|与|或者|或|等|、)")     # join words; 并/同时 join clauses
_OPENERS = "（(《“‘"
_CONJ = re.compile(r"^(?:和|及|以及|与|或者|或|并且|并|等|、)")
_CONJ_END = re.compile(r"(?:和|及|以及|与|或者|或)$")
# An adverbial of authority (按照国家有关规定) put before a verb phrase is set off by a comma.
_CLAUSE_REST = re.compile(r"[^，,。；;：:、]*")
_ADVERBIAL = re.compile(r"^(?:按照|依照|根据|依据|参照)[^，。；]{2,30}(?:规定|要求|标准|程序)$")


def _coordinate(first: str, second: str) -> bool:
    """Two nouns of the same kind side by side are a list (殡仪馆 + 殡仪服务站), not one compound —
    unless the second is the first's own part (人民政府 + 有关部门 = 人民政府有关部门)."""
    kind = thing_kind(first)
    return kind is not None and kind == thing_kind(second) and not _PUNCT_IN.search(second + first) \
        and not _BELONGING.match(second)


_BELONGING = re.compile(r"^(?:有关|相关|主管|所属|下属|派出|其他|其|各|本级)")


_PUNCT_IN = re.compile(r"[，,。；;：:、]")


def _member_after(text: str, a: int, b: int) -> bool:
    """Words added after [a, b) join a 、-list: the phrase is a member followed by 、 (or is the last
    member, followed by 等/和/及); not when it only ends the list (农业、林业部门 + 主管)."""
    follows = text[b:b + 1]
    return follows == "、" or (text[a - 1:a] == "、" and follows != "" and follows in "等和及与或")


def _member_before(text: str, a: int, b: int) -> bool:
    return text[a - 1:a] == "、" or text[b:b + 1] == "、"


def insert_beside(text: str, phrase: str, added: str, before: bool) -> tuple[str, int]:
    """在“A”前/后增加“B”, with the separator the drafting implies and the republished text prints.

    None after or before a punctuation mark or a conjunction; 、 between members of a list; a comma
    after an adverbial of authority (按照国家有关规定) that now stands before the verb.
    """
    def joined(t: str, a: int, b: int) -> str:
        words = t[a:b]
        if (t[a - len(added):a] if before else t[b:b + len(added)]) == added:
            return words      # 行政机关 + 和法律、法规授权的组织: where the text already says it, once is enough
        if before:
            sep = "、" if (_member_before(t, a, b) or _coordinate(added, words)) and added[-1:] not in _PUNCT + _OPENERS \
                and not _CONJ_END.search(added) and not _CONJ.match(words) else ""
            return added + sep + words
        sep = ""
        free = added[:1] not in _PUNCT + _OPENERS + _ATTACHING and not _CONJ.match(added) and words[-1:] not in _PUNCT
        if free and (_member_after(t, a, b) or _coordinate(words, added)):
            sep = "、"
        elif t[b:b + 1] in "，；。" and len(added) >= 4 and not _ADVERBIAL.match(added) and words[-1:] not in _PUNCT \
                and added[:1] not in _PUNCT + _OPENERS + _ATTACHING and not _PHRASE_CONJ.match(added):
            sep = "，"        # 保护市场公平竞争 + 鼓励创新 / 并将其纳入…: a clause of its own after a clause
        after = ""
        if _ADVERBIAL.match(added) and len(_CLAUSE_REST.match(t, b).group(0)) >= 8:
            after = "，"          # …规定，生产符合质量标准的材料 — but …规定办理 stays one phrase
        return words + sep + added + after
    return substitute(text, phrase, joined)


def delete_all(text: str, phrase: str, keep: list[tuple[int, int]] = ()) -> tuple[str, int]:
    """删去“A”: the words go, and with them the punctuation only they needed.

    A list loses its separator with the deleted member (区、县 -> 区); a deleted sentence takes its 。;
    words set off by commas take one comma; words that joined two members (或者……及) leave a 、.
    """
    joins = bool(_CONJ.match(phrase) and _CONJ_END.search(phrase))
    result, n = substitute(text, phrase, "\x01" if joins else "\x00", keep=keep)
    if not n:
        return text, 0
    result = re.sub(r"(?<=[^\s" + _PUNCT + r"])\x01(?=[^\s" + _PUNCT + r"])", "、", result).replace("\x01", "")
    # 整容、更衣等 -> 整容等; 受害人、被扶养人以及 -> 受害人以及
    result = re.sub(r"、\x00(?=[、，。；：:）]|等|以及|和|及|或者|或|与)|\x00、|、\x00$", "", result)
    result = re.sub(r"[；，]\x00(?=[。；])", "", result)    # the last clause of a sentence: its stop stays
    result = re.sub(r"(^|(?<=[。；：]))\x00[。；]", "", result)        # a whole sentence
    result = re.sub(r"，\x00(?=[，。；])|(^|(?<=[。；：]))\x00，", "", result)   # words set off by commas
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


def prepend_clause(text: str, added: str) -> str:
    """款首增加 / 开始部分增加: ``added`` before the paragraph. A clause of its own that does not end in
    punctuation is set off: by ； when it holds a comma itself (two full clauses), else by ，."""
    if not added or added[-1:] in _PUNCT or text[:1] in _PUNCT:
        return added + text
    return added + ("；" if "，" in added else "，") + text


def replace_opening(text: str, new: str) -> str | None:
    """款首修改为: ``new`` instead of the paragraph's lead-in (up to its colon, else its first sentence)."""
    colon = max(text.find("："), text.find(":"))
    full_stop = text.find("。")
    if not new.endswith(("：", ":")) and colon >= 0 and (full_stop < 0 or colon < full_stop):
        return new + text[colon:]      # the lead-in of a list, quoted without its colon: the colon stays
    stop = "：" if new.endswith(("：", ":")) else "。"
    cut = max(text.find(stop), text.find(":" if stop == "：" else "."))
    return None if cut < 0 else new + text[cut + 1:]
