"""The document model: a tree of labelled nodes (after eRegs' regulation trees).

Every provision is a :class:`Node`; its *path* (``条12/款2/项3``) is what diffs and amendment
operations speak in, its *label* is how the text numbers it (第十二条, （三）, 一、).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

from .numerals import int_to_cn

# Kinds of node, outermost first. Statute levels, then policy-document levels.
PART, SUBPART, CHAPTER, SECTION = "编", "分编", "章", "节"
# 一、融资租赁合同的认定: the numbered parts (第一部分) a 司法解释 groups its articles in.
DIVISION = "部分"
ARTICLE, PARAGRAPH, ITEM, SUBITEM = "条", "款", "项", "目"
# Policy documents (通知, 意见, 方案): 一、 / （一） / 1. / （1） / ① ; 附件 ; unnumbered paragraphs.
L1, L2, L3, L4, L5 = "一、", "（一）", "1.", "（1）", "①"
ANNEX, PARA, ROOT = "附件", "段", "root"

STATUTE_CONTAINERS = (PART, SUBPART, CHAPTER, SECTION, DIVISION)
POLICY_LEVELS = (L1, L2, L3, L4, L5)


@dataclass
class Node:
    kind: str
    num: int | None = None          # 12 for 第十二条; None for unnumbered paragraphs and the root
    sub: int = 0                    # 1 for 第十二条之一
    label: str = ""                 # the numbering exactly as the text writes it: 第十二条, （三）, 1.
    title: str = ""                 # article title （目的和依据） or chapter/section name (总则)
    text: str = ""                  # the node's own text, without its label and title
    children: list["Node"] = field(default_factory=list)

    @property
    def step(self) -> "Step":
        return Step(self.kind, self.num, self.sub)

    @property
    def key(self) -> str:
        """One step of a path: 条12, 条12之1, 款2, 项3, 章1 (``str(self.step)``, without making the Step)."""
        if self.num is None:
            return self.kind
        return f"{self.kind}{self.num}之{self.sub}" if self.sub else f"{self.kind}{self.num}"

    def walk(self) -> Iterator["Node"]:
        """This node and all below it, in reading order."""
        stack = [self]
        while stack:
            node = stack.pop()
            yield node
            stack.extend(reversed(node.children))

    def copy(self) -> "Node":
        """A copy of the subtree (cheaper than copy.deepcopy: nodes hold only strings and numbers)."""
        return Node(self.kind, self.num, self.sub, self.label, self.title, self.text,
                    [c.copy() for c in self.children])

    def full_text(self) -> str:
        """The provision's whole text (label excluded), one paragraph per line."""
        lines = [self.text] if self.text else []
        lines += [c.display_line() for c in self.children]
        return "\n".join(l for l in lines if l)

    def display_line(self) -> str:
        """The node as it reads in a document: label, title and text, children on following lines."""
        children = self.children
        if self.kind == ARTICLE:
            line = self.label + (f"（{self.title}）" if self.title else "")
            if children and children[0].kind == PARAGRAPH:
                # An article's first paragraph continues the article's line: 第一条 为了……
                line = " ".join(x for x in (line, children[0].full_text()) if x)
                children = children[1:]
        elif self.kind == DIVISION:
            line = self.label + self.title
        elif self.kind in STATUTE_CONTAINERS:
            line = " ".join(x for x in (self.label, self.title) if x)
        else:
            # 款 and 段 are bare text; items, policy sections and 附件 read label + title or text.
            line = self.label + self.title + self.text
        return "\n".join([line] + [c.display_line() for c in children])


@dataclass
class Document:
    """A parsed document: title, header lines (文号, dates, adoption/amendment history) and body tree."""
    title: str | None
    header: list[str]
    root: Node
    kind: str = "statute"           # "statute" (条-numbered), "policy" (一、/（一）…), "plain" (paragraphs only)

    def copy(self) -> "Document":
        return Document(self.title, list(self.header), self.root.copy(), self.kind)

    def articles(self) -> list[Node]:
        """The articles (条) in reading order, at whatever depth of 编/章/节 they sit."""
        return [n for n in self.root.walk() if n.kind == ARTICLE]

    def to_text(self) -> str:
        """Serialise as plain text: title, header, then one line per heading / paragraph.

        Each article starts its line with its label; each 款 is one line; items on their own lines.
        ``parse(doc.to_text())`` gives back an equal tree.
        """
        lines = [self.title] if self.title else []
        lines += self.header
        lines += [c.display_line() for c in self.root.children]
        return "\n".join(lines) + "\n"


def container_label(kind: str, num: int) -> str:
    """第二章 / 第三节; a 部分 reads 二、."""
    return f"{int_to_cn(num)}、" if kind == DIVISION else f"第{int_to_cn(num)}{kind}"


def article_label(num: int, sub: int = 0) -> str:
    """第十二条 / 第十二条之一."""
    return f"第{int_to_cn(num)}条" + (f"之{int_to_cn(sub)}" if sub else "")


_STEP = re.compile(r"^(分编|自然段|部分|\D)(\d*)(?:之(\d+))?$")


@dataclass(frozen=True)
class Step:
    """One step of a location: kind (条 款 项 章 句 …), number, and the 之N of an inserted article."""
    kind: str
    num: int | None = None
    sub: int = 0

    def __str__(self) -> str:
        if self.num is None:
            return self.kind
        return f"{self.kind}{self.num}" + (f"之{self.sub}" if self.sub else "")

    def cn(self) -> str:
        if self.num is None:
            return self.kind
        return f"第{int_to_cn(self.num)}{self.kind}" + (f"之{int_to_cn(self.sub)}" if self.sub else "")


@dataclass(frozen=True)
class Loc:
    """A typed location (第十二条第二款第三项 = 条12/款2/项3): what amendments, compare and render speak in.

    ``str(loc)`` is the path string other modules store and show; ``Loc.parse`` reads it back.
    """
    steps: tuple[Step, ...]

    @classmethod
    def parse(cls, path: str) -> "Loc":
        steps = []
        for raw in path.split("/"):
            m = _STEP.match(raw)
            if not m:
                raise ValueError(f"not a path step: {raw!r}")
            kind, num, sub = m.groups()
            steps.append(Step(kind, int(num) if num else None, int(sub or 0)))
        return cls(tuple(steps))

    def __str__(self) -> str:
        return "/".join(str(s) for s in self.steps)

    @property
    def last(self) -> Step:
        return self.steps[-1]

    @property
    def kind(self) -> str:
        return self.last.kind

    @property
    def num(self) -> int | None:
        return self.last.num

    @property
    def sub(self) -> int:
        return self.last.sub

    @property
    def parent(self) -> "Loc | None":
        return Loc(self.steps[:-1]) if len(self.steps) > 1 else None

    def child(self, kind: str, num: int | None = None, sub: int = 0) -> "Loc":
        return Loc(self.steps + (Step(kind, num, sub),))

    def cn(self) -> str:
        return "".join(s.cn() for s in self.steps)


def cn_path_label(path: str) -> str:
    """Display a path in Chinese: '条12/款2/项3' -> 第十二条第二款第三项; '条133之1' -> 第一百三十三条之一."""
    return Loc.parse(path).cn()
