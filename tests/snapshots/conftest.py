"""A store on a real SQLite file."""
from __future__ import annotations

import pytest

from snapshots import Store


@pytest.fixture
def store(tmp_path):
    s = Store(tmp_path / "regwatch.db")
    yield s
    s.close()
