"""One digest: what a subscription has not yet been told, as an email (text + HTML) or as Markdown
for a chat channel.

The HTML part stays under ``digest_html.LIMIT`` whatever happened: new documents and whole texts
are a summary line and a link, amendments show their changed articles only, and what does not fit
is counted and linked (``Shown`` records it, so the text part and the chat message say the same).
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from typing import Any, Iterator, Mapping
from urllib.parse import quote

from diffs.render import Sides, edition_date, render_text

from . import digest_html
from .items import CHINA_TZ, EventItem, local_time
from .overview import DigestEntry, Row, law_of, overview_rows, source_name, what_happened, whole_text_added
from .subscriptions import Subscription

__all__ = ["Digest", "DigestEntry", "Shown", "compose", "render_markdown", "subject"]


@dataclass
class Shown:
    """What the HTML part left out for size: event ids without their table, event ids left out entirely."""
    tables_left_out: list[int] = field(default_factory=list)
    left_out: list[int] = field(default_factory=list)
    left_out_bytes: int = 0
    overview_left_out: int = 0


@dataclass
class Digest:
    subscription: Subscription
    entries: list[DigestEntry]
    now: datetime
    review: str | None = None                        # the review UI's public base URL, no trailing slash
    names: Mapping[str, str] = field(default_factory=dict)   # source name -> display name
    sender: str = ""

    AMENDMENT_CAPTION = "按修改决定自动生成的修改后文本与原文本对照（仅列出改动的条文；以正式公布文本为准）"
    TABLE_LEFT_OUT = "对照表篇幅较大，未随邮件附上：请用下面的链接查看。"

    @property
    def title(self) -> str:
        return subject(self.entries, self.now, self.names)

    @property
    def generated(self) -> str:
        return f"生成于 {local_time(self.now)}"

    def what(self, entry: DigestEntry) -> str:
        return what_happened(entry)

    def has_table(self, entry: DigestEntry) -> bool:
        # A table without a changed article says nothing; a whole new text is summarised, not tabled.
        return entry.diff is not None and bool(entry.diff.changed) and not whole_text_added(entry)

    def needs_detail(self, entry: DigestEntry) -> bool:
        """New documents, whole new texts and repeals are said in full by their overview row (a repeal's
        row is its decision's); amendments, errors and expiries have more to say."""
        return entry.item.kind in ("amended", "expiring", "expired", "source_error") or self.has_table(entry)

    def row_link(self, row: Row, shown: Shown) -> str | None:
        """Where an overview row's name leads: its details, else the review UI's page, else the source."""
        by_id = {e.item.id: e for e in self.entries}
        detailed = [i for i in row.events if self.needs_detail(by_id[i]) and i not in shown.left_out]
        if detailed:
            return f"#event-{detailed[0]}"
        entry = by_id[row.anchor]
        if self.review and entry.item.document_id:
            return f"{self.review}/documents/{entry.item.document_id}"
        url = (entry.item.document or {}).get("url") or entry.item.url or ""
        return url if url.startswith(("http://", "https://")) else None

    def groups(self) -> Iterator[tuple[str, list[list[DigestEntry]]]]:
        """(source display name and issue, [entries of one document]) in event order."""
        groups: OrderedDict = OrderedDict()
        for e in self.entries:
            key = " ".join(filter(None, (source_name(e.item, self.names), (e.item.document or {}).get("issue"))))
            docs = groups.setdefault(key, OrderedDict())
            docs.setdefault(e.item.document_id or f"event-{e.item.id}", []).append(e)
        for key, docs in groups.items():
            yield key, list(docs.values())

    def doc_facts(self, item: EventItem) -> list[tuple[str, str]]:
        doc = item.document or {}
        facts = [("文号", doc.get("number")), ("发布单位", doc.get("issuer")), ("类别", _shown_type(doc)),
                 ("发布日期", doc.get("published")), ("施行日期", doc.get("effective")), ("原文", doc.get("url") or item.url)]
        return [(k, str(v)) for k, v in facts if v]

    def event_facts(self, item: EventItem) -> list[tuple[str, str]]:
        p, rule, decider = item.payload, item.rule or {}, item.decider or {}
        facts: list[tuple[str, Any]] = []
        if item.kind in ("amended", "repealed"):
            # The payload says it at the time; the rules registry and the stored decision fill what it left out.
            # The decision's title, 文号 and issuer are in its overview row: here, where to read it.
            facts += [("法规", law_of(item)), ("依据文件文号", decider.get("number")),
                      ("依据文件链接", p.get("by_url") or rule.get("by_url")),
                      ("施行日期" if item.kind == "amended" else "废止日期", p.get("effective") or rule.get("since"))]
        elif item.kind in ("expiring", "expired"):
            facts += [("失效日期", p.get("expires") or p.get("effective") or (item.document or {}).get("expires")),
                      ("剩余天数", p.get("days_left"))]
        elif item.kind == "source_error":
            facts += [("时间", local_time(item.at)), ("错误", p.get("error")), ("预期", p.get("expected")),
                      ("实际", p.get("found"))]
        return [(k, str(v)) for k, v in facts if v not in (None, "")]

    def amendment_notes(self, entry: DigestEntry) -> list[tuple[str, list[str]]]:
        """Headed lists: what the decision changes, what could not be applied, where the republished text differs."""
        notes = [("决定所列修改", entry.applied),
                 ("未能自动适用的修改", [f"{f.get('op')}（{f.get('reason')}）" for f in entry.failed])]
        found = entry.item.payload.get("discrepancies") or []
        notes.append(("公布文本与决定不一致之处", [" ".join(filter(None, (d.get("label"), d.get("reason"), d.get("detail"))))
                                             for d in found if isinstance(d, dict)]))
        return [(head, items) for head, items in notes if items]

    def sides(self, entry: DigestEntry) -> Sides:
        """The law's name and both versions' dates for the table's head."""
        item, doc = entry.item, entry.item.document or {}
        title = law_of(item) if item.kind == "amended" else (doc.get("title") or item.display_title)
        new_date = edition_date(entry.diff.new) if entry.diff is not None else None
        if item.kind == "amended":
            new_date = item.payload.get("effective") or new_date
        return Sides(title=title.strip("《》"), new_date=new_date or doc.get("published"))

    def links(self, entry: DigestEntry) -> list[tuple[str, str]]:
        if not self.review:
            return []
        links = []
        if entry.old_version_id and entry.new_version_id:
            links.append(("完整新旧对照", f"{self.review}/diff/{entry.old_version_id}/{entry.new_version_id}"))
        if entry.item.document_id:
            links.append(("在审阅界面查看文件", f"{self.review}/documents/{entry.item.document_id}"))
        return links

    def left_out_sentence(self, shown: Shown) -> str:
        parts = []
        if shown.left_out:
            parts.append(f"另有 {len(shown.left_out)} 项变动未在邮件中列出")
        if shown.tables_left_out:
            parts.append(f"{len(shown.tables_left_out)} 份对照表未附")
        if not parts:
            return ""
        where = "" if self.review else "，请用 regwatch events / regwatch diff 查看"
        return f"因邮件篇幅所限，{'，'.join(parts)}（约 {max(1, round(shown.left_out_bytes / 1024))} KB）{where}。"

    def review_changes_link(self) -> str | None:
        return f"{self.review}/" if self.review else None

    def footer_lines(self) -> list[str]:
        return self.subscription.footer_lines(self.names) + [
            f"regwatch 自动生成于 {local_time(self.now)}；日期为公布或施行日期。"]

    def unsubscribe_link(self) -> str | None:
        sub_id = self.subscription.id
        return f"{self.review}/subscriptions#subscription-{sub_id}" if self.review and sub_id is not None else None

    def unsubscribe_mailto(self) -> str | None:
        address = parseaddr(self.sender)[1]
        if not address or "@" not in address:
            return None
        return f"mailto:{address}?subject={quote(f'unsubscribe {self.subscription.id}')}"


# Most consequential first: the subject may be cut by a mail client.
SUBJECT_ORDER = ("amended", "repealed", "expired", "expiring", "new_version", "new_document", "source_error")


def subject(entries: list[DigestEntry], now: datetime, names: Mapping[str, str] | None = None) -> str:
    names = names or {}
    if not entries:
        return f"regwatch：本期无变动 — {now.astimezone(CHINA_TZ).date().isoformat()}"
    by_kind: dict[str, list[DigestEntry]] = {}
    for e in entries:
        by_kind.setdefault(e.item.kind, []).append(e)
    kinds = sorted(by_kind, key=lambda k: SUBJECT_ORDER.index(k) if k in SUBJECT_ORDER else len(SUBJECT_ORDER))
    phrases = [_phrase(kind, _shared_doc_type(by_kind[kind]), len(by_kind[kind])) for kind in kinds]
    return f"regwatch：{'，'.join(phrases)} — {_scope(entries, names)}"


def _shown_type(doc: dict) -> str:
    """Internal types (gazette-pdf) are not for readers."""
    kind = doc.get("doc_type") or ""
    return kind if kind and not kind.isascii() else ""


def _shared_doc_type(entries: list[DigestEntry]) -> str:
    """规章 when every document of these events is one."""
    types = {_shown_type(e.item.document or {}) for e in entries}
    (only,) = types if len(types) == 1 else ("",)
    return only


def _phrase(kind: str, doc_type: str, n: int) -> str:
    return {"new_document": f"{n} 项新{doc_type or '文件'}", "new_version": f"{n} 项{doc_type or '文件'}更新",
            "amended": f"{n} 项{doc_type}修改", "repealed": f"{n} 项{doc_type}废止", "expiring": f"{n} 项即将失效",
            "expired": f"{n} 项已失效", "source_error": f"{n} 个来源出错"}.get(kind, f"{n} 项{kind}")


def _scope(entries: list[DigestEntry], names: Mapping[str, str]) -> str:
    groups = {(source_name(e.item, names), (e.item.document or {}).get("issue") or "") for e in entries}
    if len(groups) == 1:
        return " ".join(filter(None, next(iter(groups))))
    sources = {g[0] for g in groups}
    return next(iter(sources)) if len(sources) == 1 else f"{len(sources)} 个来源"


def compose(subscription: Subscription, entries: list[DigestEntry], *, sender: str, message_id: str,
            now: datetime, review_url: str | None = None, display_names: Mapping[str, str] | None = None) -> EmailMessage:
    """The digest as a multipart/alternative message (text, then HTML), headers UTF-8 encoded."""
    digest = Digest(subscription, entries, now, review_url.rstrip("/") if review_url else None,
                    dict(display_names or {}), sender)
    return message(digest, message_id)


def message(digest: Digest, message_id: str) -> EmailMessage:
    msg = EmailMessage(policy=SMTP)
    msg["Subject"] = digest.title
    msg["From"] = digest.sender
    msg["To"] = ", ".join(digest.subscription.emails)
    msg["Date"] = format_datetime(digest.now)
    msg["Message-ID"] = message_id
    msg["X-Regwatch-Events"] = ",".join(str(e.item.id) for e in digest.entries) or "none"
    unsubscribe = [f"<{u}>" for u in (digest.unsubscribe_mailto(), digest.unsubscribe_link()) if u]
    if unsubscribe:
        msg["List-Unsubscribe"] = ", ".join(unsubscribe)
    shown = Shown()
    html = digest_html.render(digest, shown)
    msg.set_content(_text(digest, shown), charset="utf-8", cte="base64")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="base64")
    return msg


