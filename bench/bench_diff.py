"""Benchmark the clause-level diff against the baselines it replaces. Prints figures; not a test.

    python bench/bench_diff.py

On the largest eval-dev pair and on a generated 300-article pair (~50 K characters), all in one run:
- compare() (parse included) against difflib.SequenceMatcher over characters and against a line
  diff (difflib.unified_diff over lines), and against fast-diff-match-patch over the whole text
  (the character diff in C++): times and ratios;
- how many articles a line diff flags against how many really changed;
- scale: 2,000 articles wholly rewritten (no article alike: the case that was quadratic) and 5,000
  ordinary articles (2% amended, a few added and deleted);
- a cold ``regwatch diff`` subprocess against a bare ``python -c pass``.
Targets: >= 20x faster than the character difflib; within 5x of fast-diff-match-patch on ordinary
amendments; 2,000 rewritten articles < 0.5 s, 5,000 ordinary articles < 1 s; cold CLI <= 2.5x a bare
python start. ``--quick`` skips the slow difflib baselines.
"""
from __future__ import annotations

import argparse
import difflib
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import fast_diff_match_patch  # noqa: E402

from diffs.compare import compare, units  # noqa: E402
from diffs.model import article_label  # noqa: E402
from diffs.normalize import normalize  # noqa: E402
from diffs.numerals import int_to_cn  # noqa: E402
from diffs.structure import parse  # noqa: E402

EVAL_DEV = ROOT / "corpus" / "eval-dev"
UNCHANGED = ("unchanged", "renumbered")


