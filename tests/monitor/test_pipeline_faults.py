"""A hostile site on loopback (tests/monitor/conftest.py): error pages served with status 200 in the
normal layout, a pathological page, through the real pipeline and a real SQLite store."""
from __future__ import annotations

import time
from datetime import date

import pytest

from monitor.config import load
from monitor.pipeline import run_cycle
from snapshots import Store

TODAY = date(2025, 3, 15)
TITLE = "上海市测试水域管理办法"
ARTICLES = ["为了加强本市测试水域的管理，保障通航安全，制定本办法。",
            "本办法适用于本市行政区域内测试水域的规划、建设和管理。",
            "市交通行政管理部门负责本市测试水域的监督管理工作。",
            "区人民政府应当做好本辖区内测试水域的日常巡查。",
            "违反本办法规定的，由市交通行政管理部门责令改正，处一千元以上一万元以下罚款。",
            "本办法自2025年3月1日起施行。"]
NUMERALS = "一二三四五六"


def page(title: str, lines: list[str]) -> bytes:
    body = "".join(f"<p>{line}</p>" for line in lines)
    return (f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>"
            f"<div class='body'>{body}</div></body></html>").encode("utf-8")


def statute(articles: list[str]) -> list[str]:
    return [f"第{NUMERALS[i]}条　{text}" for i, text in enumerate(articles)]


REAL_V1 = page(TITLE, statute(ARTICLES))
REAL_V2 = page(TITLE, statute(ARTICLES[:2] + ["市交通行政管理部门和市水务部门按照各自职责负责测试水域的监督管理工作。"]
                              + ARTICLES[3:]))
BUSY = page("系统繁忙", ["系统繁忙，请稍后再试。"])


def serve(site, pages: dict[str, bytes]):
    """The site's list page links every path of `pages`; each path answers its current bytes."""
    links = "".join(f"<li><a href='{path}'>{path}</a></li>" for path in pages)

    def listing(handler, before):
        site.reply(handler, 200, f"<html><body><ul class='list'>{links}</ul></body></html>".encode(),
                   {"Content-Type": "text/html; charset=utf-8"})
    site.routes["/list.html"] = listing
    for path in pages:
        site.routes[path] = lambda handler, before, path=path: site.reply(
            handler, 200, pages[path], {"Content-Type": "text/html; charset=utf-8"})


@pytest.fixture
def watched(site, tmp_path):
    pages = {"/doc.html": REAL_V1}
    serve(site, pages)
    (tmp_path / "regwatch.toml").write_text(
        '[store]\npath = "regwatch.db"\n\n[[source]]\nname = "test"\nkind = "generic"\n'
        f'url = "{site.url("/list.html")}"\nschedule = "1h"\n'
        '[source.options]\nlinks = "ul.list a"\nbody = "div.body"\ntitle = "h1"\n', encoding="utf-8")
    config = load(tmp_path / "regwatch.toml")
    store = Store(config.store)
    yield pages, config, store
    store.close()


def kinds(store) -> list[str]:
    return [e["kind"] for e in reversed(store.events())]


def digested_kinds(store, outbox) -> list[list[str]]:
    """Send the digests due now as .eml files; the event kinds each one carried."""
    from notify import api as notify

    run = notify.digest(store, {"outbox_dir": str(outbox)})
    return [sorted(e["kind"] for e in store.events() if e["id"] in d.event_ids) for d in run.digests]


