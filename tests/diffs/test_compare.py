"""Alignment cases built from real article texts (对外贸易法), one change at a time."""
from pathlib import Path

import pytest

from diffs.compare import compare, units
from diffs.model import article_label
from diffs.numerals import int_to_cn
from diffs.structure import parse

EVAL_DEV = Path(__file__).resolve().parents[2] / "corpus" / "eval-dev"


@pytest.fixture(scope="module")
def texts() -> list[list[str]]:
    """Paragraph lists of real articles, all different from one another."""
    doc = parse((EVAL_DEV / "duiwaimaoyi" / "old.md").read_text(encoding="utf-8"))
    return [[p.text for p in a.children if p.text] for a in doc.articles()[:40]]


def law(chapters: list[list[list[str]]], title: str = "某某条例") -> str:
    """A statute: chapters of articles of paragraphs, numbered in order."""
    lines, n = [title], 0
    for c, articles in enumerate(chapters, 1):
        lines.append(f"第{int_to_cn(c)}章 第{c}章名")
        for paragraphs in articles:
            n += 1
            lines.append(f"{article_label(n)} {paragraphs[0]}")
            lines += paragraphs[1:]
    return "\n".join(lines) + "\n"


def statuses(result) -> list[tuple]:
    return [(p.old_label, p.new_label, p.status) for p in result.pairs]


def test_identical_documents_report_no_change(texts):
    text = law([texts[:10]])
    result = compare(text, text)
    assert not result.changed
    assert {p.status for p in result.pairs} == {"unchanged"}
    assert result.summary["unchanged"] == 10 and result.summary["modified"] == 0


def test_deleting_an_article_renumbers_the_rest_without_changing_them(texts):
    result = compare(law([texts[:8]]), law([texts[:3] + texts[4:8]]))
    assert statuses(result)[3] == ("第四条", None, "deleted")
    assert statuses(result)[4:] == [(article_label(k + 1), article_label(k), "renumbered") for k in range(4, 8)]
    assert result.summary["renumbered"] == 4 and result.summary["modified"] == 0


def test_inserted_article_is_added_and_modified_one_is_inline_diffed(texts):
    changed = [texts[2][0].replace("对外贸易", "货物贸易", 1)] + texts[2][1:]
    new = law([texts[:2] + [changed] + [["本条例所称的新事项，由市人民政府另行规定。"]] + texts[3:6]])
    result = compare(law([texts[:6]]), new)
    assert ("第三条", "第三条", "modified") in statuses(result)
    assert (None, "第四条", "added") in statuses(result)
    pair = result.pairs[2]
    assert [t for op, t in pair.inline if op == -1] == ["对外"] and [t for op, t in pair.inline if op == 1] == ["货物"]
    assert 0.9 < pair.similarity < 1


def test_split_article(texts):
    two = [texts[5][0], "本条第一款所称的经营者，应当依法办理登记，并接受有关主管部门的监督检查。"]
    old = law([texts[:5] + [two] + texts[6:9]])
    new = law([texts[:5] + [[two[0]], [two[1]]] + texts[6:9]])
    result = compare(old, new)
    assert [s for s in statuses(result) if s[2] == "split"] == [("第六条", "第六条", "split"), ("第六条", "第七条", "split")]
    assert result.summary["split"] == 1
    assert statuses(result)[-1] == ("第九条", "第十条", "renumbered")


def test_merged_articles(texts):
    old = law([texts[:9]])
    new = law([texts[:4] + [texts[4] + texts[5]] + texts[6:9]])
    result = compare(old, new)
    assert [s for s in statuses(result) if s[2] == "merged"] == [("第五条", "第五条", "merged"), ("第六条", "第五条", "merged")]
    assert result.summary["merged"] == 1


def test_a_deleted_article_resembling_its_neighbour_stays_deleted(texts):
    twin = [texts[4][0].replace("。", "，但法律另有规定的除外。", 1)]
    result = compare(law([texts[:5] + [twin] + texts[5:8]]), law([texts[:8]]))
    assert ("第六条", None, "deleted") in statuses(result)
    assert ("第五条", "第五条", "unchanged") in statuses(result)


def test_article_moved_to_another_chapter(texts):
    old = law([texts[0:5], texts[5:10], texts[10:14]])
    new = law([texts[0:2] + texts[3:5], texts[5:10], texts[10:12] + [texts[2]] + texts[12:14]])
    result = compare(old, new)
    (moved,) = [p for p in result.pairs if p.moved]
    assert (moved.old_label, moved.new_label, moved.status) == ("第三条", "第十二条", "renumbered")
    assert result.summary["moved"] == 1 and result.summary["modified"] == 0


