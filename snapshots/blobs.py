"""Content-addressed blobs: stored once by SHA-256 of the uncompressed bytes, zlib-compressed.

Consecutive versions of a document differ by a few sentences, and a page holds its clean text
sentence for sentence, so a blob given a ``base`` (the previous version's text; the previous page,
or for a first page its own clean text) is stored as a delta against it: runs of the base's chunks
(lines, HTML tags, sentences) copied as byte ranges, the rest literal, all compressed. Chains stay short (reading a
blob decompresses at most :data:`MAX_CHAIN` deltas and one whole blob), and a delta that is not much
smaller than the blob compressed on its own is not kept: the blob is stored whole.
"""
from __future__ import annotations

import hashlib
import re
import zlib

from diffs.errors import StoreError

#: A delta is kept only when it is at most this share of the blob compressed on its own.
DELTA_SHARE = 0.5
#: Reading a blob decompresses at most this many deltas and one whole blob.
MAX_CHAIN = 2
# A delta this many times smaller than the plain bytes beats any compression of them (text
# compresses about 3x).
_CLEARLY_SMALLER = 20
# Deltas copy whole chunks of the base: lines, HTML tags, Chinese sentences (ending in 。).
_CHUNK = re.compile(rb"[^\n>\xe3]*(?:\n|>|\xe3\x80\x82|\xe3)|[^\n>\xe3]+")
_COPY, _INSERT = b"C", b"I"
_MIN_COPY = 12      # a copy record costs about as much


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(conn, data: bytes, base: str | None = None) -> str:
    """Store ``data`` (once); with ``base``, as a delta against it when that is much smaller."""
    digest = sha256(data)
    if conn.execute("SELECT 1 FROM blobs WHERE sha256 = ?", [digest]).fetchone():
        return digest
    packed, delta_of = pack(conn, data, base)
    conn.execute("INSERT INTO blobs (sha256, data, size, stored_size, base) VALUES (?, ?, ?, ?, ?)",
                 [digest, packed, len(data), len(packed), delta_of])
    return digest


def pack(conn, data: bytes, base: str | None) -> tuple[bytes, str | None]:
    """(stored bytes, the blob it is a delta of, or None) for ``data``: a delta against ``base`` (or,
    when ``base`` already ends a chain of :data:`MAX_CHAIN` deltas, against the blob it is a delta
    of) when that is at most :data:`DELTA_SHARE` of ``data`` compressed on its own."""
    chain = _chain(conn, base) if base else []
    if not chain:
        return zlib.compress(data, 6), None
    target = chain[max(0, len(chain) - MAX_CHAIN)]
    delta = zlib.compress(encode_delta(get(conn, target), data), 6)
    if len(delta) * _CLEARLY_SMALLER <= len(data):
        return delta, target        # a version that changed a few lines: no need to compress it whole
    packed = zlib.compress(data, 6)
    return (delta, target) if len(delta) <= DELTA_SHARE * len(packed) else (packed, None)


def _chain(conn, sha: str) -> list[str]:
    """``sha`` and the blobs it is a delta of, down to a whole one ([] if ``sha`` is not stored)."""
    chain: list[str] = []
    while sha is not None and len(chain) <= MAX_CHAIN:
        row = conn.execute("SELECT base FROM blobs WHERE sha256 = ?", [sha]).fetchone()
        if row is None:
            return chain
        chain.append(sha)
        sha = row[0]
    return chain


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
    """``data`` as copies of byte ranges of ``base`` (C<start>,<size>) and literal bytes (I<size>).

    One pass over chunks, linear: each chunk of ``data`` continues the run being copied when it
    can, else starts a run at its first occurrence in ``base``; runs shorter than
    :data:`_MIN_COPY` bytes are cheaper as literals."""
    old, new = chunks(base), chunks(data)
    first: dict[bytes, int] = {}
    offsets = [0]
    for k, chunk in enumerate(old):
        first.setdefault(chunk, k)
        offsets.append(offsets[-1] + len(chunk))
    out: list[bytes] = []
    literal: list[bytes] = []
    j, expected = 0, -1
    while j < len(new):
        i = expected if 0 <= expected < len(old) and old[expected] == new[j] else first.get(new[j])
        n = 0
        if i is not None:
            while j + n < len(new) and i + n < len(old) and old[i + n] == new[j + n]:
                n += 1
        if i is None or offsets[i + n] - offsets[i] < _MIN_COPY:
            literal.append(new[j])
            j, expected = j + 1, -1
            continue
        if literal:
            joined = b"".join(literal)
            out.append(b"I%d\n" % len(joined) + joined)
            literal = []
        out.append(b"C%d,%d\n" % (offsets[i], offsets[i + n] - offsets[i]))
        j, expected = j + n, i + n
    if literal:
        joined = b"".join(literal)
        out.append(b"I%d\n" % len(joined) + joined)
    return b"".join(out)


def apply_delta(base: bytes, delta: bytes) -> bytes:
    out, at = [], 0
    while at < len(delta):
        end = delta.index(b"\n", at)
        kind, arg = delta[at:at + 1], delta[at + 1:end]
        at = end + 1
        if kind == _COPY:
            start, size = map(int, arg.split(b","))
            if start + size > len(base):
                raise ValueError("a copy reaches past the end of its base")
            out.append(base[start:start + size])
        elif kind == _INSERT:
            size = int(arg)
            out.append(delta[at:at + size])
            at += size
        else:
            raise ValueError(f"unknown delta record {kind!r}")
    return b"".join(out)
