"""The three questions the commands answer, as pure functions over texts (no files, no printing).

``consolidate`` picks the law's part of a decision (``target`` or the base text's title), applies it
and optionally checks it against the republished text; ``render_*`` give the plain-text reports;
``validity_report`` gathers a document's own dates, its status on a date and what it repeals.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..errors import InputError, ParseError
from ..model import Document
from ..structure import parse
from ..validity import RuleFacts, extract_validity, find_repeals, status_on
from .apply import Consolidation, apply
from .check import Discrepancy, check, unapplied_articles
from .decision import Decision, parse_decision
from .ops import LawPart


@dataclass
class Amendment:
    decision: Decision
    part: LawPart
    consolidation: Consolidation
    discrepancies: list[Discrepancy] | None = None


def choose_part(decision: Decision, base: Document, target: str | None) -> LawPart:
    """The part amending ``target`` (or the base text's law); InputError naming the laws otherwise."""
    wanted = target or base.title or ""
    part = decision.part(wanted) if wanted else None
    if part is None and not target and len(decision.parts) == 1 and not base.title:
        part = decision.parts[0]
    if part is None:
        laws = "、".join(f"《{p.target}》" for p in decision.parts) or "no law"
        raise InputError(f"the decision amends {laws}, not 《{wanted or '?'}》: "
                         "give the matching base text or --target NAME")
    return part


def consolidate(decision_text: str, base_text: str, target: str | None = None,
                republished_text: str | None = None) -> Amendment:
    decision = parse_decision(decision_text)
    base = parse(base_text)
    part = choose_part(decision, base, target)
    result = apply(base, part.ops)
    amendment = Amendment(decision, part, result)
    if republished_text is not None:
        amendment.discrepancies = check(result.document, parse(republished_text), part.ops,
                                        unapplied_articles(result, part.problems))
    return amendment


def render_ops(decision: Decision) -> str:
    lines = [decision.title or "", f"发布机关：{decision.issuer or '—'}　通过：{_d(decision.adopted)}　"
             f"公布：{_d(decision.published)}　施行：{_d(decision.effective)}" +
             (f"　{decision.number}" if decision.number else "")]
    for part in decision.parts:
        lines.append(f"\n《{part.target}》（{len(part.ops)}项操作）")
        lines += [f"  {i}. {op.describe()}" for i, op in enumerate(part.ops, 1)]
        lines += [f"  ！无法解析：{p.reason}" for p in part.problems]
    if decision.repeals:
        lines.append(f"\n废止（{len(decision.repeals)}件）")
        lines += [f"  《{r.name}》" + (f"（{r.number}）" if r.number else "") + f"　自{_d(r.effective)}起"
                  for r in decision.repeals]
    return "\n".join(lines) + "\n"


def render_discrepancies(discrepancies: list[Discrepancy]) -> str:
    if not discrepancies:
        return "公布文本与按决定整理的文本一致。\n"
    expected = [d for d in discrepancies if d.category == "convention"]
    deviations = [d for d in discrepancies if d.category != "convention"]
    lines = [f"{len(deviations)}条与决定不一致：" if deviations else "公布文本与按决定整理的文本一致。"]
    if expected:
        lines.append(f"（另有{len(expected)}条仅按标点惯例调整，属预期：{'、'.join(d.label for d in expected)}）")
    for d in deviations:
        lines.append(f"{d.label}　[{d.category}] {d.reason}" + (f"：{d.detail}" if d.detail else ""))
    return "\n".join(lines) + "\n"


def validity_report(text: str, at: dt.date | None = None) -> dict:
    """A document's own dates and status on ``at`` (default today), the rules it repeals and amends."""
    at = at or dt.date.today()
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    title = lines[0].lstrip("# ") if lines else ""
    own = extract_validity(text, title)
    facts = RuleFacts(title, own.effective, own.expires, own.extended_to)
    report = {"title": title, "at": at.isoformat(), **own.to_dict(),
              "status": status_on(at, facts).to_dict(), "repeals": [], "amends": []}
    for repeal in find_repeals(text):
        rule = RuleFacts(repeal.name, repeal.issued)
        if repeal.effective:
            rule.repealed = (repeal.effective, title)
        report["repeals"].append(repeal.to_dict() | {"status": status_on(at, rule).to_dict()})
    try:
        decision = parse_decision(text)
    except ParseError:    # not a decision: a rule stating its own dates is the common case
        decision = None
    if decision is not None and decision.effective:
        for part in (p for p in decision.parts if p.target):
            rule = RuleFacts(part.target, amended=[(decision.effective, title)])
            report["amends"].append({"name": part.target, "status": status_on(at, rule).to_dict()})
    return report


def render_validity(report: dict) -> str:
    lines = [report["title"], f"公布：{report['published'] or '—'}　施行：{report['effective'] or '—'}"
             + (f"　有效期至：{report['expires']}" if report["expires"] else "")
             + (f"　有效期延长至：{report['extended_to']}" if report["extended_to"] else "")
             + ("　试行" if report["trial"] else "") + ("　暂行" if report["provisional"] else ""),
             f"{report['at']}的状态：{_status(report['status'])}"]
    for r in report["repeals"]:
        lines.append(f"废止《{r['name']}》" + (f"（{r['number']}）" if r["number"] else "")
                     + f"：{_status(r['status'])}")
    for a in report["amends"]:
        lines.append(f"修改《{a['name']}》：{_status(a['status'])}")
    return "\n".join(lines) + "\n"


def _status(s: dict) -> str:
    return s["status"] + (f"（自{s['since']}）" if s["since"] else "")


def _d(date: dt.date | None) -> str:
    return date.isoformat() if date else "—"
