"""The rules registry: a rule's status on any date, read from its append-only history.

rule_history rows say "from `since` on, the rule is `status` because of `by_*`". The status on a
date reads as Chinese legal databases write it: a rule whose amendments are in force is 现行有效 in
its amended text (its 修正 history listed; 已被修改 is what its earlier texts are); an amendment or
repeal decided but not yet in force is `pending` (尚未生效的修改); before its recorded start a rule
is 尚未施行, and a rule past its own 有效期 is 已失效 unless something later repealed it.
"""
from __future__ import annotations

from datetime import date, timedelta

NOT_YET = "尚未施行"
IN_FORCE = "现行有效"
AMENDED = "已被修改"
REPEALED = "已废止"
EXPIRED = "已失效"
STATUSES = (NOT_YET, IN_FORCE, AMENDED, REPEALED, EXPIRED)
PENDING = {AMENDED: "尚未生效的修改", REPEALED: "尚未生效的废止"}

_CAUSE = ("since", "by_document_id", "by_title", "by_url")


def status_on(rule: dict, history: list[dict], on: str) -> dict:
    """The rule row with status, since and by_* as they stand on the ISO date `on`, plus
    `amendments` (修正 in force by then, oldest first) and `pending` (the next decided change)."""
    ordered = sorted(history, key=lambda h: (h.get("since") or "", h["id"]))
    entries = [h for h in ordered if (h.get("since") or "") <= on]
    result = dict(rule)
    result["amendments"] = [{k: h.get(k) for k in _CAUSE} for h in entries if h["status"] == AMENDED]
    upcoming = next((h for h in ordered if (h.get("since") or "") > on and h["status"] in PENDING), None)
    result["pending"] = {"status": PENDING[upcoming["status"]], **{k: upcoming.get(k) for k in _CAUSE}} \
        if upcoming else None
    if not entries:
        # A rule known only from the decisions that touch it was in force before them; one whose
        # own start is recorded was not yet.
        started = any(h["status"] == IN_FORCE for h in history)
        result.update(status=NOT_YET if started else IN_FORCE, since=None, by_document_id=None, by_title=None,
                      by_url=None)
        return result
    last = entries[-1]
    result.update({k: last.get(k) for k in _CAUSE})
    result["status"] = IN_FORCE if last["status"] == AMENDED else last["status"]
    expires = rule.get("expires")
    if expires and on > expires[:10] and result["status"] == IN_FORCE:
        day_after = (date.fromisoformat(expires[:10]) + timedelta(days=1)).isoformat()
        result.update(status=EXPIRED, since=day_after, by_document_id=rule.get("document_id"),
                      by_title=None, by_url=None)
    return result


def cause(rule: dict) -> str:
    """A rule's status (a status_on row) in words, as legal databases write it, naming the document
    and the date behind it; a change decided but not yet in force follows (尚未生效的修改)."""
    since, by = rule.get("since"), _inner(rule.get("by_title"))
    status = rule["status"]
    if status == REPEALED:
        text = f"已废止：{since or '日期不详'}起，依据《{by}》" if by else f"已废止：{since or '日期不详'}起（废止文件不详）"
    elif status == EXPIRED:
        text = f"已失效：{since or '日期不详'}起（有效期至{rule.get('expires')}" + (f"，《{by}》）" if by else "）")
    elif status == NOT_YET:
        text = f"尚未施行：{rule['effective']}起施行" if rule.get("effective") else "尚未施行"
    elif rule.get("amendments"):
        last = rule["amendments"][-1]
        text = (f"现行有效（{len(rule['amendments'])}次修正，最近一次{last['since'] or '日期不详'}起"
                f"依据《{_inner(last['by_title'])}》）")
    else:
        text = f"现行有效（{rule['effective']}起施行）" if rule.get("effective") else "现行有效"
    pending = rule.get("pending")
    if pending:
        text += f"；{pending['status']}：{pending['since']}起，依据《{_inner(pending['by_title'])}》"
    return text


def _inner(title: str | None) -> str | None:
    """A title quoted inside 《》 takes 〈〉 for the names it quotes itself, as Chinese typesetting does."""
    return title.replace("《", "〈").replace("》", "〉") if title else title