def _text(digest: Digest, shown: Shown) -> str:
    lines = [digest.title, digest.generated, ""]
    if not digest.entries:
        return "\n".join(lines + ["本期没有新的变动。", ""] + digest.footer_lines()) + "\n"
    lines += ["概览", ""]
    rows = overview_rows(digest.entries, digest.names)
    kept = rows[:len(rows) - shown.overview_left_out]
    lines += ["  ".join(filter(None, (r.date, r.title, r.number, r.issuer, r.source, r.what))) for r in kept]
    if shown.overview_left_out:
        lines.append(f"（概览另有 {shown.overview_left_out} 行未列出）")
    left_out = set(shown.left_out)
    for heading, docs in digest.groups():
        docs = [[e for e in d if e.item.id not in left_out] for d in docs]
        docs = [d for d in docs if d]
        if not docs:
            continue
        lines += ["", "=" * 8 + f" {heading} " + "=" * 8]
        for doc_entries in docs:
            first = doc_entries[0].item
            lines += ["", f"《{first.display_title.strip('《》')}》"]
            lines += [f"  {k}：{v}" for k, v in digest.doc_facts(first)]
            for e in doc_entries:
                lines += ["", f"  {digest.what(e)}"] + [f"  {k}：{v}" for k, v in digest.event_facts(e.item)]
                for head, items in digest.amendment_notes(e):
                    lines += [f"  {head}："] + [f"    {n}. {text}" for n, text in enumerate(items, 1)]
                if digest.has_table(e) and e.item.id not in shown.tables_left_out:
                    caption = [digest.AMENDMENT_CAPTION] if e.item.kind == "amended" else []
                    lines += [""] + caption + [render_text(e.diff, color=False, sides=digest.sides(e)).rstrip()]
                elif digest.has_table(e):
                    lines.append(f"  {digest.TABLE_LEFT_OUT}")
                lines += [f"  {label}：{url}" for label, url in digest.links(e)]
    note = digest.left_out_sentence(shown)
    if note:
        link = digest.review_changes_link()
        lines += ["", note + (f" {link}" if link else "")]
    return "\n".join(lines + ["", "--"] + digest.footer_lines()) + "\n"


