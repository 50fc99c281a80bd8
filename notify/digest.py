"""Compose one digest email: an overview table, then details grouped by issue, document and article.

Every scraped value is escaped here; the 新旧对照表 comes from ``diffs.render`` (the renderer of the
CLI and the web UI, with inline styles for mail clients) and escapes its own text.
"""
from __future__ import annotations

import html
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Any

from diffs.render import render_html, render_text

from .items import CHINA_TZ, EventItem
from .subscriptions import Subscription

MAX_TABLES = 10
OMITTED = "本期变动较多，此处不再附对照表，请在审阅界面或以 regwatch diff 查看。"
KIND_LABELS = {"new_document": "新发布", "new_version": "内容更新", "amended": "修改", "repealed": "废止",
               "expiring": "即将失效", "expired": "已失效", "source_error": "来源出错"}
FONT = "'Noto Sans CJK SC','Source Han Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
CELL = "border:1px solid #d0d7de;padding:6px 8px;text-align:left;vertical-align:top"
HEAD_CELL = CELL + ";background:#f3f4f6;font-weight:bold"


@dataclass
class DigestEntry:
    """One event with what its details need: the clause diff of the version it records, if any."""
    item: EventItem
    diff: Any = None                     # diffs.compare's DiffResult: previous → this version, or base → amended
    old_version_id: int | None = None
    new_version_id: int | None = None
    applied: list[str] = field(default_factory=list)   # an amendment's operations, as Chinese sentences
    failed: list[dict] = field(default_factory=list)   # {"op", "reason"}: operations the decision could not apply
    table_omitted: bool = False                         # too many tables in this digest: see the review UI


def capped(entries: list[DigestEntry]) -> list[DigestEntry]:
    """Only the first MAX_TABLES 新旧对照表 of a digest are mailed: a long message is clipped by mail clients.
    A table without a changed article says nothing and is left out."""
    out, tables = [], 0
    for e in entries:
        if e.diff is not None and not e.diff.changed:
            e = replace(e, diff=None)
        if e.diff is not None:
            tables += 1
            if tables > MAX_TABLES:
                e = replace(e, diff=None, table_omitted=True)
        out.append(e)
    return out


def what_happened(entry: DigestEntry) -> str:
    """One short line for the overview table and the text part; counts come from the diff shown below."""
    item, p = entry.item, entry.item.payload
    s = entry.diff.summary if entry.diff is not None else p.get("summary")
    if item.kind in ("new_version", "amended") and isinstance(s, dict):
        counts = [f"{label} {s[key]} 条" for key, label in (("modified", "修改"), ("added", "新增"),
                  ("deleted", "删除"), ("split", "拆分"), ("merged", "合并"), ("renumbered", "序号调整")) if s.get(key)]
        base = KIND_LABELS[item.kind] + ("：" + "，".join(counts) if counts else "")
    else:
        base = KIND_LABELS.get(item.kind, item.kind)
    if item.kind in ("amended", "repealed") and p.get("by"):
        base += f"（依据 {p['by']}）"
    if item.kind in ("amended", "repealed") and p.get("effective"):
        base += f"，自 {p['effective']} 起{'施行' if item.kind == 'amended' else '废止'}"
    if item.kind == "expiring":
        base += f"：{p.get('expires') or p.get('effective') or (item.document or {}).get('expires') or ''}，剩 {p.get('days_left', '?')} 天"
    if item.kind == "expired":
        base += f"：{(item.document or {}).get('expires') or p.get('effective') or ''}"
    if item.kind == "source_error":
        base += f"：{p.get('error') or ''}"
    return base.rstrip("：")


# Most consequential first: the subject may be cut by a mail client.
SUBJECT_ORDER = ("amended", "repealed", "expired", "expiring", "new_version", "new_document", "source_error")


def subject(entries: list[DigestEntry], now: datetime) -> str:
    if not entries:
        return f"regwatch：本期无变动 — {now.astimezone(CHINA_TZ).date().isoformat()}"
    by_kind: dict[str, list[DigestEntry]] = {}
    for e in entries:
        by_kind.setdefault(e.item.kind, []).append(e)
    kinds = sorted(by_kind, key=lambda k: SUBJECT_ORDER.index(k) if k in SUBJECT_ORDER else len(SUBJECT_ORDER))
    phrases = [_phrase(kind, _shared_doc_type(by_kind[kind]), len(by_kind[kind])) for kind in kinds]
    return f"regwatch：{'，'.join(phrases)} — {_scope(entries)}"


def _shared_doc_type(entries: list[DigestEntry]) -> str:
    """规章 when every document of these events is one; internal types (gazette-pdf) are not shown."""
    types = {(e.item.document or {}).get("doc_type") or "" for e in entries}
    (only,) = types if len(types) == 1 else ("",)
    return only if only and not only.isascii() else ""


def _phrase(kind: str, doc_type: str, n: int) -> str:
    return {"new_document": f"{n} 项新{doc_type or '文件'}", "new_version": f"{n} 项{doc_type or '文件'}更新",
            "amended": f"{n} 项{doc_type}修改", "repealed": f"{n} 项{doc_type}废止", "expiring": f"{n} 项即将失效",
            "expired": f"{n} 项已失效", "source_error": f"{n} 个来源出错"}.get(kind, f"{n} 项{kind}")


