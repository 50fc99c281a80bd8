"""Consolidation: apply one law's operations to its previous text.

Every target is resolved against the *base* text by identity (the old numbering the decision speaks
in), so an op still finds its article after earlier ops moved or renumbered it. Places in the new
numbering (作为第十条 / 改为第十一条) become *pins*; once all ops ran, articles are laid out with the
pinned ones in their slots and the rest in reading order around them, then renumbered 1..n (之一
articles ride with their base article), chapters and items likewise. Renumbering rewrites the law's
own cross-references (本条例第十九条 -> 第十七条) in the text that came from the base, as
"对条文顺序作相应调整" implies; the decision's new wording already uses the new numbers.
What apply knows about a node (its parent, pin, base number, whether the decision worded it) is
its :class:`_State`; the layout after all ops is :mod:`diffs.amendments.layout`. Each op is atomic:
a failed one is undone from a checkpoint of node fields and states, without copying the document.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..model import ARTICLE, CHAPTER, ITEM, PARA, PARAGRAPH, SECTION, STATUTE_CONTAINERS, Document, Loc, Node, article_label
from ..numerals import int_to_cn
from ..vocab import CONTAINER_NUMBER
from .ops import (APPEND, DELETE, DELETE_PHRASE, DROP_HEADINGS, EVERYWHERE, FOLD, IN_MADE_ARTICLE, INSERT, INSERT_PHRASE, MERGE,
                  PREAMBLE, PREPEND, RENAME, RENUMBER, REPLACE, REPLACE_OPENING, REPLACE_PHRASE, SPLIT, TITLE, Op, place_label)
from .layout import Layout, position_of
from .wording import (ITEM_ENDS, append_clause, article_body, article_pieces, delete_all, insert_beside, items,
                      numbered_articles, prepend_clause, replace_all, replace_merged, replace_opening, sentences,
                      spans_of)



@dataclass
class Consolidation:
    document: Document
    applied: list[Op] = field(default_factory=list)
    failed: list[tuple[Op, str]] = field(default_factory=list)
    adjustments: list[str] = field(default_factory=list)   # implied changes: renumbering, cross-references
    numbering: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)  # old article -> new

    def new_label(self, old: tuple[int, int]) -> str | None:
        """The label an article of the base text carries now (None: it is gone)."""
        new = self.numbering.get(old)
        return article_label(*new) if new else None

    def to_dict(self) -> dict:
        return {"text": self.document.to_text(), "applied": [op.describe() for op in self.applied],
                "failed": [{"op": op.describe(), "reason": reason} for op, reason in self.failed],
                "adjustments": self.adjustments}


class _Fail(Exception):
    pass


# Operations whose handlers compute everything before writing one text (or title) at the end.
_WRITE_LAST = (REPLACE_PHRASE, DELETE_PHRASE, INSERT_PHRASE)


def _nothing() -> None:
    pass


def _longer_terms(ops: list[Op]) -> dict[int, list[str]]:
    """For each phrase op, the longer phrases holding its words that other ops of the decision change
    in the same places (“拆迁人” and “被拆迁人”): the decision treats those as terms of their own."""
    phrase_ops = [op for op in ops if op.action in (REPLACE_PHRASE, DELETE_PHRASE) and op.phrase][:_MAX_TERM_OPS]

    def overlap(a: str, b: str) -> bool:
        return EVERYWHERE in (a, b) or a == b or a.startswith(b + "/") or b.startswith(a + "/")
    out: dict[int, list[str]] = {}
    for op in phrase_ops:
        longer = [o.phrase for o in phrase_ops if o.phrase != op.phrase and op.phrase in o.phrase
                  and overlap(o.target, op.target)]
        if longer:
            out[id(op)] = longer
    return out


_MAX_TERM_OPS = 2000


def apply(base: Document, ops: list[Op]) -> Consolidation:
    """Apply ``ops`` to a copy of ``base``; ops that cannot be applied are returned with the reason."""
    work = _Work(base.copy())
    work.terms = _longer_terms(ops)
    result = Consolidation(work.doc)
    for op in ops:
        # Text edits compute before they write, so only tree operations need a way back.
        undo = _nothing if op.action in _WRITE_LAST else work.checkpoint()
        try:
            work.run(op)
        except _Fail as e:
            undo()
            result.failed.append((op, str(e)))
        except Exception as e:  # noqa: BLE001 - one op the engine cannot carry out must not cost the others
            undo()
            result.failed.append((op, f"无法执行此操作（{type(e).__name__}: {str(e)[:60]}）"))
        else:
            result.applied.append(op)
    try:
        result.adjustments = work.finish()
        result.numbering = work.numbering
    except Exception as e:  # noqa: BLE001 - the text is still the amended one, only its numbering is in doubt
        result.adjustments = [f"条文编号未能相应调整（{type(e).__name__}）"]
    return result


@dataclass
class _State:
    """What apply knows about one node besides its text: where it hangs, where the decision pins it."""
    node: Node                                   # held, so that the node (and its id) outlives removal
    parent: Node | None = None
    pin: tuple[int, int] | None = None           # place in the new numbering (作为第十条 / 改为第十一条)
    old_number: tuple[int, int] | None = None    # an article's number in the base text
    old_paragraph: int | None = None             # a paragraph's number in the base text
    fresh: bool = False                          # worded by the decision
    deleted: bool = False
    touched: bool = False                        # its children changed
    explicit: bool = False                       # an article the decision renumbers itself
    replaced_by: Node | None = None              # rewritten provision -> the node now in its place
    absorbed_into: Node | None = None            # merged-away article -> the article it joined
    inserted: list[str] = field(default_factory=list)   # wording phrase ops put into it
    journal: dict | None = field(default=None, repr=False)  # the work's record of first writes per op

    def __setattr__(self, name: str, value) -> None:
        journal = self.__dict__.get("journal")
        if journal is not None and journal["on"] and id(self) not in journal["log"]:
            journal["log"][id(self)] = (self, dict(self.__dict__), self.inserted[:])
        object.__setattr__(self, name, value)


class _Work(Layout):
    def __init__(self, doc: Document):
        self.doc = doc
        self.index: dict[str, Node] = {}
        self.states: dict[int, _State] = {}
        self.pending: list[Node] = []                    # pinned new articles, laid out by finish()
        self.absorbed: list[Node] = []                   # merged-away articles (state.absorbed_into)
        self.created: dict[tuple[int, int], Node] = {}   # articles this decision made, by new number
        self.terms: dict[int, list[str]] = {}             # op id -> longer phrases it must leave alone
        self.journal: dict = {"on": False, "log": {}, "made": []}   # see checkpoint()
        self.numbering: dict[tuple[int, int], tuple[int, int]] = {}   # base article -> its number after
        self._index(doc.root, "")
        # Kinds the base numbers straight through its 编/章 (第二编 starts at 第五章), not afresh.
        self.continuous = {c.kind for n in doc.root.walk() if n.kind in STATUTE_CONTAINERS
                           for c in n.children[:1] if c.kind in STATUTE_CONTAINERS and (c.num or 1) > 1}

    def st(self, node: Node) -> _State:
        """The node's state, made on first use."""
        state = self.states.get(id(node))
        if state is None:
            state = self.states[id(node)] = _State(node, journal=self.journal)
            if self.journal["on"]:
                self.journal["made"].append(id(node))
        return state

    def absorb(self, gone: Node, into: Node) -> None:
        self.st(gone).absorbed_into = into
        self.absorbed.append(gone)

    def checkpoint(self):
        """A way back to the state before an op, so that a failed op leaves no trace.

        Nodes are not copied: their fields, child lists and states are remembered.
        """
        nodes, stack = [], [self.doc.root, *self.pending]
        while stack:             # every node, in any order: a restore needs no reading order
            n = stack.pop()
            nodes.append((n, n.children[:], n.text, n.title, n.num, n.sub, n.label))
            stack += n.children
        # States record themselves on their first write (``_State.__setattr__``), new ones are listed.
        log, made = {}, []
        self.journal.update(on=True, log=log, made=made)
        title, pending, absorbed, created = self.doc.title, self.pending[:], self.absorbed[:], dict(self.created)

        def undo() -> None:
            for n, children, text, heading, num, sub, label in nodes:
                n.children[:] = children
                n.text, n.title, n.num, n.sub, n.label = text, heading, num, sub, label
            for state, fields, inserted in log.values():
                vars(state).update(fields)
                state.inserted = inserted
            for key in made:
                self.states.pop(key, None)
            self.doc.title, self.pending, self.absorbed, self.created = title, pending, absorbed, created
        return undo

    # -- the old numbering -------------------------------------------------------------------
    def _index(self, node: Node, prefix: str) -> None:
        for child in node.children:
            self.st(child).parent = node
            key = child.key
            if child.kind == ARTICLE:
                path = key
                self.st(child).old_number = (child.num or 0, child.sub)
            elif child.kind in STATUTE_CONTAINERS:
                path = f"{prefix}/{key}" if prefix and child.kind == SECTION else key
            else:
                path = f"{prefix}/{key}" if prefix else key
            if child.kind == PARAGRAPH and child.num:
                self.st(child).old_paragraph = child.num
            self.index.setdefault(path, child)
            self._index(child, path)

    def resolve(self, path: str) -> Node:
        if path == PREAMBLE:
            # The words before the first article: a paragraph of the text's own, not its title or header.
            lead = []
            for child in self.doc.root.children:
                if child.kind != PARA:
                    break
                lead.append(child)
            # The 引言 is the sentence right before 第一条; lines above it (公告, 文号, adoption dates)
            # are the text's header as a gazette prints it.
            if not lead or self.st(lead[-1]).deleted or not lead[-1].text.endswith(("。", "：", ":")):
                raise _Fail("基础文本在第一条之前没有序言段落")
            return lead[-1]
        node = self.index.get(path)
        if node is None and "/项" in path and "/款" not in path:
            # 第七条第一项: the items of an article hang under one of its paragraphs.
            art, item = path.split("/项")
            node = next((self.index[p] for k in range(1, 20)
                         if (p := f"{art}/款{k}/项{item}") in self.index), None)
        if node is None and path.endswith("/款1") and path[:-3] in self.index:
            node = self.index[path[:-3]]      # an article without separate paragraphs
        if node is None:
            raise _Fail(f"基础文本中没有{place_label(path)}")
        for _ in range(100):         # a provision rewritten is still the place later ops name
            if self.st(node).replaced_by is None:
                break
            node = self.st(node).replaced_by
        if self.st(node).deleted:
            raise _Fail(f"{place_label(path)}已被删除")
        return node

    # -- operations ---------------------------------------------------------------------------
    def run(self, op: Op) -> None:
        handlers = {REPLACE: self._replace, REPLACE_OPENING: self._replace_opening, APPEND: self._append,
                    PREPEND: self._prepend, DELETE: self._delete, INSERT: self._insert, RENUMBER: self._renumber,
                    SPLIT: self._split, MERGE: self._merge, REPLACE_PHRASE: self._replace_phrase,
                    DELETE_PHRASE: self._delete_phrase, INSERT_PHRASE: self._insert_phrase, RENAME: self._rename,
                    DROP_HEADINGS: self._drop_headings, FOLD: self._fold_into}
        if op.action not in handlers:
            raise _Fail(f"未知的操作“{op.action}”")
        handlers[op.action](op)

    def _replace(self, op: Op) -> None:
        if op.target == TITLE:
            self.doc.title = op.text
            return
        # A sentence rewritten keeps the stop its place gives it when the decision quotes it without one.
        if self._on_sentence(op, lambda s: (op.text or "") + ("" if (op.text or "")[-1:] in "。！？；" else s[-1:])):
            return
        node = self.resolve(op.target)
        if node.kind == ARTICLE:
            title, paragraphs = article_body(op.text or "")
            node.children = paragraphs
            node.title = title or node.title
            self._mark_fresh(node)
        elif node.kind == PARAGRAPH:
            span = [node] + [self.resolve(p) for p in op.span]
            self._swap(span, article_body(op.text or "")[1])
        elif node.kind == ITEM:
            span = [node] + [self.resolve(p) for p in op.span]
            new = items(op.text or "", first=node.num or 1)
            for old, item in zip(span, new):
                # A quoted item often leaves out the ；/。 its place in the list gives it.
                if old.text[-1:] in ITEM_ENDS and item.text[-1:] not in ITEM_ENDS + "，,":
                    item.text += old.text[-1]
            self._swap(span, new)
        elif node.kind in STATUTE_CONTAINERS:
            node.title = op.text or ""
        else:
            node.text = op.text or ""
            self.st(node).fresh = True

    def _swap(self, old: list[Node], new: list[Node]) -> None:
        parent = self.st(old[0]).parent
        at = position_of(parent.children, old[0])
        for node, successor in zip(old, new):
            self.st(node).replaced_by = successor
        for node in old:
            del parent.children[position_of(parent.children, node)]
            self.st(node).deleted = True
        parent.children[at:at] = new
        for node in new:
            self.st(node).parent = parent
            self._mark_fresh(node)
        self.st(parent).touched = True

    def _mark_fresh(self, node: Node) -> None:
        for n in node.walk():
            self.st(n).fresh = True
            for c in n.children:
                self.st(c).parent = n

    def _text_node(self, path: str) -> Node:
        """The node whose own text an opening/ending op edits: an article's first or last paragraph."""
        node = self.resolve(path)
        if node.kind == ARTICLE:
            paragraphs = [c for c in node.children if c.kind == PARAGRAPH]
            if not paragraphs:
                raise _Fail(f"{place_label(path)}没有正文")
            return paragraphs[0]
        return node

    def _replace_opening(self, op: Op) -> None:
        node = self._text_node(op.target)
        new = replace_opening(node.text, op.text or "")
        if new is None:
            raise _Fail(f"{place_label(op.target)}中找不到可替换的开头")
        node.text = new

    def _append(self, op: Op) -> None:
        node = self.resolve(op.target)
        if node.kind == ARTICLE:
            paragraphs = [c for c in node.children if c.kind == PARAGRAPH]
            if not paragraphs:
                raise _Fail(f"{place_label(op.target)}没有正文")
            node = paragraphs[-1]
        node.text = append_clause(node.text, op.text or "")

    def _prepend(self, op: Op) -> None:
        node = self._text_node(op.target)
        node.text = prepend_clause(node.text, op.text or "")

    def _delete(self, op: Op) -> None:
        if self._on_sentence(op, lambda s: ""):
            return
        node = self.resolve(op.target)
        parent = self.st(node).parent
        del parent.children[position_of(parent.children, node)]
        for n in node.walk():
            self.st(n).deleted = True
        self.st(parent).touched = True

    def _insert(self, op: Op) -> None:
        loc = Loc.parse(op.target)
        steps = op.target.split("/")
        kind, num, sub = loc.kind, loc.num or 0, loc.sub
        if kind == ARTICLE and loc.parent is not None and loc.parent.kind == CHAPTER:
            # 作为第三章第五条: the article opens (or joins) the chapter now numbered three.
            chapters = [n for n in self.doc.root.walk() if n.kind == CHAPTER and not self.st(n).deleted]
            if not 1 <= (loc.parent.num or 0) <= len(chapters):
                raise _Fail(f"没有{place_label(str(loc.parent))}")
            title, paragraphs = article_body(op.text or "")
            node = Node(ARTICLE, num=num, sub=sub, label=article_label(num or 1, sub), title=op.title or title,
                        children=paragraphs)
            self._mark_fresh(node)
            chapter = chapters[(loc.parent.num or 1) - 1]
            chapter.children.append(node)
            self.st(node).parent = chapter
            self.st(node).pin = (num, sub)
            self.st(node).explicit = True
            return
        if kind == "条":
            title, paragraphs = article_body(op.text or "")
            node = Node(ARTICLE, num=num, sub=sub, label=article_label(num or 1, sub), title=op.title or title,
                        children=paragraphs)
            self._mark_fresh(node)
            if op.position:
                side, anchor_path = op.position.split(":", 1)
                anchor = self.resolve(anchor_path)
                parent = self.st(anchor).parent
                at = position_of(parent.children, anchor) + (side == "after")
                parent.children.insert(at, node)
                self.st(node).parent = parent
            else:
                self.st(node).pin = (num, sub)
                self.pending.append(node)
                self.created[(num, sub)] = node
            return
        if kind in ("章", "节"):
            self._insert_container(op, CHAPTER if kind == "章" else SECTION, num)
            return
        parent_path = "/".join(steps[:-1])
        if kind == "款":
            if op.position == IN_MADE_ARTICLE:
                parent = self.created.get((loc.parent.num or 0, loc.parent.sub)) if loc.parent else None
                if parent is None:
                    raise _Fail(f"{place_label(parent_path)}不是本决定新设的条")
            else:
                parent = self.resolve(parent_path)
            if parent.kind != ARTICLE:
                raise _Fail(f"{place_label(parent_path)}不是条，不能增加款")
            new = article_body(op.text or "")[1]
        elif kind == "项":
            parent = self.resolve(parent_path)
            if parent.kind == ARTICLE:
                parent = next((c for c in parent.children if any(i.kind == ITEM for i in c.children)),
                              parent.children[0] if parent.children else None)
                if parent is None:
                    raise _Fail(f"{place_label(parent_path)}没有可增加项的款")
            new = items(op.text or "", first=num or 1)
        else:
            raise _Fail(f"不支持增加“{kind}”")
        parent.children.extend(new)
        for i, node in enumerate(new):
            self.st(node).parent = parent
            self._mark_fresh(node)
            if num:
                self.st(node).pin = (num + i, 0)
        self.st(parent).touched = True

    def _insert_container(self, op: Op, kind: str, num: int) -> None:
        """增加一章，作为第五章：“第五章　名称 / 第四十条 …”: the chapter with the articles it brings."""
        lines = [line.strip() for line in (op.text or "").splitlines() if line.strip()]
        heading = re.match(rf"^{CONTAINER_NUMBER}[ \u3000]*(.*)$", lines[0]) if lines else None
        if heading:
            lines = lines[1:]
        node = Node(kind, title=op.title or (heading.group(1).strip() if heading else ""))
        for title, paragraphs, number in numbered_articles(lines):
            if number is None:
                raise _Fail(f"增加的{kind}中有不属于任何条的文字")
            node.children.append(Node(ARTICLE, num=number[0], sub=number[1], label=article_label(*number),
                                      title=title, children=paragraphs))
        node.num, node.label = num, f"第{int_to_cn(num)}{kind}"
        if not any(c.kind == ARTICLE for c in node.children):
            # The articles it would gather are not in its text: which ones is not for us to guess.
            raise _Fail(f"增加的{kind}没有给出其中的条文")
        # Its place: after the chapter now numbered num-1 (reading order, whatever 编 it is in); a
        # section among the sections of the chapter its path names.
        scope = self.doc.root
        if kind == SECTION:
            loc = Loc.parse(op.target)
            chapters = [n for n in self.doc.root.walk() if n.kind == CHAPTER and not self.st(n).deleted]
            if loc.parent is None or loc.parent.kind != CHAPTER or not 1 <= (loc.parent.num or 0) <= len(chapters):
                raise _Fail("增加的节没有指明所在的章")
            scope = chapters[(loc.parent.num or 1) - 1]
            if not any(c.kind == SECTION for c in scope.children):
                raise _Fail(f"{scope.label}原来不分节，增加一节后其余条文的归属无法确定")
        chapters = [n for n in scope.walk() if n.kind == kind and not self.st(n).deleted]
        if chapters and num > 1:
            before = chapters[min(num - 1, len(chapters)) - 1]
            parent = self.st(before).parent
            parent.children.insert(position_of(parent.children, before) + 1, node)
        elif chapters:
            parent = self.st(chapters[0]).parent
            parent.children.insert(position_of(parent.children, chapters[0]), node)
        else:
            raise _Fail(f"基础文本没有{kind}，不能增加一{kind}")
        self.st(node).parent = parent
        self._mark_fresh(node)
        for article in (n for n in node.walk() if n.kind == ARTICLE):
            self.st(article).pin = (article.num or 0, article.sub)

    def _fold_into(self, op: Op) -> None:
        """将第N章并入第M章: the articles of chapter N join chapter M, N's heading goes."""
        source, into = self.resolve(op.target), self.resolve(op.new_path or "")
        if source.kind not in STATUTE_CONTAINERS or into.kind != source.kind:
            raise _Fail(f"不能将{place_label(op.target)}并入{place_label(op.new_path or '')}")
        parent = self.st(source).parent
        del parent.children[position_of(parent.children, source)]
        self.st(source).deleted = True
        into.children += source.children
        for c in source.children:
            self.st(c).parent = into
        self.st(parent).touched = True

    def _renumber(self, op: Op) -> None:
        node = self.resolve(op.target)
        if node.kind == PARAGRAPH and _becomes_article(op):
            # 将第X条第Y款改为第Z条 / 单列一条: the paragraph (with its items) becomes an article.
            self._paragraphs_to_article([node], op)
            return
        new = _loc(op.new_path)
        if new is None or new.num is None:
            raise _Fail(f"无法理解新的编号“{op.new_path}”")
        if node.kind == PARAGRAPH and len(new.steps) == 2 and new.steps[0] != Loc.parse(op.target).steps[0]:
            self._paragraph_into(node, new, op)
            return
        if new.kind != node.kind:
            raise _Fail(f"不支持将{place_label(op.target)}改为{place_label(op.new_path or '')}（层级不同）")
        self.st(node).pin = (new.num, new.sub)
        if node.kind == ARTICLE:
            self.st(node).explicit = True
        else:
            self.st(self.st(node).parent).touched = True

    def _paragraph_into(self, paragraph: Node, new: Loc, op: Op) -> None:
        """改为第十一条第二款: the paragraph joins an article this decision made (改为第十一条第一款 / 增加一条)."""
        article = self.created.get((new.steps[0].num or 0, new.steps[0].sub))
        if article is None:
            raise _Fail(f"{place_label(str(new.parent))}不是本决定新设的条，无法确定{place_label(op.target)}移入何处")
        owner = self.st(paragraph).parent
        del owner.children[position_of(owner.children, paragraph)]
        self.st(owner).touched = True
        article.children.append(paragraph)
        self.st(paragraph).parent = article
        self.st(paragraph).pin = (new.num or 1, 0)
        self.st(article).touched = True
        self._drop_if_emptied(owner, article)

    def _split(self, op: Op) -> None:
        node = self.resolve(op.target)
        if not op.text:
            raise _Fail(f"{place_label(op.target)}拆分后的内容缺失")
        if node.kind == PARAGRAPH:
            pieces = article_body(op.text)[1]
            self._swap([node], pieces)
            for piece, path in zip(pieces, op.new_paths):
                new = _loc(path)
                if new is not None and new.kind == PARAGRAPH and new.num:
                    self.st(piece).pin = (new.num, 0)
            return
        if node.kind == ARTICLE:
            pieces = article_pieces(op.text, op.count)
            if len(pieces) != op.count:
                raise _Fail(f"{place_label(op.target)}拆分后的内容不是{op.count}条")
            parent = self.st(node).parent
            at = position_of(parent.children, node)
            node.title, node.children = pieces[0]
            self._mark_fresh(node)
            for k, (title, paragraphs) in enumerate(pieces[1:], 1):
                article = Node(ARTICLE, num=node.num, title=title, children=paragraphs)
                parent.children.insert(at + k, article)
                self.st(article).parent = parent
                self._mark_fresh(article)
            for article, path in zip(parent.children[at:at + op.count], op.new_paths):
                new = _loc(path)
                if new is not None and new.kind == ARTICLE and len(new.steps) == 1 and new.num:
                    self.st(article).pin = (new.num, new.sub)
                    self.st(article).explicit = True
            return
        if node.kind == ITEM:
            # 第二项分为二项，修改为“（二）…（三）…”: the items that follow move down (layout renumbers).
            pieces = items(op.text, first=node.num or 1)
            if len(pieces) != op.count:
                raise _Fail(f"{place_label(op.target)}拆分后的内容不是{op.count}项")
            self._swap([node], pieces)
            return
        raise _Fail(f"不支持拆分{place_label(op.target)}")

    def _merge(self, op: Op) -> None:
        nodes = [self.resolve(p) for p in op.sources]
        if {n.kind for n in nodes} == {PARAGRAPH, ARTICLE}:
            # 第十六条第一款与第二十条合并: a whole article merged with paragraphs brings its paragraphs.
            nodes = [c for n in nodes for c in ([n] if n.kind == PARAGRAPH else
                                                [c for c in n.children if c.kind == PARAGRAPH])]
        first = nodes[0]
        if any(n.kind != first.kind for n in nodes):
            raise _Fail("合并的条款层级不同")
        if first.kind == PARAGRAPH and Loc.parse(op.new_path or op.target).kind == ARTICLE:
            self._paragraphs_to_article(nodes, op)
            return
        if first.kind == PARAGRAPH:
            self._merge_paragraphs(nodes, op)
            return
        if op.text:
            title, first.children = article_body(op.text)
            first.title = title or first.title
            self._mark_fresh(first)
        else:
            for other in nodes[1:]:
                first.children += other.children
                for c in other.children:
                    self.st(c).parent = first
        for other in nodes[1:]:
            siblings = self.st(other).parent.children
            del siblings[position_of(siblings, other)]
            self.st(other).deleted = True
            self.absorb(other, first)
        new = _loc(op.new_path)
        if new is not None and first.kind == ARTICLE and new.kind == ARTICLE and len(new.steps) == 1 and new.num:
            self.st(first).pin = (new.num, new.sub)
            self.st(first).explicit = True

    def _paragraphs_to_article(self, paragraphs: list[Node], op: Op) -> None:
        """款 of one or more articles become one article (作为第Z条, else right after the first one's).

        An article left with no paragraph disappears; references to it follow the new article.
        """
        first_article = self.st(paragraphs[0]).parent
        if first_article is None or first_article.kind != ARTICLE:
            raise _Fail("所移动的款不在条中")
        new = Loc.parse((op.new_path or "条").split("/")[0])
        if op.text:
            title, children = article_body(op.text)
        else:
            title, children = "", paragraphs
        article = Node(ARTICLE, num=new.num or first_article.num, sub=new.sub,
                       label=article_label(new.num or 1, new.sub), title=title, children=list(children))
        owners = []
        for p in paragraphs:
            owner = self.st(p).parent
            del owner.children[position_of(owner.children, p)]
            self.st(owner).touched = True
            owners.append(owner)
            if op.text:
                self.st(p).deleted = True
        for c in article.children:
            self.st(c).parent = article
        if op.text:
            self._mark_fresh(article)
        if new.num:
            self.st(article).pin = (new.num, new.sub)
            self.st(article).explicit = True
            self.pending.append(article)
            self.created[(new.num, new.sub)] = article
        else:
            container = self.st(first_article).parent
            container.children.insert(position_of(container.children, first_article) + 1, article)
            self.st(article).parent = container
        for owner in {id(o): o for o in owners}.values():
            self._drop_if_emptied(owner, article)

    def _drop_if_emptied(self, owner: Node, into: Node) -> None:
        """An article whose paragraphs all went elsewhere disappears; references to it follow ``into``."""
        if owner is into or owner.kind != ARTICLE or any(c.kind == PARAGRAPH for c in owner.children) \
                or self.st(owner).deleted:
            return
        siblings = self.st(owner).parent.children
        del siblings[position_of(siblings, owner)]
        self.st(owner).deleted = True
        self.absorb(owner, into)

    def _merge_paragraphs(self, nodes: list[Node], op: Op) -> None:
        """第X款和第Y款合并为一款: one paragraph, the sentences run on (or the decision's wording)."""
        first = nodes[0]
        if op.text:
            first.text = "".join(p.text for p in article_body(op.text)[1]) or op.text.replace("\n", "")
            self.st(first).fresh = True
        for other in nodes[1:]:
            if not op.text:
                first.text += other.text
            first.children += other.children
            for c in other.children:
                self.st(c).parent = first
            owner = self.st(other).parent
            del owner.children[position_of(owner.children, other)]
            self.st(other).deleted = True
            self.st(other).replaced_by = first
            self.st(self.st(first).parent).touched = True
            self._drop_if_emptied(owner, self.st(first).parent)
        if op.new_path:
            self.st(first).pin = (Loc.parse(op.new_path).num or 1, 0)

    def _places(self, path: str) -> list[Node]:
        if path == EVERYWHERE:
            return [self.doc.root]
        return [self.resolve(path)]

    def _sentence(self, path: str) -> tuple[Node, list[str], int]:
        """第N句: the paragraph holding it, its sentences (each with its stop) and the index of the one meant."""
        holder, _, step = path.rpartition("/")
        node = self._text_node(holder)
        k = Loc.parse(step).num or 0
        parts = sentences(node.text)
        if not 1 <= k <= len(parts):
            raise _Fail(f"{place_label(holder)}没有第{int_to_cn(k)}句")
        return node, parts, k - 1

    def _on_sentence(self, op: Op, edit) -> bool:
        """Run a text op on one sentence when its target is 第N句; False when the target is not one."""
        if "/句" not in op.target:
            return False
        node, parts, k = self._sentence(op.target)
        parts[k] = edit(parts[k])
        node.text = "".join(parts)
        return True

    def _edit_text(self, op: Op, edit, inserted: str | None = None, protect: bool = False) -> None:
        """Run ``edit(text) -> (text, count)`` over the target's own text and everything below it.

        ``inserted`` is the decision's wording the edit puts in, remembered per node so that the
        renumbering of cross-references later leaves it alone (and, with ``protect``, that
        ``edit(text, words)`` is given: a deletion leaves it alone too).
        """
        if "/句" in op.target:
            found = []
            self._on_sentence(op, lambda s: (r := edit(s), found.append(r[1]))[0][0])
            if not found[0]:
                raise _Fail(f"{place_label(op.target)}中未找到“{op.phrase}”")
            return
        if op.target == TITLE:
            new, count = edit(self.doc.title or "")
            if count:
                self.doc.title = new
        else:
            # All new wording first, then the tree: an op that fails half-way has changed nothing.
            changes, count = [], 0
            for place in self._places(op.target):
                for node in place.walk():
                    for attr in ("text", "title"):
                        new, n = edit(getattr(node, attr), self.st(node).inserted) if protect else \
                            edit(getattr(node, attr))
                        if n:
                            changes.append((node, attr, new))
                            count += n
            if not count and op.optional:
                return                  # a decision-wide wording change this law does not use
            if not count:
                raise _Fail(f"{place_label(op.target)}中未找到“{op.phrase}”")
            for node, attr, new in changes:
                setattr(node, attr, new)
                if inserted:
                    self.st(node).inserted.append(inserted)
        if not count:
            raise _Fail(f"{place_label(op.target)}中未找到“{op.phrase}”")

    def _replace_phrase(self, op: Op) -> None:
        if op.merged:
            self._edit_text(op, lambda t: replace_merged(t, [op.phrase or ""] + op.merged, op.text or ""), op.text)
        else:
            terms = self.terms.get(id(op), [])
            self._edit_text(op, lambda t: replace_all(t, op.phrase or "", op.text or "", op.occurrence,
                                                      spans_of(t, terms)), op.text)

    def _delete_phrase(self, op: Op) -> None:
        # 修改为“卫生健康”，删去“卫生”: the words this decision put in are not what it deletes.
        terms = self.terms.get(id(op), [])
        self._edit_text(op, lambda t, words=(): delete_all(t, op.phrase or "", spans_of(t, [*words, *terms])),
                        protect=True)

    def _insert_phrase(self, op: Op) -> None:
        phrase, added = op.phrase or "", op.text or ""
        self._edit_text(op, lambda t: insert_beside(t, phrase, added, op.position == "before"), added)

    def _rename(self, op: Op) -> None:
        if op.target == TITLE:
            self.doc.title = op.text
            return
        node = self.resolve(op.target)
        node.title = op.text or ""

    def _drop_headings(self, op: Op) -> None:
        if not any(n.kind in STATUTE_CONTAINERS for n in self.doc.root.children):
            raise _Fail("基础文本没有章")

        def flatten(node: Node) -> list[Node]:
            out = []
            for child in node.children:
                if child.kind in STATUTE_CONTAINERS:
                    out += flatten(child)
                    self.st(child).deleted = True
                else:
                    out.append(child)
            return out
        self.doc.root.children = flatten(self.doc.root)
        for child in self.doc.root.children:
            self.st(child).parent = self.doc.root


def _loc(path: str | None) -> Loc | None:
    """The typed location of a path an op carries; None for an empty or unreadable one."""
    try:
        return Loc.parse(path) if path else None
    except ValueError:
        return None


def _becomes_article(op: Op) -> bool:
    """改为第Z条 / 改为第Z条第一款 (another article) / 单列一条: a paragraph leaving its article."""
    new = Loc.parse(op.new_path or "条")
    if new.kind == ARTICLE:
        return True
    return new.kind == PARAGRAPH and new.num == 1 and len(new.steps) == 2 and \
        new.steps[0] != Loc.parse(op.target).steps[0]
