"""Read what an amendment decision says about one law, for checking the diff against it.

Only the decision's own instructions count: quoted replacement text and the paragraphs given after
修改为： are not instructions, and articles named there are in the old numbering unless the
decision says 改为第Y条 / 作为第Y条.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from diffs.numerals import ANY_NUM, CN_NUM, cn_to_int

_INSTRUCTION = re.compile(rf"^(?:\d+[.．]|{CN_NUM}、)?\s*(?:将|删去|在(?:原)?第|增加|第{CN_NUM}条)")
_QUOTED = re.compile(r"“[^”]*”")


@dataclass
class Instructions:
    changed: set[int] = field(default_factory=set)           # old article numbers the decision alters
    renumbered: dict[int, int] = field(default_factory=dict)  # 将第X条改为第Y条
    rewritten: set[int] = field(default_factory=set)          # 将第X条改为第Y条，修改为：(whole new text)
    added: set[int] = field(default_factory=set)             # 增加一条，作为第Y条 (new numbering)
    deleted_chapters: set[int] = field(default_factory=set)  # 删去第X章 (old numbering)
    replacements: list[tuple[str, str]] = field(default_factory=list)  # 将条例中的“A”均修改为“B”


def section_for(decision: str, target: str) -> str:
    """The part of a (possibly multi-law) decision that amends 《target》."""
    heads = list(re.finditer(rf"(?m)^{CN_NUM}、对《([^》]+)》的修改", decision))
    for k, head in enumerate(heads):
        if head.group(1) == target:
            end = heads[k + 1].start() if k + 1 < len(heads) else decision.find("本决定自", head.end())
            return decision[head.end(): end if end > 0 else None]
    return decision


def read_instructions(section: str) -> Instructions:
    out = Instructions()
    for raw in section.splitlines():
        line = raw.strip().lstrip("> ")
        if not _INSTRUCTION.match(line):
            continue
        for a, b in re.findall(r"“([^”]+)”(?:均|统一)修改为“([^”]+)”", line):
            if "条例中的" in line or "本办法中的" in line or "本法中的" in line:
                out.replacements.append((a, b))
        line = _QUOTED.sub("“”", line)
        for x, y in re.findall(rf"第({ANY_NUM})条改为第({ANY_NUM})条", line):
            out.renumbered[cn_to_int(x)] = cn_to_int(y)
            rest = line.split(f"改为第{y}条", 1)[1].strip("。；; ")
            if rest:
                out.changed.add(cn_to_int(x))
            if rest.startswith("，修改为"):
                out.rewritten.add(cn_to_int(x))
        for y in re.findall(rf"作为第({ANY_NUM})条", line):
            out.added.add(cn_to_int(y))
        for x in re.findall(rf"删去第({ANY_NUM})章", line):
            out.deleted_chapters.add(cn_to_int(x))
        line = re.sub(rf"(改为|作为)第{ANY_NUM}条", "", line)
        for x, y in re.findall(rf"第({ANY_NUM})条至第({ANY_NUM})条", line):
            out.changed.update(range(cn_to_int(x), cn_to_int(y) + 1))
        out.changed.update(cn_to_int(x) for x in re.findall(rf"第({ANY_NUM})条", line))
    return out
