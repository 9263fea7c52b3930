"""Every endpoint answer parser takes arbitrary bytes and JSON without raising."""

import contextlib
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from archiver.net import Answer
from archiver.platforms.twitter import oembed, syndication
from archiver.resolve import html_target
from archiver.scan import feeds

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.sampled_from([
        "__typename", "id_str", "text", "user", "screen_name", "name", "created_at",
        "mediaDetails", "video_info", "variants", "quoted_tweet", "note_tweet", "tombstone",
        "edit_control", "isEdited", "html", "author_name", "url", "error", "bitrate",
        "content_type", "media_url_https", "note_tweet_results", "result",
    ]) | st.text(max_size=8), children, max_size=6),
    max_leaves=30,
)
STATUS = st.sampled_from([200, 200, 200, 403, 404, 429, 500, None])


def check(finding):
    assert finding.kind in ("found", "not_found", "unavailable", "error")
    assert isinstance(finding.reason, str)


@settings(max_examples=300, deadline=None)
@given(JSON, STATUS)
def test_syndication_reader_never_raises_on_any_json(value, status):
    answer = Answer("http://x/", status, {}, json.dumps(value).encode(),
                    None if status else "timed out")
    check(syndication.read(answer, "1479070000000000000"))


@settings(max_examples=300, deadline=None)
@given(JSON, STATUS)
def test_oembed_reader_never_raises_on_any_json(value, status):
    answer = Answer("http://x/", status, {}, json.dumps(value).encode(),
                    None if status else "timed out")
    check(oembed.read(answer, "1479070000000000000"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000), STATUS)
def test_readers_never_raise_on_any_bytes(body, status):
    answer = Answer("http://x/", status, {}, body, None if status else "reset")
    check(syndication.read(answer, "20"))
    check(oembed.read(answer, "20"))
    html_target(body)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_oembed_html_field_of_any_text_never_raises(markup):
    answer = Answer("http://x/", 200, {}, json.dumps({"html": markup}).encode())
    check(oembed.read(answer, "20"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000))
def test_feed_reader_never_raises_unexpectedly(body):
    data = b'<?xml version="1.0"?><rss><channel>' + body
    with contextlib.suppress(feeds.SourceError):
        feeds.entries(data, "http://example.com/feed")
