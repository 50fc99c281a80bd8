"""Drafting language -> operations.

A law's part of a decision is a sequence of instruction lines, each possibly followed by unquoted
replacement paragraphs (Shanghai style: ``1.将第九条修改为：`` then the new text on its own lines).
Reading goes in three steps. Tokens: straight quotes become GB/T 15834 ones, abbreviated ordinal
lists (第三、四、五款) are spelt out, quotations over several lines are glued back. Context: a
:class:`_Context` carries what bare references continue (第二款 after 第七条), what 其中/该条 point
to, and the scope of a numbered item. Operations: a clause is read by the first matching rule of
``_CLAUSE_START`` / ``_AFTER_JIANG`` (how a clause starts) and ``_AFTER_PLACE`` (what follows a
place: 中的, 修改为, 改为第Y条, 合并, 分为, 并入, 单列一条, 增加…); a new drafting form is one more rule.
Whatever cannot be read becomes a :class:`~diffs.amendments.ops.Problem`, never a guess: a place
with a numbered step left unread (第三目, 第二句 of an item) is refused, not widened.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..model import DIVISION, Loc, Step
from ..numerals import ANY_NUM, cn_to_int
from ..vocab import LAW_WORD, RULE_ENDING
from .ops import (APPEND, CHAPTERS, DELETE, DELETE_PHRASE, DROP_HEADINGS, EVERYWHERE, FOLD, IN_MADE_ARTICLE, INSERT,
                  INSERT_PHRASE, MERGE,
                  PREAMBLE, PREPEND, RENAME, RENUMBER, REPLACE, REPLACE_OPENING, REPLACE_PHRASE, SPLIT, TITLE, Op, Problem)

N = ANY_NUM
_NUMBERING = re.compile(r"^(?:[0-9０-９]{1,3}[.．、]|[一二三四五六七八九十]{1,3}、"
                        r"|[（(][0-9０-９一二三四五六七八九十]{1,3}[）)])\s*")
_DOC = LAW_WORD
# The start of an instruction line. Tight on purpose: replacement text that follows unquoted
# (“在本市……”, “将……纳入……”, “删除个人信息……”) must not be mistaken for the next instruction.
_TARGET_START = (rf"(?:原?第{N}|“|\"|「|《|{_DOC}(?:条文)?(?:中的|中[“「\"]|名称|第|全文)"
                 rf"|(?:法规|规章)?名称|全文|所有|全部|各章|章名"
                 rf"|(?:相关|有关)(?:条文|条款|规定)中的|(?:{_DOC}的?)?(?:引言|序言|前言)"
                 rf"|[\u4e00-\u9fff]{{0,10}}?(?:法典|法|条例)第{N}条)")
_INSTRUCTION = re.compile(
    rf"^(?:(?:将|把|删去|删除|在){_TARGET_START}"
    rf"|(?:增加|增写|新增)(?:[一两二三四五六七八九十]+(?:条|款|项|章|节)|“)|其他修改|条标修改为|条文修改为"
    rf"|“[^”]*”(?:均|统一)?修改为"
    rf"|原?第{N}(?:条|款|项|章|节|编)(?:之{N})?(?:第[（(]?{N}[）)]?[款项])*"
    rf"(?:中的|(?:均|统一)?修改为|改为|作为|调整为|删去|(?:之)?[前后]?增加|分为|合并|条标|款首|款尾|条首|开始部分|开头"
    rf"|的?章名|、|和|至)"
    rf"|{_DOC}中的"
    rf"|在?(?:《[^《》]+》|[\u4e00-\u9fff]{{0,10}}?(?:法典|法|条例))第{N}条(?:之{N})?(?:第[（(]?{N}[）)]?[款项])*"
    rf"(?:中的|(?:均|统一)?修改为|改为|中?[前后]?增加|删去))")
_OP_WORDS = re.compile(r"修改为|改为|删去|增加|合并为|分为|废止")
_SKIP = re.compile(r"[\s，,；;。、]+|(?:并|同时|另外|以及|再)[，,]?(?=将|删去|在|增加|第|原|修改|条文|“)")
_QUOTE_OPEN, _QUOTE_CLOSE = "“「\"", {"“": "”", "「": "」", "\"": "\""}
_ART = re.compile(rf"(原)?第({N})条(?:之({N}))?")
_PARA = re.compile(rf"(原)?第({N})款")
_ITEM = re.compile(rf"(原)?第[（(]?({N})[）)]?项")
_CONTAINER = re.compile(rf"(原)?第({N})(章|节|编|部分)")
_TITLE_REF = re.compile(rf"(?:{_DOC})?(?:的)?(?:名称|标题|题目)")
_WHOLE = re.compile(rf"{_DOC}(?:条文)?(?=中的|中[“「\"]|全文)|全文(?=中的)|(?:相关|有关)(?:条文|条款|规定)(?=中的)")
# 本法第十条 / 刑法第一百三十三条之一 / 《某条例》第五条: the law named before its article.
_LAW_PREFIX = re.compile(rf"(?:《[^《》]+》|(?:本|该)?[\u4e00-\u9fff]{{0,10}}?{RULE_ENDING})(?=原?第{N}条)")
_EVERYWHERE_AFTER_STOP = re.compile(r"(?:将)?(?:“[^”]*”[、和及]?)+(?:均|统一|一律)")
_SEP = re.compile(r"、|和|及|以及|与")
_PHRASE_VERB = re.compile(r"[，,]?(?:合并)?(?:均|统一|一并|分别|都|全部)?(?:修改为|替换为|改为)"
                          r"|(?:之)?[前后](?:均|分别|都)?(?:增加|加上|插入)"
                          r"|[、和及][“「\"]")
# “第十条 on a line of its own: the article's label, its body on the next line.
_LABEL_ALONE = re.compile(rf"“第{N}条(?:之{N})?$")
_OPENING = r"(?:款首|条首|句首|开头|开始)"
_ENDING = r"(?:款尾|条尾|末尾|句尾|最后|款末|条末)"
# 增加一款作为第二款规定：“…” / 内容如下：: words that only announce the wording.
_LEAD_IN = re.compile(r"[，,]?(?:(?:相关|以下|下列)?(?:规定|内容)(?:为|如下)?|如下|即)(?=[：:])")
_COUNT = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}


@dataclass
class _Context:
    """What bare references continue: the article and paragraph named last, the places of the last phrase."""
    article: str | None = None
    paragraph: str | None = None
    refs: list[str] = field(default_factory=list)
    # 删去第四项中的“A”，删去“B”: where the last deletion was (a later 将“C”修改为“D” is not bound to it)
    deleted_in: list[str] = field(default_factory=list)
    item: bool = False               # inside a numbered item (1. / 一、), whose provision scopes bare phrases
    everywhere: bool = False         # …；“区、县”均修改为“区”: a clause naming no place means the whole text
    last: str | None = None          # the provision the clause before was about (for 修改为 without a target)
    last_op: Op | None = None
    made: str | None = None          # the article 改为第Z条第一款 made: a later 增加一款 belongs to it
    awaiting: list[Op] = field(default_factory=list)   # ops whose text follows on the next lines


class _Unreadable(Exception):
    pass


class _Cursor:
    def __init__(self, text: str):
        self.s, self.i = text, 0

    def eat(self, pattern: str | re.Pattern) -> re.Match | None:
        m = (pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)).match(self.s, self.i)
        if m:
            self.i = m.end()
        return m

    def peek(self, pattern: str | re.Pattern) -> bool:
        return bool((pattern if isinstance(pattern, re.Pattern) else re.compile(pattern)).match(self.s, self.i))

    def done(self) -> bool:
        return self.i >= len(self.s)

    def quote(self) -> str | None:
        """A quoted phrase at the cursor (after an optional colon), nesting “” allowed; None if none."""
        m = re.compile(r"[：:]?\s*").match(self.s, self.i)
        j = m.end()
        if j >= len(self.s) or self.s[j] not in _QUOTE_OPEN:
            return None
        opener = self.s[j]
        closer = _QUOTE_CLOSE[opener]
        depth, k, out = 1, j + 1, []
        while k < len(self.s):
            ch = self.s[k]
            if ch == "\n" and self.s[k + 1:k + 2] == opener and opener != closer:
                out.append("\n")      # NPC style: each quoted paragraph opens again with “
                k += 2
                continue
            if ch == closer and (opener == closer or depth == 1):
                self.i = k + 1
                # A quotation inside the quotation (‘…’) is the law's own “…”.
                return "".join(out).strip().rstrip("”").replace("‘", "“").replace("’", "”")
            if ch == opener and opener != closer:
                depth += 1
            elif ch == closer:
                depth -= 1
            out.append(ch)
            k += 1
        raise _Unreadable("引号未闭合")


def curly_quotes(line: str, stack: list[str] | None = None) -> str:
    """Straight quotes as GB/T 15834 writes them: "…" -> “…”, '…' -> ‘…’ inside “…”, else “…”.

    ``stack`` (the marks still open, updated in place) carries a quotation over from the line before:
    there the first straight mark of a paragraph that does not open it again closes it.
    """
    stack = [] if stack is None else stack
    if '"' not in line and "'" not in line:
        return line
    out: list[str] = []
    for ch in line:
        if ch in "\"'":
            if stack and stack[-1] == ch:
                stack.pop()
                ch = "’" if stack and ch == "'" else "”"
            else:
                ch, mark = ("‘" if stack and ch == "'" else "“"), ch
                stack.append(mark)
        elif ch == "“":
            stack.append(ch)
        elif ch == "”" and stack:
            stack.pop()
        out.append(ch)
    return "".join(out)


_ABBREVIATED = re.compile(rf"第({N})((?:[、和](?:第)?{N})+)(条|款|项|句)")


def expand_lists(text: str) -> str:
    """第三、四、五款 -> 第三款、第四款、第五款: an abbreviated ordinal list, as drafting writes it."""
    def full(m: re.Match) -> str:
        nums = [m.group(1)] + re.findall(rf"[、和]第?({N})", m.group(2))
        seps = re.findall(r"[、和]", m.group(2))
        out = f"第{nums[0]}{m.group(3)}"
        for sep, num in zip(seps, nums[1:]):
            out += f"{sep}第{num}{m.group(3)}"
        return out
    return _ABBREVIATED.sub(full, text)


def parse_ops(lines: list[str]) -> tuple[list[Op], list[Problem]]:
    """The operations of one law's part, given its lines (blank lines already removed)."""
    open_marks: list[str] = []
    quoted = []
    for line in lines:
        if open_marks and (_instruction_body(line) is not None and _NUMBERING.match(line) or line.startswith('"')):
            open_marks.clear()     # a numbered instruction, or a paragraph opening again: a fresh start
        quoted.append(curly_quotes(line, open_marks))
    lines = quoted
    ops: list[Op] = []
    problems: list[Problem] = []
    ctx = _Context()
    awaiting: list[Op] = []
    content: list[str] = []

    def flush() -> None:
        nonlocal awaiting, content
        if awaiting:
            if content:
                _give_text(awaiting, content)
            else:
                for op in awaiting:
                    ops.remove(op)
                    problems.append(Problem(op.source, "修改指令后缺少新的条文内容（文本被截断？）"))
        awaiting, content = [], []

    for line in _join_open_quotes(lines):
        body = _instruction_body(line)
        instruction = body is not None
        body = body if instruction else _NUMBERING.sub("", line, count=1)
        if awaiting and not instruction:
            content.append(line)
            continue
        flush()
        if body != line and instruction:
            ctx = _Context(item=True)          # a numbered item starts afresh
        if not instruction:
            if body.startswith("“"):
                problems.append(Problem(line, "引文前没有可以归属的修改指令"))
            elif _OP_WORDS.search(body) and not body.startswith(("此外", "本决定")):
                problems.append(Problem(line, "无法识别的修改指令"))
            continue
        new_ops, new_problems = read_sentence(_squeeze(body), ctx)
        ops += new_ops
        problems += new_problems
        awaiting, ctx.awaiting = ctx.awaiting, []
    flush()
    return ops, problems


