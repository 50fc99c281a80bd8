"""The rules registry: a rule's status on any date, read from its append-only history.

rule_history rows say "from `since` on, the rule is `status` because of `by_*`". The status on a
date is the row with the latest `since` not after it; before its recorded start the rule is 尚未施行, and
a rule past its 有效期 is 已失效 unless something later repealed it.
"""
from __future__ import annotations

from datetime import date, timedelta

NOT_YET = "尚未施行"
IN_FORCE = "现行有效"
AMENDED = "已被修改"
REPEALED = "已废止"
EXPIRED = "已失效"
STATUSES = (NOT_YET, IN_FORCE, AMENDED, REPEALED, EXPIRED)

_CAUSE = ("since", "by_document_id", "by_title", "by_url")


def status_on(rule: dict, history: list[dict], on: str) -> dict:
    """The rule row with status, since and by_* as they stand on the ISO date `on`."""
    entries = sorted((h for h in history if (h.get("since") or "") <= on),
                     key=lambda h: (h.get("since") or "", h["id"]))
    result = dict(rule)
    if not entries:
        # A rule known only from the decisions that touch it was in force before them; one whose
        # own start is recorded was not yet.
        started = any(h["status"] == IN_FORCE for h in history)
        result.update(status=NOT_YET if started else IN_FORCE, since=None, by_document_id=None, by_title=None,
                      by_url=None)
        return result
    last = entries[-1]
    result["status"] = last["status"]
    result.update({k: last.get(k) for k in _CAUSE})
    expires = rule.get("expires")
    if expires and on > expires and last["status"] in (IN_FORCE, AMENDED):
        day_after = (date.fromisoformat(expires[:10]) + timedelta(days=1)).isoformat()
        result.update(status=EXPIRED, since=day_after, by_document_id=rule.get("document_id"),
                      by_title=None, by_url=None)
    return result
