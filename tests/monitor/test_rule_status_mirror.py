"""Facts about rules through the whole offline mirror story (the demo's): no rule in force is shown
已废止 or 已失效, two rules issued under one 令 number in different years stay apart, and the rules
令第13号 amends are reported amended with their clause changes."""
from __future__ import annotations

import pytest

from mirror.server import MirrorServer
from monitor.config import load
from regwatch import api
from snapshots import Store

from test_pipeline_helpers import write_config

ORDER_13 = "上海市人民政府关于修改和废止部分市政府规章的决定"
MEDICAL = "上海市医患纠纷预防与调解办法"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    directory = tmp_path_factory.mktemp("rule-status")
    with MirrorServer(state=0) as mirror:
        config = load(write_config(directory, mirror.urls))
        with Store(config.store) as store:
            api.cycle_through_mirror(config, store, mirror)
            yield store


# What the mirror's rules library lists at its last state (mirror/build.py): the 令第74号 and 令第1号
# rules and the six rules 令第13号 amends; plus the regulations the 2024 decisions amended.
IN_FORCE = ("上海市行政执法证管理办法", "上海市行政执法监督办法", "上海市医患纠纷预防与调解办法",
            "上海市市标制作使用管理暂行规定", "上海市安全生产事故隐患排查治理办法", "上海市停车场(库)管理办法",
            "上海市流动户外广告设置管理规定", "上海市国有土地上房屋征收与补偿实施细则", "上海市音像制品管理条例",
            "上海市社会救助条例", "上海市检验检测条例", "全国年节及纪念日放假办法")


def test_no_rule_in_force_is_shown_repealed_or_expired(store):
    status = {r["name"]: r for r in api.status(store)}
    for name in IN_FORCE:
        assert status[name]["status"] == "现行有效", (name, status[name]["cause"])


def test_every_repeal_and_expiry_names_its_document_and_date(store):
    for rule in api.status(store):
        if rule["status"] in ("已废止", "已失效"):
            assert rule["since"] and rule["by_title"], rule
            # Inside 《》 the title's own quoted names take 〈〉.
            quoted = rule["by_title"].replace("《", "〈").replace("》", "〉")
            assert f"《{quoted}》" in rule["cause"] and rule["since"] in rule["cause"], rule["cause"]


def test_two_rules_issued_as_order_12_stay_apart(store):
    titles = {d["title"]: d for d in store.documents("shanghai-rules")}
    medical, bonded = titles["上海市医患纠纷预防与调解办法"], titles["上海市外高桥保税区人员和车辆入出管理办法"]
    assert medical["id"] != bonded["id"] and medical["rule_id"] != bonded["rule_id"]
    status = {r["id"]: r for r in api.status(store)}
    assert status[bonded["rule_id"]]["status"] == "已废止" and status[bonded["rule_id"]]["by_title"] == ORDER_13
    assert status[medical["rule_id"]]["status"] == "现行有效"
    assert [a["by_title"] for a in status[medical["rule_id"]]["amendments"]] == [ORDER_13]


def test_order_13_amendments_are_reported_with_their_clause_changes(store):
    amended = {e["rule"]: e for e in api.events(store, kind="amended") if e["by"] == ORDER_13}
    # The six rules whose republished 题注 cites 令第13号 (mirror state 3).
    assert {"上海市医患纠纷预防与调解办法", "上海市市标制作使用管理暂行规定", "上海市安全生产事故隐患排查治理办法",
            "上海市停车场(库)管理办法", "上海市流动户外广告设置管理规定",
            "上海市国有土地上房屋征收与补偿实施细则"} <= set(amended)
    for name, event in amended.items():
        assert event["effective"] == "2024-05-15", name
        assert sum(event["changes"].values()) >= 1, name
    # 市标 part: 第四条、第五条 modified, 删去第六条, 第九条改为第八条 …, 增加一条.
    changes = amended["上海市市标制作使用管理暂行规定"]["changes"]
    assert changes["deleted"] >= 1 and changes["added"] >= 1 and changes["renumbered"] >= 1


def test_status_at_a_date_shows_the_amendment_decided_but_not_yet_in_force(store):
    before = {r["name"]: r for r in api.status(store, at="2024-05-01")}[MEDICAL]
    assert before["status"] == "现行有效" and before["amendments"] == []
    assert (before["pending"]["status"], before["pending"]["since"], before["pending"]["by_title"]) == \
        ("尚未生效的修改", "2024-05-15", ORDER_13)
    assert "尚未生效的修改：2024-05-15起" in before["cause"]
    after = {r["name"]: r for r in api.status(store, at="2024-05-15")}[MEDICAL]
    assert after["pending"] is None and "1次修正" in after["cause"]