def _squeeze(text: str) -> str:
    """Instruction lines from PDF conversions carry spaces between tokens; quoted text keeps its own."""
    out, depth = [], 0
    for piece in re.split(r"([“”])", text.strip()):
        if piece == "“":
            depth += 1
        elif piece == "”":
            depth = max(0, depth - 1)
        elif depth == 0:
            piece = expand_lists(re.sub(r"(?<=[^\x00-\x7f])[ \t\u3000]+(?=[^\x00-\x7f])", "", piece))
        out.append(piece)
    return "".join(out)


# 为了惩治……，将刑法第三百四十二条修改为：: a single-article 修正案 states its purpose first.
_PURPOSE = re.compile(r"^(?:为了?|根据)[^“”：:。；]{2,120}?[，,](?=将|在|删去|删除|把|对)")
_CLOSED = re.compile(r"”[。；;，,]?$")
_SECTION_HEAD = re.compile(r"^[一二三四五六七八九十]{1,3}、")
_MAX_QUOTED_LINES = 500


@lru_cache(maxsize=256)
def _instruction_body(line: str) -> str | None:
    """The instruction a line holds (numbering and a leading purpose clause dropped), None if none.

    Cached: the quote passes and the reading ask it of the same lines."""
    body = _NUMBERING.sub("", line, count=1)
    for candidate in (body, _PURPOSE.sub("", body, count=1)):
        if _INSTRUCTION.match(_squeeze(candidate)):
            return candidate
    return None


