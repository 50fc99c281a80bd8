"""The change pipeline through the real offline mirror on loopback, state 0 to 3.

One mirror and one store go through the whole story once (module scope: each cycle costs seconds);
each test then checks one part of what the cycles recorded.
"""
from __future__ import annotations

import json
from datetime import date

import pytest

from mirror.server import MirrorServer
from regwatch import api
from monitor.config import load
from monitor.pipeline import run_cycle
from snapshots import Store

from test_pipeline_helpers import write_config

TODAY = date(2025, 3, 15)


@pytest.fixture(scope="module")
def story(tmp_path_factory):
    directory = tmp_path_factory.mktemp("pipeline")
    with MirrorServer(state=0) as mirror:
        config = load(write_config(directory, mirror.urls))
        store = Store(config.store)
        reports, counts = {}, {}

        def cycle(name):
            reports[name] = run_cycle(config, store, today=TODAY)
            counts[name] = {t: store.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                            for t in ("documents", "versions", "events")}

        cycle("first")
        cycle("again")
        for state in (1, 2, 3):
            mirror.set_state(state)
            cycle(f"state{state}")
        mirror.set_fault("www.gov.cn", "/gongbao/*", "layout")
        cycle("broken")
        mirror.clear_faults()
        cycle("repaired")
        yield store, reports, counts, config
        store.close()


def test_first_cycle_stores_everything(story):
    store, reports, counts, _ = story
    first = reports["first"]
    assert first.ok and first.total("error") == 0
    assert counts["first"]["documents"] == first.total("new") >= 40
    new_documents = store.conn.execute("SELECT count(*) FROM events WHERE kind = 'new_document' AND id <= ?",
                                       [counts["first"]["events"]]).fetchone()[0]
    assert new_documents == counts["first"]["documents"]
    # Every version's text and raw page are in the blobs, and readable.
    for document in store.documents()[:10]:
        version = store.versions(document["id"])[0]
        assert store.version_text(document["id"], 1).strip()
        assert store.get_blob(version["raw_sha"])


def test_a_cycle_with_nothing_new_creates_nothing(story):
    _, reports, counts, _ = story
    assert counts["again"] == counts["first"]
    again = reports["again"]
    assert again.events == 0 and again.total("new") == again.total("changed") == 0
    # Conditional GET answered 304 or the hash matched: either way no version.
    assert again.total("not_modified") + again.total("unchanged") == sum(s.discovered for s in again.sources)


def test_a_republished_amended_rule_is_a_version_with_clause_diff_and_amended_event(story):
    store, _, _, _ = story
    document = api.find_document(store, "上海市音像制品管理条例")
    versions = store.versions(document["id"])
    assert len(versions) == 2
    summary = versions[1]["diff"]["summary"]
    assert summary["modified"] >= 1 and versions[1]["diff"]["pairs"]
    new_version = store.conn.execute("SELECT payload FROM events WHERE kind = 'new_version' AND version_id = ?",
                                     [versions[1]["id"]]).fetchone()
    assert new_version is not None
    amended = [e for e in api.events(store, kind="amended") if e["rule"] == "上海市音像制品管理条例"]
    assert len(amended) == 1
    assert "修改" in amended[0]["by"] and amended[0]["effective"] and amended[0]["document_id"] == document["id"]
    assert amended[0]["applied"] >= 1  # the decision was applied to the stored base text
    rule = store.rule(document["rule_id"])
    assert rule["status"] == "已被修改" and rule["by_title"] == amended[0]["by"]
    # The decision was applied to version 1, and version 2 was checked against that consolidation.
    decisions = [store.decision(row[0]) for row in store.conn.execute("SELECT document_id FROM decisions")]
    outcome = next(d["applied"][str(rule["id"])] for d in decisions if str(rule["id"]) in (d["applied"] or {}))
    assert outcome["base_version_id"] == versions[0]["id"] and not outcome["failed"]
    assert "discrepancies" in json.loads(new_version[0])


