"""Build the offline mirror's archive (mirror/archive/) from the project's corpus/.

    python -m mirror.build [--out DIR] [--no-pdf]

Everything served comes from real texts: the two 2022 Shanghai gazette issues (seeds 002 and 001),
the crawl of Shanghai series documents (seed 003) and the eval-dev before/after texts with their
amendment decisions. What the mirror adds is the sites' markup, URLs and page chrome. Where the
real site would show a text the corpus lacks (the body of a repealed rule, say), the page shows
the title and the promulgation line only — legal text is never invented here.

The placement of the eval-dev texts in gazette issues (which issue, its number and date) is the
mirror's arrangement, chosen so the states tell a coherent story; it is not a claim about the
real gazettes' contents.

A gazette document page is one notice, decision or 解读 with the texts it issues inside it (the TOC
of the seeds lists those texts on lines of their own). Every issue has its whole-issue PDF; pages
dated before 2020 are served as GB2312 pages.

What each state publishes (a state keeps everything of the one before unless it changes it):
  0  gazette 2022年第13期 (seed 002) and 2021年第24期 (the old texts of the five eval-dev sh-*
     regulations); the series nw42944 沪府规, nw2407 市政府令, nw11407 沪府发, nw11408 沪府办发,
     nw42850 沪府办规, nw39221 沪府办 (seed 003); the rules library (令第74号 and 令第1号 rules, the
     rules 令第13号 will amend or repeal, the rule 令第68号 will repeal); gov.cn 2013年第36号 (全国年节及
     纪念日放假办法, old text) and 2016年第34号 (对外贸易法 2016, the deliberately malformed page);
     service.shanghai.gov.cn: the normative-document database (XZGFList.aspx?currentPage=1&pagesize=10,
     XZGFDetails.aspx?docid=…) of the 沪府规 / 沪府办规 documents published so far.
  1  gazette 2022年第14期 (seed 001) with 令第68号; the rule it repeals leaves the library.
  2  gazette 2025年第2期: the Shanghai 10-regulation decision and the five republished regulations;
     gov.cn 2024年第33号: the State Council nianjie decision and the republished 办法; one 政策解读
     page of 第13期 changes in formatting only (punctuation width, trailing U+3000).
  3  令第13号 (修改和废止部分市政府规章的决定) appears in nw2407; the 17 rules it repeals leave the
     library (their pages 404), the rules it amends get their republished text; one 政策解读 page
     of 第13期 disappears (404).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import urljoin

from mirror import pages
from mirror.corpus import (ISSUE_13, ISSUE_14, SH_CASES, Doc, iso, law_doc, seed, split_attachment,
                           split_crawl, split_gazette)
from mirror.pdf import PdfRenderer

ARCHIVE = Path(__file__).resolve().parent / "archive"
MAX_STATE = 3
SH, SERVICE, GOV = "www.shanghai.gov.cn", "service.shanghai.gov.cn", "www.gov.cn"
CST = timezone(timedelta(hours=8))

SECTIONS = {  # gazette TOC heading -> URL section code (the real ones where SITES.md knows them)
    "市政府令": "szfl", "市政府文件": "zfwj", "市政府办公厅文件": "bgtwj",
    "部门规范性文件": "bmgfxwj", "政策解读": "zcjd", "地方性法规": "dfxfg",
}


@dataclass
class Issue:
    year: int
    no: int
    total: int
    published: str  # YYYY-MM-DD
    state: int
    docs: list[Doc]


def hex_id(*parts: str) -> str:
    """The stable 32-hex page name of a document: a digest of what identifies it."""
    return hashlib.md5("|".join(parts).encode("utf-8")).hexdigest()


def stamp(day: str, hour: int = 14, minute: int = 6) -> datetime:
    return datetime.strptime(day, "%Y-%m-%d").replace(hour=hour, minute=minute, tzinfo=CST)


# -- the archive being written ------------------------------------------------------------------
class ArchiveWriter:
    """Collects every (host, path, state) version, then writes blobs + manifest.json."""

    def __init__(self) -> None:
        self.versions: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
        self.blobs: dict[str, bytes] = {}

    def put(self, host: str, path: str, since: int, body: bytes | str, modified: datetime,
            content_type: str = "text/html") -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        sha = hashlib.sha256(data).hexdigest()
        self.blobs[sha] = data
        self._add(host, path, {"since": since, "blob": sha, "content_type": content_type,
                               "modified": int(modified.timestamp())})

    def remove(self, host: str, path: str, since: int) -> None:
        self._add(host, path, {"since": since, "blob": None})

    def remove_if_served(self, host: str, path: str, since: int) -> None:
        if path in self.versions.get(host, {}):
            self.remove(host, path, since)

    def _add(self, host: str, path: str, version: dict) -> None:
        versions = self.versions[host][path]
        versions[:] = [v for v in versions if v["since"] != version["since"]] + [version]
        versions.sort(key=lambda v: v["since"])
        # a version equal to the one before it is no change: keep the old ETag and date
        deduped: list[dict] = []
        for v in versions:
            if deduped and deduped[-1]["blob"] == v["blob"]:
                continue
            deduped.append(v)
        versions[:] = deduped

    def _settle_dates(self) -> None:
        """A page that changes must look newer (Last-Modified and the ETag derive from the date)."""
        for paths in self.versions.values():
            for versions in paths.values():
                last = None
                for v in versions:
                    if v["blob"] is None:
                        continue
                    if last is not None and v["modified"] <= last:
                        v["modified"] = last + 3600
                    last = v["modified"]

    def write(self, out: Path) -> tuple[int, int, int]:
        """Write blobs and manifest; returns (paths, blobs, bytes of blobs).

        A mirror may be serving this archive while it is rebuilt: new blobs go in first, then the
        manifest is swapped in whole, and only then do blobs nothing refers to any more go.
        """
        self._settle_dates()
        used = sorted({v["blob"] for paths in self.versions.values() for versions in paths.values()
                       for v in versions} - {None})
        for sha in used:
            target = out / "blobs" / sha[:2] / sha
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(self.blobs[sha])
        manifest = {"max_state": MAX_STATE,
                    "hosts": {host: dict(sorted(paths.items())) for host, paths in sorted(self.versions.items())}}
        staged = out / "manifest.json.tmp"
        staged.write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        os.replace(staged, out / "manifest.json")
        keep = set(used)
        for stale in (out / "blobs").glob("*/*"):
            if stale.name not in keep:
                stale.unlink()
        for folder in (out / "blobs").iterdir():
            if not any(folder.iterdir()):
                folder.rmdir()
        paths = sum(len(p) for p in self.versions.values())
        return paths, len(used), sum(len(self.blobs[sha]) for sha in used)


def shanghai_issues() -> list[Issue]:
    issue13 = split_gazette(seed("002"), ISSUE_13, "2022-07-05")
    split_attachment(issue13[0], "加快推进南北转型发展的支持政策")
    issue14 = split_gazette(seed("001"), ISSUE_14, "2022-07-20")
    npc = "上海市人民代表大会常务委员会"
    # The old texts of the five regulations, in force before the 2024-12-31 decision.
    old_laws = [law_doc(case, "old.md", "2021-12-20", "地方性法规", npc) for case in SH_CASES]
    decision_doc = law_doc(SH_CASES[0], "decision.md", "2024-12-31", "地方性法规", npc)
    new_laws = [law_doc(case, "new.md", "2024-12-31", "地方性法规", npc) for case in SH_CASES]
    return [
        Issue(2021, 24, 504, "2021-12-20", 0, old_laws),
        Issue(2022, 13, 517, "2022-07-05", 0, issue13),
        Issue(2022, 14, 518, "2022-07-20", 1, issue14),
        Issue(2025, 2, 554, "2025-01-20", 2, [decision_doc] + new_laws),
    ]


def gazette_doc_path(issue: Issue, doc: Doc) -> str:
    code = SECTIONS[doc.section]
    return f"/{issue.year}{issue.no:02d}{code}/{doc.date.replace('-', '')}/{hex_id('gazette', doc.title, doc.date)}.html"


def gazette_pdf_path(issue: Issue) -> str:
    short = f"{issue.year % 100:02d}{issue.no:02d}"
    return f"/newshanghai2018/zfgb/{issue.year}{issue.no:02d}/ZFGB{short}.pdf"


def attachment_path(doc: Doc, attachment: Doc) -> str:
    return f"/cmsres/{hex_id('attachment', doc.title)[:2]}/{hex_id('attachment', doc.title, attachment.title)}.pdf"


def year_path(year: int) -> str:
    return f"/nw2404/nw{year}/index.html"


def issue_path(issue: Issue) -> str:
    return f"/nw2404/nw{issue.year}/{issue.year}{issue.no:02d}/index.html"


# Changes the states make to pages of the gazette (see the module docstring).
FORMATTING_ONLY = ("2022-13", "关于《上海市数字经济发展“十四五”规划》的政策解读")  # state 2
DISAPPEARS = ("2022-13", "关于《上海市电子证照管理办法》的政策解读")  # state 3: 404


def reformat(paragraphs: list[str]) -> list[str]:
    """The same words with full-width punctuation and stray spaces: a change in formatting only."""
    table = str.maketrans({",": "，", ":": "：", ";": "；", "(": "（", ")": "）"})
    return [p.translate(table) + "　" for p in paragraphs]


def build_shanghai_gazette(out: ArchiveWriter, renderer: PdfRenderer | None) -> list[tuple[Doc, int]]:
    """The gazette's index, years, issues, documents and PDFs; returns (document, state published)."""
    issues = shanghai_issues()
    for state in range(MAX_STATE + 1):
        visible = [i for i in issues if i.state <= state]
        years = sorted({i.year for i in visible}, reverse=True)
        out.put(SH, "/nw2404/index.html", state, pages.gazette_index(years, year_path),
                stamp(max(i.published for i in visible)))
        for year in years:
            in_year = sorted((i for i in visible if i.year == year), key=lambda i: -i.no)
            out.put(SH, year_path(year), state,
                    pages.gazette_year(year, [(issue_path(i), i.year, i.no, i.total, i.published) for i in in_year]),
                    stamp(in_year[0].published))
    for issue in issues:
        key = f"{issue.year}-{issue.no}"
        toc = [(doc.section, doc.title, gazette_doc_path(issue, doc)) for doc in issue.docs]
        out.put(SH, issue_path(issue), issue.state,
                pages.gazette_issue(issue.year, issue.no, issue.total, issue.published, toc, gazette_pdf_path(issue)),
                stamp(issue.published))
        for doc in issue.docs:
            path = gazette_doc_path(issue, doc)
            links = [(attachment_path(doc, a), a.title + ".pdf") for a in doc.attachments]
            related = [(p, t) for s, t, p in toc if p != path][:3]
            def render(paragraphs: list[str], doc: Doc = doc, links: list = links, related: list = related) -> str:
                return pages.shanghai_document(doc.title, doc.number, doc.date, doc.source, paragraphs, links,
                                               related, column="市政府公报")
            out.put(SH, path, issue.state, render(doc.paragraphs), stamp(issue.published))
            if (key, doc.title) == FORMATTING_ONLY:
                out.put(SH, path, 2, render(reformat(doc.paragraphs)), stamp("2025-01-20", 9, 30))
            if (key, doc.title) == DISAPPEARS:
                out.remove(SH, path, 3)
            if renderer:
                for attachment, (href, _) in zip(doc.attachments, links):
                    out.put(SH, href, issue.state, renderer.render([attachment]), stamp(issue.published),
                            "application/pdf")
        if renderer:
            out.put(SH, gazette_pdf_path(issue), issue.state,
                    renderer.render(issue.docs, f"上海市人民政府公报 {issue.year}年第{issue.no}期（总第{issue.total}期）"),
                    stamp(issue.published), "application/pdf")
    return [(doc, issue.state) for issue in issues for doc in issue.docs]


