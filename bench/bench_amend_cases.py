"""Articles exact on a folder of real amendment cases kept outside the project. Prints figures; not a test.

    python bench/bench_amend_cases.py DIR [--show]

DIR holds ``manifest-*.json`` files (JSON lists of ``{"case", "law", "target"}``) and one folder per
case with ``old.md``, ``new.md`` and ``decision.md`` (or ``decision-1.md``, ``decision-2.md``… applied
in order). The cases are the texts before and after real decisions, as eval-dev's are; they are not
shipped with regwatch (published texts, measured, never fitted), so the folder is given by hand.
A case counts its articles (by label, either side) and those whose text equals the republished one
after ``normalize`` — the measure of ``tests/amendments/test_amend_eval_dev.py``. Printed per manifest
(one per kind of decision) and in total, with the unread instructions, the failed operations and the
time taken. ``--show`` prints the labels of the articles that differ.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from diffs.amendments import apply, parse_decision  # noqa: E402
from diffs.errors import ParseError  # noqa: E402
from diffs.normalize import normalize  # noqa: E402
from diffs.structure import parse  # noqa: E402


def run_case(folder: Path, case: dict) -> tuple[int, int, int, int, list[str]]:
    """(exact, articles, unread instructions, failed ops, differing labels) of one case."""
    document = parse((folder / "old.md").read_text(encoding="utf-8"))
    unread = failed = 0
    for path in sorted(folder.glob("decision*.md")):
        try:
            decision = parse_decision(path.read_text(encoding="utf-8"))
        except ParseError:
            unread += 1
            continue
        part = decision.part(case.get("target") or case["law"]) or decision.part(case["law"])
        if part is None:
            unread += 1
            continue
        unread += len(part.problems)
        consolidation = apply(document, part.ops)
        failed += len(consolidation.failed)
        document = consolidation.document
    republished = parse((folder / "new.md").read_text(encoding="utf-8"))
    ours = {a.label: normalize(a.display_line()) for a in document.articles()}
    theirs = {a.label: normalize(a.display_line()) for a in republished.articles()}
    labels = ours.keys() | theirs.keys()
    differing = sorted(k for k in labels if ours.get(k) != theirs.get(k))
    return len(labels) - len(differing), len(labels), unread, failed, differing


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("cases", type=Path, help="folder with manifest-*.json and one folder per case")
    parser.add_argument("--show", action="store_true", help="print the labels of the differing articles")
    args = parser.parse_args()
    manifests = sorted(args.cases.glob("manifest-*.json"))
    if not manifests:
        print(f"no manifest-*.json in {args.cases}", file=sys.stderr)
        return 2
    total_exact = total = 0
    start = time.perf_counter()
    for manifest in manifests:
        exact = articles = unread = failed = count = 0
        for case in json.loads(manifest.read_text(encoding="utf-8")):
            folder = args.cases / case["case"]
            if not (folder / "old.md").exists() or not (folder / "new.md").exists():
                continue
            e, n, u, f, differing = run_case(folder, case)
            exact, articles, unread, failed, count = exact + e, articles + n, unread + u, failed + f, count + 1
            if args.show and differing:
                print(f"    {case['case']}: {' '.join(differing)}")
        total_exact, total = total_exact + exact, total + articles
        print(f"{manifest.stem[len('manifest-'):]:8} {count:3} cases  {exact:5}/{articles:<5} = "
              f"{exact / max(articles, 1):6.1%} exact  ({unread} unread, {failed} failed)")
    print(f"{'all':8}        {total_exact:8}/{total:<5} = {total_exact / max(total, 1):6.1%} exact  "
          f"in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