def _join_open_quotes(lines: list[str]) -> list[str]:
    """Glue a quotation that runs over several lines back into its instruction line.

    GB/T 15834 lets a quotation over several paragraphs open each paragraph with “ and close only
    the last (NPC style); many publishers open only the first one. Either way the quotation runs on
    until a line closes it; a following numbered instruction ends an unclosed one (the close mark
    lost in conversion), since quoted law text never holds 二十四、将……修改为.
    """
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        follows = i + 1 < len(lines) and lines[i + 1].startswith("“")
        if (line.count("“") > line.count("”") or follows) and _instruction_body(line) is not None:
            # Kept as the lines are glued, so a long quotation is read once, not once per line.
            depth, last, j = _quote_depth(line, 0, False), line, i + 1
            while j < len(lines) and j - i <= _MAX_QUOTED_LINES:
                nxt = lines[j]
                if _SECTION_HEAD.match(nxt) and depth:
                    line += "”"      # 二十、对部分条文作以下修改：: the decision's next part, never quoted law
                    break
                if _instruction_body(nxt) is not None and (_CLOSED.search(last) or _NUMBERING.match(nxt)):
                    if j > i + 1 and depth:
                        line += "”"      # only a quotation of several paragraphs, whose end is clear
                    break
                # 改为两条: “第八条 …” then “第九条 …”, each article quoted on its own; any other
                # unquoted line after a closed quotation is replacement text or the next instruction.
                if not (nxt.startswith("“") or _LABEL_ALONE.search(last) or depth):
                    break
                line += "\n" + nxt
                depth, last, j = _quote_depth(nxt, depth, True), nxt, j + 1
            i = j
        else:
            i += 1
        out.append(line)
    return out


def _quote_depth(paragraph: str, depth: int, continued: bool) -> int:
    """How many quotations are open after ``paragraph``, ``depth`` being open before it; the “ that
    opens a ``continued`` paragraph of an open quotation opens it again, it does not nest."""
    for k, ch in enumerate(paragraph):
        if ch == "“" and not (k == 0 and continued and depth > 0):
            depth += 1
        elif ch == "”" and depth:
            depth -= 1
    return depth