# -- the series and the rules library from seed 003 ----------------------------------------------
SERIES = {  # listing path -> (name, 文号 prefixes it lists)
    "/nw42944/index.html": ("沪府规", ("沪府规",)),
    "/nw42850/index.html": ("沪府办规", ("沪府办规",)),
    "/nw2407/index.html": ("市政府令", ("上海市人民政府令",)),
    "/nw11407/index.html": ("沪府发", ("沪府发",)),
    "/nw11408/index.html": ("沪府办发", ("沪府办发",)),
    "/nw39221/index.html": ("沪府办", ("沪府办〔",)),
}
SERIES_PAGE_SIZE = 3  # small pages, so every series paginates as the real ones do
# Listings that print their page count in a pagination script; the others page with JavaScript only.
COUNTED_SERIES = ("/nw2407/index.html",)
LIBRARY_POSTED = ("20210608", "20210609")  # the library's pages were posted on these days, whatever the rule's date
GBK_BEFORE = "2020-01-01"  # older pages of the portal are still GB2312 pages


def page_path(listing: str, n: int) -> str:
    """index.html, index_2.html, index_3.html… as the portal paginates its listings."""
    return listing if n == 1 else listing.replace("index.html", f"index_{n}.html")


def series_doc_path(doc: Doc) -> str:
    return f"/nw12344/{doc.date.replace('-', '')}/{hex_id('series', doc.title, doc.number or '')}.html"


