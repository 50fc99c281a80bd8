import pytest

from diffs.numerals import cn_to_int, format_ordinal, int_to_cn, parse_ordinal, year_to_cn


@pytest.mark.parametrize("text, value", [
    ("一", 1), ("十", 10), ("十二", 12), ("二十", 20), ("一百零五", 105), ("一百一十", 110), ("两", 2),
    ("二百三十三", 233), ("一千零一", 1001), ("一万零五百", 10500), ("二〇二二", 2022), ("一九九九", 1999),
    ("廿一", 21), ("12", 12), ("１２", 12), ("壹佰零伍", 105),
])
def test_chinese_numerals_read(text, value):
    assert cn_to_int(text) == value


def test_every_number_round_trips_through_chinese():
    for n in list(range(1, 1200)) + [9999, 10000, 10001, 10010, 12345, 100000]:
        assert cn_to_int(int_to_cn(n)) == n, n


def test_articles_are_written_as_legislation_writes_them():
    assert [int_to_cn(n) for n in (10, 12, 20, 105, 110, 133)] == ["十", "十二", "二十", "一百零五", "一百一十", "一百三十三"]
    assert year_to_cn(2022) == "二〇二二"


def test_ordinals_with_zhi():
    assert parse_ordinal("十六之一") == (16, 1)
    assert parse_ordinal("一百三十三之二") == (133, 2)
    assert format_ordinal(133, 1) == "一百三十三之一"
    with pytest.raises(ValueError):
        parse_ordinal("第十六条")


def test_not_a_numeral_is_an_error():
    with pytest.raises(ValueError):
        cn_to_int("十六条")
    with pytest.raises(ValueError):
        cn_to_int("")


def test_an_absurd_numeral_is_refused_not_computed():
    with pytest.raises(ValueError, match="5000 characters"):
        cn_to_int("一" * 5000)
    assert cn_to_int("一百二十三万四千五百六十七") == 1234567   # the longest a rule plausibly writes


def test_a_5000_digit_article_number_is_a_line_of_text_and_the_document_still_parses():
    from diffs.structure import parse
    absurd = "九" * 5000
    text = ("上海市测试办法\n第一条　为了测试，制定本办法。\n第二条　本办法适用于本市。\n"
            f"第{absurd}条　这一行的编号荒谬。\n（{absurd}）荒谬的项。\n第三条　本办法自公布之日起施行。\n")
    document = parse(text)
    assert document.kind == "statute"
    assert [(node.kind, node.num) for node in document.root.children] == [("条", 1), ("条", 2), ("条", 3)]
    second = document.root.children[1]
    # The absurd lines stay in the text, as paragraphs of the article before them.
    assert [p.text[:6] for p in second.children] == ["本办法适用于", f"第{absurd[:5]}", f"（{absurd[:5]}"]
