from diffs.inline import DELETE, INSERT, inline_diff
from diffs.normalize import fold, normalize


def test_formatting_variants_compare_equal():
    pairs = [
        ("（一）新年，放假１天", "(一)新年,放假1天"),
        ("第一章　总则", "第一章 总 则"),
        ("下列情形：", "下列情形:"),
        ("“城管执法部门”", '"城管执法部门"'),
        ("《关于修改〈上海市音像制品管理条例〉的决定》", "《关于修改<上海市音像制品管理条例>的决定》"),
        ("&#8195;&#8195;第一条&nbsp;为了", "\u2003\u2003第一条\xa0为了"),
        ("ＡＢＣ；", "ABC;"),
    ]
    for a, b in pairs:
        assert normalize(a) == normalize(b), (a, b)


def test_wording_changes_stay_different():
    assert normalize("低收入困难家庭") != normalize("最低生活保障边缘家庭")
    assert normalize("《甲》、《乙》") != normalize("《甲》《乙》")   # a real punctuation amendment
    assert normalize("区、县") != normalize("区")


def test_fold_keeps_positions():
    text = "（一）ＡＢ：“引”"
    assert len(fold(text)) == len(text)
    assert fold(text) == '(一)AB:"引"'


def test_inline_diff_ignoring_formatting_reports_only_wording():
    ops = inline_diff("(一)新年，放假1天(1月1日)；", "（一）元旦，放假1天（1月1日）；", ignore_formatting=True)
    assert [t for op, t in ops if op == DELETE] == ["新年"]
    assert [t for op, t in ops if op == INSERT] == ["元旦"]
    assert "".join(t for op, t in ops if op != DELETE) == "（一）元旦，放假1天（1月1日）；"
    raw = inline_diff("(一)", "（一）")
    assert DELETE in {op for op, _ in raw} and INSERT in {op for op, _ in raw}   # shown raw by default


def test_whole_texts_are_not_cached():
    """Lines are cached (versions share most of them); a whole text is normalised each time, so
    saving thousands of versions does not keep thousands of texts in memory."""
    import importlib

    module = importlib.import_module("diffs.normalize")
    normalize.cache_clear()
    line = "第一条　为了规范管理，制定本办法。"
    text = "\n".join(f"第{k}条　本市各区人民政府负责第{k}项工作。" for k in range(200))
    assert len(line) <= module.CACHED_LENGTH < len(text)
    assert normalize(line) == "第一条为了规范管理,制定本办法。"
    assert normalize(text).count("条本市") == 200
    assert module._normalize_line.cache_info().currsize == 1
