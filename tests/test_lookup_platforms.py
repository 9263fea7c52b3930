"""`archiver lookup` across platforms: one handle on two platforms is two accounts."""

import pytest

from archiver.model import Article, Embed
from archiver.store import Store


@pytest.fixture
def two_platforms(archive):
    store = Store(archive)
    store.record_article(Article(
        source="/news/story.html", title="Story", kind="html", content_hash="h1",
        embeds=[Embed("twitter", id="1479000000000000001", handle="newsroom", text="On X",
                      date="2022-01-06"),
                Embed("bluesky", id="did:plc:abc123/3kabcdefghij2", handle="newsroom",
                      text="On Bluesky", date="2024-05-01"),
                Embed("twitter", id="1479000000000000002", handle="someone", text="Other")]))
    store.close()
    return archive


def texts(proc):
    return sorted(r["text"] for r in proc.json)


def test_a_handle_alone_finds_its_posts_on_every_platform(two_platforms, run):
    proc = run("lookup", "@newsroom", "--json", check_json=True)
    assert proc.returncode == 0, proc.stderr_text
    assert texts(proc) == ["On Bluesky", "On X"]
    assert {r["platform"] for r in proc.json} == {"twitter", "bluesky"}


@pytest.mark.parametrize("args, expected", [
    (["bluesky:@newsroom"], ["On Bluesky"]),
    (["BLUESKY:newsroom"], ["On Bluesky"]),
    (["twitter:@newsroom"], ["On X"]),
    (["x:@newsroom"], ["On X"]),  # a short name
    (["@newsroom", "--platform", "bluesky"], ["On Bluesky"]),
    (["@newsroom", "--platform", "x"], ["On X"]),
    (["x:@someone", "--platform", "twitter"], ["Other"]),
])
def test_a_platform_named_before_the_handle_or_as_an_option_narrows_it(two_platforms, run,
                                                                      args, expected):
    proc = run("lookup", *args, "--json", check_json=True)
    assert proc.returncode == 0, proc.stderr_text
    assert texts(proc) == expected


def test_the_text_listing_names_each_posts_platform(two_platforms, run):
    out = run("lookup", "newsroom").stdout_text
    assert "  bluesky  @newsroom" in out and "  twitter  @newsroom" in out


@pytest.mark.parametrize("args, says", [
    (["myspace:@newsroom"], "unknown platform 'myspace'"),
    (["@newsroom", "--platform", "friendster"], "unknown platform 'friendster'"),
    (["bluesky:@newsroom", "--platform", "twitter"], "names bluesky, but --platform is twitter"),
])
def test_an_unknown_or_contradicting_platform_is_a_usage_error(two_platforms, run, args, says):
    proc = run("lookup", *args)
    assert proc.returncode == 2
    assert says in proc.stderr_text
    assert "Traceback" not in proc.stderr_text