def best_of(fn, repeat: int) -> float:
    """Fastest of ``repeat`` runs, in seconds (the least disturbed by the shared machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def char_difflib(old: str, new: str, autojunk: bool) -> None:
    difflib.SequenceMatcher(None, old, new, autojunk=autojunk).get_opcodes()


def line_diff(old: str, new: str) -> list[str]:
    return list(difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0))


def articles_flagged_by_line_diff(old: str, new: str) -> int:
    """Articles (of either version) containing a line that the line diff marks - or +."""
    def article_of_line(text: str) -> list[str | None]:
        current, out = None, []
        for line in text.splitlines():
            if line.startswith("#"):
                out.append(None)        # a heading belongs to no article
                continue
            stripped = line.strip()
            if stripped.startswith("第") and "条" in stripped[:12]:
                head = stripped.split(maxsplit=1)[0]
                current = head if head.endswith("条") or "条之" in head else current
            out.append(current)
        return out

    old_lines, new_lines = old.splitlines(), new.splitlines()
    old_at, new_at = article_of_line(old), article_of_line(new)
    flagged_old, flagged_new = set(), set()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        flagged_old.update(a for a in old_at[i1:i2] if a and any(old_lines[k].strip() for k in range(i1, i2)))
        flagged_new.update(a for a in new_at[j1:j2] if a and any(new_lines[k].strip() for k in range(j1, j2)))
    return max(len(flagged_old), len(flagged_new))


def generated_pair(n_articles: int = 300, seed: int = 7) -> tuple[str, str]:
    """A 300-article statute built from real article texts, and a new version with deletions,
    insertions, edits, a move and formatting noise - the way amendments change laws."""
    rng = random.Random(seed)
    pool = []
    for path in sorted(EVAL_DEV.glob("*/old.md")):
        for unit in units(parse(path.read_text(encoding="utf-8"))):
            pool.append([label + body for path, label, body in unit.lines if path != "标题" and body])
    pool = [p for p in pool if sum(map(len, p)) >= 70]     # ~50 K characters for 300 articles
    articles = [(k // 30, list(pool[k % len(pool)])) for k in range(n_articles)]   # (chapter, paragraphs)
    for k, (_, paragraphs) in enumerate(articles):
        paragraphs[0] += f"（第{k + 1}号规定）"      # keep every article distinct
    new = [(c, list(p)) for c, p in articles]
    for k in sorted(rng.sample(range(n_articles), 12), reverse=True)[:4]:
        del new[k]                                                    # 删去
    for k in rng.sample(range(len(new)), 10):
        new[k][1][0] = new[k][1][0].replace("的", "之", 1) + "情节严重的，依法从重处罚。"   # 修改
    for k in rng.sample(range(len(new)), 6):
        new[k][1][0] = new[k][1][0].replace("，", ",").replace("（", "(").replace("）", ")")   # formatting only
    for k in sorted(rng.sample(range(len(new)), 3)):
        new.insert(k, (new[k][0], [f"本条例所称第{k}类事项，由市人民政府另行规定并公布实施。"]))   # 增加一条
    new.append((new[-1][0], new.pop(5)[1]))                           # moved into the last chapter

    def write(arts: list[tuple[int, list[str]]]) -> str:
        lines = ["# 生成的条例", "", "<!-- INFO END -->", ""]
        for k, (chapter, paragraphs) in enumerate(arts):
            if k == 0 or arts[k - 1][0] != chapter:
                lines += [f"## 第{int_to_cn(chapter + 1)}章 第{chapter + 1}部分", ""]
            lines += [f"{article_label(k + 1)} {paragraphs[0]}", ""] + [x for p in paragraphs[1:] for x in (p, "")]
        return "\n".join(lines)
    return write(articles), write(new)


def cold_compare(old, new):
    """compare() with an empty normalisation cache, as for a pair seen the first time."""
    normalize.cache_clear()
    return compare(old, new)


def report(name: str, old: str, new: str, quick: bool = False) -> None:
    result = compare(old, new)
    ours = best_of(lambda: cold_compare(old, new), 20)
    old_doc, new_doc = parse(old), parse(new)
    ours_parsed = best_of(lambda: cold_compare(old_doc, new_doc), 20)
    fdmp = best_of(lambda: fast_diff_match_patch.diff(old, new, counts_only=True), 20)
    changed = sum(1 for p in result.pairs if p.status not in UNCHANGED)
    print(f"\n== {name}: {len(old):,} / {len(new):,} chars, {result.old_units} / {result.new_units} articles")
    print(f"  compare() incl. parse      {ours * 1000:8.1f} ms   (already parsed: {ours_parsed * 1000:.1f} ms)")
    print(f"  fast-diff-match-patch      {fdmp * 1000:8.1f} ms   -> compare() / fdmp = {ours / fdmp:.1f} (target <= 5)")
    if not quick:
        chars = best_of(lambda: char_difflib(old, new, autojunk=False), 1)
        chars_junk = best_of(lambda: char_difflib(old, new, autojunk=True), 3)
        lines = best_of(lambda: line_diff(old, new), 5)
        flagged = articles_flagged_by_line_diff(old, new)
        print(f"  difflib chars (opcodes)    {chars * 1000:8.1f} ms   -> compare() is {chars / ours:6.1f}x faster")
        # autojunk (difflib's default) ignores characters in over 1% of a long text - 的 ， 。 -
        # which makes it faster and its diff coarser.
        print(f"    same, autojunk=True      {chars_junk * 1000:8.1f} ms   -> compare() is {chars_junk / ours:6.1f}x faster")
        print(f"  line diff (unified_diff)   {lines * 1000:8.1f} ms   -> ratio compare()/line diff {ours / lines:.1f}")
        print(f"  articles flagged: line diff {flagged}, clause diff {changed} really changed "
              f"({result.summary['renumbered']} renumbered, {result.summary['moved']} moved, "
              f"{result.summary['formatting']} formatting only)")


def scale_pairs() -> list[tuple[str, str, str, float]]:
    """(name, old, new, target in seconds) of the two long cases, built from invented text: the
    articles of the rewritten pair are drawn character by character from the corpus's alphabet."""
    pool = [p for p in (("".join(body for path, _, body in unit.lines if path != "标题"))
                        for path in sorted(EVAL_DEV.glob("*/old.md"))
                        for unit in units(parse(path.read_text(encoding="utf-8")))) if len(p) >= 40]
    rng = random.Random(14)
    alphabet = list("".join(pool))

    def invented() -> str:
        return "".join(rng.choice(alphabet) for _ in range(rng.randint(60, 160)))

    def write(articles: list[str]) -> str:
        lines = ["# 生成的条例", ""]
        for k, text in enumerate(articles):
            if k % 30 == 0:
                lines += [f"## 第{int_to_cn(k // 30 + 1)}章 第{k // 30 + 1}部分", ""]
            lines += [f"{article_label(k + 1)} {text}", ""]
        return "\n".join(lines)

    old = [pool[k % len(pool)] + f"（第{k}号）" for k in range(5000)]
    new = list(old)
    for k in rng.sample(range(5000), 100):
        new[k] = new[k].replace("的", "之", 1) + "情节严重的，依法从重处罚。"
    for k in sorted(rng.sample(range(5000), 25), reverse=True):
        del new[k]
    for k in sorted(rng.sample(range(len(new)), 25)):
        new.insert(k, f"本条例所称第{k}类事项，由市人民政府另行规定。")
    return [("2,000 articles wholly rewritten", write([invented() for _ in range(2000)]),
             write([invented() for _ in range(2000)]), 0.5),
            ("5,000 ordinary articles, 2% amended", write(old), write(new), 1.0)]