def _scope(entries: list[DigestEntry]) -> str:
    groups = {_group_key(e.item) for e in entries}
    if len(groups) == 1:
        return " ".join(filter(None, next(iter(groups))))
    sources = {g[0] for g in groups}
    return next(iter(sources)) if len(sources) == 1 else f"{len(sources)} 个来源"


def _group_key(item: EventItem) -> tuple[str, str]:
    return (item.source or (item.document or {}).get("source") or "", (item.document or {}).get("issue") or "")


def _date(item: EventItem) -> str:
    doc = item.document or {}
    return doc.get("published") or (item.at or "")[:10]


def _issuer(item: EventItem) -> str:
    return (item.document or {}).get("issuer") or ""


def grouped(entries: list[DigestEntry]) -> "OrderedDict[tuple[str, str], OrderedDict[Any, list[DigestEntry]]]":
    """Issue/source -> document (or the event itself when it has none) -> entries, in event order."""
    groups: OrderedDict = OrderedDict()
    for e in entries:
        docs = groups.setdefault(_group_key(e.item), OrderedDict())
        docs.setdefault(e.item.document_id or f"event-{e.item.id}", []).append(e)
    return groups


def compose(subscription: Subscription, entries: list[DigestEntry], *, sender: str, message_id: str,
            now: datetime, review_url: str | None = None) -> EmailMessage:
    """The digest as a multipart/alternative message (text, then HTML), headers UTF-8 encoded."""
    title = subject(entries, now)
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = title
    msg["From"] = sender
    msg["To"] = ", ".join(subscription.emails)
    msg["Date"] = format_datetime(now)
    msg["Message-ID"] = message_id
    msg["X-Regwatch-Events"] = ",".join(str(e.item.id) for e in entries) or "none"
    review = review_url.rstrip("/") if review_url else None
    entries = capped(entries)
    msg.set_content(_text(title, entries, review), charset="utf-8", cte="base64")
    msg.add_alternative(_html(title, entries, review), subtype="html", charset="utf-8", cte="base64")
    return msg


def _text(title: str, entries: list[DigestEntry], review: str | None) -> str:
    lines = [title, ""]
    if not entries:
        return "\n".join(lines + ["本期没有新的变动。", ""])
    lines += ["概览", ""]
    lines += [f"{_date(e.item)}  {e.item.display_title}  {_issuer(e.item)}  {what_happened(e)}" for e in entries]
    for (source, issue), docs in grouped(entries).items():
        lines += ["", "=" * 8 + f" {' '.join(filter(None, (source, issue)))} " + "=" * 8]
        for doc_entries in docs.values():
            first = doc_entries[0].item
            lines += ["", f"《{first.display_title.strip('《》')}》"]
            lines += [f"  {k}：{v}" for k, v in _doc_facts(first)]
            for e in doc_entries:
                lines += ["", f"  {what_happened(e)}"] + [f"  {k}：{v}" for k, v in _event_facts(e.item)]
                for head, items in _amendment_notes(e):
                    lines += [f"  {head}："] + [f"    {n}. {text}" for n, text in enumerate(items, 1)]
                if e.diff is not None:
                    # The renderer shows changed articles and folds runs of unchanged ones.
                    caption = [AMENDMENT_CAPTION] if e.item.kind == "amended" else []
                    lines += [""] + caption + [render_text(e.diff, color=False).rstrip()]
                elif e.table_omitted:
                    lines.append(f"  {OMITTED}")
                link = _links(e, review)
                lines += [f"  {label}：{url}" for label, url in link]
    return "\n".join(lines) + "\n"


def _doc_facts(item: EventItem) -> list[tuple[str, str]]:
    doc = item.document or {}
    facts = [("文号", doc.get("number")), ("发布单位", doc.get("issuer")), ("类别", doc.get("doc_type")),
             ("发布日期", doc.get("published")), ("原文", doc.get("url") or item.url)]
    return [(k, str(v)) for k, v in facts if v]


def _event_facts(item: EventItem) -> list[tuple[str, str]]:
    p, rule = item.payload, item.rule or {}
    facts: list[tuple[str, Any]] = []
    if item.kind in ("amended", "repealed"):
        # The payload says it at the time; the rules registry fills what it left out.
        facts += [("法规", p.get("rule") or rule.get("name")), ("依据文件", p.get("by") or rule.get("by_title")),
                  ("依据文件链接", p.get("by_url") or rule.get("by_url")),
                  ("施行日期" if item.kind == "amended" else "废止日期", p.get("effective") or rule.get("since"))]
    elif item.kind in ("expiring", "expired"):
        facts += [("失效日期", p.get("expires") or p.get("effective") or (item.document or {}).get("expires")),
                  ("剩余天数", p.get("days_left"))]
    elif item.kind == "source_error":
        facts += [("错误", p.get("error")), ("预期", p.get("expected")), ("实际", p.get("found"))]
    return [(k, str(v)) for k, v in facts if v not in (None, "")]