def library_path(rule: Doc) -> str:
    """The detail URL's date is the day the page was posted, not the rule's date."""
    page = hex_id("rule", rule.title)
    posted = max(LIBRARY_POSTED[int(page[0], 16) % 2], rule.date.replace("-", ""))
    return f"/xxzfgzwj/{posted}/{page}.html"


def encode_page(page: str, date: str) -> tuple[bytes, str]:
    """Pages older than GBK_BEFORE are GB2312 pages (bytes in gb18030), sent without a charset."""
    if date < GBK_BEFORE:
        return page.replace("charset=utf-8", "charset=gb2312", 1).encode("gb18030"), "text/html"
    return page.encode("utf-8"), "text/html"


PROMULGATION_RE = re.compile(r"^[（(](\d{4})年(\d{1,2})月(\d{1,2})日.*[）)]$")
REPEALED_RE = re.compile(r"^（[一二三四五六七八九十]+）(上海市.+?)（(\d{4})年(\d{1,2})月(\d{1,2})日(.+)）$")


def build_series_and_library(out: ArchiveWriter) -> list[tuple[Doc, int]]:
    """The series listings and documents, and the rules library; returns (document, state published)."""
    docs, states, amended = split_crawl(seed("003"))
    # series documents
    for doc, since in zip(docs, states):
        body, ctype = encode_page(pages.shanghai_document(doc.title, doc.number, doc.date, doc.source,
                                                          doc.paragraphs, [], [], column="政府信息公开",
                                                          indent=True, body_in_xggj=doc.date < GBK_BEFORE), doc.date)
        out.put(SH, series_doc_path(doc), since, body, stamp(doc.date), ctype)
    for listing, (name, prefixes) in SERIES.items():
        for state in range(MAX_STATE + 1):
            members = sorted((d for d, s in zip(docs, states) if s <= state and d.number.startswith(prefixes)),
                             key=lambda d: (d.date, d.number), reverse=True)
            if not members:
                continue
            chunks = [members[i:i + SERIES_PAGE_SIZE] for i in range(0, len(members), SERIES_PAGE_SIZE)]
            for n, chunk in enumerate(chunks, start=1):
                out.put(SH, page_path(listing, n), state, pages.series_listing(
                    name, [(series_doc_path(d), d.title, d.date) for d in chunk], n,
                    len(chunks) if listing in COUNTED_SERIES else None), stamp(chunk[0].date))
            for n in range(len(chunks) + 1, 10):  # pages past the end answer 404
                out.remove_if_served(SH, page_path(listing, n), state)

    # the rules library
    decision = next(d for d in docs if d.number == "上海市人民政府令第13号")
    repealed = []
    for p in decision.paragraphs:
        m = REPEALED_RE.match(p)
        if m:
            name, y, mo, d, rest = m.groups()
            repealed.append(Doc(title=name, paragraphs=[f"（{y}年{mo}月{d}日{rest}）"], date=iso(y, mo, d)))
    rules_in_force = []
    for number in ("上海市人民政府令第74号", "上海市人民政府令第1号"):
        order = next(d for d in docs if d.number == number)
        # the library shows the rule itself: from its promulgation line on, without the 令 above it
        start = next(i for i, p in enumerate(order.paragraphs) if PROMULGATION_RE.match(p))
        rules_in_force.append(Doc(title=order.title, paragraphs=order.paragraphs[start:], date=order.date))
    # Amended in state 3 by 令第13号: before it, the corpus holds no text of these rules, so their
    # pages show the title and the promulgation line without the 令第13号 amendment only.
    amended_before, amended_after = [], []
    for rule in amended.values():
        line = rule.paragraphs[0]
        m = PROMULGATION_RE.match(line)
        date = iso(*m.groups())
        before_line = re.sub(r"[\s\u3000]*根据2024年4月2日上海市人民政府令第13号[^　）]*", "", line)
        amended_before.append(Doc(title=rule.title, paragraphs=[before_line], date=date))
        amended_after.append(Doc(title=rule.title, paragraphs=rule.paragraphs, date=date))
    # 令第68号 (gazette state 1) repeals this rule; the corpus gives its title and 令 line only.
    family_planning = Doc(title="上海市流动人口计划生育工作规定", paragraphs=["（2011年12月22日上海市人民政府令第74号公布）"],
                          date="2011-12-22")

    def library_at(state: int) -> list[Doc]:
        rules = list(rules_in_force) + (amended_after if state >= 3 else amended_before)
        if state < 3:
            rules += repealed
        if state < 1:
            rules.append(family_planning)
        return sorted(rules, key=lambda r: (r.date, r.title), reverse=True)

    for state in range(MAX_STATE + 1):
        rules = library_at(state)
        chunks = [rules[i:i + 10] for i in range(0, len(rules), 10)]
        for n in range(len(chunks) + 1, 10):  # pages past the end, when the library shrinks
            out.remove_if_served(SH, page_path("/xxzfgzwj/index.html", n), state)
        for n, chunk in enumerate(chunks, start=1):
            path = page_path("/xxzfgzwj/index.html", n)
            rows = [(library_path(r), r.title, r.paragraphs[0] if PROMULGATION_RE.match(r.paragraphs[0]) else
                     f"（{r.date[:4]}年{int(r.date[5:7])}月{int(r.date[8:])}日上海市人民政府令公布）") for r in chunk]
            out.put(SH, path, state, pages.rules_listing(rows, n), stamp("2025-06-01"))
        gone = {library_path(r) for r in library_at(state - 1)} - {library_path(r) for r in rules} if state else set()
        for path in gone:
            out.remove(SH, path, state)
        for rule in rules:
            body, ctype = encode_page(pages.rule_page(rule.title, rule.date, rule.paragraphs), rule.date)
            out.put(SH, library_path(rule), state, body, stamp(rule.date), ctype)
    return list(zip(docs, states))