def test_an_error_page_between_two_real_versions_is_held_not_alerted(watched, tmp_path):
    from notify import api as notify

    pages, config, store = watched
    notify.subscribe(store, ["reader@example.org"])
    assert run_cycle(config, store, today=TODAY).total("new") == 1
    assert digested_kinds(store, tmp_path) == [["new_document"]]
    (document,) = store.documents()

    pages["/doc.html"] = BUSY
    report = run_cycle(config, store, today=TODAY)
    assert report.total("suspect") == 1 and report.ok
    assert digested_kinds(store, tmp_path) == []   # nobody is told "6 articles deleted"
    assert len(store.versions(document["id"])) == 1
    assert store.document(document["id"])["title"] == TITLE
    assert kinds(store) == ["new_document", "suspect_version"]
    (held,) = store.suspects(document["id"])
    assert held["status"] == "held" and held["title"] == "系统繁忙"
    assert any("系统繁忙" in r for r in held["reasons"]) and any("no articles where there were 6" in r for r in held["reasons"])

    pages["/doc.html"] = REAL_V2
    report = run_cycle(config, store, today=TODAY)
    assert report.total("changed") == 1
    versions = store.versions(document["id"])
    assert len(versions) == 2
    # Diffed against the real first version, not the error page: one article modified, none deleted.
    assert versions[1]["diff"]["summary"]["modified"] == 1 and versions[1]["diff"]["summary"]["deleted"] == 0
    assert kinds(store) == ["new_document", "suspect_version", "new_version"]
    assert digested_kinds(store, tmp_path) == [["new_version"]]
    assert store.suspects(document["id"])[0]["status"] == "dropped"
    assert store.document(document["id"])["title"] == TITLE


def test_an_error_page_seen_again_next_cycle_becomes_a_version_and_the_real_text_a_revert(watched):
    pages, config, store = watched
    run_cycle(config, store, today=TODAY)
    (document,) = store.documents()
    pages["/doc.html"] = BUSY
    assert run_cycle(config, store, today=TODAY).total("suspect") == 1
    assert run_cycle(config, store, today=TODAY).total("changed") == 1   # still there a cycle later
    assert [v["seq"] for v in store.versions(document["id"])] == [1, 2]
    (confirmed,) = store.suspects(document["id"])
    assert confirmed["status"] == "confirmed" and confirmed["version_id"] == store.versions(document["id"])[1]["id"]

    pages["/doc.html"] = REAL_V1
    report = run_cycle(config, store, today=TODAY)
    assert report.total("changed") == 1
    versions = store.versions(document["id"])
    assert len(versions) == 3 and versions[2]["text_sha"] == versions[0]["text_sha"]
    revert = store.events(kind="new_version")[0]
    assert revert["payload"]["reverted_to"] == 1 and revert["version_id"] == versions[2]["id"]
    assert store.document(document["id"])["title"] == TITLE


def test_an_intermittent_error_page_is_never_confirmed_across_a_good_answer(watched):
    """Busy, then the real page again (same bytes: answered by the hash), then busy again: the second
    busy page starts over as held; it is never confirmed by a sighting from before the good answer."""
    pages, config, store = watched
    run_cycle(config, store, today=TODAY)
    (document,) = store.documents()
    pages["/doc.html"] = BUSY
    assert run_cycle(config, store, today=TODAY).total("suspect") == 1
    pages["/doc.html"] = REAL_V1
    assert run_cycle(config, store, today=TODAY).total("unchanged") == 1
    assert [s["status"] for s in store.suspects(document["id"])] == ["dropped"]
    pages["/doc.html"] = BUSY
    assert run_cycle(config, store, today=TODAY).total("suspect") == 1
    assert len(store.versions(document["id"])) == 1 and store.document(document["id"])["title"] == TITLE


def test_the_same_text_at_the_same_page_twice_is_not_a_revert(watched):
    pages, config, store = watched
    run_cycle(config, store, today=TODAY)
    pages["/doc.html"] = REAL_V2
    run_cycle(config, store, today=TODAY)
    run_cycle(config, store, today=TODAY)
    (document,) = store.documents()
    assert len(store.versions(document["id"])) == 2


NESTED = ("<html><head><meta charset='utf-8'><title>上海市嵌套文件</title></head><body><h1>上海市嵌套文件</h1>"
          "<div class='body'>" + "<div><span>层</span>" * 50_000 + "</span></div>" * 50_000 + "</div></body></html>").encode()


