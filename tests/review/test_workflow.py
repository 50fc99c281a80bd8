"""The review workflow over HTTP: a reviewer names themself, marks changes reviewed (POST + CSRF),
the feed shows what is unread, the diff opens "since last reviewed", exports carry who reviewed what;
and the exports and times every reader sees."""
from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import requests

from review import create_app
from snapshots import Store

from review_live import serving

ATOM = "{http://www.w3.org/2005/Atom}"
# An invented rule in three editions: 第二条 changes in the second, 第三条 in the third.
EDITIONS = ["第一条 为了测试，制定本办法。\n第二条 甲应当报告。\n第三条 本办法自2020年1月1日起施行。",
            "第一条 为了测试，制定本办法。\n第二条 甲应当书面报告。\n第三条 本办法自2020年1月1日起施行。",
            "第一条 为了测试，制定本办法。\n第二条 甲应当书面报告。\n第三条 本办法自2021年1月1日起施行。"]


def csrf_of(html: str) -> str:
    return re.search(r'name="csrf_token" value="([A-Za-z0-9_-]{20,})"', html).group(1)


@pytest.fixture(scope="module")
def small_site(tmp_path_factory):
    """A store of one invented rule in three versions, each recorded as the pipeline would."""
    path = tmp_path_factory.mktemp("workflow") / "regwatch.db"
    with Store(path) as store:
        store.upsert_source("test", "generic", "http://127.0.0.1:9/")
        versions, events = [], []
        for n, text in enumerate(EDITIONS):
            saved = store.save_version("test", "http://127.0.0.1:9/rule.html", text.encode(), text,
                                       {"title": "测试管理办法", "issuer": "测试机关"},
                                       fetched_at=f"2025-01-0{n + 1}T00:30:00+00:00")
            versions.append(saved.version_id)
            kind = "new_document" if n == 0 else "new_version"
            events.append(store.add_event(kind, at=f"2025-01-0{n + 1}T00:30:00+00:00", source="test",
                                          document_id=saved.document_id, version_id=saved.version_id,
                                          title="测试管理办法", summary={"modified": 1} if n else None))
        document_id = saved.document_id
    with serving(create_app(path)) as base:
        yield base, document_id, versions, events


def named_session(base: str, name: str) -> tuple[requests.Session, str]:
    session = requests.Session()
    token = csrf_of(session.get(f"{base}/", timeout=10).text)
    response = session.post(f"{base}/reviewer", data={"csrf_token": token, "name": name, "next": "/"}, timeout=10,
                            allow_redirects=False)
    assert response.status_code == 303
    return session, token


def test_marking_needs_the_csrf_token_and_this_origin(small_site):
    base, _, _, events = small_site
    session, token = named_session(base, "张三")
    assert session.post(f"{base}/reviewed", data={"event": events[0]}, timeout=10).status_code == 403
    assert session.post(f"{base}/reviewed", data={"event": events[0], "csrf_token": "0" * 32}, timeout=10).status_code == 403
    foreign = session.post(f"{base}/reviewed", data={"event": events[0], "csrf_token": token}, timeout=10,
                           headers={"Origin": "http://evil.example"})
    assert foreign.status_code == 403 and "跨站" in foreign.text
    anonymous = requests.Session()
    anonymous_token = csrf_of(anonymous.get(f"{base}/", timeout=10).text)
    refused = anonymous.post(f"{base}/reviewed", data={"event": events[0], "csrf_token": anonymous_token}, timeout=10)
    assert refused.status_code == 400 and "审阅人" in refused.text


def test_unread_bold_until_reviewed_per_reviewer(small_site):
    base, _, _, events = small_site
    zhang, token = named_session(base, "李四")
    page = zhang.get(f"{base}/", timeout=10).text
    assert len(re.findall(r'class="event unread"', page)) == 3
    done = zhang.post(f"{base}/reviewed", data={"event": events[0], "csrf_token": token, "next": "/?kind="},
                      timeout=10, allow_redirects=False)
    assert done.status_code == 303 and done.headers["Location"].endswith("/?kind=")
    page = zhang.get(f"{base}/", timeout=10).text
    assert f'class="event" id="event-{events[0]}"' in page
    assert f'class="event unread" id="event-{events[1]}"' in page
    # Someone else has read nothing yet.
    wang, _ = named_session(base, "王五")
    assert len(re.findall(r'class="event unread"', wang.get(f"{base}/", timeout=10).text)) == 3
    # The exports say who reviewed what.
    exported = zhang.get(f"{base}/changes.json", timeout=10).json()
    by_id = {e["id"]: e for e in exported["events"]}
    assert exported["reviewer"] == "李四" and by_id[events[0]]["reviewed"] is True and by_id[events[1]]["reviewed"] is False
    assert [r["reviewer"] for r in by_id[events[0]]["reviews"]] == ["李四"]
    assert by_id[events[0]]["reviews"][0]["reviewed_at"].endswith("北京时间")
    text = zhang.get(f"{base}/changes.csv", timeout=10).content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}
    assert rows[events[0]]["reviewed"] == "是" and rows[events[1]]["reviewed"] == "否"
    assert rows[events[0]]["reviewed_by"].startswith("李四 ") and rows[events[0]]["at"] == "2025-01-01 08:30 北京时间"


