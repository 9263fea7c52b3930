"""The marks the scanner reads before parsing (archiver/scan/marks.py): Hyperscan
and Python's re must find the same ones, and the scan must give the same articles
whichever engine found them."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from archiver import scan
from archiver.scan import marks
from archiver.scan.marks import Mark, Marks

pytest.importorskip("hyperscan")

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted(p for folder in (ROOT / "tests" / "fixtures", ROOT / "seeds")
               for p in folder.rglob("*") if p.suffix in (".html", ".htm", ".txt"))


@pytest.fixture(scope="module")
def engines():
    every = scan._page_marks().marks
    return Marks(every, engine="hyperscan"), Marks(every, engine="re")


def test_the_pages_are_there():
    assert len(PAGES) > 50


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_both_engines_find_the_same_marks(engines, page):
    data = page.read_bytes()
    fast, slow = (engine.find(data) for engine in engines)
    assert fast.names == slow.names
    for mark in {m.name for m in engines[0].marks if m.every}:
        # Hyperscan reports overlapping occurrences too: re's are among them.
        assert set(slow.starts(mark)) <= set(fast.starts(mark)), mark


@pytest.fixture
def without_hyperscan(monkeypatch):
    """The scanner as it runs where Hyperscan has no build."""
    monkeypatch.setattr(marks, "hyperscan", None)
    scan._page_marks.cache_clear()
    yield
    scan._page_marks.cache_clear()


def _read_all() -> dict[str, dict]:
    return {str(p): dataclasses.asdict(scan.scan_bytes(p.read_bytes(), str(p))) for p in PAGES}


def test_the_scan_is_the_same_without_hyperscan(request):
    with_it = _read_all()
    assert scan._page_marks().engine == "hyperscan"
    request.getfixturevalue("without_hyperscan")
    assert scan._page_marks().engine == "re"
    without = _read_all()
    assert with_it == without
    assert sum(len(a["embeds"]) for a in with_it.values()) > 100


@pytest.mark.parametrize("engine", ["hyperscan", "re"])
def test_mark_semantics(engine):
    found = Marks([
        Mark("word", rb"tweet", every=True),
        Mark("any-case", rb"t\.co/", caseless=True),
        Mark("exact-case", rb"Twitter"),
        Mark("across-lines", rb"a.b"),
        Mark("absent", rb"nowhere"),
    ], engine=engine).find(b"tweet T.CO/x twitter a\nb tweettweet")
    assert found.names == {"word", "any-case", "across-lines"}
    assert found.starts("word") == [0, 25, 30]
    assert found.starts("any-case") == []  # presence only
    assert "absent" not in found
    assert Marks([Mark("x", rb"x", every=True)], engine=engine).find(b"").names == set()


@pytest.mark.parametrize("engine", ["hyperscan", "re"])
def test_caseless_marks_in_every_spelling(engine):
    """re reads a caseless mark written in lower case in the page lower-cased once:
    a class of letters, a byte written by its number and a capital in the pattern
    must still match as Hyperscan's caseless flag has them match."""
    found = Marks([
        Mark("class", rb"amp-[a-z]+", caseless=True, every=True),
        Mark("number", rb"\x54\.co", caseless=True),  # "T.co"
        Mark("capital", rb"AMP-Y", caseless=True, every=True),
        Mark("not-a-letter", rb"x[^a-z]y", caseless=True),
    ], engine=engine).find(b"<AMP-YOUTUBE> t.CO xXy amp-Youtube")
    assert found.names == {"class", "number", "capital"}
    assert found.starts("class") == [1, 23]
    assert found.starts("capital") == [1, 23]


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="engine"):
        Marks([], engine="grep")