def test_renumbering_a_whole_chapter_moves_nothing(texts):
    result = compare(law([texts[0:3], texts[3:6], texts[6:9]]), law([texts[0:3], texts[6:9]]))
    assert result.summary["deleted"] == 3 and result.summary["moved"] == 0


def test_cross_reference_renumbered_with_its_target(texts):
    referring = ["违反本条例第六条规定的，由有关部门责令改正。"]
    old = law([texts[:3] + [["本条为过渡规定。"]] + texts[3:5] + [referring]])   # 第六条 is texts[4]
    new = law([texts[:5] + [[referring[0].replace("第六条", "第五条")]]])
    result = compare(old, new)
    pair = [p for p in result.pairs if p.old_label == "第七条"][0]
    assert pair.new_label == "第六条" and pair.status == "modified"
    assert pair.note == "仅因条文序号调整而更新引用：第六条→第五条"
    assert result.summary["cross_references"] == 1
    # With another change beside it the reference is still explained, but not counted as the only change.
    also = law([texts[:5] + [["违反本条例第五条规定的，由市有关部门责令限期改正。"]]])
    mixed = [p for p in compare(old, also).pairs if p.old_label == "第七条"][0]
    assert mixed.status == "modified" and mixed.note == "引用随条文序号调整：第六条→第五条"
    assert compare(old, also).summary["cross_references"] == 0
    # A reference to another law's article is not ours to renumber.
    other = law([texts[:3] + [["本条为过渡规定。"]] + texts[3:5] + [["依照《某某法》第六条处理。"]]])
    changed = law([texts[:5] + [["依照《某某法》第五条处理。"]]])
    assert not [p for p in compare(other, changed).pairs if p.note]


def test_formatting_only_change_is_unchanged_with_formatting_flag(texts):
    old = law([texts[:4] + [["下列情形：", "(一)甲;", "(二)乙。"]]])
    new = law([texts[:4] + [["下列情形:", "（一）甲；", "（二）乙。"]]])
    result = compare(old, new)
    last = result.pairs[-1]
    assert (last.status, last.formatting) == ("unchanged", True)
    assert not result.changed and result.summary["formatting"] == 1


def test_paragraph_and_item_parts_of_a_modified_article(texts):
    old = law([texts[:2] + [["下列行为应当禁止：", "（一）伪造证件；", "（二）虚报数量；", "（三）拒绝检查。", "违反前款规定的，依法处理。"]]])
    new = law([texts[:2] + [["下列行为应当禁止：", "（一）伪造证件；", "（二）拒绝检查；", "（三）妨碍执法。", "违反前款规定的，依法处理。"]]])
    pair = compare(old, new).pairs[-1]
    assert pair.status == "modified"
    parts = {(p["old"], p["new"], p["status"]) for p in pair.parts}
    assert ("第一款第二项", None, "deleted") in parts
    assert (None, "第一款第三项", "added") in parts
    assert ("第一款第三项", "第一款第二项", "modified") in parts or ("第一款第三项", "第一款第二项", "renumbered") in parts


def test_policy_documents_are_compared_by_numbered_sections():
    old = "关于某事的通知\n一、总体要求\n（一）坚持统筹推进。加强组织领导，确保落实。\n（二）坚持问题导向。\n二、主要任务\n1.建设平台。依托一网通办推进。\n2.完善制度。\n"
    new = "关于某事的通知\n一、总体要求\n（一）坚持统筹推进。加强组织领导，确保按期落实。\n二、主要任务\n1.建设平台。依托一网通办推进。\n2.完善制度。\n3.强化保障。\n"
    result = compare(old, new)
    got = {(p.old_label, p.new_label, p.status) for p in result.pairs}
    assert ("一、（一）", "一、（一）", "modified") in got
    assert ("一、（二）", None, "deleted") in got
    assert (None, "二、3.", "added") in got
    assert ("二、1.", "二、1.", "unchanged") in got
    assert result.to_dict()["old"]["articles"] == len(units(parse(old)))


def test_plain_paragraphs_are_compared_by_position_and_text():
    result = compare("说明\n第一段内容不变。\n第二段将被改写的内容。\n", "说明\n第一段内容不变。\n第二段已经被改写的内容。\n新增的第三段。\n")
    assert [(p.old_label, p.new_label, p.status) for p in result.pairs] == [
        ("第一段", "第一段", "unchanged"), ("第二段", "第二段", "modified"), (None, "第三段", "added")]


