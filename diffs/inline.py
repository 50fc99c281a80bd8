"""Character-level differences inside one changed unit.

Chinese has no spaces, so a word diff sees a whole line as one word; a character diff with
semantic cleanup (diff-match-patch, in C++ via fast_diff_match_patch) gives readable runs instead.
"""
from __future__ import annotations

import fast_diff_match_patch

from .normalize import fold

DELETE, EQUAL, INSERT = -1, 0, 1
_OPS = {"-": DELETE, "=": EQUAL, "+": INSERT}

Ops = list[list]   # [[-1|0|1, text], ...] — the JSON contract's ``inline``


def inline_diff(old: str, new: str, ignore_formatting: bool = False) -> Ops:
    """[[op, text], ...] turning ``old`` into ``new``; op -1 deleted, 0 kept, 1 inserted.

    With ``ignore_formatting`` characters that differ only in width or bracket/quote style count
    as kept (and read as in ``new``), so that the real amendment stands out.
    """
    if old == new:
        return [[EQUAL, old]] if old else []
    if not ignore_formatting:
        return [[_OPS[op], text] for op, text in
                fast_diff_match_patch.diff(old, new, cleanup="Semantic", counts_only=False)]
    ops: Ops = []
    i = j = 0
    for op, size in fast_diff_match_patch.diff(fold(old), fold(new), cleanup="Semantic", counts_only=True):
        if op == "-":
            ops.append([DELETE, old[i:i + size]])
            i += size
        elif op == "+":
            ops.append([INSERT, new[j:j + size]])
            j += size
        else:
            ops.append([EQUAL, new[j:j + size]])
            i += size
            j += size
    return ops


def join(parts: list[Ops], separator: str = "\n") -> Ops:
    """Concatenate the inline diffs of consecutive lines, merging adjacent runs of one op."""
    out: Ops = []
    for k, ops in enumerate(parts):
        chunk = ([[EQUAL, separator]] if k else []) + ops
        for op, text in chunk:
            if out and out[-1][0] == op:
                out[-1][1] += text
            else:
                out.append([op, text])
    return out

