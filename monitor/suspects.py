"""Does a fetched text look like an error or placeholder page, given the document's history?

Government sites answer "系统繁忙" or "页面不存在" with status 200 in their normal layout; stored
as a version, such a page would alert "43 articles deleted" and rename the document. The signs,
each relative to the document's latest text (a short notice is only suspect after a long rule):
a known error phrase the history never contained, no articles where there were several, a drastic
shrink, a title that has nothing in common with the document's. Holding costs one cycle's delay
for a real change, so the signs may err on the side of suspicion.
"""
from __future__ import annotations

import re

from diffs.numerals import CN_NUM_CHARS

# Phrases of error, throttling and placeholder pages of Chinese government sites and their CDNs.
ERROR_PHRASES = ("系统繁忙", "页面不存在", "访问过于频繁", "请稍后再试", "请稍后重试", "服务器繁忙", "服务器错误",
                 "系统维护", "网站维护", "页面已删除", "页面未找到", "找不到页面", "您访问的页面", "访问受限",
                 "访问被拒绝", "请输入验证码", "安全验证", "操作过于频繁", "Not Found", "Service Unavailable",
                 "Internal Server Error", "Forbidden", "Too Many Requests", "Bad Gateway")
ARTICLE = re.compile(rf"^\s*第[{CN_NUM_CHARS}0-9０-９]{{1,8}}条", re.MULTILINE)
MIN_ARTICLES = 3        # "many": a statute, not a notice citing one article
MIN_LENGTH = 400        # below this the history is itself a short notice: shrinking means little
SHRINK = 0.25           # the new text keeps less than a quarter of the old length
TITLE_SHRINK = 0.5      # an unrelated title counts when the text also lost half its length
HEAD = 4000             # error phrases are looked for near the top, where error pages say it


def articles(text: str) -> int:
    return len(ARTICLE.findall(text))


def reasons(old_text: str, new_text: str, old_title: str | None = None, new_title: str | None = None) -> list[str]:
    """Why `new_text` looks like an error page where `old_text` was the document (empty: it does not)."""
    found = []
    head = new_text[:HEAD] + "\n" + (new_title or "")
    phrases = [p for p in ERROR_PHRASES if p in head and p not in old_text]
    if phrases and len(new_text) < max(len(old_text), MIN_LENGTH):
        found.append(f"error phrase {phrases[0]!r}")
    old_articles = articles(old_text)
    if old_articles >= MIN_ARTICLES and articles(new_text) == 0:
        found.append(f"no articles where there were {old_articles}")
    if len(old_text) >= MIN_LENGTH and len(new_text) < SHRINK * len(old_text):
        found.append(f"text shrank from {len(old_text)} to {len(new_text)} characters")
    if old_title and new_title and _unrelated(old_title, new_title) and len(new_text) < TITLE_SHRINK * len(old_text):
        found.append(f"title {new_title!r} has nothing in common with {old_title!r}")
    return found


def _unrelated(old_title: str, new_title: str) -> bool:
    # Characters, not words: Chinese titles have no spaces; under a third shared is another page.
    chars = set(new_title)
    return len(chars & set(old_title)) < len(chars) / 3
