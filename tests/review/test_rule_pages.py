"""Rule facts on the pages, over the mirror story's store: the audit page names the change decided
but not yet in force, and a rule's 法规变迁 is its legal history (公布/修正 dates), fetch time second."""
from __future__ import annotations

import html as htmllib

import requests

from snapshots import Store

MEDICAL = "上海市医患纠纷预防与调解办法"
ORDER_13 = "上海市人民政府关于修改和废止部分市政府规章的决定"


def page(site, path, **params) -> str:
    response = requests.get(site + path, params=params, timeout=30)
    assert response.status_code == 200, (path, response.status_code)
    return htmllib.unescape(response.text)


def test_audit_shows_the_amendment_decided_but_not_yet_in_force(site):
    before = page(site, "/audit", date="2024-05-01")
    pending = before.split("<h2>尚未生效的修改</h2>")[1].split("<h2>")[0]
    assert MEDICAL in pending and "2024-05-15" in pending and ORDER_13 in pending
    after = page(site, "/audit", date="2024-05-15").split("<h2>尚未生效的修改</h2>")[1].split("<h2>")[0]
    assert MEDICAL not in after


def test_the_timeline_labels_versions_by_their_legal_dates(site, review_store):
    with Store(review_store) as store:
        document = next(d for d in store.documents() if d["title"] == MEDICAL)
    text = page(site, f"/documents/{document['id']}")
    timeline = text.split("<h2>法规变迁</h2>")[1].split("</ol>")[0]
    # Version 1: the library's page before 令第13号 (题注: 2014-01-11 公布); version 2: 2024-04-02 修正.
    assert "2014-01-11 公布" in timeline and "2024-04-02 修正（令第13号）" in timeline
    assert timeline.index("2014-01-11 公布") < timeline.index("2024-04-02 修正")
    assert "已被修改" in timeline and "抓取于" in timeline
    status = text.split('<dd class="status">')[1].split("</dd>")[0]
    assert "现行有效（1次修正" in status and ORDER_13 in status
