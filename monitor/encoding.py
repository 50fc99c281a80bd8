"""Bytes to text, the one way every part of regwatch decodes what it reads.

Order of evidence: a byte-order mark, the charset of the Content-Type header, a charset declared in
the document (<meta charset>, <meta http-equiv>, <?xml encoding?>), UTF-8 decoded strictly, and last
charset-normalizer's guess from the bytes. The real sites often send no charset (requests would then
assume ISO-8859-1) and old Shanghai pages are GB2312/GBK, which we always read as gb18030: it is a
superset of both, so characters outside GB2312 that the sites use anyway decode instead of failing.
"""
from __future__ import annotations

import codecs
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from diffs.errors import InputError

# Labels that name a subset of gb18030: decoding with the superset never loses a character.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "ms936", "euc-cn", "gb_2312-80", "csgb2312",
              "hz-gb-2312", "windows-936"}
# Servers and CMSs announce Latin-1 by default even for UTF-8 pages: a weak claim, tried after UTF-8.
_WEAK_LABELS = {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii", "windows-1252", "cp1252"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_DOC_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)""",
                          re.I)
_SNIFF_BYTES = 4096


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


def canonical_encoding(label: str) -> str | None:
    """The Python codec for a charset label (GB family -> gb18030), or None if Python has no such codec."""
    label = label.strip().strip("\"'").lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def header_charset(content_type: str | None) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1) if match else None


def declared_charset(data: bytes) -> str | None:
    match = _DOC_CHARSET.search(data[:_SNIFF_BYTES])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii", "replace")


def decode(data: bytes, content_type: str | None = None, what: str = "document") -> Decoded:
    """Decode ``data`` (``content_type`` is the HTTP header, if any). Raises InputError when nothing fits."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _strict(data, codec) or _fail(what, f"it starts with a {codec} byte-order mark "
                                                              "but is not valid in that encoding")
    if b"\x00" in data[:_SNIFF_BYTES]:
        _fail(what, "it looks binary (NUL bytes)")
    weak: list[str] = []
    for label in (header_charset(content_type), declared_charset(data)):
        codec = canonical_encoding(label) if label else None
        if codec is None:
            continue
        if label.lower() in _WEAK_LABELS:
            weak.append(codec)
            continue
        decoded = _strict(data, codec)
        if decoded:
            return decoded
    decoded = _strict(data, "utf-8")
    if decoded:
        return decoded
    guess = _guess(data)
    if guess:
        return guess
    for codec in weak:
        decoded = _strict(data, codec)
        if decoded:
            return decoded
    _fail(what, "it is not UTF-8 and no declared or detected encoding decodes it")


def _strict(data: bytes, codec: str) -> Decoded | None:
    try:
        text = data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    return Decoded(text, "utf-8" if codec == "utf-8-sig" else codec)


def _guess(data: bytes) -> Decoded | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return None
    codec = canonical_encoding(best.encoding) or best.encoding
    return _strict(data, codec)


def _fail(what: str, why: str):
    raise InputError(f"cannot decode {what}: {why}")


def read_regular_file(name: str | Path, max_bytes: int, error: type[Exception] = InputError) -> bytes:
    """The bytes of `name` when it is a regular file of at most `max_bytes`; otherwise `error` with
    one clear line. A named pipe would block a read forever and a device never end."""
    # Opened non-blocking and checked with fstat before reading: opening a FIFO for reading would
    # otherwise wait for a writer, and checking the path first would leave a window to swap it.
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise error(f"{name}: no such file") from None
    except IsADirectoryError:
        raise error(f"{name}: is a directory, not a file") from None
    except OSError as e:
        raise error(f"{name}: cannot read: {e.strerror or e}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode):
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{name}: is a directory, not a file")
        kind = "a named pipe" if stat.S_ISFIFO(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode) \
            else "a device"
        raise error(f"{name}: is {kind}, not a regular file; save the document to a file first")
    with os.fdopen(fd, "rb") as file:
        if info.st_size > max_bytes:
            raise error(f"{name}: {info.st_size} bytes; a document may have at most {max_bytes} bytes")
        try:
            return file.read(max_bytes + 1)[:max_bytes]
        except OSError as e:
            raise error(f"{name}: cannot read: {e.strerror or e}") from None