# -- service.shanghai.gov.cn: the normative-document database -------------------------------------
NDOC = "/XingZhengWenDangKuJyh/"
NDOC_PAGE_SIZE = 10


def ndoc_detail_path(doc: Doc) -> str:
    return f"{NDOC}XZGFDetails.aspx?docid=REPORT_NDOC_{int(hex_id('ndoc', doc.title)[:5], 16):06d}"


def build_normative_db(out: ArchiveWriter, published: list[tuple[Doc, int]]) -> None:
    """The 规范性文件 (沪府规, 沪府办规 …) of the gazette and the series, listed as the database lists them."""
    normative = [(doc, since) for doc, since in published if doc.number and "规〔" in doc.number]
    for doc, since in normative:
        out.put(SERVICE, ndoc_detail_path(doc), since,
                pages.shanghai_document(doc.title, doc.number, doc.date, doc.source, doc.paragraphs, [], [],
                                        column="行政规范性文件"), stamp(doc.date))
    for state in range(MAX_STATE + 1):
        docs = sorted((d for d, since in normative if since <= state), key=lambda d: d.date, reverse=True)
        chunks = [docs[i:i + NDOC_PAGE_SIZE] for i in range(0, len(docs), NDOC_PAGE_SIZE)]
        for n, chunk in enumerate(chunks, start=1):
            # the database writes some numbers with a space before 号, as 沪府办规〔2020〕17 号
            rows = [("./" + ndoc_detail_path(d)[len(NDOC):], d.title,
                     d.number.replace("号", " 号") if i % 2 else d.number, d.date) for i, d in enumerate(chunk)]
            page = pages.normative_list(rows, n, len(chunks))
            out.put(SERVICE, f"{NDOC}XZGFList.aspx?currentPage={n}&pagesize={NDOC_PAGE_SIZE}", state, page,
                    stamp(chunk[0].date))
            if n == 1:
                out.put(SERVICE, f"{NDOC}XZGFList.aspx", state, page, stamp(chunk[0].date))


