"""The kinds of event the store records and how often subscribers hear of them, with what readers
call them: one definition for the CLI, the digests and the review UI."""
from __future__ import annotations

# Chinese labels, in the order lists show them.
EVENT_LABELS = {
    "new_document": "新文件", "new_version": "新版本", "amended": "修改", "repealed": "废止",
    "expiring": "即将失效", "expired": "已失效",
    "source_error": "来源出错", "delivery_error": "投递出错", "suspect_version": "疑似错误页",
}
EVENT_KINDS = tuple(EVENT_LABELS)
# What happened to a rule (the event names the rule and the document that caused it).
RULE_EVENT_KINDS = frozenset({"amended", "repealed", "expiring", "expired"})
# For the operator, not alerted unless a subscription names them: a suspect version is held back
# precisely so that nobody is told "43 articles deleted" by an error page.
OPERATOR_KINDS = frozenset({"source_error", "delivery_error", "suspect_version"})

# How often a subscription's digest goes out (daily and weekly at its hour, Beijing time; weekly on Monday).
FREQUENCY_LABELS = {"immediate": "即时", "daily": "每日", "weekly": "每周一"}
FREQUENCIES = tuple(FREQUENCY_LABELS)
