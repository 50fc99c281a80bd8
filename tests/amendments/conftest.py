"""Slices of the seed gazette pages that hold one decision each, found by their own first and last lines."""
from __future__ import annotations

import pytest


def between(text: str, start: str, end: str) -> str:
    i = text.index(start)
    return text[i:text.index(end, i + len(start))]


@pytest.fixture(scope="session")
def seed3(seed_text) -> str:
    return seed_text("003")


@pytest.fixture(scope="session")
def order13(seed3) -> str:
    return between(seed3, "上海市人民政府令\n\n第13号", "上海市医患纠纷预防与调解办法\n\n（2014")


@pytest.fixture(scope="session")
def order58(seed3) -> str:
    return between(seed3, "上海市人民政府关于修改《上海市城市管理行政执法条例实施办法》的决定\n\n（2021",
                   "上海市城市管理综合行政执法条例实施办法\n")


@pytest.fixture(scope="session")
def order15(seed3) -> str:
    # The gazette page is cut after its first page of three: the decision stops mid-way.
    return between(seed3, "上海市人民政府关于修改《上海市行政审批告知承诺管理办法》等4件", "总共3页")


@pytest.fixture(scope="session")
def order68(seed_text) -> str:
    return between(seed_text("001"), "# 上海市人民政府令\n\n## 第 68 号", "# 上海市人民政府关于 印发")
