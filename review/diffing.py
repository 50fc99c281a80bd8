"""The diff of two stored versions, computed once per pair of texts and shared by the diff page
and the exports."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from diffs.compare import DiffResult, compare

from .lookup import version_or_404, version_text


@dataclass
class VersionPair:
    old: dict            # version rows
    new: dict
    old_text: str
    new_text: str
    result: DiffResult


@lru_cache(maxsize=32)
def cached_compare(old_text: str, new_text: str) -> DiffResult:
    # Reviewers flip between the page and its exports; the texts are immutable, so the diff is too.
    return compare(old_text, new_text)


def load_pair(old_id: int, new_id: int) -> VersionPair:
    old, new = version_or_404(old_id), version_or_404(new_id)
    old_text, new_text = version_text(old), version_text(new)
    return VersionPair(old, new, old_text, new_text, cached_compare(old_text, new_text))
