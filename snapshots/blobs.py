"""Content-addressed blobs: stored once by SHA-256 of the uncompressed bytes, zlib-compressed."""
from __future__ import annotations

import hashlib
import zlib

from diffs.errors import StoreError


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def put(conn, data: bytes) -> str:
    digest = sha256(data)
    packed = zlib.compress(data, 6)
    conn.execute("INSERT OR IGNORE INTO blobs (sha256, data, size, stored_size) VALUES (?, ?, ?, ?)",
                 [digest, packed, len(data), len(packed)])
    return digest


def get(conn, digest: str) -> bytes:
    row = conn.execute("SELECT data FROM blobs WHERE sha256 = ?", [digest]).fetchone()
    if row is None:
        raise StoreError(f"blob {digest} is missing from the store")
    data = zlib.decompress(row[0])
    if sha256(data) != digest:
        raise StoreError(f"blob {digest} is corrupt (its content does not match its hash)")
    return data
