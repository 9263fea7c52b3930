"""Bytes to text: BOM, then the HTTP header, then <meta charset>, then a tolerant fallback."""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE
)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        found = codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None
    # Browsers read latin-1 and ascii labels as windows-1252 (WHATWG encoding spec).
    return "cp1252" if found in ("latin-1", "iso8859-1", "ascii") else found


def looks_utf16(data: bytes) -> bool:
    """UTF-16 without a BOM: ASCII-heavy text leaves a NUL in every other byte."""
    head = data[:512]
    if len(head) < 16 or b"\x00" not in head:
        return False
    even, odd = head[0::2], head[1::2]
    return even.count(0) > 0.4 * len(even) or odd.count(0) > 0.4 * len(odd)


def _utf16_codec(data: bytes) -> str:
    head = data[:512]
    return "utf-16-be" if head[0::2].count(0) > head[1::2].count(0) else "utf-16-le"


def declared_codec(data: bytes, content_type: str | None = None) -> str | None:
    """The encoding the HTTP header, else the page's <meta charset>, declares."""
    if content_type:
        m = _HEADER_CHARSET.search(content_type)
        if m and _codec(m.group(1)):
            return _codec(m.group(1))
    m = _META_CHARSET.search(data[:4096])
    codec = _codec(m.group(1).decode("ascii", "ignore")) if m else None
    # A page whose <meta> could be read as ASCII is not UTF-16 (or 32), whatever it
    # says: the HTML standard reads such a declaration as UTF-8 (prescan of the
    # byte stream). Real UTF-16 pages are told by their BOM or their NULs.
    if codec and codec.startswith(("utf-16", "utf-32")):
        return "utf-8"
    return codec


def decode(data: bytes, content_type: str | None = None,
           declared: str | None = None) -> str:
    """Text of the bytes; `declared` is an encoding already read from the page's head."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(name, errors="replace")
    if looks_utf16(data):
        return data.decode(_utf16_codec(data), errors="replace")
    declared = declared or declared_codec(data, content_type)
    if declared:
        try:
            return data.decode(declared)
        except UnicodeDecodeError:
            pass  # the declaration lies; fall through to the tolerant path
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from bs4.dammit import UnicodeDammit  # only the rare undeclared non-UTF-8 article pays

    guessed = UnicodeDammit(data[:65536], is_html=True).original_encoding
    codec = _codec(guessed) or "cp1252"
    try:
        return data.decode(codec, errors="replace")
    except LookupError:
        return data.decode("cp1252", errors="replace")