def render_markdown(digest: Digest, limit_chars: int) -> str:
    """The digest for a chat channel: overview lines with links, never longer than ``limit_chars``.

    Tables do not fit chat messages: each change is one line; when lines must go, the message says
    how many and links to the review UI.
    """
    head = [f"**{_md(digest.title)}**", ""]
    if not digest.entries:
        head.append("本期没有新的变动。")
    lines = []
    by_event = {e.item.id: e for e in digest.entries}
    for row in overview_rows(digest.entries, digest.names):
        link = f"{digest.review}/#event-{row.anchor}" if digest.review else ""
        name = f"[{_md(row.title)}]({link})" if link else _md(row.title)
        facts = "，".join(filter(None, (row.number, row.issuer, row.source)))
        compared = next((e for e in map(by_event.get, row.events) if e and e.old_version_id and e.new_version_id), None)
        versus = (f" [新旧对照]({digest.review}/diff/{compared.old_version_id}/{compared.new_version_id})"
                  if digest.review and compared else "")
        lines.append(f"- {row.date + ' ' if row.date else ''}{name}{'（' + _md(facts) + '）' if facts else ''}："
                     f"{_md(row.what)}{versus}")
    tail = [""] + [f"> {_md(line)}" for line in digest.subscription.footer_lines(digest.names)[:1]]
    body = "\n".join(head)
    kept = 0
    for line in lines:
        if len(body) + len(line) + 1 + _reserve(digest, len(lines) - kept) + len("\n".join(tail)) > limit_chars:
            break
        body += "\n" + line
        kept += 1
    if kept < len(lines):
        more = f"……另有 {len(lines) - kept} 项未列出"
        body += "\n" + (f"{more}，[在审阅界面查看]({digest.review}/)" if digest.review else more + "。")
    text = body + "\n".join(tail)
    return text if len(text) <= limit_chars else text[:max(0, limit_chars - 1)] + "…"


def _reserve(digest: Digest, remaining: int) -> int:
    """Room kept for the "……另有 N 项" line."""
    return 40 + len(digest.review or "") if remaining else 0


def _md(text: str) -> str:
    """Scraped text must not become Markdown links, emphasis or mentions in a chat client."""
    for ch in "\\[]()*_`<>#|~@":
        text = text.replace(ch, "\\" + ch)
    return text