def _amendment_notes(entry: DigestEntry) -> list[tuple[str, list[str]]]:
    """Headed lists: what the decision changes, what could not be applied, where the republished text differs."""
    notes = [("决定所列修改", entry.applied),
             ("未能自动适用的修改", [f"{f.get('op')}（{f.get('reason')}）" for f in entry.failed])]
    found = entry.item.payload.get("discrepancies") or []
    notes.append(("公布文本与决定不一致之处", [" ".join(filter(None, (d.get("label"), d.get("reason"), d.get("detail"))))
                                         for d in found if isinstance(d, dict)]))
    return [(head, items) for head, items in notes if items]


AMENDMENT_CAPTION = "按修改决定自动生成的修改后文本与原文本对照（以正式公布文本为准）"


def _links(entry: DigestEntry, review: str | None) -> list[tuple[str, str]]:
    if not review:
        return []
    links = []
    if entry.old_version_id and entry.new_version_id:
        links.append(("在审阅界面查看对照", f"{review}/diff/{entry.old_version_id}/{entry.new_version_id}"))
    if entry.item.document_id:
        links.append(("在审阅界面查看文件", f"{review}/documents/{entry.item.document_id}"))
    return links


def _html(title: str, entries: list[DigestEntry], review: str | None) -> str:
    e_ = html.escape
    out = [f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{e_(title)}</title></head>',
           f'<body style="margin:0;padding:16px;font-family:{FONT};color:#1f2328;font-size:14px;line-height:1.6">',
           f'<h1 style="font-size:20px;margin:0 0 12px">{e_(title)}</h1>']
    if not entries:
        out.append('<p>本期没有新的变动。</p></body></html>')
        return "".join(out)
    out.append('<h2 style="font-size:17px;margin:16px 0 8px">概览</h2>')
    out.append(f'<table class="overview" style="border-collapse:collapse;width:100%;font-size:14px">'
               f'<tr><th style="{HEAD_CELL}">日期</th><th style="{HEAD_CELL}">名称</th>'
               f'<th style="{HEAD_CELL}">发布单位</th><th style="{HEAD_CELL}">变动</th></tr>')
    for e in entries:
        out.append(f'<tr><td style="{CELL};white-space:nowrap">{e_(_date(e.item))}</td>'
                   f'<td style="{CELL}"><a href="#event-{e.item.id}" style="color:#0550ae">{e_(e.item.display_title)}</a></td>'
                   f'<td style="{CELL}">{e_(_issuer(e.item))}</td><td style="{CELL}">{e_(what_happened(e))}</td></tr>')
    out.append('</table><h2 style="font-size:17px;margin:20px 0 8px">详情</h2>')
    for (source, issue), docs in grouped(entries).items():
        out.append(f'<h3 style="font-size:16px;margin:18px 0 6px;border-bottom:2px solid #d0d7de">'
                   f'{e_(" ".join(filter(None, (source, issue))))}</h3>')
        for doc_entries in docs.values():
            first = doc_entries[0].item
            out.append(f'<h4 style="font-size:15px;margin:14px 0 4px">《{e_(first.display_title.strip("《》"))}》</h4>')
            out.append(_facts_html(_doc_facts(first), "#57606a"))
            for entry in doc_entries:
                out.append(f'<div id="event-{entry.item.id}" style="margin:6px 0 12px">'
                           f'<p style="margin:4px 0;font-weight:bold">{e_(what_happened(entry))}</p>')
                out.append(_facts_html(_event_facts(entry.item), "#1f2328"))
                for head, items in _amendment_notes(entry):
                    out.append(f'<p style="margin:6px 0 2px">{e_(head)}：</p><ol style="margin:2px 0;padding-left:22px">'
                               + "".join(f"<li>{e_(text)}</li>" for text in items) + "</ol>")
                if entry.diff is not None:
                    if entry.item.kind == "amended":
                        out.append(f'<p style="margin:6px 0 2px;color:#57606a">{e_(AMENDMENT_CAPTION)}</p>')
                    # Changed articles only, unchanged runs folded to one line: the web UI's table.
                    out.append(render_html(entry.diff, standalone=False, inline_styles=True))
                elif entry.table_omitted:
                    out.append(f'<p style="margin:4px 0;color:#57606a">{e_(OMITTED)}</p>')
                for label, url in _links(entry, review):
                    out.append(f'<p style="margin:2px 0"><a href="{e_(url)}" style="color:#0550ae">{e_(label)}</a></p>')
                out.append("</div>")
    out.append('<p style="margin-top:24px;color:#57606a;font-size:12px">regwatch 自动生成。</p></body></html>')
    return "".join(out)


def _facts_html(facts: list[tuple[str, str]], color: str) -> str:
    if not facts:
        return ""
    rows = []
    for k, v in facts:
        value = html.escape(v)
        if v.startswith(("http://", "https://")):
            value = f'<a href="{html.escape(v)}" style="color:#0550ae">{value}</a>'
        rows.append(f'<li>{html.escape(k)}：{value}</li>')
    return f'<ul style="margin:2px 0;padding-left:18px;color:{color}">{"".join(rows)}</ul>'
