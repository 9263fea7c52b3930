"""Text from outside made safe where it enters (storable) and where it leaves (printable).

Standard library only: `archiver lookup` imports it.
"""

from __future__ import annotations

import re

# JSON may escape a lone UTF-16 surrogate ("\ud800"); Python decodes it into a str
# that SQLite, the JSON log and the terminal cannot encode. A well-formed pair is
# already one code point after decoding, so any surrogate left is a lone one.
_SURROGATE = re.compile("[\ud800-\udfff]")

# Characters that act on a terminal instead of showing: C0 and C1 controls (ESC
# starts colour, title and screen-clearing sequences) and the bidirectional
# overrides and isolates that reorder what is shown.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def storable(value: str) -> str:
    """The string with lone surrogates replaced by U+FFFD."""
    if not _SURROGATE.search(value):
        return value
    return _SURROGATE.sub("\ufffd", value)


def storable_json(value):
    """A decoded JSON value with every string in it (keys too) made storable."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, list):
        return [storable_json(v) for v in value]
    if isinstance(value, dict):
        return {storable(k): storable_json(v) for k, v in value.items()}
    return value


def printable(value: str) -> str:
    """The string with terminal controls shown as escapes (ESC as \\x1b), never acted
    on; tabs and newlines stay (multi-line text is shown as such)."""
    def escape(m: re.Match) -> str:
        code = ord(m.group(0))
        return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"

    return _UNPRINTABLE.sub(escape, storable(value))