def test_diff_opens_since_last_reviewed(small_site):
    base, document_id, versions, _ = small_site
    session, token = named_session(base, "赵六")
    # Nothing reviewed: the newest change.
    first = session.get(f"{base}/documents/{document_id}/since-reviewed", timeout=10, allow_redirects=False)
    assert first.headers["Location"].endswith(f"/diff/{versions[1]}/{versions[2]}?since=1")
    # Reviewed up to the first version only: from there to the newest, both changes in one table.
    session.post(f"{base}/reviewed", data={"document": document_id, "upto": versions[0], "csrf_token": token}, timeout=10)
    since = session.get(f"{base}/documents/{document_id}/since-reviewed", timeout=10)
    assert since.url.endswith(f"/diff/{versions[0]}/{versions[2]}?since=1")
    assert "第二条" in since.text and "第三条" in since.text and "上次审阅" in since.text
    # The diff page's button marks the second version's changes too.
    session.post(f"{base}/reviewed", data={"document": document_id, "upto": versions[2], "csrf_token": token}, timeout=10)
    page = session.get(f"{base}/diff/{versions[1]}/{versions[2]}", timeout=10).text
    assert "赵六 已审阅到第 3 版" in page
    assert 'class="event unread"' not in session.get(f"{base}/", timeout=10).text


def test_times_are_beijing_with_the_zone_shown(small_site):
    base, document_id, _, _ = small_site
    page = requests.get(f"{base}/", timeout=10).text
    assert "2025-01-01 08:30 北京时间" in page            # 00:30 UTC
    assert "北京时间" in requests.get(f"{base}/documents/{document_id}", timeout=10).text


def test_atom_entries_say_what_changed_and_who_published(small_site):
    base, _, _, events = small_site
    feed = ET.fromstring(requests.get(f"{base}/feed.atom", timeout=10).content)
    entries = {e.find(f"{ATOM}id").text.rsplit("-", 1)[1]: e for e in feed.findall(f"{ATOM}entry")}
    changed = entries[str(events[1])]
    assert changed.find(f"{ATOM}content").text.startswith("新版本；修改 1 条")
    assert changed.find(f"{ATOM}author/{ATOM}name").text == "测试机关"
    assert changed.find(f"{ATOM}updated").text == "2025-01-02T08:30:00+08:00"


def test_unknown_page_is_a_chinese_404(small_site):
    base, _, _, _ = small_site
    response = requests.get(f"{base}/nowhere", timeout=10)
    assert response.status_code == 404 and "找不到这个页面" in response.text and "requested URL" not in response.text
    missing = requests.get(f"{base}/documents/999999", timeout=10)
    assert "没有编号为 999999 的文件" in missing.text


def test_cli_and_web_write_the_same_rules_csv(site, review_store, ids):
    web = requests.get(f"{site}/audit.csv", params={"date": ids["audit_date"]}, timeout=30).content.decode("utf-8")
    cli = subprocess.run([sys.executable, "-m", "regwatch", "status", "--config", str(review_store.parent / "regwatch.toml"),
                          "--format", "csv", "--at", ids["audit_date"]], capture_output=True, timeout=120)
    assert cli.returncode == 0, cli.stderr.decode()
    assert web.startswith("\ufeffid,name,number,status,since,by_title,by_number,by_url,effective,expires,url")
    assert cli.stdout.decode("utf-8").replace("\r\n", "\n") == web.replace("\r\n", "\n")


def test_subscriptions_page_says_how_to_change_each(tmp_path):
    from notify import api

    path = tmp_path / "regwatch.db"
    with Store(path) as store:
        mine = api.subscribe(store, "legal@example.cn", kinds=["amended", "repealed"], frequency="daily", hour=9)
        api.sync_subscriptions(store, [{"name": "team", "email": "team@example.cn", "sources": ["shanghai-gazette"]}])
    with serving(create_app(path)) as base:
        page = requests.get(f"{base}/subscriptions", timeout=10).text
    own = page.split(f'id="subscription-{mine.id}"')[1].split("</li>")[0]
    assert "legal@example.cn" in own and "变动类型：修改、废止" in own and "每日 09 时" in own
    assert f"regwatch unsubscribe {mine.id}" in own
    team = page.split('<strong>team</strong>')[1].split("</li>")[0]
    assert 'name = "team" 的 [[subscription]]' in team and "来源：shanghai-gazette" in team