def test_a_repeal_decision_marks_the_rule_repealed_with_decision_and_date(story):
    store, _, _, _ = story
    repealed = api.status(store, at="2030-01-01", repealed=True)
    assert len(repealed) >= 17
    by_order13 = [r for r in repealed if "修改和废止部分市政府规章" in (r["by_title"] or "")]
    assert len(by_order13) >= 10
    rule = by_order13[0]
    assert rule["since"] and rule["by_url"].startswith("http://127.0.0.1:")
    events = [e for e in api.events(store, kind="repealed") if e["rule"] == rule["name"]]
    assert len(events) == 1 and events[0]["effective"] == rule["since"] and events[0]["by"] == rule["by_title"]


def test_status_at_differs_before_and_after_the_effective_date(story):
    store, _, _, _ = story
    rule = next(r for r in api.status(store, at="2030-01-01", repealed=True) if r["by_title"])
    day_before = date.fromordinal(date.fromisoformat(rule["since"]).toordinal() - 1).isoformat()
    before = {r["id"]: r for r in api.status(store, at=day_before)}[rule["id"]]
    after = {r["id"]: r for r in api.status(store, at=rule["since"])}[rule["id"]]
    assert before["status"] in ("现行有效", "已被修改") and after["status"] == "已废止"
    assert after["by_title"] == rule["by_title"] and before["by_title"] != rule["by_title"]


def test_formatting_only_change_makes_a_flagged_version_without_an_event(story):
    store, _, _, _ = story
    flagged = store.conn.execute("SELECT id, document_id FROM versions WHERE formatting_only = 1").fetchall()
    assert flagged
    for version_id, _ in flagged:
        assert not store.conn.execute("SELECT 1 FROM events WHERE version_id = ?", [version_id]).fetchone()


def test_a_page_that_disappears_is_marked_gone_not_deleted(story):
    store, reports, _, _ = story
    gone = [d for d in store.documents() if d["gone_at"]]
    assert reports["state3"].total("gone") >= 1 and gone
    assert all(store.versions(d["id"]) for d in gone)  # the texts stay


def test_a_failing_source_is_recorded_and_the_others_still_run(story):
    store, reports, _, _ = story
    broken, repaired = reports["broken"], reports["repaired"]
    failed = [s for s in broken.sources if not s.ok]
    assert [s.name for s in failed] == ["gov-gongbao"] and not broken.ok
    assert len(broken.sources) == 5 and all(s.ok for s in broken.sources if s.name != "gov-gongbao")
    error = store.events(kind="source_error", source="gov-gongbao")[0]
    assert error["payload"]["expected"] and error["payload"]["error"]
    assert repaired.ok  # the next cycle retries and succeeds
    assert store.conn.execute("SELECT last_error FROM sources WHERE name = 'gov-gongbao'").fetchone()[0] is None


def test_unchanged_bytes_are_recognised_before_extraction(tmp_path, monkeypatch):
    """With the validators forgotten every page comes back in full; its bytes' hash, equal to the
    last page at that URL, answers before the page is extracted."""
    from monitor.sources import base

    with MirrorServer(state=0) as mirror:
        config = load(write_config(tmp_path, mirror.urls))
        with Store(config.store) as store:
            first = run_cycle(config, store, today=TODAY)
            store.conn.execute("UPDATE urls SET etag = NULL, last_modified = NULL")
            extracted = []
            real_extract = base.Source.extract
            monkeypatch.setattr(base.Source, "extract", lambda self, page, ref: extracted.append(page.url)
                                or real_extract(self, page, ref))
            versions = store.conn.execute("SELECT count(*) FROM versions").fetchone()[0]
            again = run_cycle(config, store, today=TODAY)
            assert extracted == []
            assert first.total("new") >= 40
            assert again.total("unchanged") == sum(s.discovered for s in again.sources)
            assert store.conn.execute("SELECT count(*) FROM versions").fetchone()[0] == versions
            logged = store.conn.execute("SELECT count(*) FROM fetches WHERE outcome = 'unchanged' AND http_status = 200"
                                        " AND bytes > 0").fetchone()[0]
            assert logged == again.total("unchanged")
