"""A store holding real corpus texts and the events the monitor records for them.

- 全国年节及纪念日放假办法 (国务院公报): first seen, its 2024 amending decision, then the republished text
  (eval-dev nianjie), all through the monitor's pipeline;
- 上海市音像制品管理条例 (上海市人民政府公报 2025年第1期): amended by the 2024 decision (eval-dev sh-yinxiang);
- 上海市公路管理条例: repealed (a test fact: the event only, as the pipeline records it);
- 上海市鼓励设立和发展外资研发中心的规定 (seed 003): expiring 2025-11-30;
- a source error of 国务院公报.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from monitor.pipeline import save
from monitor.sources.base import DocumentRef, FetchedDocument

ROOT = Path(__file__).resolve().parents[2]
EVAL_DEV = ROOT / "corpus" / "eval-dev"
SEEDS = ROOT / "corpus" / "seeds"
SH_GAZETTE, STATE_GAZETTE = "上海市人民政府公报", "国务院公报"
NIANJIE_DECISION = "国务院关于修改《全国年节及纪念日放假办法》的决定"
NIANJIE_URLS = ("http://127.0.0.1/gongbao/nianjie-2013.htm", "http://127.0.0.1/gongbao/decision-2024.htm",
                "http://127.0.0.1/gongbao/nianjie-2024.htm")
DECISION_2024 = "上海市人民代表大会常务委员会关于修改《上海市公路管理条例》等10件地方性法规的决定"
# A regwatch.toml subscription following the 放假办法: its decision, amendment and both texts (4 events).
HOLIDAYS = """[[subscription]]
name = "holidays"
emails = ["hr@example.cn"]
rules = ["全国年节及纪念日放假办法"]
"""


def eval_text(case: str, name: str) -> str:
    return (EVAL_DEV / case / f"{name}.md").read_text(encoding="utf-8")


def research_centres_rule() -> str:
    """The 规定 inside seed 003 that states 有效期至2025年11月30日 (its last line runs into the next document)."""
    (path,) = SEEDS.glob("003_*.txt")
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index("上海市鼓励设立和发展外资研发中心的规定")
    end = next(i for i in range(start, len(lines)) if "有效期至2025年11月30日" in lines[i])
    return "\n".join(lines[start:end] + ["本规定自2020年12月1日起施行，有效期至2025年11月30日。"])


@dataclass
class Scenario:
    store: object
    events: dict[str, int] = field(default_factory=dict)
    versions: dict[str, tuple[int, int]] = field(default_factory=dict)  # name -> (old version id, new version id)
    documents: dict[str, int] = field(default_factory=dict)

    def texts(self, name: str) -> tuple[str, str]:
        case = {"nianjie": "nianjie", "yinxiang": "sh-yinxiang"}[name]
        return eval_text(case, "old"), eval_text(case, "new")


def _last_event(store) -> int:
    return store.db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]


def _save(store, source: str, url: str, text: str, meta: dict, at: str):
    return store.save_version(source, url, text.encode("utf-8"), text, meta, at)


def _fetched(url: str, text: str, meta: dict) -> FetchedDocument:
    return FetchedDocument(ref=DocumentRef(url=url, title=meta["title"]), url=url, raw=text.encode("utf-8"),
                           content_type="text/html", text=text, meta=meta)


def build(store) -> Scenario:
    """The 全国年节及纪念日放假办法 lineage goes through the monitor's pipeline (store, diff, decision,
    consolidation, events); the Shanghai events are recorded as the pipeline would."""
    s = Scenario(store)
    nianjie = {"title": "全国年节及纪念日放假办法", "issuer": "国务院", "doc_type": "行政法规", "section": "国务院文件"}
    decision = {**nianjie, "title": NIANJIE_DECISION, "doc_type": "国务院令", "issue": "2024年第33号",
                "published": "2024-11-12"}
    for name, url, text, meta in (
            ("nianjie_new", NIANJIE_URLS[0], eval_text("nianjie", "old"), {**nianjie, "published": "2013-12-11"}),
            ("decision_new", NIANJIE_URLS[1], eval_text("nianjie", "decision"), decision),
            ("nianjie_changed", NIANJIE_URLS[2], eval_text("nianjie", "new"),
             {**nianjie, "issue": "2024年第33号", "published": "2024-11-12"})):
        before = _last_event(store)
        save(store, STATE_GAZETTE, url, _fetched(url, text, meta))
        added = store.db.execute("SELECT id, kind FROM events WHERE id > ? ORDER BY id", [before]).fetchall()
        s.events[name] = next(i for i, kind in added if kind in ("new_document", "new_version"))
        for i, kind in added:
            if kind == "amended":
                s.events["nianjie_amended"] = i
    s.documents["nianjie"] = store.document_by_url(NIANJIE_URLS[0])["id"]
    versions = store.versions(s.documents["nianjie"])
    s.versions["nianjie"] = (versions[0]["id"], versions[-1]["id"])

    yinxiang_meta = {"title": "上海市音像制品管理条例", "issuer": "上海市人民代表大会常务委员会", "doc_type": "地方性法规",
                     "section": "地方性法规", "issue": "2025年第1期", "published": "2025-01-06"}
    url = "http://127.0.0.1/nw12344/yinxiang.html"
    y1 = _save(store, SH_GAZETTE, url, eval_text("sh-yinxiang", "old"), yinxiang_meta, "2024-12-01T00:00:00+00:00")
    y2 = _save(store, SH_GAZETTE, url, eval_text("sh-yinxiang", "new"), yinxiang_meta, "2025-01-06T00:00:00+00:00")
    s.documents["yinxiang"] = y1.document_id
    s.versions["yinxiang"] = (y1.version_id, y2.version_id)
    s.events["yinxiang_amended"] = store.add_event(
        "amended", at="2025-01-06T00:00:00+00:00", source=SH_GAZETTE, document_id=y1.document_id,
        version_id=y2.version_id, title="上海市音像制品管理条例", url=url, rule="上海市音像制品管理条例",
        by=DECISION_2024, by_url="http://127.0.0.1/nw12344/decision.html", effective="2024-12-31")
    s.events["gonglu_repealed"] = store.add_event(
        "repealed", at="2025-01-06T00:00:00+00:00", source=SH_GAZETTE, title="上海市公路管理条例",
        rule="上海市公路管理条例", by="上海市人民代表大会常务委员会关于废止《上海市公路管理条例》的决定",
        by_url="http://127.0.0.1/nw12344/repeal.html", effective="2025-03-01")

    rule_meta = {"title": "上海市鼓励设立和发展外资研发中心的规定", "issuer": "上海市人民政府", "doc_type": "规章",
                 "section": "市政府令", "issue": "2020年第22期", "published": "2020-11-05", "expires": "2025-11-30"}
    r1 = _save(store, SH_GAZETTE, "http://127.0.0.1/nw12344/rd.html", research_centres_rule(), rule_meta,
               "2020-11-05T00:00:00+00:00")
    s.documents["research"] = r1.document_id
    s.events["research_expiring"] = store.add_event(
        "expiring", at="2025-11-05T00:00:00+00:00", source=SH_GAZETTE, document_id=r1.document_id,
        version_id=r1.version_id, title=rule_meta["title"], effective="2025-11-30", days_left=25)
    s.events["state_error"] = store.add_event(
        "source_error", at="2025-11-05T01:00:00+00:00", source=STATE_GAZETTE, error="HTTP 503 from www.gov.cn",
        expected="ul.list li a", found="<html>维护中</html>")
    return s
