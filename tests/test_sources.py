"""Pure parts of the fetcher: the token, t.co's HTML answer, reading endpoint answers,
and the classification that never claims `deleted` on one source's word."""

import json

import pytest

from archiver.net import Answer, Client
from archiver.platforms import twitter
from archiver.platforms.base import Finding, PostData
from archiver.platforms.twitter import oembed, syndication
from archiver.platforms.twitter.classify import classify
from archiver.platforms.twitter.token import js_to_radix_string, syndication_token
from archiver.resolve import html_target, resolve
from archiver.settings import load as load_settings
from conftest import FIXTURES
from standin import StandIn

texts_differ = twitter.PLATFORM.texts_differ
TOKENS = json.loads((FIXTURES / "syndication_tokens.json").read_text())


@pytest.mark.parametrize("tweet_id, token", sorted(TOKENS.items()))
def test_syndication_token_matches_javascript(tweet_id, token):
    assert syndication_token(tweet_id) == token


def test_radix_formatting_matches_known_javascript_output():
    assert js_to_radix_string(0.5, 2) == "0.1"
    assert js_to_radix_string(255.0, 16) == "ff"
    assert js_to_radix_string(-10.25, 36) == "-a.9"


TCO_BROWSER_ANSWER = (
    b'<head><meta name="referrer" content="always"><noscript><META http-equiv="refresh" '
    b'content="0;URL=https://dest.example/a?b=1&amp;c=2"></noscript><title>https://dest.example/a?b=1&amp;c=2</title></head>'
    b'<script>window.opener = null; location.replace("https:\\/\\/dest.example\\/a?b=1&c=2")</script>'
)


def test_tco_browser_answer_is_read_meta_refresh_first():
    assert html_target(TCO_BROWSER_ANSWER) == "https://dest.example/a?b=1&c=2"
    without_meta = TCO_BROWSER_ANSWER.split(b"<noscript>")[0] + b"</head><script>" + \
        TCO_BROWSER_ANSWER.split(b"<script>")[1]
    assert html_target(without_meta) == "https://dest.example/a?b=1&c=2"


