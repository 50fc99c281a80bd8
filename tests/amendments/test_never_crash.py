"""Property: whatever a decision says, reading and applying it never raises; failures are reported."""
from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diffs.amendments import apply, parse_decision
from diffs.amendments.ops import ACTIONS, Op
from diffs.amendments.parse import parse_ops
from diffs.errors import ParseError
from diffs.structure import parse

EVAL_DEV = Path(__file__).resolve().parents[2] / "corpus" / "eval-dev"
LAWS = [parse((EVAL_DEV / name / "old.md").read_text(encoding="utf-8")) for name in ("nianjie", "sh-yinxiang")]
LAWS.append(parse("某条例\n第一章 总则\n第一条 为了示范，制定本条例。\n第二条 本条例适用于本市。\n市政府负责。\n"
                  "（一）规划；\n（二）监督。\n第二章 附则\n第三条 本条例自公布之日起施行。\n"))

NUMS = st.sampled_from(["一", "二", "三", "五", "十", "十五", "三十九", "一百", "零", "之一"])
UNITS = st.sampled_from(["条", "款", "项", "章", "节", "编", "句", "自然段"])
PLACE = st.builds(lambda a, b, c, d: f"第{a}{b}" + (f"第{c}{d}" if c else ""), NUMS, UNITS,
                  st.one_of(st.none(), NUMS), UNITS)
QUOTE = st.builds(lambda o, t, c: f"{o}{t}{c}", st.sampled_from(["“", "\"", "'", "‘", "「", ""]),
                  st.text(alphabet="市区县部门应当的，。；、第一条款（）“”", max_size=12),
                  st.sampled_from(["”", "\"", "'", "’", "」", ""]))
VERB = st.sampled_from(["修改为", "改为", "删去", "增加一条，作为", "增加一款", "中的", "后增加", "前增加",
                        "合并为一条，作为", "分为两款", "移作", "单列一条", "并入", "款尾增加", "条标修改为",
                        "，", "：", "。", "其中", "该条", "本条", "分别", "、", "至", "将", "在", "原"])
SENTENCE = st.lists(st.one_of(PLACE, QUOTE, VERB), min_size=1, max_size=10).map("".join)
NUMBERING = st.sampled_from(["", "1.", "一、", "（一）", "二十、"])
LINES = st.lists(st.builds(lambda n, s: n + s, NUMBERING, SENTENCE), min_size=1, max_size=8)

PATHS = st.sampled_from(["条1", "条2", "条2/款2", "条2/款2/项1", "条2/项9", "条99", "章1", "章9", "条1之1",
                         "标题", "全文", "章", "", "条", "款3", "条2/款2/项1/目1", "节1", "条x", "条0", "条-1"])
RAW_OPS = st.builds(Op, st.sampled_from(ACTIONS + ("nonsense",)), PATHS,
                    text=st.one_of(st.none(), st.text(max_size=30), st.just("第五条 新的。\n（一）甲；")),
                    phrase=st.one_of(st.none(), st.just(""), st.sampled_from(["本条例", "市", "区、县", "规划"])),
                    position=st.sampled_from([None, "before", "after", "after:条1", "before:条99", "x"]),
                    new_path=st.one_of(st.none(), PATHS), count=st.integers(-1, 4),
                    sources=st.lists(PATHS, max_size=3), new_paths=st.lists(PATHS, max_size=3),
                    span=st.lists(PATHS, max_size=2), merged=st.lists(st.sampled_from(["甲", "", "市"]), max_size=2))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(LINES, st.sampled_from(range(len(LAWS))))
def test_reading_and_applying_any_instructions_never_raises(lines, law):
    ops, problems = parse_ops(lines)
    result = apply(LAWS[law], ops)
    assert len(result.applied) + len(result.failed) == len(ops)
    assert all(reason for _, reason in result.failed)
    result.document.to_text()
    assert all(p.reason for p in problems)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RAW_OPS, max_size=8), st.sampled_from(range(len(LAWS))))
def test_any_sequence_of_valid_and_invalid_operations_is_applied_or_reported(ops, law):
    before = LAWS[law].to_text()
    result = apply(LAWS[law], ops)
    assert len(result.applied) + len(result.failed) == len(ops)
    result.document.to_text()
    assert LAWS[law].to_text() == before          # the base text is never touched


@settings(max_examples=100, deadline=None)
@given(st.lists(st.builds(lambda n, s: n + s, NUMBERING, SENTENCE), max_size=6),
       st.sampled_from(["对《某条例》作如下修改：", "一、对《某条例》作出修改", "决定：", ""]))
def test_any_decision_text_parses_or_raises_parse_error(lines, head):
    text = "\n".join(["# 关于修改《某条例》的决定", head] + lines + ["本决定自公布之日起施行。"])
    try:
        parse_decision(text)
    except ParseError:
        pass


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(RAW_OPS, st.sampled_from(range(len(LAWS))))
def test_a_failed_operation_leaves_no_trace(op, law):
    result = apply(LAWS[law], [op])
    if result.failed:
        assert result.document.to_text() == LAWS[law].to_text()
