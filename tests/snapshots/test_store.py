"""The store on real SQLite files: identity, idempotence, formatting-only versions, atomicity,
search, the rules registry and migration from an old schema."""
from __future__ import annotations

import sqlite3
import zlib
import hashlib

import pytest

from diffs.errors import StoreError
from snapshots import Store
from snapshots.schema import SCHEMA_VERSION

URL = "http://127.0.0.1/doc/1.html"
RULE = "第一条 为了规范音像制品管理，制定本条例。\n第二条 本条例适用于本市行政区域。"


def count(store, table):
    return store.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_same_content_twice_creates_nothing(store):
    first = store.save_version("s", URL, b"<html>raw</html>", RULE, {"title": "上海市音像制品管理条例"})
    before = {t: count(store, t) for t in ("documents", "versions", "blobs", "events")}
    again = store.save_version("s", URL, b"<html>raw</html>", RULE, {"title": "上海市音像制品管理条例"})
    assert (first.outcome, again.outcome, again.version_id) == ("new", "unchanged", None)
    assert {t: count(store, t) for t in before} == before
    assert store.version_text(first.document_id, 1) == RULE


def test_blobs_are_stored_once_compressed_and_verified(store):
    store.save_version("s", URL, RULE.encode(), RULE, {"title": "甲"})
    store.save_version("s", "http://127.0.0.1/doc/2.html", RULE.encode(), RULE, {"title": "乙"})
    assert count(store, "blobs") == 1  # raw bytes == text bytes here: one blob serves all four uses
    data, size, stored = store.conn.execute("SELECT data, size, stored_size FROM blobs").fetchone()
    assert zlib.decompress(data) == RULE.encode() and size == len(RULE.encode()) and stored == len(data)
    sha = hashlib.sha256(RULE.encode()).hexdigest()
    store.conn.execute("UPDATE blobs SET data = ? WHERE sha256 = ?", [zlib.compress(b"tampered"), sha])
    with pytest.raises(StoreError, match="corrupt"):
        store.get_blob(sha)


def test_formatting_only_change_is_a_flagged_version(store):
    store.save_version("s", URL, None, RULE, {"title": "上海市音像制品管理条例"})
    reformatted = RULE.replace("，", ",").replace("第二条 ", "第二条\u3000")
    result = store.save_version("s", URL, None, reformatted, {"title": "上海市音像制品管理条例"})
    assert result.outcome == "formatting"
    assert [v["formatting_only"] for v in store.versions(result.document_id)] == [0, 1]
    changed = store.save_version("s", URL, None, RULE.replace("本市", "上海市"), {"title": "上海市音像制品管理条例"})
    assert changed.outcome == "changed" and changed.previous_version_id == result.version_id


def test_rule_republished_at_a_new_url_continues_its_lineage(store):
    old = store.save_version("gazette", URL, None, RULE, {"title": "上海市音像制品管理条例", "published": "2021-01-01"})
    new = store.save_version("gazette", "http://127.0.0.1/doc/2025.html", None, RULE.replace("规范", "加强"),
                             {"title": "上海市音像制品管理条例（2025年修正）", "published": "2025-01-06"})
    assert new.document_id == old.document_id and new.outcome == "changed"
    assert new.previous_version_id == old.version_id
    document = store.document(old.document_id)
    assert document["url"].endswith("/2025.html") and document["published"] == "2025-01-06"
    # The old page still answers with the old text: not a new version (no ping-pong).
    assert store.save_version("gazette", URL, None, RULE, {"title": "上海市音像制品管理条例"}).outcome == "unchanged"
    assert len(store.versions(old.document_id)) == 2


def test_notices_with_the_same_title_stay_strangers(store):
    title = "上海市人民政府关于做好2022年防汛工作的通知"
    a = store.save_version("s", URL, None, "一、加强领导。", {"title": title})
    b = store.save_version("s", "http://127.0.0.1/doc/other.html", None, "一、落实责任。", {"title": title})
    assert a.document_id != b.document_id and b.outcome == "new"