def test_json_contract_keys(texts):
    data = compare(law([texts[:3]]), law([texts[:2]])).to_dict()
    assert set(data) == {"old", "new", "summary", "pairs"}
    assert data["old"] == {"title": "某某条例", "articles": 3}
    assert {"modified", "added", "deleted", "renumbered", "moved", "unchanged"} <= set(data["summary"])
    for pair in data["pairs"]:
        assert {"old", "new", "status", "similarity", "formatting", "inline"} <= set(pair)
        assert 0.0 <= pair["similarity"] <= 1.0
        assert all(op in (-1, 0, 1) and isinstance(text, str) for op, text in pair["inline"])


def test_any_two_documents_compare_and_every_unit_is_accounted_for():
    """Unrelated documents, a one-line text and a statute: nothing crashes, nothing is lost."""
    texts = [p.read_text(encoding="utf-8") for p in sorted(EVAL_DEV.glob("*/*.md"))]
    texts += ["只有一行。", "说明\n第一段。\n第二段。\n"]
    for old in texts[::3]:
        for new in texts[1::4]:
            result = compare(old, new)
            olds = {u.path for u in units(parse(old))}
            news = {u.path for u in units(parse(new))}
            assert {p.old_path for p in result.pairs if p.old_path} == olds
            assert {p.new_path for p in result.pairs if p.new_path} == news
            assert all(p.status in ("added", "deleted") or p.old_path and p.new_path for p in result.pairs)


def test_numbered_sections_inside_annexes_are_units_of_their_own():
    old = "关于某事的通知\n一、总体要求\n附件1\n一、任务清单\n1.建设平台。\n2.完善制度。\n附件2\n名单\n"
    new = "关于某事的通知\n一、总体要求\n附件1\n一、任务清单\n1.建设平台。\n2.完善相关制度。\n附件2\n名单\n"
    got = [(p.old_label, p.new_path, p.status) for p in compare(old, new).pairs]
    assert ("附件1 一、2.", "附件1/一、1/1.2", "modified") in got
    assert ("附件2", "附件2", "unchanged") in got


def test_anchors_pair_what_text_cannot_and_unknown_paths_are_ignored(texts):
    old = law([texts[:3] + [["本条例自1999年1月1日起施行。"]]])
    new = law([texts[:3] + [["违反本条例规定的行为，法律、法规已有处理规定的，从其规定。"]]])
    assert ("第四条", None, "deleted") in statuses(compare(old, new)) or \
        ("第四条", "第四条", "modified") in statuses(compare(old, new))
    anchored = compare(old, new, anchors={"条4": "条4", "条99": "条1"})
    assert ("第四条", "第四条", "modified") in statuses(anchored)
    assert len(anchored.pairs) == 4


def test_the_package_exports_the_public_api():
    import diffs
    import diffs.normalize  # noqa: F401 - a submodule import must not shadow the function

    assert diffs.compare is compare and diffs.parse is parse and callable(diffs.normalize)
    assert diffs.render_json(diffs.compare("说明\n一段。\n", "说明\n一段。\n")).startswith("{")


def test_a_version_with_only_its_title_and_header(texts):
    """A page that shows only the title and history (a stub, a page half loaded) on either side."""
    stub = "某某条例\n（2020年1月1日市政府令第1号发布）\n"
    full = law([texts[:3]])
    assert compare(stub, full).summary["added"] == 3 and compare(full, stub).summary["deleted"] == 3
    assert compare(stub, stub).pairs == []


def test_random_cuts_of_real_laws_never_break_the_diff():
    """Delete random runs of lines (whole articles, half articles, the front matter) from real
    laws: every unit of both sides is still accounted for, in both directions."""
    import random

    rng = random.Random(20241231)
    texts = [p.read_text(encoding="utf-8") for p in sorted(EVAL_DEV.glob("*/old.md"))]
    for _ in range(40):
        lines = rng.choice(texts).splitlines()
        start = rng.randrange(len(lines))
        cut = "\n".join(lines[:start] + lines[start + rng.randrange(1, 40):])
        for old, new in ((("\n".join(lines)), cut), (cut, "\n".join(lines))):
            if not cut.strip():
                continue
            result = compare(old, new)
            assert {p.old_path for p in result.pairs if p.old_path} == {u.path for u in units(parse(old))}
            assert {p.new_path for p in result.pairs if p.new_path} == {u.path for u in units(parse(new))}
