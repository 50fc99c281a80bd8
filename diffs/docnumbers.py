"""文号 and 令 numbers: recognised in any bracket or spacing style, written in one canonical form.

沪府规〔2018〕21号, 沪府规[2018]21号, 沪府办规〔2020〕17 号 → 沪府规〔2018〕21号;
上海市人民政府令第74号, 中华人民共和国财政部令（第80号）→ …令第N号; a decree numbered within
its year, 国家互联网信息办公室令（2016年第1号）→ …令2016年第1号.
"""
from __future__ import annotations

import re

from .numerals import ANY_NUM, cn_to_int

# A 文号 in any bracket style: 沪府规〔2018〕21号, 沪府规[2018]21号, 沪府规（2018）21 号, 沪府规 ［2018］ 第21号.
NUMBER_RE = re.compile(r"([\u4e00-\u9fff]{1,10})\s*[〔\[［(（【]\s*(\d{4})\s*[〕\]］)）】]\s*第?\s*(\d+)\s*号")
# The prefix never starts with 年/月/日: in "2023年1月12日上海市人民政府令第74号" the date is not part of it.
ORDER_RE = re.compile(rf"((?:(?![年月日])[\u4e00-\u9fff]){{2,8}}?人民政府令|国务院令)\s*第\s*({ANY_NUM})\s*号")
# A ministry's or several agencies' decree as a gazette prints it: <issuers>令（第38号）, 令（2016年第1号）.
DECREE_RE = re.compile(rf"令\s*[（(]\s*(?:(\d{{4}})\s*年\s*)?第\s*({ANY_NUM})\s*号\s*[）)]")
# An absurd numeral is not a number (a 5000-digit 第…号 must not reach int()).
MAX_DIGITS = 12


def normalize_number(text: str) -> str | None:
    """The first 文号 or 令 number in ``text``, in canonical form (see the module docstring)."""
    order = ORDER_RE.search(text)
    number = NUMBER_RE.search(text)
    if order and (not number or order.start() < number.start()) and len(order.group(2)) <= MAX_DIGITS:
        return f"{order.group(1)}第{cn_to_int(order.group(2))}号"
    if number and len(number.group(3)) <= MAX_DIGITS:
        return f"{number.group(1)}〔{number.group(2)}〕{int(number.group(3))}号"
    return None


def decree(text: str) -> tuple[str, str, str] | None:
    """(issuer, canonical 令 number, what follows) of a decree heading such as
    ``中华人民共和国财政部 国家档案局令（第79号）　　会计档案管理办法``; None when ``text`` holds none.

    The issuer is every agency named before 令; a full-width space inside it is a line wrap of the
    printed heading, not a separator."""
    match = DECREE_RE.search(text)
    if not match or len(match.group(2)) > MAX_DIGITS:
        return None
    issuer = re.sub(r"[\u3000\s]*\u3000[\u3000\s]*", "", text[:match.start()]).strip()
    issuer = re.sub(r"\s+", " ", issuer)
    if not issuer:
        return None
    year = f"{match.group(1)}年" if match.group(1) else ""
    return issuer, f"{issuer}令{year}第{cn_to_int(match.group(2))}号", text[match.end():].strip(" \u3000\t\n")
