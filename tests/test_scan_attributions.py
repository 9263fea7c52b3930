"""The attribution readers say exactly what the regular expressions they replaced
said (those took time quadratic in a line's length, so they stay here, on short
lines, as the specification)."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.platforms.twitter.markup.attributions import ending_attribution, last_attribution
from archiver.platforms.twitter.markup.plaintext import match_attribution
from archiver.platforms.twitter.markup.urls import HANDLE
from archiver.scan.dates import DATE_PATTERN, parse_date

DASHES = "\u2014\u2013\u2015\u2012\u2212"
PLAIN_SPEC = re.compile(
    rf"^(?P<pre>.*?)(?:^|(?<=\s))(?:[{DASHES}]|--?)\s*(?P<name>(?:(?![{DASHES}]\s).)*?)\s*"
    rf"\(@(?P<handle>{HANDLE})\)\s*(?P<date>{DATE_PATTERN})\s*[.\u00a0]?\s*$"
)
ENDING_SPEC = re.compile(
    rf"(?:^|\s)(?:[{DASHES}]|&mdash;|--?)\s*(?P<name>[^{DASHES}]*?)\s*\(@(?P<handle>{HANDLE})\)\s*$"
)
INLINE_SPEC = re.compile(
    rf"(?:^|\s)(?:[{DASHES}]|--?)\s*(?P<name>[^{DASHES}]*?)\s*\(@(?P<handle>{HANDLE})\)"
)
PIECES = st.lists(st.sampled_from([
    "\u2014", "\u2013", "\u2212", "-", "--", " ", "  ", "\u00a0", "\n", "Jane", "Doe", "😀",
    "(@jane_doe)", "(@a)", "(@a b)", "(", ")", "@", "x", ".", "&mdash;", "at 9:42 AM",
    "January 6, 2022", "2020年5月10日", "6 de enero de 2022", "2021-01-02",
]), max_size=14).map("".join)


def spec_plain(line):
    m = PLAIN_SPEC.match(line) if "(@" in line else None
    if m and parse_date(m.group("date")):
        return m.group("pre"), m.group("name").strip(), m.group("handle"), m.group("date")
    return None


def spec_markup(m):
    return None if m is None else (m.start(), m.group("name").strip(), m.group("handle"))


def read_markup(found):
    return None if found is None else (found.start, found.name, found.handle)


@settings(max_examples=3000, deadline=None)
@given(PIECES)
def test_plain_text_attributions_read_as_the_regex_did(line):
    line = line.replace("\n", " ")  # a line, as the scanner gives it
    found = match_attribution(line)
    read = None if found is None else (found.pre, found.name, found.handle, found.date)
    assert read == spec_plain(line)


@settings(max_examples=3000, deadline=None)
@given(PIECES)
def test_markup_attributions_read_as_the_regexes_did(text):
    assert read_markup(ending_attribution(text)) == spec_markup(ENDING_SPEC.search(text))
    every = list(INLINE_SPEC.finditer(text))
    assert read_markup(last_attribution(text)) == spec_markup(every[-1] if every else None)


def test_the_specification_finds_what_a_real_attribution_says():
    line = "Words of the tweet \u2014 Jane Doe (@jane_doe) January 6, 2022"
    assert spec_plain(line) == ("Words of the tweet ", "Jane Doe", "jane_doe", "January 6, 2022")
    assert read_markup(last_attribution("x &mdash; Jane (@jane) y")) is None
    assert read_markup(last_attribution("x \u2014 Jane (@jane) y")) == (1, "Jane", "jane")
