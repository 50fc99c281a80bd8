"""The model of a decision: one :class:`Op` per instruction, grouped by law into :class:`LawPart`.

Targets are paths in the *old* numbering of the base text (``条12/款2/项3``), because that is what
drafting language speaks in (原第X条 is only a reminder of it); the few places a decision names in
the *new* numbering (增加一条，作为第十条 / 改为第十一条) are kept apart in ``new_path``.
Special targets: ``标题`` (the law's name), ``全文`` (everywhere in the text), ``章`` (every chapter).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from ..model import cn_path_label
from ..numerals import int_to_cn

REPLACE = "replace"                  # 将第X条修改为 …
REPLACE_OPENING = "replace_opening"  # 款首修改为 …
APPEND = "append"                    # 款尾增加 …
PREPEND = "prepend"                  # 款首增加 …
DELETE = "delete"                    # 删去第X条 / 第二章 / 第二款 / 第三项
INSERT = "insert"                    # 增加一条，作为第X条
RENUMBER = "renumber"                # 将第X条改为第Y条
SPLIT = "split"                      # 分为两款
MERGE = "merge"                      # 合并为一条，作为第X条
REPLACE_PHRASE = "replace_phrase"    # 将第X条中的“A”修改为“B” / 均修改为
DELETE_PHRASE = "delete_phrase"      # 删去第X条中的“A”
INSERT_PHRASE = "insert_phrase"      # 在“A”后增加“B”
RENAME = "rename"                    # 名称 / 章名 / 条标修改为
DROP_HEADINGS = "drop_headings"      # 删去所有章名
FOLD = "fold"                        # 将第二章并入第一章

ACTIONS = (REPLACE, REPLACE_OPENING, APPEND, PREPEND, DELETE, INSERT, RENUMBER, SPLIT, MERGE, REPLACE_PHRASE,
           DELETE_PHRASE, INSERT_PHRASE, RENAME, DROP_HEADINGS, FOLD)

TITLE, EVERYWHERE, CHAPTERS = "标题", "全文", "章"
PREAMBLE = "序言"                    # the words before 第一条 (a 司法解释's 引言)
# Op.position of an insert whose article is one this decision made (改为第十一条第一款，增加一款作为第二款):
# its path's article is in the new numbering.
IN_MADE_ARTICLE = "made"


@dataclass
class Op:
    action: str
    target: str                                     # old-numbering path, or 标题 / 全文 / 章
    text: str | None = None                         # new wording; paragraphs separated by "\n"
    phrase: str | None = None                       # the words looked for (phrase ops)
    merged: list[str] = field(default_factory=list)  # more phrases replaced together (“A”“B”合并修改为)
    position: str | None = None                     # before / after (insert_phrase), after:PATH, IN_MADE_ARTICLE
    new_path: str | None = None                     # place in the new numbering (insert, renumber, merge)
    title: str | None = None                        # an inserted article's title （事后核查）
    span: list[str] = field(default_factory=list)   # further siblings replaced together (第二款、第三款修改为)
    sources: list[str] = field(default_factory=list)  # merge: every merged provision, target first
    count: int = 0                                   # split: into how many
    new_paths: list[str] = field(default_factory=list)  # split: where the pieces go
    source: str = ""                                 # the decision's sentence this came from
    optional: bool = False                           # 此外…相关法规中的“A”统一修改为“B”: only where it occurs
    occurrence: int = 0                              # 第一处“A”: only that occurrence (0: every one)

    def to_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v not in (None, [], 0, "")}

    def describe(self) -> str:
        """The operation as one Chinese sentence, in the old numbering like the decision."""
        where = place_label(self.target)
        text = _quote(self.text)
        if self.action == REPLACE:
            span = "、".join([where] + [place_label(p, relative_to=self.target) for p in self.span])
            return f"将{span}修改为{text}"
        if self.action == REPLACE_OPENING:
            return f"将{where}开头修改为{text}"
        if self.action == APPEND:
            return f"在{where}末尾增加{text}"
        if self.action == PREPEND:
            return f"在{where}开头增加{text}"
        if self.action == DELETE:
            return f"删去{where}"
        if self.action == INSERT:
            titled = f"（{self.title}）" if self.title else ""
            return f"增加{_unit(self.target)}，作为{place_label(self.target)}{titled}{'：' + text if self.text else ''}"
        if self.action == RENUMBER:
            return f"将{where}改为{place_label(self.new_path or '')}"
        if self.action == SPLIT:
            return f"将{where}分为{int_to_cn(self.count)}{_unit(self.target)[1:]}" + (f"，修改为{text}" if self.text else "")
        if self.action == MERGE:
            joined = "、".join(place_label(p) for p in self.sources)
            return f"将{joined}合并为一{_unit(self.target)[1:]}，作为{place_label(self.new_path or self.target)}"
        if self.action == REPLACE_PHRASE:
            phrases = "".join(_quote(p) for p in [self.phrase or ""] + self.merged)
            return f"将{where}中的{phrases}修改为{text}"
        if self.action == DELETE_PHRASE:
            return f"删去{where}中的{_quote(self.phrase)}"
        if self.action == INSERT_PHRASE:
            side = "前" if self.position == "before" else "后"
            return f"在{where}中的{_quote(self.phrase)}{side}增加{text}"
        if self.action == RENAME:
            return f"将{where}{'' if self.target == TITLE else '的标题'}修改为{text}"
        if self.action == FOLD:
            return f"将{where}并入{place_label(self.new_path or '')}"
        if self.action == DROP_HEADINGS:
            return "删去所有章名"
        return f"{self.action} {where}"


@dataclass
class Problem:
    """A sentence of the decision that could not be turned into operations, and why."""
    sentence: str
    reason: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class LawPart:
    target: str                                        # the law's name as the decision writes it
    ops: list[Op] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"target": self.target, "ops": [op.to_dict() | {"describe": op.describe()} for op in self.ops],
                "problems": [p.to_dict() for p in self.problems]}


def place_label(path: str, relative_to: str | None = None) -> str:
    """Chinese label of an op target: 条12/款2 -> 第十二条第二款, 标题 -> 名称, 全文 -> 全文."""
    if path == PREAMBLE:
        return "序言"
    if path == TITLE:
        return "名称"
    if path in (EVERYWHERE, CHAPTERS):
        return {"全文": "全文", "章": "所有章名"}[path]
    if relative_to and "/" in path:
        common = path.rsplit("/", 1)[0]
        if relative_to.startswith(common + "/"):
            return cn_path_label(path.rsplit("/", 1)[1])
    return cn_path_label(path)


def _unit(path: str) -> str:
    last = path.rsplit("/", 1)[-1][:1]
    return "一" + (last if last in "条款项章节目编" else "条")


def _quote(text: str | None) -> str:
    return f"“{text}”" if text else ""
