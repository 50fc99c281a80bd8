"""A real store filled by the real pipeline from the offline mirror (every state, so it holds the
2024 amendments with their decisions and the repeals of 令第13号), plus one hostile scraped page,
served by the review app on 127.0.0.1."""
from __future__ import annotations

from datetime import date

import pytest

from mirror.server import MirrorServer
from regwatch.commands.mirror import source_block
from monitor.config import load
from regwatch.api import cycle_through_mirror
from review import create_app
from snapshots import Store

from review_live import serving

LAW = "上海市音像制品管理条例"
DECISION = "上海市人民代表大会常务委员会关于修改《上海市公路管理条例》等10件地方性法规的决定"
REPEALER = "上海市人民政府关于修改和废止部分市政府规章的决定"
ISSUE, SECTION = "2025年第2期", "地方性法规"
HOSTILE_SOURCE = "hostile"
HOSTILE_TITLE = '<script>alert("title")</script>恶意页面'
HOSTILE_TEXT = """<script>alert("body")</script>
第一条 <img src=x onerror=alert(1)> 本办法自公布之日起施行。
第二条 详见<a href="javascript:alert(2)">点我</a>。
"""


def _add_hostile_page(store: Store) -> int:
    """A scraped page made of markup that must never run: in its title, issuer, text and links."""
    store.upsert_source(HOSTILE_SOURCE, "generic", "http://127.0.0.1:9/")
    saved = store.save_version(HOSTILE_SOURCE, "http://127.0.0.1:9/hostile.html", HOSTILE_TEXT.encode(), HOSTILE_TEXT,
                               dict(title=HOSTILE_TITLE, issuer='<img src=x onerror=alert("issuer")>'))
    store.add_event("new_document", source=HOSTILE_SOURCE, document_id=saved.document_id,
                    version_id=saved.version_id, title=HOSTILE_TITLE, url="javascript:alert(3)",
                    by="<script>alert(4)</script>", by_url="javascript:alert(5)")
    return saved.document_id


def _add_empty_page(store: Store) -> tuple[int, int, int]:
    """A page whose extraction came out empty (a scanned PDF, say), then its real text:
    (document id, first version id, second version id)."""
    url = "http://127.0.0.1:9/scanned.html"
    first = store.save_version(HOSTILE_SOURCE, url, b"%PDF-1.4", "", dict(title="扫描件"))
    second = store.save_version(HOSTILE_SOURCE, url, b"text", "第一条 本办法自公布之日起施行。", dict(title="扫描件"))
    return first.document_id, first.version_id, second.version_id


def _add_subscriptions(store: Store) -> None:
    """Two subscriptions for the subscriptions page: one made by command, one from regwatch.toml."""
    from notify import api

    api.subscribe(store, "legal@example.cn", kinds=["amended", "repealed"], frequency="daily", hour=9)
    api.sync_subscriptions(store, [{"name": "everything", "email": "watch@example.cn"},
                                   {"name": "shanghai", "email": "sh@example.cn", "sources": ["shanghai-gazette"],
                                    "keywords": ["音像制品", "建设工程"]}])


def _one(rows: list[dict], what: str) -> dict:
    assert len(rows) == 1, f"expected one {what} in the store, found {len(rows)}"
    return rows[0]


@pytest.fixture(scope="session")
def review_data(tmp_path_factory):
    """(store path, ids) after the pipeline has run over every state of the mirror."""
    folder = tmp_path_factory.mktemp("review")
    server = MirrorServer(state=0).start()
    try:
        config_path = folder / "regwatch.toml"
        config_path.write_text(f'[store]\npath = "regwatch.db"\n\n{source_block(server.urls)}', encoding="utf-8")
        config = load(config_path)
        with Store(config.store) as store:
            cycle_through_mirror(config, store, server)
            hostile = _add_hostile_page(store)
            _add_subscriptions(store)
            empty_doc, empty_v1, empty_v2 = _add_empty_page(store)
            documents = store.documents()
            law = _one([d for d in documents if d["title"] == LAW], LAW)
            v1, v2 = store.versions(law["id"])[:2]
            repealer = _one([d for d in documents if d["title"] == REPEALER], REPEALER)
            today = date.today().isoformat()
            repealed = [r for r in store.rules(at=today) if r["by_document_id"] == repealer["id"] and r["status"] == "已废止"]
            assert repealed, "令第13号 repealed nothing in the store"
    finally:
        server.stop()
    ids = dict(law=law["id"], law_v1=v1["id"], law_v2=v2["id"], law_title=LAW, decision_title=DECISION,
               hostile=hostile, repealed_rule=repealed[0]["name"], repealer_title=REPEALER,
               repealer_number=repealer["number"], audit_date=today, source="shanghai-gazette", issue=ISSUE,
               section=SECTION, empty_doc=empty_doc, empty_v1=empty_v1, empty_v2=empty_v2)
    return config.store, ids


@pytest.fixture(scope="session")
def review_store(review_data):
    return review_data[0]


@pytest.fixture(scope="session")
def ids(review_data):
    return review_data[1]


@pytest.fixture(scope="session")
def law_texts(review_data) -> tuple[str, str]:
    """The two stored texts of the amended law, as the pipeline extracted them from the mirror."""
    path, ids = review_data
    with Store(path) as store:
        return tuple(store.version_text(ids["law"], seq) for seq in (1, 2))


@pytest.fixture(scope="session")
def site(review_store):
    with serving(create_app(review_store)) as base:
        yield base


@pytest.fixture(scope="session")
def versions_of(review_store):
    """title -> (first version id, second version id) of that stored document."""
    def find(title: str) -> tuple[int, int]:
        with Store(review_store) as store:
            document = _one([d for d in store.documents() if d["title"] == title], title)
            first, second = store.versions(document["id"])[:2]
            return first["id"], second["id"]
    return find