# -- www.gov.cn: the State Council gazette ---------------------------------------------------------
@dataclass
class GovIssue:
    year: int
    no: int
    issue_id: int  # as the real ids run: 2013 ≈ 3400–3900, 2016 ≈ 5125–5900, 2024年第33号 = 11726
    published: str
    state: int
    docs: list[tuple[int, list[str], Doc]]  # (content id, the TOC entry's lines, document)


def gov_issues() -> list[GovIssue]:
    def law(case: str, name: str, date: str, source: str) -> Doc:
        return law_doc(case, name, date, "", source)

    decision = law("nianjie", "decision.md", "2024-11-10", "国务院")
    return [
        GovIssue(2013, 36, 3923, "2013-12-30", 0, [
            (2591512, ["全国年节及纪念日放假办法"], law("nianjie", "old.md", "2013-12-11", "国务院"))]),
        GovIssue(2016, 34, 5901, "2016-12-10", 0, [
            (5146380, ["中华人民共和国对外贸易法"], law("duiwaimaoyi", "old.md", "2016-11-07", "全国人民代表大会常务委员会"))]),
        GovIssue(2024, 33, 11726, "2024-11-30", 2, [
            (6986381, ["中华人民共和国国务院令（第797号）", decision.title], decision),
            (6986382, ["全国年节及纪念日放假办法"], law("nianjie", "new.md", "2024-11-10", "国务院")),
        ]),
    ]


