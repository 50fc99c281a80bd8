"""A store holding real corpus texts and the events the monitor records for them.

- 全国年节及纪念日放假办法 (国务院公报): first seen, then republished after the 2024 decision (eval-dev nianjie);
- 上海市音像制品管理条例 (上海市人民政府公报 2025年第1期): amended by the 2024 decision (eval-dev sh-yinxiang);
- 上海市公路管理条例: repealed (a test fact: the event only, as the pipeline records it);
- 上海市鼓励设立和发展外资研发中心的规定 (seed 003): expiring 2025-11-30;
- a source error of 国务院公报.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from diffs.compare import compare

ROOT = Path(__file__).resolve().parents[2]
EVAL_DEV = ROOT / "corpus" / "eval-dev"
SEEDS = ROOT / "corpus" / "seeds"
SH_GAZETTE, STATE_GAZETTE = "上海市人民政府公报", "国务院公报"
DECISION_2024 = "上海市人民代表大会常务委员会关于修改《上海市公路管理条例》等10件地方性法规的决定"


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


def _save(store, source: str, url: str, text: str, meta: dict, at: str):
    return store.save_version(source, url, text.encode("utf-8"), text, meta, at)


def build(store) -> Scenario:
    s = Scenario(store)
    nianjie_meta = {"title": "全国年节及纪念日放假办法", "issuer": "国务院", "doc_type": "行政法规",
                    "section": "国务院文件", "issue": "2024年第33号", "published": "2024-11-12"}
    v1 = _save(store, STATE_GAZETTE, "http://127.0.0.1/gongbao/nianjie.htm", eval_text("nianjie", "old"), nianjie_meta,
               "2024-11-01T00:00:00+00:00")
    s.documents["nianjie"] = v1.document_id
    s.events["nianjie_new"] = store.add_event("new_document", at="2024-11-01T00:00:00+00:00", source=STATE_GAZETTE,
                                              document_id=v1.document_id, version_id=v1.version_id,
                                              title=nianjie_meta["title"], url="http://127.0.0.1/gongbao/nianjie.htm")
    v2 = _save(store, STATE_GAZETTE, "http://127.0.0.1/gongbao/nianjie.htm", eval_text("nianjie", "new"), nianjie_meta,
               "2024-11-12T00:00:00+00:00")
    s.versions["nianjie"] = (v1.version_id, v2.version_id)
    s.events["nianjie_changed"] = store.add_event(
        "new_version", at="2024-11-12T00:00:00+00:00", source=STATE_GAZETTE, document_id=v1.document_id,
        version_id=v2.version_id, title=nianjie_meta["title"], url="http://127.0.0.1/gongbao/nianjie.htm",
        summary=compare(eval_text("nianjie", "old"), eval_text("nianjie", "new")).summary)

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