def _give_text(awaiting: list[Op], content: list[str]) -> None:
    """Hand the paragraphs of new text (quoted, or on the lines after the instruction) to their ops."""
    if len(awaiting) == 1:
        awaiting[0].text = "\n".join(content)
        return
    # 增加两条，分别作为…: the paragraphs divide at article labels, else one paragraph each.
    starts = [i for i, line in enumerate(content) if _ART.match(line)]
    if len(starts) != len(awaiting):
        per = max(1, len(content) // len(awaiting))
        starts = [i * per for i in range(len(awaiting))]
    for op, start, end in zip(awaiting, starts, starts[1:] + [len(content)]):
        op.text = "\n".join(content[start:end])


def read_sentence(sentence: str, ctx: _Context | None = None) -> tuple[list[Op], list[Problem]]:
    """Read one instruction sentence into ops (``ctx`` carries bare references between sentences)."""
    ctx = ctx or _Context()
    cur = _Cursor(sentence)
    ops: list[Op] = []
    problems: list[Problem] = []
    while True:
        gap = cur.i
        while cur.eat(_SKIP):
            pass
        if re.search(r"[；;。]", sentence[gap:cur.i]) and cur.peek(_EVERYWHERE_AFTER_STOP):
            ctx.refs, ctx.everywhere = [], True
        if cur.done():
            break
        start = cur.i
        try:
            clause = _clause(cur, ctx)
        except (_Unreadable, ValueError, IndexError, KeyError, AttributeError, TypeError) as e:
            # Unreadable, or a form the reader trips over: reported, never guessed.
            reason = str(e) if isinstance(e, _Unreadable) else "无法识别的修改指令"
            if not problems:     # one message per sentence; later clauses are still read
                problems.append(Problem(sentence, f"{reason}：{sentence[start:start + 40]}"))
            # …but none of them may lean on what the unread one was about (a bare 修改为 after it).
            ctx.last, ctx.last_op, ctx.refs, ctx.deleted_in = None, None, [], []
            cur.i = start
            if not cur.eat(r"[^，,；;。]+"):
                break
            continue
        if clause is None:
            if not problems:
                problems.append(Problem(sentence, f"无法识别的修改指令：{sentence[start:start + 40]}"))
            # Read on from the next clause: one unreadable clause must not hide the others.
            if not cur.eat(r"[^，,；;。]*"):
                break
            continue
        if cur.i == start:       # nothing consumed: report and step on, never loop
            problems.append(Problem(sentence, f"无法识别的修改指令：{sentence[start:start + 40]}"))
            if not cur.eat(r"[^，,；;。]*[，,；;。]?"):
                break
            continue
        for op in clause:
            op.source = sentence
        ops += clause
        if clause:
            ctx.last_op = clause[-1]
    return ops, problems


def _bare_phrase(cur: _Cursor, ctx: _Context) -> list[Op]:
    """“A”修改为“B” with no place of its own: the places named last, else inside a numbered item that
    item's provision, else (a decision's bare “A”修改为“B”, or …；“A”均修改为“B”) the whole text."""
    return _phrases(cur, ctx, [(ctx.refs or _item_scope(cur, ctx), None)])


def _item_scope(cur: _Cursor, ctx: _Context) -> list[str]:
    """Where words named with no place go: inside a numbered item, the provision it is about (将第三十七条
    改为第四十五条，在“A”后增加“B”: old article 37); else (or after …；“A”均修改为“B”) the whole text."""
    if ctx.item and ctx.last and not ctx.everywhere and not cur.peek(_EVERYWHERE_AFTER_STOP):
        return [ctx.article or ctx.last]
    return [EVERYWHERE]


def _anaphora(cur: _Cursor, ctx: _Context) -> list[Op]:
    """其中的“A”修改为“B”: the provision named last in this item (after 将第X条改为第Y条, old article X)."""
    if not ctx.last:
        raise _Unreadable("“其中”没有可以指代的条文")
    return _phrases(cur, ctx, [([ctx.last], None)])


def _renumber_table(cur: _Cursor, ctx: _Context) -> list[Op]:
    """条文顺序作相应调整：“第八条”调整为“第七条”，“第九条”调整为“第八条”…: each pair one move."""
    ops: list[Op] = []
    while True:
        cur.eat(r"[，,、；;\s]*")
        old = cur.quote() if cur.peek(r"[“「\"]") else None
        if old is None:
            break
        if not cur.eat(r"(?:调整为|改为|修改为)"):
            raise _Unreadable("条文顺序调整缺少“调整为”")
        new = cur.quote()
        a, b = _ART.fullmatch(old), _ART.fullmatch(new or "")
        if not (a and b):
            raise _Unreadable("条文顺序调整中的条号无法识别")
        ops.append(Op(RENUMBER, f"条{cn_to_int(a.group(2))}", new_path=f"条{cn_to_int(b.group(2))}"))
    if not ops:
        raise _Unreadable("条文顺序调整没有列出条号")
    return ops


def _last_place(cur: _Cursor, ctx: _Context) -> list[Op] | None:
    """条标修改为 / 款尾增加 … right after another clause: the provision that clause named."""
    return _after_refs(cur, ctx, [ctx.last or ctx.article])


# How a clause starts: (pattern, reader(cur, ctx), needs a provision named before). After 将/把/对
# come the anaphora, a bare quotation, 修改为 of the provision named last, or a place (_after_refs).
_CLAUSE_START = [(re.compile(pattern), reader, needs_context) for pattern, reader, needs_context in (
    (r"其他修改[：:]?", lambda cur, ctx: [], False),
    (r"删去|删除", lambda cur, ctx: _delete(cur, ctx), False),
    (r"在", lambda cur, ctx: _insert_at(cur, ctx), False),
    (r"(?=(?:增加|增写|新增)[一两二三四五六七八九十]+(?:条|款|项|章|节))", lambda cur, ctx: _add(cur, ctx, None), False),
    (rf"(?=(?:的)?(?:条标|款首|款尾|条首|条尾|末尾)|(?:拆分为|分为)(?:{N}|两)(?:条|款|项))", _last_place, True),
)]
_AFTER_JIANG = [(re.compile(pattern), reader) for pattern, reader in (
    (rf"(?:《[^《》]+》|{_DOC})?的?条文顺序作相应调整[：:]", lambda cur, ctx: _renumber_table(cur, ctx)),
    (r"其中(?:的)?(?=[“「\"])", _anaphora),
    (r"(?=[：:]?\s*[“「\"])", _bare_phrase),
    (r"条文修改为|(?:并)?修改为", lambda cur, ctx: _replace(cur, ctx, [ctx.last] if ctx.last else [])),
)]


def _clause(cur: _Cursor, ctx: _Context) -> list[Op] | None:
    for pattern, reader, needs_context in _CLAUSE_START:
        if needs_context and not (ctx.last or ctx.article):
            continue
        if cur.eat(pattern):
            return reader(cur, ctx)
    cur.eat(r"将|把|对")
    for pattern, reader in _AFTER_JIANG:
        if cur.eat(pattern):
            return reader(cur, ctx)
    refs = _refs(cur, ctx)
    if not refs:
        return None
    return _after_refs(cur, ctx, refs)


# -- what follows a place: one rule per drafting form ----------------------------------------------
# Each rule is (pattern at the cursor, reader(cur, ctx, refs, match) -> ops). The first pattern that
# matches decides; a pattern that only looks ahead leaves the words for its reader. A new form of
# instruction is one more entry here.

def _rule_phrases(cur: _Cursor, ctx: _Context, refs: list[str], m: re.Match) -> list[Op]:
    nth = cur.eat(rf"第({N})处(?=[“「\"])")          # 中的第一处“计划生育”: that occurrence only
    ops = _phrases(cur, ctx, [(refs, None)])           # 第X条中的“A”修改为“B”
    if nth:
        first = ops[0].phrase if ops else None
        for op in ops:
            if op.phrase == first and op.target in refs:
                op.occurrence = cn_to_int(nth.group(1))
    return ops


def _rule_edit(action: str):
    def read(cur: _Cursor, ctx: _Context, refs: list[str], m: re.Match) -> list[Op]:
        return _await_or_quote(cur, ctx, Op(action, refs[0]))     # 款首修改为 / 款首增加 / 款尾增加
    return read


def _rule_rename(strip: str):
    def read(cur: _Cursor, ctx: _Context, refs: list[str], m: re.Match) -> list[Op]:
        text = cur.quote()
        if text is None:
            raise _Unreadable("名称缺少引号")
        ctx.last = refs[0]
        if refs[0].startswith(DIVISION):
            text = re.sub(r"^[一二三四五六七八九十]+、", "", text)     # “一、合同的认定”: the label stays the text's
        return [Op(RENAME, refs[0], text=text.strip(strip) if strip else text)]
    return read


def _rule_merge(cur: _Cursor, ctx: _Context, refs: list[str], m: re.Match) -> list[Op]:
    target = refs[0]
    new = _ref(cur, ctx, new_numbering=True, parent=_parent(target)) if cur.peek(r"原?第") else target
    ctx.last = target
    position = None
    if m.group(1) == "条" and "/款" in target and new == target:
        # 第三条第二款、第四条第一款合并为一条: a new article right after the first one's.
        new, position = "条", f"after:{target.split('/')[0]}"
    op = Op(MERGE, target, new_path=new, sources=list(refs), position=position)
    if cur.peek(r"[：:]\s*(?:[“「\"]|$)"):
        return _await_or_quote(cur, ctx, op)          # 合并，作为第十七条：“…”: the merged wording
    return [op]


def _rule_split(cur: _Cursor, ctx: _Context, refs: list[str], m: re.Match) -> list[Op]:
    target = refs[0]
    count = _COUNT.get(m.group(1)) or cn_to_int(m.group(1))
    if m.group(2) == "款" and "/" not in target and not cur.peek(r"[，,]?(?:分别)?作为"):
        # 将第二十条分为两款，修改为：“…”: the article restated as two paragraphs — a wording, no split.
        ctx.last = target
        if cur.peek(r"[：:]\s*(?:[“「\"]|$)"):
            return _await_or_quote(cur, ctx, Op(REPLACE, target))
        return []
    new_paths: list[str] = []
    if cur.eat(r"[，,]?(?:分别)?作为"):
        new_paths = _new_refs(cur, ctx, _parent(target))
    ctx.last = target
    op = Op(SPLIT, target, count=count, new_paths=new_paths)
    if cur.peek(r"[：:]\s*(?:[“「\"]|$)"):
        return _await_or_quote(cur, ctx, op)       # 修改为两条，作为第一条、第二条：“…”
    return [op]


def _rule_fold(cur: _Cursor, ctx: _Context, refs: list[str], m: re.Match) -> list[Op]:
    target = refs[0]
    into = _ref(cur, ctx, new_numbering=True)
    ctx.last = target
    if target.startswith(("章", "节", "编")):
        return [Op(FOLD, target, new_path=into)]
    return [Op(MERGE, into, new_path=into, sources=[into, target])]      # 将第十条并入第九条


def _rule_renumber(cur: _Cursor, ctx: _Context, refs: list[str], m: re.Match) -> list[Op]:
    news = _new_refs(cur, ctx, _parent(refs[0]))
    if len(refs) > 1 and len(news) == 1 and re.fullmatch(r"条\d+(?:之\d+)?", news[0]) and \
            all("/款" in r for r in refs):
        # 将第十六条第二款和第四款作为第十八条: the paragraphs together become that article.
        ctx.last = refs[0]
        return [Op(MERGE, refs[0], new_path=news[0], sources=list(refs))]
    if len(news) != len(refs):
        raise _Unreadable("改为的位置与原位置的个数不一致")          # 分别改为: element by element
    ctx.last = refs[0]
    if len(news) == 1 and "/款" in refs[0] and re.fullmatch(r"条\d+(?:之\d+)?/款1", news[0]):
        ctx.made = news[0].split("/")[0]
    ops = [Op(RENUMBER, old, new_path=new) for old, new in zip(refs, news)]
    if len(refs) == 1 and cur.peek(r"[：:]\s*(?:[“「\"]|$)"):
        # 将第二条修改为第六条：“…”: moved and given a new wording (of the old article, as 其中 is).
        ops += _await_or_quote(cur, ctx, Op(REPLACE, refs[0]))
    return ops


def _rule_own_article(cur: _Cursor, ctx: _Context, refs: list[str], m: re.Match) -> list[Op]:
    # The paragraph becomes an article of its own: where 作为 says, else right after its article.
    target = refs[0]
    new = _ref(cur, ctx, new_numbering=True) if cur.eat(r"[，,]?作为(?=原?第)") else None
    if new is not None and not new.startswith("条"):
        raise _Unreadable("单列一条的位置不是条")
    ctx.last = target
    return [Op(RENUMBER, target, new_path=new or "条", position=None if new else f"after:{target.split('/')[0]}")]


def _rule_replace(cur: _Cursor, ctx: _Context, refs: list[str], m: re.Match) -> list[Op]:
    if m.group(0).startswith("分别") and len(refs) > 1:
        # 将第三条、第五条分别修改为：“…”“…”: one wording per place, in order.
        return _texts_for(cur, ctx, [Op(REPLACE, ref) for ref in refs], "缺少新的条文内容")
    return _replace(cur, ctx, refs)


def _rule_add(cur: _Cursor, ctx: _Context, refs: list[str], m: re.Match) -> list[Op]:
    return _add(cur, ctx, refs[0])

def _rule_add_beside(cur: _Cursor, ctx: _Context, refs: list[str], m: re.Match) -> list[Op]:
    """（在）第X条后增加一条: 修正案 drafting names the neighbour, with or without 在.

    在第X条第Y款后增加“…” (words, no count of provisions) adds them at the end (前: the start).
    """
    if cur.eat(r"(?:增加|增写|新增)(?=(?:规定|内容)?[：:]?\s*[“「\"])"):
        ctx.last = refs[0]
        return _await_or_quote(cur, ctx, Op(APPEND if m.group(1) == "后" else PREPEND, refs[0]))
    return _add(cur, ctx, _parent(refs[0]) or None, anchor=(refs[0], m.group(1)))


def _rule_context_only(cur: _Cursor, ctx: _Context, refs: list[str], m: re.Match) -> list[Op]:
    ctx.last = refs[0]   # 将第三十二条改为……，第一款修改为: the reference sets context only
    return []


def _rule_and_related(cur: _Cursor, ctx: _Context, refs: list[str], m: re.Match) -> list[Op]:
    return _phrases(cur, ctx, [([EVERYWHERE], None)])              # 第三条等相关条文中的: not only those


_AFTER_PLACE = [(re.compile(pattern), reader) for pattern, reader in (
    (r"中的|的(?=[“「\"])|中(?=[“「\"])|(?=[“「\"][^“”]+[”」\"](?:[、和及][“「\"][^“”]+[”」\"])*(?:均|统一|分别)?修改为)",
     _rule_phrases),                                               # 第一项“A”修改为“B”: 中的 left out
    (r"等(?:相关|有关)(?:条文|条款|规定)中的", _rule_and_related),
    (rf"(?:的)?(?:{_OPENING}(?:部分)?|第一自然段)修改为", _rule_edit(REPLACE_OPENING)),
    (rf"(?:的)?{_OPENING}(?:部分)?增加(?:规定|内容)?", _rule_edit(PREPEND)),
    (rf"(?:的)?{_ENDING}(?:部分)?增加(?:规定|内容)?", _rule_edit(APPEND)),
    (r"(?:之)?([前后])(?=增加|增写|新增)", _rule_add_beside),
    (r"(?:的)?条标修改为", _rule_rename("（）()")),
    (r"(?:的)?(?:章名|节名|标题|名称)修改为", _rule_rename("")),
    (r"合并(?:为一(条|款|项))?[，,]?(?:并)?(?:作为)?", _rule_merge),
    (rf"(?:拆分为|分为|修改为|改为)({N}|[两])(条|款|项)", _rule_split),
    (r"并入(?=原?第)", _rule_fold),
    (rf"(?:分别)?(?:改为|调整为|移作|作为|改作|修改为(?=第{N}[条款项章节]))(?:修改后的?(?:《[^《》]+》)?)?(?=原?第)",
     _rule_renumber),
    (r"(?:单列|单作|单独作为|另列)一条", _rule_own_article),
    (r"(?:均|统一|分别)?修改为", _rule_replace),
    (r"(?=(?:增加|增写|新增)[一两二三四五六七八九十]+(?:条|款|项))", _rule_add),
    (r"(?=[，,；;。]|$)", _rule_context_only),
)]


def _after_refs(cur: _Cursor, ctx: _Context, refs: list[str]) -> list[Op] | None:
    for pattern, reader in _AFTER_PLACE:
        m = cur.eat(pattern)
        if m:
            return reader(cur, ctx, refs, m)
    return None


def _replace(cur: _Cursor, ctx: _Context, refs: list[str]) -> list[Op]:
    last = ctx.last_op
    if last is not None and last.action in (SPLIT, MERGE, INSERT) and last.text is None and \
            (not refs or refs[0] == last.target):
        return _await_or_quote(cur, ctx, last, emit=False)
    if not refs:
        raise _Unreadable("“修改为”没有指明修改对象")
    return _await_or_quote(cur, ctx, Op(REPLACE, refs[0], span=refs[1:]))


def _await_or_quote(cur: _Cursor, ctx: _Context, op: Op, emit: bool = True) -> list[Op]:
    cur.eat(_LEAD_IN)
    text = _quoted_paragraphs(cur)
    if text is not None:
        op.text = text
    elif cur.eat(r"[：:]?\s*$"):
        ctx.awaiting.append(op)
    else:
        raise _Unreadable("缺少新的条文内容")
    return [op] if emit else []


def _texts_for(cur: _Cursor, ctx: _Context, ops: list[Op], missing: str) -> list[Op]:
    """The wording of several ops: quoted here (divided among them), or on the lines that follow."""
    cur.eat(_LEAD_IN)
    text = _quoted_paragraphs(cur)
    if text is not None:
        _give_text(ops, text.splitlines())
    elif cur.eat(r"[：:]?\s*$"):
        ctx.awaiting += ops
    else:
        raise _Unreadable(missing)
    return ops


def _quoted_paragraphs(cur: _Cursor) -> str | None:
    """A quotation, and the further ones that follow it line by line (“第八条 …” “第九条 …”)."""
    text = cur.quote()
    # Two quotations side by side (“（五）…；”“（六）…。”) are successive paragraphs or items too.
    if text is None:
        return None
    save, run = cur.i, []
    while len(run) < 200 and cur.peek(r"\n?[“「]"):
        cur.eat(r"\n")
        run.append(cur.quote())
    if run and cur.peek(_PHRASE_VERB):
        cur.i = save             # “A”修改为“B”: the next clause's phrases, not more wording
        return text
    return "\n".join([text] + run)


def _phrases(cur: _Cursor, ctx: _Context, groups: list[tuple[list[str], list[str] | None]]) -> list[Op]:
    """Phrase operations: (places 中的 “A”[“B”])… then 修改为 / 前后增加, then more “C”修改为“D” pairs."""
    groups = [(refs, phrases if phrases is not None else _quotes(cur)) for refs, phrases in groups]
    while True:
        save = cur.i
        cur.eat(r"[，,、]|及|和|以及")
        more = _refs(cur, ctx) if cur.peek(rf"原?第|{_DOC}|全文") else []
        if more and cur.eat("中的"):
            groups.append((more, _quotes(cur)))
            continue
        cur.i = save
        break
    ops: list[Op] = []
    while True:
        m = cur.eat(r"[，,]?(?:(合并)?(?:均|统一|一并|分别|都|全部)?(?:修改为|替换为|改为)"
                    r"|(?:之)?(前|后)(?:均|分别|都)?(?:增加|加上|插入))")
        if not m:
            raise _Unreadable("引文之后缺少“修改为”或“增加”")
        text = cur.quote()
        if text is None:
            raise _Unreadable("缺少新的文字")
        if "分别" in m.group(0):
            # “A”、“B”分别修改为“C”、“D”: pairwise.
            cur.eat(r"(?:、|和|及)(?=[“「\"])")
            texts = [text] + (_quotes(cur) if cur.peek(r"[“「\"]") else [])
            for refs, phrases in groups:
                if len(texts) not in (1, len(phrases)):
                    raise _Unreadable("“分别修改为”前后的词数不一致")
                ops += [Op(REPLACE_PHRASE, ref, text=texts[i] if len(texts) > 1 else text, phrase=p)
                        for ref in refs for i, p in enumerate(phrases)]
            ctx.refs = groups[-1][0]
            return ops
        for refs, phrases in groups:
            for ref in refs:
                if m.group(2):
                    ops += [Op(INSERT_PHRASE, ref, text=text, phrase=p,
                               position="before" if m.group(2) == "前" else "after") for p in phrases]
                elif m.group(1):
                    ops.append(Op(REPLACE_PHRASE, ref, text=text, phrase=phrases[0], merged=phrases[1:]))
                else:
                    # Longest first: “城管执法部门”“市或者区城管执法部门” must not eat each other.
                    ops += [Op(REPLACE_PHRASE, ref, text=text, phrase=p) for p in sorted(phrases, key=len, reverse=True)]
        ctx.refs = groups[-1][0]
        # “审批”修改为“相关”: further pairs share the places named last.
        save = cur.i
        cur.eat(r"[，,、]")
        if cur.peek(r"[“「\"]"):
            groups = [(ctx.refs, _quotes(cur))]
            continue
        cur.i = save
        return _containing_first(ops)


def _containing_first(ops: list[Op]) -> list[Op]:
    """“林业主管部门”修改为…，“农业、林业主管部门”修改为…: the pairs of one sentence are one change,
    so a phrase that contains another's goes first, before the shorter one rewrites part of it."""
    phrases = [op.phrase or "" for op in ops]
    def contained(op: Op) -> int:
        return -sum(1 for p in phrases if p and p != op.phrase and p in (op.phrase or ""))
    return sorted(ops, key=contained)


def _quotes(cur: _Cursor) -> list[str]:
    out = []
    while True:
        q = cur.quote()
        if q is None:
            break
        out.append(q)
        cur.eat(r"(?:、|和|及)(?=[“「\"])")
    if not out:
        raise _Unreadable("缺少引号中的文字")
    return out


def _delete(cur: _Cursor, ctx: _Context) -> list[Op]:
    if cur.eat(r"(?:所有|全部|各)?章(?:的)?(?:名|标题)"):
        return [Op(DROP_HEADINGS, CHAPTERS)]
    if cur.eat(r"其中(?:的)?(?=[“「\"])"):
        if not ctx.last:
            raise _Unreadable("“其中”没有可以指代的条文")
        ctx.deleted_in = [ctx.last]         # 删去其中的“第三十条”: the provision named last
    if cur.peek(r"[“「\"]"):
        places = ctx.deleted_in or ctx.refs
        if not places:
            raise _Unreadable("删去的文字没有指明位置")
        return [Op(DELETE_PHRASE, ref, phrase=p) for p in _quotes(cur) for ref in places]
    ops: list[Op] = []
    while True:
        refs = _refs(cur, ctx)
        if not refs:
            raise _Unreadable("删去的对象无法识别")
        if cur.eat(rf"(?:中|{_OPENING}|{_ENDING}|规定)?的(?=[“「\"])"):
            phrases = _quotes(cur)
            ops += [Op(DELETE_PHRASE, ref, phrase=p) for ref in refs for p in phrases]
            ctx.deleted_in = refs
        else:
            ops += [Op(DELETE, ref) for ref in refs]
        if cur.peek(rf"(?:[、，,和]|以及)(?:原?第|{_DOC}|名称)") and \
                not cur.peek(r"(?:[、，,和]|以及)第[^，。；]{1,12}(?:修改为|改为)"):
            cur.eat(r"[、，,和]|以及")
            continue
        return ops


def _insert_at(cur: _Cursor, ctx: _Context) -> list[Op]:
    refs = _refs(cur, ctx) if not cur.peek(r"[“「\"]") else []
    if refs and cur.eat("中的"):
        return _phrases(cur, ctx, [(refs, None)])
    if not refs and cur.peek(r"[“「\"]"):
        return _phrases(cur, ctx, [(ctx.refs or _item_scope(cur, ctx), None)])      # 在“A”后增加“B”
    if not refs:
        raise _Unreadable("“在”之后的位置无法识别")
    if cur.eat(r"中(?=(?:增加|增写|新增)[一两二三四五六七八九十]+(?:款|项))"):
        return _add(cur, ctx, refs[0])
    ops = _after_refs(cur, ctx, refs)
    if ops is None:
        raise _Unreadable("“在”之后的指令无法识别")
    return ops



def _add(cur: _Cursor, ctx: _Context, parent: str | None, anchor: tuple[str, str] | None = None) -> list[Op]:
    m = cur.eat(r"(?:增加|增写|新增)([一两二三四五六七八九十]+)(条|款|项|章|节)")
    count, unit = _COUNT.get(m.group(1), 1), m.group(2)
    inside = unit in ("款", "项")     # a paragraph or item lives in an article; 条/章/节 stand alone
    made = unit == "款" and parent is None and anchor is None and ctx.made is not None and \
        not cur.peek(rf"[，,]?(?:分别)?作为原?第{N}条")
    if made:
        parent = ctx.made
    if inside and parent is None:
        parent = ctx.paragraph if unit == "项" and ctx.paragraph else ctx.article
    new_paths: list[str] = []
    if cur.eat(r"[，,]?(?:分别)?作为"):
        # 作为第一百零四条第二款第（六）项 names its article itself; 作为第二款 needs the one named before.
        if inside and parent is None and not cur.peek(rf"原?第{N}条"):
            raise _Unreadable(f"增加的{unit}没有指明所在条")
        new_paths = _new_refs(cur, ctx, parent if inside else None)
        if inside and ctx.article is None:
            # 增加一款，作为第十三条第三款 / 原第三款改为第四款: the article stays the one named.
            ctx.article = new_paths[0].split("/")[0]
    elif inside and parent is None:
        raise _Unreadable(f"增加的{unit}没有指明所在条")
    whole = cur.peek(r"[，,；;]\s*(?:并)?(?:将)?(?:该条|本条)(?:全文)?修改为") or (
        cur.peek(r"[，,；;]\s*(?:并)?修改为") and "/" not in (ctx.last or ""))   # not after a 款 moved away
    if inside and whole:
        # 修正案 form: the article's full new text follows and already holds the added paragraph.
        ctx.last = ctx.article
        return []
    title = None
    t = cur.eat(r"[（(]([^（）()]{1,30})[）)]")
    if t:
        title = t.group(1)
    if unit in ("章", "节") and new_paths and cur.peek(r"[“「\"][^”」\"\n]{1,30}[”」\"](?![”」])"):
        title = cur.quote()              # 增加一章，作为第三章“监督管理”，内容如下：
    if unit in ("章", "节"):
        cur.eat(r"[，,]?(?:其)?(?:内容|条文)?如下")
    if not new_paths and anchor is not None and inside:
        # 在第三条第二项后增加一项: the place next to the anchor, in the anchor's parent.
        loc = Loc.parse(anchor[0])
        if loc.kind != unit or loc.parent is None:
            raise _Unreadable(f"“在……后增加一{unit}”的位置无法确定")
        new_paths = [str(loc.parent.child(unit, (loc.num or 0) + (anchor[1] == "后") + i)) for i in range(count)]
        anchor = None
    if not new_paths:
        if anchor is None and inside:
            new_paths = [f"{parent}/{unit}"] * count        # appended at the end of its parent
        elif anchor is None:
            raise _Unreadable(f"增加的{unit}没有指明位置")
    ops = []
    for i in range(count):
        path = new_paths[i] if i < len(new_paths) else (new_paths[-1] if new_paths else anchor[0])
        op = Op(INSERT, path, title=title, position=f"{anchor[1]}:{anchor[0]}" if anchor and not new_paths else None,
                new_path=path if new_paths else None)
        if made:
            op.position = IN_MADE_ARTICLE
        ops.append(op)
    _texts_for(cur, ctx, ops, "增加的条文缺少内容")
    ctx.last = ops[0].target
    return ops


def _refs(cur: _Cursor, ctx: _Context) -> list[str]:
    """A list of references: 第七条、第九条 / 第三十三条第一款和第二款 / 第八条至原第十四条."""
    first = _ref(cur, ctx)
    if first is None:
        return []
    out = [first]
    while True:
        save = cur.i
        if cur.eat("至"):
            end = _ref(cur, ctx)
            if end is None:
                cur.i = save
                break
            out += _range(out[-1], end)[1:]
            continue
        if cur.eat(_SEP):
            nxt = _ref(cur, ctx)
            if nxt is not None:
                out.append(nxt)
                continue
        cur.i = save
        break
    return out


def _range(start: str, end: str) -> list[str]:
    """第八条至第十四条 / 第二款至第四款: every place between, same parent and kind."""
    a, b = Loc.parse(start), Loc.parse(end)
    if a.parent != b.parent or a.kind != b.kind or a.num is None or b.num is None or b.num < a.num \
            or a.sub or b.sub or b.num - a.num > 500:
        raise _Unreadable("无法理解的范围")
    return [str(a.parent.child(a.kind, n) if a.parent else Loc((Step(a.kind, n),))) for n in range(a.num, b.num + 1)]


def _ref(cur: _Cursor, ctx: _Context, new_numbering: bool = False, parent: str | None = None) -> str | None:
    """One reference. Bare 第二款 / 第三项 continue the article or paragraph named last.

    With ``new_numbering`` (the place after 改为/作为) the context is not moved: that number is where
    the provision goes, not one the following clauses refer to.
    """
    cur.eat(_LAW_PREFIX)
    m = cur.eat(_ART)
    if m:
        path = f"条{cn_to_int(m.group(2))}" + (f"之{cn_to_int(m.group(3))}" if m.group(3) else "")
        article, paragraph = path, None
        p = cur.eat(_PARA)
        if p:
            paragraph = path = f"{path}/款{cn_to_int(p.group(2))}"
        i = cur.eat(_ITEM)
        if i:
            path = f"{path}/项{cn_to_int(i.group(2))}"
        path = _finer(cur, path)
        if not new_numbering:
            ctx.article, ctx.paragraph, ctx.last, ctx.made = article, paragraph, path, None
        return path
    if cur.eat(r"(?:该|本)款"):
        if ctx.paragraph is None:
            raise _Unreadable("“该款”没有可以指代的款")
        ctx.last = ctx.paragraph               # 并将该款改作第三款: the paragraph named last
        return _finer(cur, ctx.paragraph)
    m = cur.eat(r"(?:该|本)条(?!例)")
    if m:
        if ctx.article is None:
            raise _Unreadable("“该条”没有可以指代的条文")
        path, paragraph = ctx.article, None
        p = cur.eat(_PARA)
        if p:
            paragraph = path = f"{path}/款{cn_to_int(p.group(2))}"
        ctx.paragraph, ctx.last = paragraph, path
        return _finer(cur, path)
    m = cur.eat(_CONTAINER)
    if m:
        path = f"{m.group(3)}{cn_to_int(m.group(2))}"
        s = cur.eat(rf"第({N})节") if m.group(3) == "章" else None
        if s:
            path += f"/节{cn_to_int(s.group(1))}"
        a = cur.eat(_ART) if new_numbering and m.group(3) == "章" and not s else None
        if a:
            return f"{path}/条{cn_to_int(a.group(2))}" + (f"之{cn_to_int(a.group(3))}" if a.group(3) else "")
        if not new_numbering:
            ctx.last = path
        return path
    m = cur.eat(_PARA)
    if m:
        base = parent if new_numbering and parent else ctx.article
        if base is None:
            raise _Unreadable("“第X款”之前没有指明条")
        base = base.split("/款")[0]
        path = f"{base}/款{cn_to_int(m.group(2))}"
        i = cur.eat(_ITEM)
        if i:
            path += f"/项{cn_to_int(i.group(2))}"
        path = _finer(cur, path)
        if not new_numbering:
            ctx.paragraph, ctx.last = path.split("/项")[0], path
        return path
    m = cur.eat(_ITEM)
    if m:
        base = parent if new_numbering and parent else (ctx.paragraph or ctx.article)
        if base is None:
            raise _Unreadable("“第X项”之前没有指明条款")
        base = base.split("/项")[0]
        path = f"{base}/项{cn_to_int(m.group(2))}"
        if not new_numbering:
            ctx.last = path
        return path
    if cur.eat(_WHOLE):
        return EVERYWHERE
    if cur.eat(rf"(?:{_DOC}的?)?(?:引言|序言|前言)"):
        ctx.last = PREAMBLE
        return PREAMBLE
    if cur.eat(_TITLE_REF):
        return TITLE
    return None


def _finer(cur: _Cursor, path: str) -> str:
    """第N句 after a provision; any other numbered step left unread is refused, never dropped."""
    m = cur.eat(rf"第({N})句")
    if m:
        path += f"/句{cn_to_int(m.group(1))}"
    if "/款" in path and "/项" not in path and cur.peek(r"第一自然段(?:修改为|的?开头)"):
        return path       # 第一款第一自然段修改为: the lead-in of a paragraph of items (款首)
    m = cur.eat(rf"第({N})自然段")
    if m:
        if "/" in path:
            raise _Unreadable("无法识别的位置")
        path += f"/款{cn_to_int(m.group(1))}"      # 第N自然段 of an article: its N-th paragraph
    if cur.peek(rf"第{N}|之{N}|{N}(?:条|款|项|句)"):
        raise _Unreadable("无法识别的位置")
    return path


def _new_refs(cur: _Cursor, ctx: _Context, parent: str | None) -> list[str]:
    out = []
    while True:
        ref = _ref(cur, ctx, new_numbering=True, parent=parent)
        if ref is None:
            break
        out.append(ref)
        if ref.startswith("条") and "/" in ref:
            parent = ref.split("/")[0]     # 改为第十一条第一款、第二款: the bare 第二款 is article 11's
        if not cur.eat(_SEP):
            break
    if not out:
        raise _Unreadable("“作为”之后缺少位置")
    return out


def _parent(path: str) -> str | None:
    return path.rsplit("/", 1)[0] if "/" in path else None
