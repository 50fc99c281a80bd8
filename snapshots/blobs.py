"""Content-addressed blobs: stored once by SHA-256 of the uncompressed bytes, zlib-compressed.

Consecutive versions of a document differ by a few sentences, so a blob given a ``base`` (the
previous version's text or page) is stored as a delta against that base's keyframe, the nearest
full blob: reading any blob decompresses at most two. A delta that has grown past half the size of
the full blob compressed (many amendments since the keyframe) is not worth it: the blob is stored
full and becomes the keyframe of the versions after it.
"""
from __future__ import annotations

import hashlib
import re
import zlib
from difflib import SequenceMatcher

from diffs.errors import StoreError

#: A delta is kept only when it is at most this share of the blob compressed on its own.
DELTA_SHARE = 0.5
# Deltas copy whole chunks of the base: lines, HTML tags, Chinese sentences (ending in 。).
_CHUNK = re.compile(rb"[^\n>\xe3]*(?:\n|>|\xe3\x80\x82|\xe3)|[^\n>\xe3]+")
_COPY, _INSERT = b"C", b"I"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(conn, data: bytes, base: str | None = None) -> str:
    """Store ``data`` (once); with ``base``, as a delta against it when that is much smaller."""
    digest = sha256(data)
    if conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", [digest]).fetchone():
        return digest
    packed, keyframe = pack(conn, data, base)
    conn.execute("INSERT INTO blobs (sha256, data, size, stored_size, base) VALUES (?, ?, ?, ?, ?)",
                 [digest, packed, len(data), len(packed), keyframe])
    return digest


def pack(conn, data: bytes, base: str | None) -> tuple[bytes, str | None]:
    """(stored bytes, keyframe or None) of ``data``: a delta against ``base``'s keyframe when that
    is at most :data:`DELTA_SHARE` of ``data`` compressed on its own."""
    packed = zlib.compress(data, 6)
    row = conn.execute("SELECT base FROM blobs WHERE sha256 = ?", [base]).fetchone() if base else None
    if row is None:
        return packed, None
    keyframe = row[0] or base
    delta = zlib.compress(encode_delta(get(conn, keyframe), data), 6)
    return (delta, keyframe) if len(delta) <= DELTA_SHARE * len(packed) else (packed, None)


def get(conn, digest: str) -> bytes:
    row = conn.execute("SELECT data, base FROM blobs WHERE sha256 = ?", [digest]).fetchone()
    if row is None:
        raise StoreError(f"blob {digest} is missing from the store")
    try:
        data = zlib.decompress(row[0])
        if row[1] is not None:
            data = apply_delta(get(conn, row[1]), data)
    except (zlib.error, ValueError) as e:
        raise StoreError(f"blob {digest} is corrupt ({e})") from e
    if sha256(data) != digest:
        raise StoreError(f"blob {digest} is corrupt (its content does not match its hash)")
    return data


def chunks(data: bytes) -> list[bytes]:
    return _CHUNK.findall(data)


def encode_delta(base: bytes, data: bytes) -> bytes:
    """``data`` as copies of chunk runs of ``base`` (C<first>,<count>) and literal bytes (I<size>)."""
    old, new = chunks(base), chunks(data)
    # Versions share a long head and tail: only the middle goes through the (slower) matcher.
    head = 0
    while head < min(len(old), len(new)) and old[head] == new[head]:
        head += 1
    tail = 0
    while tail < min(len(old), len(new)) - head and old[-1 - tail] == new[-1 - tail]:
        tail += 1
    out = [b"C0,%d\n" % head] if head else []
    middle = SequenceMatcher(None, old[head:len(old) - tail], new[head:len(new) - tail], autojunk=False)
    for tag, i1, i2, j1, j2 in middle.get_opcodes():
        if tag == "equal":
            out.append(b"C%d,%d\n" % (head + i1, i2 - i1))
        elif j2 > j1:
            literal = b"".join(new[head + j1:head + j2])
            out.append(b"I%d\n" % len(literal) + literal)
    if tail:
        out.append(b"C%d,%d\n" % (len(old) - tail, tail))
    return b"".join(out)


def apply_delta(base: bytes, delta: bytes) -> bytes:
    old, out, at = chunks(base), [], 0
    while at < len(delta):
        end = delta.index(b"\n", at)
        kind, arg = delta[at:at + 1], delta[at + 1:end]
        at = end + 1
        if kind == _COPY:
            first, count = map(int, arg.split(b","))
            out.extend(old[first:first + count])
        elif kind == _INSERT:
            size = int(arg)
            out.append(delta[at:at + size])
            at += size
        else:
            raise ValueError(f"unknown delta record {kind!r}")
    return b"".join(out)