def test_a_failed_transaction_leaves_nothing(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            result = store.save_version("s", URL, b"raw", RULE, {"title": "甲"})
            store.add_event("new_document", document_id=result.document_id)
            raise RuntimeError("crash in the middle")
    assert [count(store, t) for t in ("documents", "versions", "blobs", "events", "urls")] == [0, 0, 0, 0, 0]
    assert store.search("音像制品") == []


def test_search_uses_trigrams_and_like_for_short_terms(store):
    doc = store.save_version("s", URL, None, RULE, {"title": "上海市音像制品管理条例"})
    store.save_version("s", "http://127.0.0.1/doc/2.html", None, "第一条 本办法规范停车场。", {"title": "停车场管理办法"})
    hits = store.search("音像制品")
    assert [(h["document_id"], h["seq"]) for h in hits] == [(doc.document_id, 1)]
    assert {h["title"] for h in store.search("条")} == {"上海市音像制品管理条例", "停车场管理办法"}
    assert [h["title"] for h in store.search("停车")] == ["停车场管理办法"]
    assert store.search('"100%_') == [] and store.search("不存在的词语") == []


def test_rule_status_on_dates_and_history(store):
    doc = store.save_version("s", URL, None, RULE, {"title": "上海市音像制品管理条例"})
    rule_id = store.ensure_rule("上海市音像制品管理条例", "令第1号", doc.document_id, effective="2021-03-01",
                                expires="2030-12-31")
    store.set_rule_status(rule_id, "已被修改", since="2025-01-01", by_title="修改决定", by_url="http://x/d")
    store.set_rule_status(rule_id, "已废止", since="2026-03-01", by_title="废止决定", by_url="http://x/r")
    status = {on: store.rules(at=on)[0] for on in ("2020-06-01", "2022-01-01", "2025-06-01", "2026-03-01")}
    # The amended rule is in force in its amended text (as legal databases show it), with its 修正 listed;
    # the amendment decided but not yet in force shows as pending.
    assert [status[d]["status"] for d in sorted(status)] == ["尚未施行", "现行有效", "现行有效", "已废止"]
    assert status["2022-01-01"]["pending"] == {"status": "尚未生效的修改", "since": "2025-01-01",
                                               "by_document_id": None, "by_title": "修改决定", "by_url": "http://x/d"}
    assert [a["by_title"] for a in status["2025-06-01"]["amendments"]] == ["修改决定"]
    assert status["2025-06-01"]["pending"]["status"] == "尚未生效的废止"
    assert status["2026-03-01"]["by_title"] == "废止决定" and status["2026-03-01"]["since"] == "2026-03-01"
    assert [h["status"] for h in store.rule_history(rule_id)] == ["现行有效", "已被修改", "已废止"]
    assert store.ensure_rule("上海市音像制品管理条例（2025年修正）") == rule_id
    with pytest.raises(StoreError, match="unknown rule status"):
        store.set_rule_status(rule_id, "作废")


def test_expiry_without_a_later_cause_reads_as_expired(store):
    rule_id = store.ensure_rule("上海市试行管理办法", effective="2020-01-01", expires="2024-12-31")
    assert store.rules(at="2024-12-31")[0]["status"] == "现行有效"
    after = store.rules(at="2025-01-01")[0]
    assert (after["status"], after["since"], after["id"]) == ("已失效", "2025-01-01", rule_id)


# The version-1 schema exactly as the first release created it: a frozen fixture, not the live DDL.
V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE sources (name TEXT PRIMARY KEY, kind TEXT, url TEXT, last_run TEXT, last_ok TEXT, last_error TEXT);
CREATE TABLE blobs (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL, size INTEGER NOT NULL, stored_size INTEGER NOT NULL);
CREATE TABLE documents (id INTEGER PRIMARY KEY, source TEXT, url TEXT NOT NULL UNIQUE, title TEXT, number TEXT,
    issuer TEXT, doc_type TEXT, section TEXT, issue TEXT, published TEXT, effective TEXT, expires TEXT,
    rule_id INTEGER, first_seen TEXT, last_seen TEXT, gone_at TEXT);
CREATE TABLE versions (id INTEGER PRIMARY KEY, document_id INTEGER NOT NULL REFERENCES documents(id),
    seq INTEGER NOT NULL, fetched_at TEXT NOT NULL, raw_sha TEXT REFERENCES blobs(sha256),
    text_sha TEXT NOT NULL REFERENCES blobs(sha256), content_type TEXT, formatting_only INTEGER NOT NULL DEFAULT 0,
    diff_json TEXT, UNIQUE (document_id, seq));
CREATE TABLE fetches (id INTEGER PRIMARY KEY, source TEXT, url TEXT, at TEXT, http_status INTEGER, outcome TEXT,
    elapsed_ms INTEGER, bytes INTEGER, error TEXT);
CREATE TABLE events (id INTEGER PRIMARY KEY, at TEXT NOT NULL, kind TEXT NOT NULL, source TEXT,
    document_id INTEGER REFERENCES documents(id), version_id INTEGER REFERENCES versions(id),
    rule_id INTEGER REFERENCES rules(id), title TEXT, url TEXT, payload TEXT);
CREATE TABLE rules (id INTEGER PRIMARY KEY, name TEXT NOT NULL, number TEXT, status TEXT, since TEXT,
    by_document_id INTEGER REFERENCES documents(id), by_title TEXT, by_url TEXT, effective TEXT, expires TEXT,
    document_id INTEGER REFERENCES documents(id));
CREATE TABLE rule_history (id INTEGER PRIMARY KEY, rule_id INTEGER NOT NULL REFERENCES rules(id),
    status TEXT NOT NULL, since TEXT, by_document_id INTEGER REFERENCES documents(id), by_title TEXT, by_url TEXT,
    recorded_at TEXT);
INSERT INTO meta VALUES ('schema_version', '1');
"""


def test_an_old_database_is_upgraded_in_place(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript(V1_SCHEMA)
    sha = hashlib.sha256(RULE.encode()).hexdigest()
    packed = zlib.compress(RULE.encode())
    conn.execute("INSERT INTO blobs VALUES (?, ?, ?, ?)", [sha, packed, len(RULE.encode()), len(packed)])
    conn.execute("INSERT INTO documents (id, source, url, title, number) VALUES (1, 's', ?, ?, ?)",
                 [URL, "上海市音像制品管理条例", "令第1号"])
    conn.execute("INSERT INTO versions (document_id, seq, fetched_at, text_sha) VALUES (1, 1, '2024-01-01', ?)", [sha])
    conn.execute("INSERT INTO events (at, kind, document_id) VALUES ('2024-01-01', 'new_document', 1)")
    conn.commit()
    conn.close()

    with Store(path) as store:
        version = store.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
        assert int(version) == SCHEMA_VERSION
        assert store.version_text(1, 1) == RULE and len(store.events()) == 1
        assert store.search("音像制品")[0]["document_id"] == 1          # old texts indexed by the migration
        assert store.url_state(URL)["text_sha"] == sha                   # per-URL state built from versions
        assert store.document(1)["name_key"] == "上海市音像制品管理条例"
        # Same text again is recognised as unchanged; the upgraded store keeps working.
        assert store.save_version("s", URL, None, RULE, {"title": "上海市音像制品管理条例"}).outcome == "unchanged"
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.conn.execute("SELECT count(*) FROM subscriptions").fetchone()[0] == 0


def test_newer_or_broken_databases_are_refused_clearly(tmp_path):
    newer = tmp_path / "newer.db"
    Store(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer than this regwatch"):
        Store(newer)
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot open the store"):
        Store(broken)


def test_search_finds_each_documents_latest_text_once(store):
    store.save_version("s", URL, None, RULE, {"title": "甲"}, "2024-01-01T00:00:00+00:00")
    store.save_version("s", "http://127.0.0.1/doc/copy.html", None, RULE, {"title": "乙"}, "2024-01-02T00:00:00+00:00")
    assert [hit["title"] for hit in store.search("音像制品")] == ["乙", "甲"]      # newest first
    amended = RULE.replace("音像制品", "出版物") + "\n第三条 出版物的经营者应当依法登记。"
    store.save_version("s", URL, None, amended, {"title": "甲"}, "2024-02-01T00:00:00+00:00")
    # 甲's index row now holds the amended text only: the replaced words find 乙 alone.
    assert [hit["title"] for hit in store.search("音像制品")] == ["乙"]
    hits = store.search("出版物的经营者")            # five trigrams, then the text confirms the phrase
    assert [(h["title"], h["seq"]) for h in hits] == [("甲", 2)]
    assert store.search("经营者应当登记") == []    # every trigram is there, but not the phrase
    assert store.conn.execute("SELECT count(*) FROM search_latest").fetchone()[0] == 2


def test_consecutive_versions_are_stored_as_deltas(store):
    body = "\n".join(f"第{k}条 本市各级人民政府应当加强第{k}类事项的管理，具体办法由有关部门制定。" for k in range(1, 200))
    first = store.save_version("s", URL, body.encode() + b"<p>", body, {"title": "甲"})
    second_text = body.replace("第150类事项", "第150类重要事项")
    second = store.save_version("s", URL, second_text.encode() + b"<p>", second_text, {"title": "甲"})
    sizes = dict(store.conn.execute("SELECT sha256, stored_size FROM blobs").fetchall())
    full = sizes[store.version(first.version_id)["text_sha"]]
    delta = sizes[store.version(second.version_id)["text_sha"]]
    assert delta * 5 < full
    assert store.version_text(first.document_id, 2) == second_text
    assert store.get_blob(store.version(second.version_id)["raw_sha"]) == second_text.encode() + b"<p>"


def test_a_store_of_schema_4_is_compacted(tmp_path):
    """A store written by the schema-4 code (every version's text in the search index, every blob
    whole) becomes the compact store: same texts, deltas, the latest text searchable."""
    from snapshots.schema import MIGRATIONS

    path = tmp_path / "v4.db"
    conn = sqlite3.connect(path)
    for step in MIGRATIONS[:4]:
        conn.executescript(step)
    conn.execute("INSERT INTO meta VALUES ('schema_version', '4')")
    body = "\n".join(f"第{k}条 经营音像制品的单位应当遵守第{k}项规定，接受文化主管部门的监督检查。" for k in range(1, 120))
    texts = [body, body.replace("第77项规定", "第77项规定和国家有关规定")]
    pages = [f"<html><body>{t}</body></html>".encode() for t in texts]
    shas = []
    for data in [t.encode() for t in texts] + pages:
        sha, packed = hashlib.sha256(data).hexdigest(), zlib.compress(data)
        conn.execute("INSERT INTO blobs VALUES (?, ?, ?, ?)", [sha, packed, len(data), len(packed)])
        shas.append(sha)
    conn.execute("INSERT INTO documents (id, source, url, title) VALUES (1, 's', ?, '上海市音像制品管理条例')", [URL])
    conn.execute("INSERT INTO urls (url, document_id, text_sha) VALUES (?, 1, ?)", [URL, shas[1]])
    for seq in (1, 2):
        conn.execute("INSERT INTO versions (document_id, seq, fetched_at, raw_sha, text_sha) VALUES (1, ?, ?, ?, ?)",
                     [seq, f"2024-0{seq}-01", shas[1 + seq], shas[seq - 1]])
        conn.execute("INSERT INTO search_texts (text_sha, text) VALUES (?, ?)", [shas[seq - 1], texts[seq - 1]])
    conn.commit()
    conn.close()

    with Store(path) as store:
        assert int(store.conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]) \
            == SCHEMA_VERSION
        assert [store.version_text(1, seq) for seq in (1, 2)] == texts
        assert store.get_blob(store.version(2)["raw_sha"]) == pages[1]
        bases = dict(store.conn.execute("SELECT sha256, base FROM blobs").fetchall())
        assert bases[shas[1]] == shas[0] and bases[shas[3]] == shas[2]      # version 2 is a delta of 1
        assert bases[shas[2]] == shas[0] and bases[shas[0]] is None        # page 1 a delta of its text
        assert [h["seq"] for h in store.search("国家有关规定")] == [2]
        assert store.url_state(URL)["raw_sha"] == shas[3]
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # The compacted store keeps working: a third version, and the unchanged page again.
        third = texts[1].replace("监督检查", "监督检查和指导")
        assert store.save_version("s", URL, b"<html>3</html>", third, {"title": "上海市音像制品管理条例"}).outcome \
            == "changed"
        assert store.search("国家有关规定")[0]["seq"] == 3 and store.search("检查和指导")[0]["seq"] == 3


def test_a_page_of_rules_and_documents(store):
    for k, name in enumerate(["丙办法", "甲办法", "乙办法"]):
        saved = store.save_version("s", f"http://127.0.0.1/{k}.html", None, f"第一条 {name}的内容。", {"title": name})
        store.ensure_rule(name, document_id=saved.document_id, effective="2020-01-01")
    # Rules page by name (Unicode order: 丙 U+4E19 < 乙 U+4E59 < 甲 U+7532), each with its page's URL.
    page = store.rules(at="2024-01-01", limit=2, offset=1)
    assert [(r["name"], r["status"], r["url"]) for r in page] == [
        ("乙办法", "现行有效", "http://127.0.0.1/2.html"), ("甲办法", "现行有效", "http://127.0.0.1/1.html")]
    assert [d["title"] for d in store.documents(limit=1, offset=2)] == ["乙办法"]