def report_scale() -> None:
    for name, old, new, target in scale_pairs():
        old_doc, new_doc = parse(old), parse(new)
        parsing = best_of(lambda old=old, new=new: (parse(old), parse(new)), 3)
        pairing = best_of(lambda old_doc=old_doc, new_doc=new_doc: cold_compare(old_doc, new_doc), 3)
        summary = compare(old_doc, new_doc).summary
        print(f"\n== {name}: {len(old):,} / {len(new):,} chars")
        print(f"  compare() of parsed texts  {pairing * 1000:8.1f} ms   (target < {target * 1000:.0f} ms; parsing both "
              f"{parsing * 1000:.0f} ms more)  {summary['modified']} modified, {summary['added']} added, "
              f"{summary['deleted']} deleted")


def cold_cli(old: str, new: str, runs: int = 7) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        a, b = Path(tmp, "old.md"), Path(tmp, "new.md")
        a.write_text(old, encoding="utf-8")
        b.write_text(new, encoding="utf-8")
        small_a, small_b = Path(tmp, "a.txt"), Path(tmp, "b.txt")
        small_a.write_text("第一条 为了规范管理，制定本办法。\n第二条 本办法自公布之日起施行。\n", encoding="utf-8")
        small_b.write_text("第一条 为了加强管理，制定本办法。\n第二条 本办法自公布之日起施行。\n", encoding="utf-8")

        def median_run(*args: str) -> float:
            times = []
            for _ in range(runs):
                start = time.perf_counter()
                subprocess.run([sys.executable, *args], check=True, capture_output=True, cwd=ROOT)
                times.append(time.perf_counter() - start)
            return statistics.median(times)

        bare = median_run("-c", "pass")
        help_ = median_run("-m", "regwatch", "--help")
        small = median_run("-m", "regwatch", "diff", str(small_a), str(small_b))
        large = median_run("-m", "regwatch", "diff", str(a), str(b), "--format", "json")
    print(f"\n== cold start (median of {runs}): bare python {bare * 1000:.0f} ms; `regwatch --help` {help_ * 1000:.0f} ms "
          f"= {help_ / bare:.1f}x; `regwatch diff` small pair {small * 1000:.0f} ms = {small / bare:.1f}x (target <= 2.5x); "
          f"300-article pair as JSON {large * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="Skip the difflib baselines (slow).")
    args = parser.parse_args()
    largest = max((p for p in EVAL_DEV.iterdir() if p.is_dir()),
                  key=lambda p: (p / "old.md").stat().st_size + (p / "new.md").stat().st_size)
    report(f"eval-dev {largest.name}", (largest / "old.md").read_text(encoding="utf-8"),
           (largest / "new.md").read_text(encoding="utf-8"), args.quick)
    old, new = generated_pair()
    report("generated 300-article pair", old, new, args.quick)
    report_scale()
    cold_cli(old, new)


if __name__ == "__main__":
    main()
