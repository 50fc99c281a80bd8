"""Subscriptions in the store: by command, from regwatch.toml, and removal."""
from __future__ import annotations

import pytest

from diffs.errors import ConfigError, InputError
from notify import api
from snapshots import Store


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "regwatch.db")
    yield s
    s.close()


def test_subscribe_list_and_unsubscribe(store):
    a = api.subscribe(store, ["legal@example.cn", "ops@example.cn"], rules=["上海市音像制品管理条例"], frequency="daily", hour=9)
    b = api.subscribe(store, "ops@example.cn", kinds=["source_error"])
    listed = api.subscriptions(store)
    assert [(s.id, s.emails, s.filters.rules, s.frequency, s.hour) for s in listed] == [
        (a.id, ["legal@example.cn", "ops@example.cn"], ("上海市音像制品管理条例",), "daily", 9),
        (b.id, ["ops@example.cn"], (), "immediate", 8)]
    # By address: removed from both; the subscription left without an address is gone.
    assert [s.id for s in api.unsubscribe(store, "OPS@example.cn")] == [a.id, b.id]
    assert [(s.id, s.emails) for s in api.subscriptions(store)] == [(a.id, ["legal@example.cn"])]
    api.unsubscribe(store, str(a.id))
    assert api.subscriptions(store) == []
    with pytest.raises(InputError, match="no subscription"):
        api.unsubscribe(store, "nobody@example.cn")
    with pytest.raises(InputError):
        api.subscribe(store, "legal@example.cn", kinds=["gossip"])
    assert api.subscriptions(store) == []
    with pytest.raises(InputError, match="no subscription for legal@example.cn"):
        api.digest(store, {}, subscriber="legal@example.cn", dry_run=True)


def test_config_subscriptions_are_synced_by_name(store):
    own = api.subscribe(store, "me@example.cn")
    tables = [{"name": "legal", "emails": ["legal@example.cn"], "rules": ["上海市社会救助条例"]},
              {"email": "ops@example.cn", "kinds": ["source_error"], "frequency": "daily", "hour": 7}]
    first = api.sync_subscriptions(store, tables)
    assert [s.name for s in first] == ["config:legal", "config:2"]
    tables[0]["keywords"] = ["救助"]
    again = api.sync_subscriptions(store, tables[:1])
    assert again[0].id == first[0].id and again[0].filters.keywords == ("救助",)
    assert [s.name for s in api.subscriptions(store)] == [None, "config:legal"] and own.id == api.subscriptions(store)[0].id
    with pytest.raises(ConfigError, match=r"\[\[subscription\]\] number 1: unknown subscription filter colour"):
        api.sync_subscriptions(store, [{"emails": ["x@example.cn"], "colour": "red"}])
    assert [s.name for s in api.subscriptions(store)] == [None, "config:legal"]  # a bad config changes nothing
