"""Long texts take the candidate path (diffs.candidates): the passes that look for moved, split
and merged units score only units sharing distinctive trigrams. It must find what scoring every
pair finds."""
from __future__ import annotations

import importlib
import json
import random
from pathlib import Path

import pytest

from diffs import align as align_module
from diffs.compare import compare
from diffs.model import article_label

# diffs/__init__ exports the function compare under the module's name: reach the module itself.
compare_module = importlib.import_module("diffs.compare")

SUBJECTS = ["市场监督管理部门", "生态环境部门", "交通运输主管部门", "住房城乡建设部门", "卫生健康部门", "教育行政部门",
            "文化旅游部门", "公安机关", "应急管理部门", "水务部门", "绿化市容部门", "民政部门"]
ACTIONS = ["应当建立健全", "负责组织实施", "可以委托第三方开展", "应当定期公布", "会同有关部门制定", "依法查处"]
OBJECTS = ["信息公开制度", "风险评估机制", "投诉举报渠道", "信用评价办法", "应急处置预案", "专项检查计划",
           "培训考核标准", "资金使用报告", "监测网络规划", "档案管理规程"]


def article(rng: random.Random, k: int) -> str:
    # Each article names its own 事项 (a number written out) so no two are alike.
    parts = [f"{rng.choice(SUBJECTS)}{rng.choice(ACTIONS)}{rng.choice(OBJECTS)}" for _ in range(3)]
    return f"对于第{k}号事项，" + "，".join(parts) + f"，并于每年{k % 12 + 1}月报告实施情况。"


def law(articles: list[str]) -> str:
    return "\n\n".join(f"{article_label(k + 1)} {text}" for k, text in enumerate(articles))


@pytest.fixture(scope="module")
def long_pair():
    rng = random.Random(14)
    old = [article(rng, k) for k in range(400)]
    first, second = old[200], article(rng, 1000)
    old[200] = f"{first}\n\n{second}"                  # 第二百零一条 has two paragraphs (款) ...
    new = list(old)
    moved = new.pop(20).replace("并于每年", "并应当于每年")        # old 第二十一条, edited, moved to the end
    new[199:200] = [first, second]                       # ... which become two articles
    new.append(moved)
    return law(old), law(new)


def test_a_far_move_and_a_split_are_found_in_a_long_text(long_pair):
    old, new = long_pair
    assert 400 * 401 > align_module.EXHAUSTIVE          # the candidate path is the one taken
    result = compare(old, new)
    moved = [p for p in result.pairs if p.old_label == "第二十一条"]
    assert len(moved) == 1 and moved[0].new_label == "第四百零一条" and moved[0].moved
    assert moved[0].status == "modified"
    split = sorted(p.new_label for p in result.pairs if p.status == "split")
    assert split == ["第二百条", "第二百零一条"]
    assert {p.old_label for p in result.pairs if p.status == "split"} == {"第二百零一条"}
    assert result.summary["added"] == result.summary["deleted"] == 0


def test_candidates_give_the_pairs_that_scoring_every_pair_gives(eval_cases, long_pair, monkeypatch):
    folder = Path(__file__).resolve().parents[2] / "corpus" / "eval-dev"
    cases = [((folder / c["case"] / c["old"]).read_text(encoding="utf-8"),
              (folder / c["case"] / c["new"]).read_text(encoding="utf-8")) for c in eval_cases] + [long_pair]

    def results():
        return [json.dumps(compare(old, new).to_dict(), ensure_ascii=False) for old, new in cases]

    monkeypatch.setattr(align_module, "EXHAUSTIVE", 10**12)
    monkeypatch.setattr(compare_module, "EXHAUSTIVE", 10**12)
    every_pair = results()
    monkeypatch.setattr(align_module, "EXHAUSTIVE", 0)
    monkeypatch.setattr(compare_module, "EXHAUSTIVE", 0)
    assert results() == every_pair
