"""Facebook through the platform contract: its URL forms and keys, its embed code in
articles (through the real `archiver scan`), what Graph oEmbed and the plugin page
answers mean (real HTTP to the stand-in), and a whole `archiver run` captured in
Chromium."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from archiver import platforms
from archiver import settings as archiver_settings
from archiver.capture import Capturer
from archiver.evidence import capture_folder
from archiver.net import Answer, Client
from archiver.resolve import resolve
from archiver.scan import registry
from standin.facebook import FacebookStandIn, FbPost

FIXTURES = Path(__file__).parent / "fixtures" / "facebook"
FACEBOOK = platforms.get("facebook")
PFBID = "pfbid0Xy7kLmNoPqRsTuVwXyZaBcDeFgH1jK2"


# -- naming posts ----------------------------------------------------------------

@pytest.mark.parametrize("url, key, handle", [
    ("https://www.facebook.com/CityHall/posts/10150000000000001", "cityhall/10150000000000001",
     "CityHall"),
    ("https://m.facebook.com/cityhall/posts/10150000000000001/?ref=share",
     "cityhall/10150000000000001", "cityhall"),
    (f"https://www.facebook.com/ConsuladoES/posts/{PFBID}", f"consuladoes/{PFBID}", "ConsuladoES"),
    ("https://www.facebook.com/permalink.php?story_fbid=1035862816472149&id=116132035111903",
     "116132035111903/1035862816472149", None),
    ("https://mbasic.facebook.com/story.php?story_fbid=1035862816472149&id=116132035111903",
     "116132035111903/1035862816472149", None),
    ("https://www.facebook.com/116132035111903/posts/1035862816472149",
     "116132035111903/1035862816472149", None),
    ("https://www.facebook.com/groups/riverwatch/permalink/4440000000000001/",
     "groups/riverwatch/4440000000000001", None),
    ("https://www.facebook.com/groups/1024490957622648/posts/1396382447100162/",
     "groups/1024490957622648/1396382447100162", None),
    ("https://www.facebook.com/cityhall/videos/5550000000000001/", "videos/5550000000000001",
     "cityhall"),
    ("https://www.facebook.com/cityhall/videos/vb.22819070941/5550000000000001/?type=2",
     "videos/5550000000000001", "cityhall"),
    ("https://www.facebook.com/watch/?v=5550000000000001", "videos/5550000000000001", None),
    ("https://www.facebook.com/watch/live/?v=5550000000000001", "videos/5550000000000001", None),
    ("https://www.facebook.com/reel/5550000000000001", "videos/5550000000000001", None),
    ("https://www.facebook.com/video.php?v=5550000000000001&fref=nf", "videos/5550000000000001",
     None),
    ("https://web.facebook.com/photo.php?fbid=7770000000000001&set=a.1&type=3",
     "photos/7770000000000001", None),
    ("https://www.facebook.com/cityhall/photos/a.10150/7770000000000001/",
     "photos/7770000000000001", "cityhall"),
    ("https://www.facebook.com/plugins/post.php?href=https%3A%2F%2Fwww.facebook.com%2FKlix.ba%2F"
     "posts%2F10158031303966821&show_text=true&width=500", "klix.ba/10158031303966821", "Klix.ba"),
    ("https://www.facebook.com/v19.0/plugins/video.php?href=https%3A%2F%2Fwww.facebook.com%2F"
     "cityhall%2Fvideos%2F5550000000000001%2F", "videos/5550000000000001", "cityhall"),
    ("https://de-de.facebook.com/cityhall/posts/10150000000000001", "cityhall/10150000000000001",
     "cityhall"),
    ("facebook.com/cityhall/posts/10150000000000001", "cityhall/10150000000000001", "cityhall"),
])
def test_every_url_form_of_a_post_names_it_by_its_key(url, key, handle):
    assert FACEBOOK.post_ref(url) == platforms.PostRef("facebook", key, handle)
    assert platforms.post_ref(url) == platforms.PostRef("facebook", key, handle)


@pytest.mark.parametrize("url", [
    "https://www.facebook.com/cityhall",  # a page
    "https://www.facebook.com/cityhall/posts/",
    "https://www.facebook.com/profile.php?id=100000000000001",
    "https://www.facebook.com/groups/riverwatch/",
    "https://www.facebook.com/events/1234567890/",
    "https://www.facebook.com/hashtag/bridge",
    "https://www.facebook.com/pages/City-Hall/116132035111903",
    "https://www.facebook.com/share/p/1AbCdEfGhI/",  # posts only after a redirect
    "https://www.facebook.com/share/v/1AbCdEfGhI/",
    "https://fb.watch/q1W2e3R4t5/",
    "https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2Fwww.facebook.com%2Fcityhall%2F"
    "posts%2F10150000000000001",
    "https://www.facebook.com/dialog/share?href=https%3A%2F%2Fexample.org",
    "https://www.facebook.com/plugins/page.php?href=https%3A%2F%2Fwww.facebook.com%2Fcityhall",
    "https://www.facebook.com/plugins/like.php?href=https%3A%2F%2Fexample.org",
    "https://www.facebook.com/plugins/comment_embed.php?href=https%3A%2F%2Fwww.facebook.com%2F"
    "cityhall%2Fposts%2F1%3Fcomment_id%3D2",
    "https://www.facebook.com/watch/?v=abc",
    "https://notfacebook.com/cityhall/posts/10150000000000001",
    "https://www.facebook.com.example.org/cityhall/posts/10150000000000001",
    "",
    None,
])
def test_pages_groups_events_shares_and_buttons_name_no_post(url):
    assert FACEBOOK.post_ref(url) is None


def test_a_key_is_a_safe_folder_name_and_leads_back_to_its_post():
    keys = ["cityhall/10150000000000001", f"consuladoes/{PFBID}", "videos/5550000000000001",
            "photos/7770000000000001", "groups/riverwatch/4440000000000001",
            "116132035111903/1035862816472149"]
    for key in keys:
        assert FACEBOOK.valid_id(key), key
        assert "/" not in FACEBOOK.folder_name(key)
        assert FACEBOOK.post_ref(FACEBOOK.post_url(key, None)).id == key
    assert len({FACEBOOK.folder_name(k) for k in keys}) == len(keys)
    # The longest keys still make a capture folder the archive accepts.
    longest = [f"{'a' * 50}/pfbid{'Z' * 80}", f"groups/{'g' * 60}/pfbid{'Z' * 80}"]
    for key in longest:
        assert FACEBOOK.valid_id(key)
        capture_folder(Path("/archive"), "facebook", key, "20260101T000000Z")
    assert not FACEBOOK.valid_id(f"{'a' * 51}/1")
    for bad in ("CityHall/1", "groups/1", "videos/abc", "../x/1", "cityhall/1/2", "cityhall",
                ".hidden/1", "videos/1/2"):
        assert not FACEBOOK.valid_id(bad), bad


@pytest.mark.parametrize("link, key", [
    ("https://fb.watch/q1W2e3R4t5/", "fb.watch/q1W2e3R4t5"),
    ("https://www.facebook.com/share/p/1AbCdEfGhI/", "facebook.com/share/p/1AbCdEfGhI"),
    ("https://m.facebook.com/share/v/1AbCdEfGhI", "facebook.com/share/v/1AbCdEfGhI"),
])
def test_a_short_link_is_kept_under_its_code_and_followed_to_its_post(link, key):
    with FacebookStandIn() as standin:
        assert platforms.link_key(link) == (FACEBOOK, key)
        standin.add_short(key, "https://www.facebook.com/cityhall/posts/10150000000000001")
        settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_RETRIES": "1"})
        client = Client(settings)
        result = resolve(client, key)
        client.close()
    assert result.error is None, result.error
    assert platforms.post_ref(result.resolved).id == POST
    assert FACEBOOK.link_key("https://www.facebook.com/cityhall/posts/10150000000000001") is None


def test_a_short_link_landing_on_a_login_page_names_no_post():
    with FacebookStandIn() as standin:
        standin.add_short("fb.watch/q1W2e3R4t5", f"{standin.url}/login/?next=%2Fwatch%2F")
        settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_RETRIES": "1"})
        client = Client(settings)
        result = resolve(client, "fb.watch/q1W2e3R4t5")
        client.close()
    assert result.resolved == f"{standin.url}/login/?next=%2Fwatch%2F"
    assert platforms.post_ref(result.resolved) is None


# -- finding posts in articles ----------------------------------------------------------

def embed(id, handle=None, author=None, date=None, text=None, url=None):
    return {"id": id, "handle": handle, "author": author, "date": date, "text": text,
            "url": url or f"https://www.facebook.com/{id.split('/')[0]}/posts/{id.split('/')[1]}"}


POST = "cityhall/10150000000000001"
VIDEO = "videos/5550000000000001"
VIDEO_URL = "https://www.facebook.com/watch/?v=5550000000000001"
SCANS = {
    "sdk_post.html": ([
        embed(POST, "cityhall", "City Hall", "2015-08-27",
              "The Elm Street bridge is closed until further notice.\nUse the ferry or the ring road."),
        # The byline in the code's own language.
        embed(f"consuladoes/{PFBID}", "ConsuladoES", "Consulado de España", "2020-11-12",
              "El puente de la calle Elm está cerrado. #puente")], []),
    "sdk_video.html": ([embed(VIDEO, "cityhall", "City Hall", "2014-12-05",
                              "The flood reaches the square\nFilmed from the town hall balcony"
                              " at noon.", VIDEO_URL)], []),
    "rendered_iframes.html": ([embed(POST, "cityhall"),
                               embed("klix.ba/10158031303966821", "Klix.ba"),
                               embed(VIDEO, "cityhall", url=VIDEO_URL)], []),
    "xfbml_amp.html": ([embed(POST, "cityhall"), embed(VIDEO, "cityhall", url=VIDEO_URL),
                        embed("116132035111903/1035862816472149")], []),
    "wordpress.html": ([embed(POST, "cityhall"), embed(VIDEO, url=VIDEO_URL)], []),
    "not_posts.html": ([], []),
    "cited.html": ([embed(POST, "cityhall")],
                   ["116132035111903/1035862816472149", VIDEO, "groups/riverwatch/4440000000000001"]),
}
FIELDS = ("id", "handle", "author", "date", "text", "url")


@pytest.mark.parametrize("name", sorted(SCANS))
def test_each_markup_form_is_read_by_the_facebook_reader(name):
    page = (FIXTURES / name).read_bytes()
    found = registry.find_embeds(LexborHTMLParser(page.decode()), registry.present(page.lower()))
    embeds = [{k: getattr(e, k) for k in FIELDS} for _, e in found if e.platform == "facebook"]
    assert embeds == SCANS[name][0]


@pytest.mark.parametrize("name", sorted(SCANS))
def test_scan_finds_facebook_embeds_and_cited_posts(run, name):
    article = run("scan", str(FIXTURES / name), "--json", check_json=True).json[0]
    embeds = [{k: e[k] for k in FIELDS} for e in article["embeds"] if e["platform"] == "facebook"]
    assert embeds == SCANS[name][0]
    assert [c["id"] for c in article["cited"] if c["platform"] == "facebook"] == SCANS[name][1]


# -- what the answers mean ------------------------------------------------------------

@pytest.fixture
def standin():
    with FacebookStandIn(render_delay=0.3) as fb:
        yield fb


def verdict(standin, key):
    settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_RETRIES": "1"})
    client = Client(settings, backoff=0.01)
    try:
        post = {"id": key, "handle": None, "url": None}
        answers = {lookup.name: client.get(lookup.url, headers=dict(lookup.headers) or None)
                   for lookup in FACEBOOK.lookups(post, settings)}
    finally:
        client.close()
    return FACEBOOK.classify(answers, post)


def test_a_post_is_archived_with_its_whole_text_author_and_time(standin):
    # oEmbed's code cuts the text with "…": the plugin page's words finish it.
    standin.add_post(FbPost(POST, text="The Elm Street bridge is closed until further notice.\n"
                                       "Use the ferry.", cut=True))
    found = verdict(standin, POST)
    assert found.status == "archived", found.reason
    data = found.data
    assert (data.text, data.author, data.handle, data.created_at, data.endpoint) == (
        "The Elm Street bridge is closed until further notice.\nUse the ferry.", "City Hall",
        "cityhall", "2015-08-27T17:00:00Z", "oembed")
    assert not data.truncated


def test_a_video_is_asked_of_oembed_video_and_the_video_plugin(standin):
    standin.add_post(FbPost(VIDEO, text="The flood reaches the square"))
    found = verdict(standin, VIDEO)
    assert found.status == "archived", found.reason
    assert standin.hits(r"^/v26\.0/oembed_video\?") and standin.hits(r"^/html/plugins/video\.php")
    assert not standin.hits(r"oembed_post|plugins/post")


def test_oembed_refusing_a_tokenless_call_leaves_the_plugin_pages_word(standin):
    standin.add_post(FbPost(POST, text="Bridge closed.", behaviour="token_refused"))
    found = verdict(standin, POST)
    assert found.status == "archived", found.reason
    assert found.data.endpoint == "plugin" and found.data.text == "Bridge closed."
    assert "token" in found.reason


def test_a_post_behind_a_login_wall_is_archived_from_oembed(standin):
    standin.add_post(FbPost(POST, text="Bridge closed.", behaviour="login_wall"))
    found = verdict(standin, POST)
    assert found.status == "archived", found.reason
    assert found.data.endpoint == "oembed" and "login wall" in found.reason


@pytest.mark.parametrize("behaviour, status, said", [
    # Never deleted: Facebook answers a removed post as it answers a hidden one.
    ("deleted", "unavailable", "does not exist"),
    ("private", "unavailable", "isn't available"),
    ("suspended", "unavailable", "isn't available"),
    ("age_restricted", "unavailable", "login wall"),
    ("rate_limited", "failed", "CometErrorRoot"),
    ("other_post", "failed", "another post"),
])
def test_each_answer_gives_its_status_and_never_deleted(standin, behaviour, status, said):
    standin.add_post(FbPost(POST, behaviour=behaviour))
    found = verdict(standin, POST)
    assert found.status == status, found.reason
    assert said in found.reason
    if status == "unavailable":
        assert "deleted post as it answers one that only friends" in found.reason


@pytest.mark.parametrize("fault", ["rate_limited", "server_error", "reset",
                                   "html_instead_of_json"])
def test_failing_answers_are_a_failure_to_retry(standin, fault):
    standin.add_post(FbPost(POST))
    standin.fault("oembed", fault, times=5)
    standin.fault("plugin_html", "server_error", times=5)
    found = verdict(standin, POST)
    assert found.status == "failed" and found.retry, found.reason


def test_a_plugin_page_whose_layout_is_unknown_is_no_verdict(standin):
    standin.add_post(FbPost(POST))
    standin.fault("oembed", "server_error", times=5)
    env = {**standin.env(), "ARCHIVER_RETRIES": "1",
           # An HTML page that is neither a post archiver knows nor a refusal.
           "ARCHIVER_FACEBOOK_PLUGIN_HTML_URL": f"{standin.url}/media/x.png?{{kind}}{{url}}"}
    settings = archiver_settings.load(env=env)
    client = Client(settings, backoff=0.01)
    post = {"id": POST, "handle": None}
    answers = {lookup.name: client.get(lookup.url) for lookup in FACEBOOK.lookups(post, settings)}
    client.close()
    found = FACEBOOK.classify(answers, post)
    assert found.status == "failed", found.reason
    assert "layout is not known" in found.reason


# -- the plugin page in Chromium --------------------------------------------------------

def capture(standin, key):
    settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_TIMEOUT": "3"})
    page = FACEBOOK.embed_page({"id": key, "handle": None}, settings)

    async def go():
        async with Capturer(settings) as capturer:
            return await capturer.capture(page)

    return asyncio.run(go())


def test_the_plugin_page_is_captured_once_its_post_is_built(standin):
    standin.add_post(FbPost(POST, text="Bridge closed until further notice."))
    shot = capture(standin, POST)
    assert shot.error is None
    names = {p.name: p for p in shot.pieces}
    assert set(names) == {"screenshot.png", "page.html", "page.mhtml"}
    assert b"Bridge closed until further notice." in names["page.html"].data


@pytest.mark.parametrize("behaviour, said", [
    ("deleted", "This content isn't available"),
    ("login_wall", "You must log in"),
    ("rate_limited", "did not render"),
])
def test_a_plugin_page_showing_no_post_is_no_capture(standin, behaviour, said):
    standin.add_post(FbPost(POST, behaviour=behaviour))
    shot = capture(standin, POST)
    assert shot.pieces == []
    assert said in shot.error


# -- the whole path -----------------------------------------------------------------

def test_run_archives_captures_and_falls_back_to_oembeds_code(run, archive, standin, tmp_path):
    standin.add_post(FbPost(POST, text="Bridge closed until further notice."))
    walled = "cityhall/10150000000000002"
    standin.add_post(FbPost(walled, text="Ferry times changed.", behaviour="login_wall"))
    gone = "cityhall/10150000000000003"
    standin.add_post(FbPost(gone, behaviour="deleted"))
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>Bridge</title></head><body><article><p>City Hall posted:</p>"
        + "".join(
            f'<div class="fb-post" data-href="https://www.facebook.com/{key.split("/")[0]}/posts/'
            f'{key.split("/")[1]}" data-width="500"></div>' for key in (POST, walled, gone))
        + "</article></body></html>")
    proc = run("run", str(page), env={**standin.env(), "ARCHIVER_TIMEOUT": "5"})
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    conn.row_factory = sqlite3.Row
    posts = {r["id"]: r for r in conn.execute("SELECT * FROM posts WHERE platform = 'facebook'")}
    assert posts[POST]["status"] == "archived", posts[POST]["status_reason"]
    assert posts[POST]["live_text"] == "Bridge closed until further notice."
    assert posts[walled]["status"] == "archived", posts[walled]["status_reason"]
    assert "captured its markup" in posts[walled]["status_reason"]
    assert posts[gone]["status"] == "unavailable"

    snapshots = archive / "snapshots" / "facebook"
    folder = next((snapshots / "cityhall+10150000000000001").iterdir())
    names = {p.name for p in folder.iterdir()}
    assert {"screenshot.png", "page.html", "page.mhtml", "oembed.json", "plugin.html"} <= names
    assert "Bridge closed until further notice." in (folder / "page.html").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {f["name"] for f in manifest["files"]} >= {"screenshot.png", "oembed.json"}
    walled_names = {p.name for p in next((snapshots / "cityhall+10150000000000002").iterdir())
                    .iterdir()}
    assert "oembed-render.png" in walled_names and "screenshot.png" not in walled_names


# -- hostile input -------------------------------------------------------------------------
CODE = st.sampled_from([
    f'<div class="fb-post" data-href="https://www.facebook.com/{POST.replace("/", "/posts/")}">',
    '<blockquote class="fb-xfbml-parse-ignore" cite="https://www.facebook.com/x/posts/9">',
    "<p>", "</p>", '<a href="https://www.facebook.com/cityhall">', "</a>",
    '<a href="https://www.facebook.com/cityhall/posts/10150000000000001">', "Posted by ",
    "Thursday, August 27, 2015", "</blockquote>", "</div>", "<br>",
]) | st.text(max_size=10)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    | st.lists(CODE, max_size=20).map("".join) | st.sampled_from(["does not exist"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from([
        "html", "author_name", "error", "code", "message", "is_transient", "url"]),
        children, max_size=6),
    max_leaves=25)
PLUGIN = st.lists(st.sampled_from([
    '<div data-testid="post_message">', "</div>", "Bridge", '<abbr data-utime="99999999999999">',
    '<abbr data-utime="1440694800">', '<a href="https://www.facebook.com/cityhall/posts/2">',
    '<form id="login_form">', "This content isn't available", '{"__dr":"CometErrorRoot.react"}',
]) | st.text(max_size=10), max_size=25).map("".join)


@settings(max_examples=300, deadline=None)
@given(JSON, PLUGIN, st.sampled_from([200, 200, 400, 403, 429, 500, None]),
       st.sampled_from([200, 200, 302, 404, 429, 500, None]))
def test_any_answer_is_weighed_without_raising_and_never_as_deleted(value, page, status,
                                                                    plugin_status):
    def answer(body: bytes, code):
        return Answer("http://x/", code, {"location": "/login/"}, body, None if code else "reset")

    got = FACEBOOK.classify({"oembed": answer(json.dumps(value).encode(), status),
                             "plugin": answer(page.encode("utf-8", "replace"), plugin_status)},
                            {"id": POST, "handle": None})
    assert got.status in ("archived", "unavailable", "failed")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120) | st.sampled_from([
    "https://www.facebook.com/", "facebook.com/plugins/post.php?href=",
    "https://m.facebook.com/story.php?"]).flatmap(
    lambda head: st.text(max_size=60).map(lambda tail: head + tail)))
def test_any_url_or_markup_is_read_without_raising(text):
    ref = FACEBOOK.post_ref(text)
    assert ref is None or FACEBOOK.valid_id(ref.id)
    html = (f'<div class="fb-post" data-href="{text}"><blockquote class="fb-xfbml-parse-ignore" '
            f'cite="{text}"><p>{text}</p>Posted by <a href="{text}">x</a></blockquote></div>'
            f'<iframe src="https://www.facebook.com/plugins/post.php?href={text}"></iframe>'
            f'<amp-facebook data-href="{text}"></amp-facebook>')
    for node in LexborHTMLParser(html).css(FACEBOOK.embed_selector):
        embed = FACEBOOK.read_embed(node)
        assert embed is None or FACEBOOK.valid_id(embed.id)