MALFORMED = 5146380  # this page is served with a doubled <html> and unclosed tags, as some real ones are
NEW_LINKS_FROM = 2023  # issues from 2023 on link ./{YYYYMM}/content_N.html; older ones ../../content/YYYY/…


def gov_issue_path(issue: GovIssue) -> str:
    return f"/gongbao/{issue.year}/issue_{issue.issue_id}/"


def gov_content_rel(issue: GovIssue, content_id: int, doc: Doc) -> str:
    if issue.year >= NEW_LINKS_FROM:
        return f"./{doc.date[:4]}{doc.date[5:7]}/content_{content_id}.html"
    return f"../../content/{issue.year}/content_{content_id}.htm"


def gov_index(issues: list[GovIssue]) -> str:
    """gbgl.json as the real one is: year keys 2024年, issue keys 第33号, absolute gname, serial 0."""
    values: dict[str, dict] = {}
    for issue in sorted(issues, key=lambda i: (i.year, i.no), reverse=True):
        values.setdefault(f"{issue.year}年", {})[f"第{issue.no}号"] = {
            "channelId": str(19000 + issue.issue_id % 1000), "gid": None,
            "gname": f"https://{GOV}{gov_issue_path(issue)}", "issue": f"第{issue.no}号", "iszk": 0,
            "pubtime": None, "pubtimeStr": "", "seqNum": 0, "serial": 0}
    return "\ufeff" + json.dumps([{"values": values}], ensure_ascii=False, indent=1)


