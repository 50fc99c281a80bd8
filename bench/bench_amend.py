"""Parse + apply time for the largest eval-dev decision. Prints figures; not a test.

    python bench/bench_amend.py [--repeat N]

The largest decision is the one the five sh-* cases share (10 Shanghai regulations, ~180 ops). Timed:
parse_decision on the whole decision, then for every eval-dev case apply() of its part to its
parsed base text (base parsing excluded, reported apart), and check() against the republished text.
Median of N runs each. Last, apply() on a generated 1000-article law (deletions, an insertion, a
move and a replacement everywhere, so that every article is renumbered and its references rewritten).
apply copies the base once (Node.copy) and checkpoints only tree operations, never deep-copying per op.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diffs.amendments import apply, check, parse_decision  # noqa: E402
from diffs.amendments.parse import parse_ops  # noqa: E402
from diffs.numerals import int_to_cn  # noqa: E402
from diffs.structure import parse  # noqa: E402

EVAL_DEV = ROOT / "corpus" / "eval-dev"


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    repeat = parser.parse_args().repeat
    cases = json.loads((EVAL_DEV / "manifest.json").read_text(encoding="utf-8"))
    decisions = {c["case"]: (EVAL_DEV / c["case"] / "decision.md").read_text(encoding="utf-8") for c in cases}
    largest_case = max(decisions, key=lambda k: len(decisions[k]))
    text = decisions[largest_case]
    decision = parse_decision(text)
    n_ops = sum(len(p.ops) for p in decision.parts)
    t_parse = median_ms(lambda: parse_decision(text), repeat)
    print(f"largest decision: {decision.title} ({len(text)} chars, {len(decision.parts)} laws, {n_ops} ops)")
    print(f"parse_decision: {t_parse:.2f} ms  ({n_ops / t_parse:.0f} ops/ms)")
    total_apply = 0.0
    for case in cases:
        folder = EVAL_DEV / case["case"]
        if decisions[case["case"]] != text:
            continue
        part = decision.part(case["target"])
        old_text = (folder / "old.md").read_text(encoding="utf-8")
        base = parse(old_text)
        new = parse((folder / "new.md").read_text(encoding="utf-8"))
        t_base = median_ms(lambda old_text=old_text: parse(old_text), repeat)
        t_apply = median_ms(lambda base=base, ops=part.ops: apply(base, ops), repeat)
        result = apply(base, part.ops)
        t_check = median_ms(lambda doc=result.document, new=new, ops=part.ops: check(doc, new, ops), repeat)
        total_apply += t_apply
        print(f"  {case['case']:<22} {len(part.ops):>3} ops, {len(base.articles()):>3} articles: "
              f"apply {t_apply:6.2f} ms, check {t_check:6.2f} ms (parse base {t_base:5.2f} ms)")
    print(f"parse + apply (all eval-dev parts of the largest decision): {t_parse + total_apply:.2f} ms")
    big = parse("某法\n" + "\n".join(f"第{int_to_cn(i)}条 依照本法第{int_to_cn(max(1, i - 1))}条的规定办理。\n"
                                      "前款事项由区、县负责。" for i in range(1, 1001)))
    ops, _ = parse_ops(["删去第十条、第二十条、第三百条。", "增加一条，作为第五十条：", "新条文。",
                        "将条例中的“区、县”均修改为“区”。", "将第九百条改为第八百九十八条，修改为：", "新的。"])
    t_big = median_ms(lambda: apply(big, ops), max(3, repeat // 4))
    print(f"apply on a generated 1000-article law ({len(ops)} ops, all renumbered): {t_big:.1f} ms")


if __name__ == "__main__":
    main()
