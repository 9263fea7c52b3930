"""Reddit through the platform contract: its URL forms, its embed code in articles
(through the real `archiver scan`), what the .json listing and oEmbed answer and mean
(real HTTP to the stand-in), the embed page in Chromium, and a whole `archiver run`."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from archiver import platforms
from archiver import settings as archiver_settings
from archiver.capture import Capturer
from archiver.net import Answer, Client
from archiver.resolve import resolve
from archiver.scan import registry
from standin.reddit import RedditComment, RedditPost, RedditStandIn

FIXTURES = Path(__file__).parent / "fixtures" / "reddit"
REDDIT = platforms.get("reddit")


# -- naming posts and comments -------------------------------------------------------

@pytest.mark.parametrize("url, key, handle", [
    ("https://www.reddit.com/r/RiverCity/comments/1b2c3d4/the_underpass/", "1b2c3d4", None),
    ("https://www.reddit.com/r/RiverCity/comments/1b2c3d4/the_underpass/?utm_source=share",
     "1b2c3d4", None),
    ("https://old.reddit.com/r/RiverCity/comments/1b2c3d4/", "1b2c3d4", None),
    ("https://new.reddit.com/r/RiverCity/comments/1B2C3D4/the_underpass", "1b2c3d4", None),
    ("https://np.reddit.com/r/RiverCity/comments/1b2c3d4/x/", "1b2c3d4", None),
    ("https://m.reddit.com/r/RiverCity/comments/1b2c3d4/x/", "1b2c3d4", None),
    ("https://sh.reddit.com/r/RiverCity/comments/1b2c3d4/x/", "1b2c3d4", None),
    ("https://reddit.com/comments/1b2c3d4", "1b2c3d4", None),
    ("https://www.reddit.com/gallery/1b2c3d4", "1b2c3d4", None),
    ("https://redd.it/1b2c3d4", "1b2c3d4", None),
    ("https://www.reddit.com/user/floodwatcher/comments/1b2c3d4/my_photo/", "1b2c3d4",
     "floodwatcher"),
    ("https://embed.reddit.com/r/RiverCity/comments/1b2c3d4/x/?embed=true", "1b2c3d4", None),
    ("https://www.redditmedia.com/r/RiverCity/comments/1b2c3d4/x/?ref_source=embed&embed=true",
     "1b2c3d4", None),
    # Comments: the post's id and their own.
    ("https://www.reddit.com/r/RiverCity/comments/1b2c3d4/the_underpass/kq7x9zt/",
     "1b2c3d4/kq7x9zt", None),
    ("https://www.reddit.com/r/RiverCity/comments/1b2c3d4/comment/kq7x9zt/?context=3",
     "1b2c3d4/kq7x9zt", None),
    ("https://old.reddit.com/r/RiverCity/comments/1b2c3d4/_/kq7x9zt", "1b2c3d4/kq7x9zt", None),
])
def test_every_url_form_names_a_post_or_comment_by_its_ids(url, key, handle):
    assert REDDIT.post_ref(url) == platforms.PostRef("reddit", key, handle)
    assert platforms.post_ref(url) == platforms.PostRef("reddit", key, handle)


@pytest.mark.parametrize("url", [
    "https://www.reddit.com/r/RiverCity/",
    "https://www.reddit.com/r/RiverCity/new/",
    "https://www.reddit.com/user/floodwatcher/",
    "https://www.reddit.com/u/floodwatcher",
    "https://www.reddit.com/r/RiverCity/s/Xk2WdoDrB4",  # a share link: its redirect tells
    "https://www.reddit.com/submit?url=https%3A%2F%2Fexample.org&title=Story",
    "https://www.reddit.com/r/RiverCity/wiki/index",
    "https://www.reddit.com/r/RiverCity/comments/",
    "https://i.redd.it/abc123.jpg",
    "https://v.redd.it/abc123",
    "https://notreddit.com/r/x/comments/1b2c3d4/",
    "https://reddit.com.example.org/r/x/comments/1b2c3d4/",
    "http://[::1",
    "",
    None,
])
def test_communities_users_shares_and_media_name_no_post(url):
    assert REDDIT.post_ref(url) is None


def test_an_id_is_a_safe_folder_name_and_leads_back_to_its_post():
    assert REDDIT.valid_id("1b2c3d4") and REDDIT.valid_id("1b2c3d4/kq7x9zt")
    for bad in ("", "1B2C3D4", "1b2c3d4/", "1b2c3d4/kq7/x", "../1", "t3_1b2c3d4"):
        assert not REDDIT.valid_id(bad), bad
    assert REDDIT.folder_name("1b2c3d4") == "1b2c3d4"
    assert REDDIT.folder_name("1b2c3d4/kq7x9zt") == "1b2c3d4+kq7x9zt"
    assert REDDIT.post_url("1b2c3d4", None) == "https://www.reddit.com/comments/1b2c3d4/"
    assert REDDIT.post_ref(REDDIT.post_url("1b2c3d4/kq7x9zt", None)).id == "1b2c3d4/kq7x9zt"
    assert REDDIT.date_from_id("1b2c3d4") is None  # base 36 counts, it does not date


def test_share_links_are_kept_under_a_key_of_their_own_and_resolve_to_their_post():
    url = "https://www.reddit.com/r/RiverCity/s/Xk2WdoDrB4"
    assert platforms.link_key(url) == (REDDIT, "reddit.com/r/RiverCity/s/Xk2WdoDrB4")
    assert REDDIT.link_key("https://redd.it/1b2c3d4") is None  # it names its post already
    with RedditStandIn() as standin:
        standin.add_post(RedditPost("1b2c3d4", subreddit="RiverCity"))
        standin.add_share_link("Xk2WdoDrB4", "1b2c3d4")
        client = Client(archiver_settings.load(env=standin.env()), backoff=0.01)
        try:
            result = resolve(client, "reddit.com/r/RiverCity/s/Xk2WdoDrB4")
        finally:
            client.close()
    assert result.error is None, result.error
    assert platforms.post_ref(result.resolved) == platforms.PostRef("reddit", "1b2c3d4")


def test_a_title_kept_by_the_embed_is_not_an_edit_of_the_post_and_its_body():
    assert not REDDIT.texts_differ("The underpass", "The underpass\nWater up to the rail.")
    assert REDDIT.texts_differ("The underpass", "The underpass (update: drained)\nBody")


# -- finding posts in articles --------------------------------------------------------

SCANS = {
    # file: (embeds as (id, handle, text, form), cited ids)
    "embed_code.html": ([
        ("1b2c3d4", "floodwatcher", "The underpass this morning", "oembed"),
        # A comment's embed keeps none of its words; its discussion's title is not them.
        ("1b2c3d4/kq7x9zt", "longtimeresident", None, "oembed"),
        ("4iy7c2", None, "Underpass flooded again", "legacy"),
        ("4iy7c2/d32kq1x", None, None, "legacy"),
    ], []),
    "amp_iframes_wordpress.html": ([
        ("1c9d8e7", None, None, "amp"),
        ("1c9d8e7/l0a1b2c", None, None, "amp"),
        ("1d0e1f2", None, None, "iframe"),
        ("1e1f2a3", None, None, "iframe"),
        ("1f2a3b4", None, None, "wordpress"),
    ], []),
    "not_posts.html": ([], []),
    "cited.html": ([], ["1a0b9c8", "1a1b2c3", "1a0b9c8/kp1q2r3"]),
}


def _found(name):
    data = (FIXTURES / name).read_bytes()
    return registry.find_embeds(LexborHTMLParser(data.decode()), registry.present(data.lower()))


@pytest.mark.parametrize("name", sorted(SCANS))
def test_each_markup_form_is_read_by_the_reddit_reader(name):
    found = [e for _, e in _found(name) if e.platform == "reddit"]
    assert [(e.id, e.handle, e.text, e.form) for e in found] == SCANS[name][0]
    # The embed code's dates are when the code was made, not the post: never read.
    assert all(e.date is None for e in found)
    # The permalink keeps the community, which the embed page is asked under.
    assert all(e.url.startswith(("https://www.reddit.com/r/RiverCity/comments/",
                                 "https://www.reddit.com/r/HarbourTown/comments/"))
               for e in found)


@pytest.mark.parametrize("name", sorted(SCANS))
def test_scan_finds_reddit_embeds_and_cited_posts(run, name):
    article = run("scan", str(FIXTURES / name), "--json", check_json=True).json[0]
    embeds = [(e["id"], e["handle"], e["text"]) for e in article["embeds"]
              if e["platform"] == "reddit"]
    assert embeds == [(i, h, t) for i, h, t, _ in SCANS[name][0]]
    cited = [c["id"] for c in article["cited"] if c["platform"] == "reddit"]
    assert cited == SCANS[name][1]


# -- what the answers mean ------------------------------------------------------------

@pytest.fixture
def standin():
    with RedditStandIn(render_delay=0.3) as rd:
        yield rd


def verdict(standin, key, url=None, **env):
    settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_RETRIES": "1", **env})
    client = Client(settings, backoff=0.01)
    try:
        post = {"id": key, "handle": None, "url": url}
        answers = {lookup.name: client.get(lookup.url, headers=dict(lookup.headers) or None)
                   for lookup in REDDIT.lookups(post, settings)}
    finally:
        client.close()
    return REDDIT.classify(answers, post)


def test_a_post_is_archived_with_title_body_author_time_and_original_picture(standin):
    standin.add_post(RedditPost("1b2c3d4", subreddit="RiverCity", title="The underpass",
                                selftext="Water up to the rail.", author="floodwatcher",
                                created_utc=1700000000, image="u8x2k1.jpg"))
    found = verdict(standin, "1b2c3d4")
    assert found.status == "archived", found.reason
    data = found.data
    assert (data.text, data.author, data.handle, data.created_at, data.endpoint) == (
        "The underpass\nWater up to the rail.", "floodwatcher", "floodwatcher",
        "2023-11-14T22:13:20Z", "json")
    # i.redd.it's original, not preview.redd.it's resized copy.
    assert data.media == [{"type": "photo", "url": "https://i.redd.it/u8x2k1.jpg", "alt": None,
                           "video": None}]


def test_a_video_post_keeps_its_best_stream_and_poster(standin):
    standin.add_post(RedditPost("1b2c3d5", video=True))
    media = verdict(standin, "1b2c3d5").data.media
    assert media == [{"type": "video", "alt": None, "key": "vid123",
                      "url": "https://external-preview.redd.it/poster.jpg?s=abc",
                      "video": "https://v.redd.it/vid123/DASH_1080.mp4?source=fallback"}]


def test_a_gallery_keeps_its_pictures_in_its_order_with_captions(standin):
    standin.add_post(RedditPost("1b2c3d6", gallery=[("m2xk", "The wall", "Image"),
                                                    ("a9pq", None, "Image"),
                                                    ("g1f7", "Spray", "AnimatedImage")]))
    media = verdict(standin, "1b2c3d6").data.media
    assert [(m["type"], m["key"], m["alt"], m["url"], m["video"]) for m in media] == [
        ("photo", "m2xk", "The wall", "https://i.redd.it/m2xk.jpg", None),
        ("photo", "a9pq", None, "https://i.redd.it/a9pq.jpg", None),
        ("gif", "g1f7", "Spray", "https://i.redd.it/g1f7.gif",
         "https://preview.redd.it/g1f7.gif?format=mp4&s=abc"),
    ]


def test_a_comment_is_archived_with_its_own_words(standin):
    standin.add_post(RedditPost("1b2c3d4", comments=[
        RedditComment("kq7x9zt", body="Same as 2016.", author="longtimeresident")]))
    found = verdict(standin, "1b2c3d4/kq7x9zt")
    assert found.status == "archived", found.reason
    assert (found.data.id, found.data.text, found.data.handle) == (
        "1b2c3d4/kq7x9zt", "Same as 2016.", "longtimeresident")
    assert standin.hits(r"^/comments/1b2c3d4/_/kq7x9zt/\.json")


def test_the_community_the_article_named_is_kept_in_the_requests(standin):
    standin.add_post(RedditPost("1b2c3d4", subreddit="RiverCity"))
    found = verdict(standin, "1b2c3d4",
                    url="https://www.reddit.com/r/RiverCity/comments/1b2c3d4/the_underpass/")
    assert found.status == "archived", found.reason
    assert standin.hits(r"^/r/RiverCity/comments/1b2c3d4/\.json")


@pytest.mark.parametrize("behaviour, status, said", [
    # The listing answers with the post itself, marked removed: deleted.
    ("deleted", "deleted", "deleted by its author"),
    ("removed", "deleted", "removed by the community's moderators"),
    # Nothing at that id, on both: deleted.
    ("missing", "deleted", "HTTP 404"),
    ("private", "unavailable", "private community"),
    ("banned", "unavailable", "banned community"),
    ("nsfw", "unavailable", "NSFW"),
    ("other_post", "failed", "another post"),
])
def test_each_answer_gives_its_status(standin, behaviour, status, said):
    standin.add_post(RedditPost("1b2c3d4", behaviour=behaviour))
    found = verdict(standin, "1b2c3d4")
    assert found.status == status, found.reason
    assert said in found.reason
    assert found.retry == (status == "failed")


def test_a_blocked_listing_leaves_oembeds_title_and_author(standin):
    standin.add_post(RedditPost("1b2c3d4", title="The underpass", author="floodwatcher",
                                behaviour="blocked"))
    found = verdict(standin, "1b2c3d4")
    assert found.status == "archived", found.reason
    assert "blocked" in found.reason and "data from oEmbed" in found.reason
    assert (found.data.text, found.data.author, found.data.endpoint) == (
        "The underpass", "floodwatcher", "oembed")


def test_oembeds_empty_author_alone_is_never_a_deletion(standin):
    standin.add_post(RedditPost("1b2c3d4", behaviour="deleted"))
    standin.fault("listing", "html_instead_of_json", times=5)  # the listing refused
    found = verdict(standin, "1b2c3d4")
    assert found.status == "failed" and found.retry, found.reason
    assert "no author" in found.reason


@pytest.mark.parametrize("fault", ["rate_limited", "server_error", "reset"])
def test_a_404_oembed_alone_reports_is_a_failure_to_retry(standin, fault):
    standin.fault("listing", fault, times=5)
    found = verdict(standin, "1b2c3d9")  # nothing at that id
    assert found.status == "failed" and found.retry, found.reason


@pytest.mark.parametrize("fault", ["rate_limited", "server_error", "reset"])
def test_a_404_the_listing_alone_reports_is_a_failure_to_retry(standin, fault):
    standin.fault("oembed", fault, times=5)
    found = verdict(standin, "1b2c3d9")
    assert found.status == "failed" and found.retry, found.reason


# -- hostile answers and markup --------------------------------------------------------

KEYS = ["kind", "data", "children", "id", "title", "selftext", "author", "created_utc",
        "removed_by_category", "over_18", "media_metadata", "gallery_data", "items",
        "media_id", "caption", "e", "s", "u", "gif", "mp4", "secure_media", "media",
        "reddit_video", "fallback_url", "is_gif", "preview", "images", "source", "url",
        "post_hint", "crosspost_parent_list", "body", "error", "reason", "html",
        "author_name"]

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(KEYS) | st.text(max_size=6), children, max_size=6),
    max_leaves=30,
)
STATUS = st.sampled_from([200, 200, 200, 301, 401, 403, 404, 429, 500, None])


def _answer(status, body: bytes, location: str = "") -> Answer:
    return Answer("http://x/", status, {"location": location} if location else {}, body,
                  None if status else "timed out")


@hypothesis_settings(max_examples=300, deadline=None)
@given(JSON, JSON, STATUS, STATUS, st.sampled_from(["1b2c3d4", "1b2c3d4/kq7x9zt"]))
def test_any_answers_give_a_verdict_never_an_exception(listing, oembed, listing_status,
                                                       oembed_status, key):
    answers = {"json": _answer(listing_status, json.dumps(listing).encode()),
               "oembed": _answer(oembed_status, json.dumps(oembed).encode())}
    found = REDDIT.classify(answers, {"id": key})
    assert found.status in ("archived", "deleted", "unavailable", "failed")
    assert found.data is None or isinstance(found.data.media, list)


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.binary(max_size=1500), STATUS, st.text(max_size=60))
def test_any_bytes_give_a_verdict_never_an_exception(body, status, location):
    answers = {"json": _answer(status, body, location), "oembed": _answer(status, body)}
    assert REDDIT.classify(answers, {"id": "1b2c3d4"}).status in (
        "archived", "deleted", "unavailable", "failed")


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=120), st.sampled_from(["href", "data-src", "src"]))
def test_any_attribute_value_is_read_or_refused_never_an_exception(value, attribute):
    for tag in ("blockquote class=reddit-embed-bq", "amp-reddit", "iframe src=reddit"):
        markup = (f"<{tag} {attribute}={json.dumps(value)}><a {attribute}="
                  f"{json.dumps(value)}>{value}</a></{tag.split()[0]}>")
        for _, embed in registry.find_embeds(LexborHTMLParser(markup), [REDDIT]):
            assert REDDIT.valid_id(embed.id)
    found = REDDIT.post_ref(value)
    assert found is None or REDDIT.valid_id(found.id)


# -- the embed page in Chromium ---------------------------------------------------------

def capture(standin, key, url=None):
    settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_TIMEOUT": "3"})
    page = REDDIT.embed_page({"id": key, "handle": None, "url": url}, settings)

    async def go():
        async with Capturer(settings) as capturer:
            return await capturer.capture(page)

    return asyncio.run(go())


def test_the_embed_page_is_captured_once_the_post_is_built(standin):
    standin.add_post(RedditPost("1b2c3d4", subreddit="RiverCity", title="The underpass"))
    shot = capture(standin, "1b2c3d4",
                   url="https://www.reddit.com/r/RiverCity/comments/1b2c3d4/the_underpass/")
    assert shot.error is None, shot.error
    names = {p.name: p for p in shot.pieces}
    assert set(names) == {"screenshot.png", "page.html", "page.mhtml"}
    assert b"The underpass" in names["page.html"].data
    assert standin.hits(r"^/embed/r/RiverCity/comments/1b2c3d4/\?embed=true")


@pytest.mark.parametrize("behaviour, said", [
    ("deleted", "this post was deleted"),
    ("nsfw", "You must be 18+"),
    ("private", "This community is private"),
])
def test_an_embed_page_without_its_post_is_no_capture(standin, behaviour, said):
    standin.add_post(RedditPost("1b2c3d4", behaviour=behaviour))
    shot = capture(standin, "1b2c3d4")
    assert shot.pieces == []
    assert said in shot.error


# -- the whole path -----------------------------------------------------------------

def test_run_archives_a_post_and_a_comment_and_records_a_deleted_one(run, archive, standin,
                                                                    tmp_path):
    standin.add_post(RedditPost("1b2c3d4", subreddit="RiverCity",
                                title="The underpass this morning", author="floodwatcher",
                                selftext="Water up to the rail.", comments=[
                                    RedditComment("kq7x9zt", body="Same as 2016.",
                                                  author="longtimeresident")]))
    standin.add_post(RedditPost("1b2c3d5", behaviour="deleted"))
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>Underpass</title></head><body><article><p>It spread fast:</p>"
        '<blockquote class="reddit-embed-bq" data-embed-height="740"><a href="https://www.reddit'
        '.com/r/RiverCity/comments/1b2c3d4/the_underpass_this_morning/">The underpass this '
        'morning</a><br> by<a href="https://www.reddit.com/user/floodwatcher/">u/floodwatcher'
        '</a> in<a href="https://www.reddit.com/r/RiverCity/">RiverCity</a></blockquote>'
        '<blockquote class="reddit-embed-bq"><a href="https://www.reddit.com/r/RiverCity/'
        'comments/1b2c3d4/comment/kq7x9zt/">Comment</a><br> by<a href="https://www.reddit.com'
        '/user/longtimeresident/">u/longtimeresident</a></blockquote>'
        "<p>A second thread has since been deleted:</p>"
        '<iframe src="https://embed.reddit.com/r/RiverCity/comments/1b2c3d5/x/?embed=true">'
        "</iframe></article></body></html>")
    proc = run("run", str(page), env={**standin.env(), "ARCHIVER_TIMEOUT": "5"})
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    conn.row_factory = sqlite3.Row
    posts = {r["id"]: r for r in conn.execute("SELECT * FROM posts WHERE platform = 'reddit'")}
    assert set(posts) == {"1b2c3d4", "1b2c3d4/kq7x9zt", "1b2c3d5"}
    kept = posts["1b2c3d4"]
    assert kept["status"] == "archived", kept["status_reason"]
    assert (kept["text"], kept["live_text"], kept["edited"]) == (
        "The underpass this morning", "The underpass this morning\nWater up to the rail.", 0)
    comment = posts["1b2c3d4/kq7x9zt"]
    assert comment["status"] == "archived", comment["status_reason"]
    assert comment["live_text"] == "Same as 2016."
    assert posts["1b2c3d5"]["status"] == "deleted", posts["1b2c3d5"]["status_reason"]

    folders = list((archive / "snapshots" / "reddit" / "1b2c3d4").iterdir())
    assert len(folders) == 1
    names = {p.name for p in folders[0].iterdir()}
    assert {"screenshot.png", "page.html", "page.mhtml", "listing.json", "oembed.json"} <= names
    assert "The underpass this morning" in (folders[0] / "page.html").read_text()
    manifest = json.loads((folders[0] / "manifest.json").read_text())
    assert {f["name"] for f in manifest["files"]} >= {"screenshot.png", "listing.json"}
    assert (archive / "snapshots" / "reddit" / "1b2c3d4+kq7x9zt").is_dir()
    gone = list((archive / "snapshots" / "reddit" / "1b2c3d5").iterdir())
    assert {p.name for p in gone[0].iterdir()} >= {"listing.json", "oembed.json"}
    assert not (gone[0] / "screenshot.png").exists()
