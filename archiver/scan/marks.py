"""Marks in an article's bytes, every one of them found in one pass.

The scanner decides how much work a page needs from a few dozen marks: a
platform's host in a URL, a class naming an embed, a "(@", a t.co link. One
search per mark read every page a dozen times over, and that reading was half the
scan. Hyperscan (Intel's multi-pattern regular-expression engine, built for
network inspection) reads the page once for all of them, at memory speed. Where
it has no build (Linux on ARM), Python's re finds the same marks, one expression
at a time: the same answers, slower.

A mark's pattern is written in the syntax both engines read alike: no
look-around, no back-references, no possessive or lazy quantifiers; "." matches
any byte. A mark is a candidate, never a verdict: the reader of each mark checks
what stands around it, so an engine that reports one occurrence more (Hyperscan
reports overlapping ones) changes nothing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass

try:  # an optional speed-up: wheels exist for x86-64 and macOS, not Linux on ARM
    import hyperscan
except ImportError:  # pragma: no cover - exercised where no wheel exists
    hyperscan = None


@dataclass(frozen=True)
class Mark:
    """A pattern of bytes worth knowing about before a page is parsed."""

    name: str  # several marks may share a name: it is present when any of them is
    pattern: bytes
    caseless: bool = False
    every: bool = False  # the start of every occurrence is wanted, not only whether one is


class Found:
    """Which marks a page holds, and where the `every` marks start."""

    __slots__ = ("_starts", "names")

    def __init__(self, names: set[str], starts: dict[str, list[int]]):
        self.names = names
        self._starts = starts

    def __contains__(self, name: str) -> bool:
        return name in self.names

    def starts(self, name: str) -> list[int]:
        """Where the mark's occurrences start, in order, each once."""
        return self._starts.get(name, [])


class Marks:
    """A set of marks, compiled once, searched for in one pass per page."""

    def __init__(self, marks: Iterable[Mark], engine: str | None = None):
        self.marks = tuple(marks)
        if engine is None:
            engine = "hyperscan" if hyperscan is not None else "re"
        self.engine = engine
        if engine == "hyperscan":
            self._compile_hyperscan()
        elif engine == "re":
            # re ignores case one byte at a time, at a tenth of its speed for a
            # literal: a caseless mark written in lower case is searched for in
            # the page lower-cased once (bytes.lower(), like IGNORECASE on bytes,
            # changes ASCII letters only, so every position stays where it was).
            # A mark that is a literal is found by bytes.find, several times faster
            # than re finds even a literal.
            self._in_lowered = [m.caseless and m.pattern == m.pattern.lower()
                                and _BYTE_ESCAPE.search(m.pattern) is None
                                for m in self.marks]
            self._literals = [_literal(m.pattern) if lowered or not m.caseless else None
                              for m, lowered in zip(self.marks, self._in_lowered, strict=True)]
            self._expressions = [
                re.compile(m.pattern, re.DOTALL | (
                    re.IGNORECASE if m.caseless and not lowered else 0))
                for m, lowered in zip(self.marks, self._in_lowered, strict=True)]
        else:
            raise ValueError(f"unknown engine {engine!r}")

    def find(self, data: bytes) -> Found:
        if self.engine == "hyperscan":
            return self._find_hyperscan(data)
        names: set[str] = set()
        starts: dict[str, list[int]] = {}
        lowered = data.lower() if any(self._in_lowered) else data
        for mark, expression, literal, in_lowered in zip(
                self.marks, self._expressions, self._literals, self._in_lowered, strict=True):
            page = lowered if in_lowered else data
            if mark.every:
                at = (_occurrences(page, literal) if literal
                      else [m.start() for m in expression.finditer(page)])
                if at:
                    names.add(mark.name)
                    starts.setdefault(mark.name, []).extend(at)
            elif mark.name not in names and (
                    literal in page if literal else expression.search(page)):
                names.add(mark.name)
        return Found(names, _ordered(starts))

    def _compile_hyperscan(self) -> None:
        self._database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
        flags = []
        for mark in self.marks:
            flag = hyperscan.HS_FLAG_DOTALL
            flag |= hyperscan.HS_FLAG_CASELESS if mark.caseless else 0
            # Where only presence matters, one report is enough: the engine stops
            # looking for that mark once it has been seen.
            flag |= hyperscan.HS_FLAG_SOM_LEFTMOST if mark.every else hyperscan.HS_FLAG_SINGLEMATCH
            flags.append(flag)
        self._database.compile(expressions=[m.pattern for m in self.marks],
                               ids=list(range(len(self.marks))), flags=flags)
        self._local = threading.local()  # a scratch space is one scan's own

    def _find_hyperscan(self, data: bytes) -> Found:
        scratch = getattr(self._local, "scratch", None)
        if scratch is None:
            scratch = self._local.scratch = hyperscan.Scratch(self._database)
        marks = self.marks
        names: set[str] = set()
        starts: dict[str, list[int]] = {}

        def seen(index, start, end, flags, context):
            mark = marks[index]
            names.add(mark.name)
            if mark.every:
                starts.setdefault(mark.name, []).append(start)

        if data:
            self._database.scan(data, match_event_handler=seen, scratch=scratch)
        return Found(names, _ordered(starts))


# A byte written by its number ("\x41", "\101") may be a capital letter, which
# the lower-cased page no longer holds.
_BYTE_ESCAPE = re.compile(rb"\\(?:x|[0-7])")


def _literal(pattern: bytes) -> bytes | None:
    """The bytes a pattern matches when they are all it matches (letters, digits
    and escaped punctuation), else None."""
    literal = bytearray()
    escaped = False
    for byte in pattern:
        if escaped:
            if chr(byte).isalnum():  # \d, \x41, \1: no literal
                return None
            literal.append(byte)
            escaped = False
        elif byte == 0x5C:  # a backslash
            escaped = True
        elif byte in _SPECIAL:
            return None
        else:
            literal.append(byte)
    return bytes(literal) if literal and not escaped else None


_SPECIAL = frozenset(b".^$*+?{}[]|()#")


def _occurrences(page: bytes, literal: bytes) -> list[int]:
    """Where literal starts in page, each occurrence after the last one's end (as
    re's finditer has them)."""
    found = []
    at = page.find(literal)
    while at >= 0:
        found.append(at)
        at = page.find(literal, at + len(literal))
    return found


def _ordered(starts: dict[str, list[int]]) -> dict[str, list[int]]:
    return {name: sorted(set(at)) for name, at in starts.items()}
