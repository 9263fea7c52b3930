"""Arbitrary bytes and text never crash the scanner, and what it returns is well formed."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.scan import nesting, scan_bytes

FRAGMENTS = st.sampled_from([
    "<blockquote class=\"twitter-tweet\">", "</blockquote>", "<p>", "</p>", "<br>",
    "&mdash; ", "\u2014 ", "(@", ")", "(@handle) ", "January 6, 2022", "2020年5月10日",
    "<a href=\"https://twitter.com/a/status/1479082912958476290\">", "</a>",
    "https://t.co/", "pic.twitter.com/", "abc123", "\n", " ", "<amp-twitter data-tweetid=\"",
    "<iframe src=\"https://platform.twitter.com/embed/Tweet.html?id=", "\">", "<figure class="
    "\"wp-block-embed is-provider-twitter\">", "https://x.com/i/web/status/99",
    "<div class=\"embed-twitter\" data-embed-id=\"", "[tweet ", "]", "<!--", "-->", "\x00",
    "\ufeff", "<html>", "<title>", "</title>", "<meta charset=\"shift_jis\">",
])


def check(article):
    assert isinstance(article.embeds, list)
    for embed in article.embeds:
        assert embed.platform == "twitter"
        assert embed.id is None or embed.id.isdigit()
        assert embed.date is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", embed.date)
        assert embed.handle is None or re.fullmatch(r"[A-Za-z0-9_]{1,15}", embed.handle)
    for link in article.links:
        assert re.fullmatch(r"https://(t\.co|pic\.twitter\.com)/[A-Za-z0-9]+", link)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4000))
def test_arbitrary_bytes_never_crash_the_scanner(data):
    check(scan_bytes(data, "fuzz"))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(FRAGMENTS, st.text(max_size=20)), max_size=60))
def test_embed_shaped_noise_never_crashes_the_scanner(parts):
    text = "".join(parts)
    for encoded in (text.encode("utf-8", "surrogatepass"), text.encode("utf-16", "surrogatepass")):
        check(scan_bytes(encoded, "fuzz"))


EMBED = (
    '<blockquote class="twitter-tweet"><p>x</p>&mdash; A (@a) '
    '<a href="https://twitter.com/a/status/1479082912958476290">January 6, 2022</a></blockquote>'
)


def test_deeply_nested_markup_is_scanned():
    # As deep as a browser builds a tree (Blink: 512 levels).
    deep = "<div>" * 500 + EMBED + "</div>" * 500
    article = scan_bytes(deep.encode(), "deep")
    assert [e.id for e in article.embeds] == ["1479082912958476290"]
    assert article.warnings == []


def test_markup_nested_past_the_parser_limit_does_not_crash():
    # Past 512 levels elements are put beside the last one, as Blink does; the
    # scan ends cleanly and says so.
    article = scan_bytes(("<div>" * 20000 + EMBED + "</div>" * 20000).encode(), "deeper")
    check(article)
    assert article.warnings == [nesting.DEPTH_WARNING]


def test_a_huge_article_is_scanned():
    prose = "<p>" + "Words of an article. " * 40 + "</p>\n"
    article = scan_bytes(("<html><body>" + prose * 20000 + EMBED + "</body></html>").encode())
    assert [e.handle for e in article.embeds] == ["a"]