def test_tco_answering_a_browser_with_html_is_followed():
    with StandIn() as standin:
        standin.add_article("story", "<html><title>S</title></html>")
        standin.add_link("BrOwSeR123", "/articles/story")
        settings = load_settings(env=standin.env())
        client = Client(settings)
        client.session.headers["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64)"
        result = resolve(client, "BrOwSeR123")
    assert result.error is None
    assert result.resolved == f"{standin.url}/articles/story"
    assert [h.status for h in result.hops] == [200, 200]


def answer(status, body=b"", error=None):
    if isinstance(body, (dict, list)):
        body = json.dumps(body).encode()
    return Answer("http://x/", status, {}, body, error)


TWEET = {
    "__typename": "Tweet", "id_str": "1479070000000000000", "text": "A &amp; B &lt;3 https://t.co/x",
    "created_at": "2022-01-06T10:00:00.000Z",
    "user": {"name": "DW News", "screen_name": "dwnews"},
    "mediaDetails": [{"type": "video", "media_url_https": "https://pbs/x.jpg", "video_info": {
        "variants": [{"bitrate": 100, "content_type": "video/mp4", "url": "low.mp4"},
                     {"bitrate": 900, "content_type": "video/mp4", "url": "high.mp4"}]}}],
    "quoted_tweet": {"id_str": "1479000000000000000", "user": {"screen_name": "other"}},
    "isEdited": False,
}


def test_syndication_tweet_becomes_post_fields():
    finding = syndication.read(answer(200, TWEET), TWEET["id_str"])
    assert finding.kind == "found"
    data = finding.data
    assert data.text == "A & B <3 https://t.co/x"
    assert (data.handle, data.author, data.created_at) == ("dwnews", "DW News",
                                                           "2022-01-06T10:00:00.000Z")
    assert data.media[0]["video"] == "high.mp4"
    assert (data.quoted_id, data.quoted_handle) == ("1479000000000000000", "other")


@pytest.mark.parametrize("reply, kind", [
    (answer(404), "not_found"),
    (answer(200, {}), "error"),  # a refused token or a withheld post, not a 404
    (answer(200, {"__typename": "TweetTombstone", "tombstone": {"text": {"text": "Age-restricted adult content."}}}), "unavailable"),
    (answer(200, b"<!DOCTYPE html><html>Log in to X</html>"), "error"),
    (answer(200, b"{not json"), "error"),
    (answer(200, [1, 2]), "error"),
    (answer(200, {"__typename": "Tweet"}), "error"),
    (answer(429), "error"),
    (answer(None, error="timed out after 4 s"), "error"),
])
def test_syndication_answers_are_classified(reply, kind):
    assert syndication.read(reply, "1479070000000000000").kind == kind


def test_login_wall_is_never_read_as_the_post():
    finding = syndication.read(answer(200, b"<html><body>Log in Sign up</body></html>"), "1")
    assert finding.kind == "error" and "HTML" in finding.reason
    finding = oembed.read(answer(200, b"<html><body>Log in</body></html>"), "1")
    assert finding.kind == "error"


def test_oembed_html_is_read_with_the_scanner():
    body = {"url": "https://twitter.com/dwnews/status/1479070000000000000", "author_name": "DW News",
            "html": '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Hello<br>world</p>'
                    '&mdash; DW News (@dwnews) <a href="https://twitter.com/dwnews/status/'
                    '1479070000000000000?ref_src=twsrc%5Etfw">January 6, 2022</a></blockquote>'}
    finding = oembed.read(answer(200, body), "1479070000000000000")
    assert finding.kind == "found"
    assert finding.data.text == "Hello\nworld"
    assert finding.data.handle == "dwnews"
    assert oembed.read(answer(200, body), "42").kind == "error"  # an answer for another post
    forbidden = oembed.read(answer(403, {"error": "Sorry, you are not authorized to see this status."}), "1")
    assert forbidden.kind == "unavailable" and "not authorized" in forbidden.reason


F = Finding


@pytest.mark.parametrize("synd, oemb, status", [
    (F("not_found", "s404"), F("not_found", "o404"), "deleted"),
    (F("not_found", "s404"), F("error", "o500"), "failed"),
    (F("error", "s429"), F("not_found", "o404"), "failed"),
    (F("not_found", "s404"), F("unavailable", "o403"), "unavailable"),
    (F("unavailable", "tomb"), F("not_found", "o404"), "unavailable"),
    (F("unavailable", "tomb"), F("found", "ok", PostData("1")), "archived"),
    (F("found", "ok", PostData("1")), F("error", "o500"), "archived"),
    (F("error", "s500"), F("error", "o500"), "failed"),
])
def test_classification_needs_both_sources_to_say_deleted(synd, oemb, status):
    verdict = classify(synd, oemb)
    assert verdict.status == status
    assert synd.reason in verdict.reason


def test_preserved_and_live_text_compare_links_by_code():
    assert not texts_differ("Hi there pic.twitter.com/AbC", "Hi there https://t.co/AbC")
    assert not texts_differ("Don’t  stop", "Don't stop")
    assert texts_differ("Hi there", "Hi here")


@pytest.mark.parametrize("preserved, live, differ", [
    ("A long text that goes on and on to its end", "A long text that goes on\u2026", False),
    ("A long text that goes on and on to its end",
     "A long text that goes on\u2026 https://t.co/AbC123", False),
    ("A long text that goes on and on", "A long text that goes on...", False),
    ("Something else, and a long text that goes on", "A long text that goes on\u2026", True),
    ("A long text", "A long text that goes on\u2026", True),
])
def test_a_cut_live_text_differs_only_where_the_preserved_text_does_not_begin_with_it(
        preserved, live, differ):
    assert texts_differ(preserved, live, live_truncated=True) is differ
    assert texts_differ(preserved, live) is True


def test_an_empty_answer_says_nothing_of_the_post():
    finding = syndication.read(answer(200, {}), "20")
    assert finding.kind == "error" and "{}" in finding.reason