@pytest.mark.parametrize("huge", [
    # 120k paragraphs (several MB): unbounded, extraction took more than ten minutes.
    page("上海市巨大文件", [f"第{i}段内容，用于测试处理时间。" for i in range(120_000)]),
    NESTED,   # 100k nested tags
], ids=["120k-paragraphs", "100k-nested-tags"])
def test_a_pathological_page_is_an_error_within_the_budget_and_the_cycle_goes_on(site, watched, huge):
    pages, config, store = watched
    pages["/huge.html"] = huge
    serve(site, pages)
    start = time.monotonic()
    report = run_cycle(config, store, today=TODAY, budget=0.5)
    elapsed = time.monotonic() - start
    assert report.total("new") == 1 and report.total("error") == 1
    (error,) = report.sources[0].errors
    # Bounded either way: by the extractor's depth limit or by the per-document time budget.
    assert "huge.html" in error and ("time limit of 0.5s" in error or "processing failed" in error
                                     or "nested too deeply" in error)
    assert [d["url"].rsplit("/", 1)[1] for d in store.documents()] == ["doc.html"]
    assert elapsed < 10  # the list, one small page and half a second for the huge one (plus its download)
    fetch = store.conn.execute("SELECT outcome, error FROM fetches WHERE url LIKE '%huge.html'").fetchone()
    assert fetch[0] == "error" and ("rolled back" in fetch[1] or "nested too deeply" in fetch[1])


def test_a_page_with_a_5000_digit_article_number_is_stored_and_can_still_be_updated(watched):
    pages, config, store = watched
    absurd = "第" + "九" * 5000 + "条　编号荒谬的一行。"
    pages["/doc.html"] = page(TITLE, statute(ARTICLES) + [absurd])
    assert run_cycle(config, store, today=TODAY).total("new") == 1
    pages["/doc.html"] = page(TITLE, statute(ARTICLES[:5] + ["本办法自2025年4月1日起施行。"]) + [absurd])
    report = run_cycle(config, store, today=TODAY)
    assert report.ok and report.total("changed") == 1
    (document,) = store.documents()
    assert store.versions(document["id"])[1]["diff"]["summary"]["modified"] == 1


def test_the_scheduler_is_not_stalled_by_a_pathological_page(site, tmp_path):
    import threading

    from monitor.scheduler import run

    pages = {"/doc.html": REAL_V1, "/huge.html": page("上海市巨大文件", [f"第{i}段内容。" for i in range(120_000)])}
    serve(site, pages)
    site.routes["/other.html"] = lambda handler, before: site.reply(
        handler, 200, b"<html><body><ul class='list'><li><a href='/doc.html'>doc</a></li></ul></body></html>",
        {"Content-Type": "text/html; charset=utf-8"})
    options = '[source.options]\nlinks = "ul.list a"\nbody = "div.body"\ntitle = "h1"\n'
    (tmp_path / "regwatch.toml").write_text(
        '[store]\npath = "regwatch.db"\n\n'
        f'[[source]]\nname = "heavy"\nkind = "generic"\nurl = "{site.url("/list.html")}"\nschedule = "1h"\n{options}\n'
        f'[[source]]\nname = "light"\nkind = "generic"\nurl = "{site.url("/other.html")}"\nschedule = "1h"\n{options}',
        encoding="utf-8")
    config = load(tmp_path / "regwatch.toml")
    stop, cycles = threading.Event(), []
    daemon = threading.Thread(target=run, args=(config, stop, cycles.append, False), kwargs={"budget": 0.5})
    start = time.monotonic()
    daemon.start()

    def finished() -> dict:
        if not config.store.exists():
            return {}
        with Store(config.store) as store:
            return {s["name"]: s for s in store.sources() if s.get("last_run")}

    # Each source's run is recorded when it ends; wait on that record, not on a count of cycles
    # (a job may fire again on catch-up).
    while set(finished()) != {"heavy", "light"} and time.monotonic() - start < 60:
        time.sleep(0.1)
    elapsed = time.monotonic() - start
    stop.set()
    daemon.join(30)
    assert len(cycles) >= 2 and not daemon.is_alive()
    assert elapsed < 20   # both sources ran; the huge page cost its half-second budget, not minutes
    sources = finished()
    with Store(config.store) as store:
        assert "time limit of 0.5s" in sources["heavy"]["last_error"] and sources["light"]["last_error"] is None
        assert [d["url"].rsplit("/", 1)[1] for d in store.documents()] == ["doc.html"]
