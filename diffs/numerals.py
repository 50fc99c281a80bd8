"""Chinese numerals <-> integers, both ways.

Handles the forms that legislation uses: 一百零五, 十 / 十二 (no leading 一), 两, 〇/零, positional
years such as 二〇二二, 廿/卅 in dates, and Arabic / full-width digits.
"""
from __future__ import annotations

import re

DIGITS = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
          "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7, "八": 8, "捌": 8,
          "九": 9, "玖": 9}
UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
BIG_UNITS = {"万": 10_000, "亿": 100_000_000}
_SPECIAL = {"廿": 20, "卅": 30}
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

#: A character class matching any Chinese numeral character (for use inside regexes).
CN_NUM_CHARS = "〇零○一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟廿卅"
#: The longest numeral read: 一百二十三万四千五百六十七 has 13 characters; no article, chapter,
#: item or year comes near. A longer run (a page with a 5000-digit 第…条) is text, not a number:
#: that line is not a heading, and the rest of the document still parses.
MAX_NUMERAL = 16
CN_NUM = f"[{CN_NUM_CHARS}]{{1,{MAX_NUMERAL}}}"
ANY_NUM = f"(?:[{CN_NUM_CHARS}]{{1,{MAX_NUMERAL}}}|[0-9０-９]{{1,{MAX_NUMERAL}}})"


def cn_to_int(text: str) -> int:
    """Parse a Chinese (or Arabic) numeral into an int.

    >>> cn_to_int("一百零五"), cn_to_int("十二"), cn_to_int("二〇二二"), cn_to_int("两")
    (105, 12, 2022, 2)
    """
    s = text.strip().translate(_FULLWIDTH_DIGITS)
    if not s:
        raise ValueError("empty numeral")
    if len(s) > MAX_NUMERAL:
        raise ValueError(f"numeral of {len(s)} characters (at most {MAX_NUMERAL} are read)")
    if s.isdigit():
        return int(s)
    if s in _SPECIAL:
        return _SPECIAL[s]
    if s[0] in _SPECIAL:  # 廿一 = 21
        return _SPECIAL[s[0]] + cn_to_int(s[1:])
    # Positional digits without units (二〇二二, 一九九九): read digit by digit.
    if len(s) > 1 and all(c in DIGITS for c in s):
        return int("".join(str(DIGITS[c]) for c in s))
    total = 0      # sum of completed 万/亿 groups
    section = 0    # value below the current big unit
    digit = None   # pending digit waiting for a unit
    for ch in s:
        if ch in DIGITS:
            digit = DIGITS[ch]
        elif ch in UNITS:
            section += (1 if digit is None else digit) * UNITS[ch]
            digit = None
        elif ch in BIG_UNITS:
            section += digit or 0
            total += (section or 1) * BIG_UNITS[ch]
            section, digit = 0, None
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + section + (digit or 0)


_SMALL = "零一二三四五六七八九"


def _below_10000(n: int, leading: bool) -> str:
    out = []
    zero_pending = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // unit_value % 10
        if d == 0:
            if out:
                zero_pending = True
            continue
        if zero_pending:
            out.append("零")
            zero_pending = False
        if unit == "十" and d == 1 and not out and leading:
            out.append("十")  # 十二, not 一十二, at the start of a number
        else:
            out.append(_SMALL[d] + unit)
    return "".join(out)


def int_to_cn(n: int) -> str:
    """Write an int the way legislation numbers articles: 12 -> 十二, 105 -> 一百零五, 110 -> 一百一十.

    >>> int_to_cn(105), int_to_cn(10), int_to_cn(110), int_to_cn(0)
    ('一百零五', '十', '一百一十', '零')
    """
    if n < 0:
        raise ValueError("negative numeral")
    if n == 0:
        return "零"
    if n < 10_000:
        return _below_10000(n, leading=True)
    high, low = divmod(n, 10_000)
    text = int_to_cn(high) + "万"
    if low:
        text += ("零" if low < 1000 else "") + _below_10000(low, leading=False)
    return text


def year_to_cn(year: int) -> str:
    """Years are written digit by digit: 2022 -> 二〇二二."""
    return "".join("〇一二三四五六七八九"[int(c)] for c in str(year))


_ZHI = re.compile(rf"^({ANY_NUM})(?:之({ANY_NUM}))?$")


def parse_ordinal(text: str) -> tuple[int, int]:
    """Parse an article-style ordinal with an optional 之X: '十六之一' -> (16, 1), '5' -> (5, 0)."""
    m = _ZHI.match(text.strip())
    if not m:
        raise ValueError(f"not an ordinal: {text!r}")
    return cn_to_int(m.group(1)), (cn_to_int(m.group(2)) if m.group(2) else 0)


def format_ordinal(num: int, sub: int = 0) -> str:
    """Inverse of :func:`parse_ordinal`: (16, 1) -> '十六之一'."""
    return int_to_cn(num) + (f"之{int_to_cn(sub)}" if sub else "")