def gov_legacy_index(issues: list[GovIssue]) -> str:
    """The older /gbgl/xhtml/js/gbgl.json: y2024 keys and gnames relative to the file."""
    values: dict[str, dict] = {}
    for issue in sorted(issues, key=lambda i: (i.year, i.no), reverse=True):
        values.setdefault(f"y{issue.year}", {})[f"issue{issue.no}"] = {
            "issue": f"{issue.year}年第{issue.no}号", "gname": "../../.." + gov_issue_path(issue), "serial": 0}
    return json.dumps([{"values": values}], ensure_ascii=False)


def build_gov(out: ArchiveWriter, renderer: PdfRenderer | None) -> None:
    issues = gov_issues()
    out.put(GOV, "/robots.txt", 0, pages.GOV_ROBOTS, stamp("2013-01-01"), "text/plain")
    out.put(SH, "/robots.txt", 0, pages.SH_ROBOTS, stamp("2013-01-01"), "text/plain")
    out.put(SERVICE, "/robots.txt", 0, pages.SH_ROBOTS, stamp("2013-01-01"), "text/plain")
    for state in range(MAX_STATE + 1):
        visible = [i for i in issues if i.state <= state]
        modified = stamp(max(i.published for i in visible))
        out.put(GOV, "/gongbao/gbgl.json", state, gov_index(visible), modified, "application/json")
        out.put(GOV, "/gbgl/xhtml/js/gbgl.json", state, gov_legacy_index(visible), modified, "application/json")
    for issue in issues:
        base = gov_issue_path(issue)
        # the whole-issue PDF exists for new issues only; old issue pages leave the link empty
        pdf_rel = f"./material/gwygb{issue.year}{issue.no:02d}.pdf" if issue.year >= NEW_LINKS_FROM else ""
        toc = [(gov_content_rel(issue, cid, doc), lines) for cid, lines, doc in issue.docs]
        out.put(GOV, base, issue.state, pages.gov_issue(issue.year, issue.no, toc, pdf_rel), stamp(issue.published),
                "text/html; charset=utf-8")  # the one kind of page here sent with a charset header
        for (rel, lines), (cid, _, doc) in zip(toc, issue.docs):
            page = pages.gov_article("\u3000\u3000".join(lines), issue.year, issue.no, doc.date, cid, doc.paragraphs,
                                     malformed=cid == MALFORMED)
            path = urljoin(f"https://{GOV}{base}", rel)[len(f"https://{GOV}"):]
            out.put(GOV, path, issue.state, page, stamp(doc.date, 10, 0))
        if renderer and pdf_rel:
            out.put(GOV, base + pdf_rel[2:], issue.state,
                    renderer.render([d for _, _, d in issue.docs], f"中华人民共和国国务院公报 {issue.year}年第{issue.no}号"),
                    stamp(issue.published), "application/pdf")


# -- the Shanghai policy platform's API (POST /gwk/policy/page, /gwk/policy/detail) -----------------
POLICY_PAGE, POLICY_DETAIL = "/gwk/policy/page", "/gwk/policy/detail"


