"""Every eval-dev case: the diff agrees with what the decision says and with the texts themselves."""
from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from diffs.compare import compare, units
from diffs.normalize import normalize
from diffs.numerals import parse_ordinal
from diffs.structure import parse

from decision_reading import read_instructions, section_for

EVAL_DEV = Path(__file__).resolve().parents[2] / "corpus" / "eval-dev"

CHANGED = {"modified", "deleted", "added", "split", "merged"}
SAME = {"unchanged", "renumbered"}
CASES = ["sh-yinxiang", "sh-shehuijiuzhu", "sh-jianyanjiance", "sh-xueshengshanghai", "sh-jianshecailiao",
         "duiwaimaoyi", "nianjie"]


def _number(label: str) -> int:
    return parse_ordinal(label[1:label.index("条")])[0]


@pytest.fixture(scope="module", params=CASES)
def case(request, eval_cases):
    (meta,) = [c for c in eval_cases if c["case"] == request.param]
    folder = EVAL_DEV / meta["case"]
    old = parse((folder / "old.md").read_text(encoding="utf-8"))
    new = parse((folder / "new.md").read_text(encoding="utf-8"))
    decision = section_for((folder / "decision.md").read_text(encoding="utf-8"), meta["target"])
    return old, new, compare(old, new), read_instructions(decision)


def test_the_case_list_is_the_manifest(eval_cases):
    assert sorted(c["case"] for c in eval_cases) == sorted(CASES)


def test_pairs_cover_every_article_of_both_versions_once_in_order(case):
    old, new, result, _ = case
    olds = [p.old_label for p in result.pairs if p.old_label and p.status != "merged"]
    news = [p.new_label for p in result.pairs if p.new_label and p.status != "split"]
    assert set(olds) == {a.label for a in old.articles()}
    assert set(news) == {a.label for a in new.articles()}
    # Reading order of the new text, each article once outside splits and merges.
    assert list(dict.fromkeys(news)) == [a.label for a in new.articles()]
    assert all(n == 1 for label, n in Counter(olds).items()
               if not any(p.old_label == label and p.status == "split" for p in result.pairs))


def test_articles_the_decision_changes_are_reported_changed(case):
    _, _, result, ins = case
    by_old: dict[int, set[str]] = {}
    for p in result.pairs:
        if p.old_label:
            by_old.setdefault(_number(p.old_label), set()).add(p.status)
    for num in ins.changed:
        assert by_old[num] & CHANGED, f"第{num}条 is changed by the decision but reported {by_old[num]}"


def _number_pairs(result) -> set[tuple[int, int]]:
    return {(_number(p.old_label), _number(p.new_label)) for p in result.pairs if p.old_label and p.new_label}


def test_every_stated_renumbering_is_a_pair(case):
    _, _, result, ins = case
    pairs = _number_pairs(result)
    for x, y in ins.renumbered.items():
        if x in ins.rewritten:
            # 改为第Y条，修改为：a whole new text: nothing in the texts ties X to Y, so the diff
            # may only report both as changed (the decision's anchors tie them, below).
            assert not {p.status for p in result.pairs if p.old_label and _number(p.old_label) == x} & SAME
            assert not {p.status for p in result.pairs if p.new_label and _number(p.new_label) == y} & SAME
        else:
            assert (x, y) in pairs, f"将第{x}条改为第{y}条 is not a pair"


def test_the_decisions_renumberings_as_anchors_are_all_pairs(case):
    old, new, _, ins = case
    anchored = compare(old, new, anchors={f"条{x}": f"条{y}" for x, y in ins.renumbered.items()})
    assert set(ins.renumbered.items()) <= _number_pairs(anchored)


def test_added_articles_are_reported_new(case):
    _, _, result, ins = case
    for num in ins.added:
        statuses = {p.status for p in result.pairs if p.new_label and _number(p.new_label) == num}
        assert statuses and not statuses & SAME


def test_articles_of_a_deleted_chapter_are_gone(case):
    old, _, result, ins = case
    doomed = {a.label for c in old.root.children if c.kind == "章" and c.num in ins.deleted_chapters
              for a in c.walk() if a.kind == "条"}
    for p in result.pairs:
        if p.old_label in doomed:
            assert p.status in CHANGED


def test_global_replacements_change_every_article_that_used_the_term(case):
    old, _, result, ins = case
    status = {p.old_label: p.status for p in result.pairs if p.old_label}
    for term, _ in ins.replacements:
        using = [u.label for u in units(old) if normalize(term) in u.key]
        assert using, f"no article uses {term}"
        for label in using:
            assert status[label] in CHANGED, f"{label} uses {term} but is {status[label]}"


def test_articles_whose_text_is_unchanged_pair_with_their_counterpart(case):
    old, new, result, _ = case
    new_by_key = Counter(u.key for u in units(new))
    old_by_key = Counter(u.key for u in units(old))
    counterpart = {u.label: u for u in units(new)}
    expected = {}
    for u in units(old):
        if old_by_key[u.key] == 1 and new_by_key[u.key] == 1:
            (match,) = [v for v in units(new) if v.key == u.key]
            expected[u.label] = match.label
    assert expected, "every case keeps some articles"
    for p in result.pairs:
        if p.old_label in expected:
            assert p.new_label == expected[p.old_label] and p.status in SAME, (p.old_label, p.new_label, p.status)
            same_number = _number(p.old_label) == _number(p.new_label)
            assert p.status == ("unchanged" if same_number else "renumbered")
        if p.status in SAME:
            assert normalize(p.old_text) == normalize(counterpart[p.new_label].text)


def test_summary_counts_match_the_pairs(case):
    _, _, result, _ = case
    data = result.to_dict()
    counts = Counter(p["status"] for p in data["pairs"])
    for status in ("modified", "added", "deleted", "renumbered", "unchanged"):
        assert data["summary"][status] == counts[status]
    assert data["old"]["articles"] == len(units(case[0]))


def test_decisions_that_only_delete_leave_only_renumbered_references(eval_cases):
    """A decision that only deletes articles (对外贸易法: 删去第九条) changes no wording, so every
    modified article is a renumbered reference (本法第十六条 → 本法第十五条) and is noted as such."""
    checked = 0
    for meta in eval_cases:
        folder = EVAL_DEV / meta["case"]
        ins = read_instructions(section_for((folder / "decision.md").read_text(encoding="utf-8"), meta["target"]))
        section = section_for((folder / "decision.md").read_text(encoding="utf-8"), meta["target"])
        if ins.renumbered or ins.added or ins.replacements or "修改为" in section or "增加" in section:
            continue
        result = compare((folder / "old.md").read_text(encoding="utf-8"), (folder / "new.md").read_text(encoding="utf-8"))
        modified = [p for p in result.pairs if p.status == "modified"]
        assert modified and all(p.note and p.note.startswith("仅因条文序号调整而更新引用") for p in modified)
        assert result.summary["cross_references"] == len(modified)
        checked += 1
    assert checked >= 1