def build_policy_platform(out: ArchiveWriter, published: list[tuple[Doc, int]]) -> None:
    """Every numbered Shanghai document also appears on the policy platform: the archive holds all
    records of each state (the server pages them) and one detail answer per document."""
    numbered = [(doc, since) for doc, since in published if doc.number]
    for doc, since in numbered:
        business = hex_id("policy", doc.title, doc.number)[:16]
        txt = "".join(f"<p>{pages.esc(p)}</p>" for p in [doc.number] + doc.paragraphs)
        detail = {"code": 200, "data": {"businessId": business, "title": doc.title, "txt": txt}}
        out.put(SH, f"{POLICY_DETAIL}?businessId={business}", since, json.dumps(detail, ensure_ascii=False),
                stamp(doc.date), "application/json")
    for state in range(MAX_STATE + 1):
        visible = sorted(((d, s) for d, s in numbered if s <= state), key=lambda pair: (pair[0].date, pair[0].number),
                         reverse=True)
        records = [{"title": doc.title, "publishDate": f"{doc.date} 00:00:00", "siteId": "1",
                    "businessId": hex_id("policy", doc.title, doc.number)[:16], "effectiveFlag": "1",
                    "attrs": {"agency": doc.source, "documentAgency": doc.number, "policyLevel": "市级",
                              "zwPDFUrl": ""}} for doc, _ in visible]
        out.put(SH, POLICY_PAGE, state, json.dumps(records, ensure_ascii=False), stamp("2025-06-01"),
                "application/json")


# -- www.gov.cn: the latest-policy feed and the policy library ------------------------------------
POLICY_FEED = "/zhengce/zuixin/ZUIXINZHENGCE.json"
POLICY_LIBRARY = "/zhengce/zhengceku/gwywj/index.htm"


def build_gov_policy(out: ArchiveWriter) -> None:
    """The State Council documents of the gazette issues, also published as policies."""
    policies = []  # (state, content path, title, number, date, document)
    for issue in gov_issues():
        for cid, lines, doc in issue.docs:
            if doc.source != "国务院":
                continue
            number = next((re.sub(r"[（）]", "", line) for line in lines if "令（" in line), None)
            path = f"/zhengce/content/{doc.date[:4]}{doc.date[5:7]}/content_{cid + 1}.htm"
            policies.append((issue.state, path, doc.title, number, doc.date, doc))
    for state, path, title, number, date, doc in policies:
        out.put(GOV, path, state, pages.policy_page(title, number, doc.source, date, date, "综合政务\\其他",
                                                    doc.paragraphs), stamp(date, 16, 0))
    for state in range(MAX_STATE + 1):
        visible = sorted((p for p in policies if p[0] <= state), key=lambda p: p[4], reverse=True)  # stable
        feed = [{"TITLE": title, "SUB_TITLE": number or "", "URL": f"https://{GOV}{path}",
                 "DOCRELPUBTIME": date} for _, path, title, number, date, _ in visible]
        out.put(GOV, POLICY_FEED, state, json.dumps(feed, ensure_ascii=False), stamp(visible[0][4]), "application/json")
        out.put(GOV, POLICY_LIBRARY, state, pages.policy_library([(path, title, date) for _, path, title, _, date, _
                                                                   in visible]), stamp(visible[0][4]))


def build(out: Path = ARCHIVE, pdf: bool = True) -> tuple[int, int, int]:
    """Build the whole archive into ``out``; returns (paths, blobs, bytes of blobs)."""
    writer = ArchiveWriter()
    renderer = PdfRenderer() if pdf else None
    try:
        published = build_shanghai_gazette(writer, renderer) + build_series_and_library(writer)
        build_normative_db(writer, published)
        build_policy_platform(writer, published)
        build_gov(writer, renderer)
        build_gov_policy(writer)
    finally:
        if renderer:
            renderer.close()
    return writer.write(out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m mirror.build", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ARCHIVE, help="archive directory (default mirror/archive)")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDFs (no Chromium needed)")
    args = parser.parse_args(argv)
    paths, blobs, size = build(args.out, pdf=not args.no_pdf)
    print(f"built {args.out}: {paths} paths, {blobs} blobs, {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
