"""Instagram through the platform contract: its URL forms and shortcodes, its embed
code in articles (through the real `archiver scan`), what the embed page and
oEmbed answers mean (real HTTP to the stand-in), and a whole `archiver run`
captured in Chromium."""

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
from archiver.net import Answer, Client
from archiver.resolve import resolve
from archiver.scan import registry
from standin.instagram import InstagramStandIn, Post

FIXTURES = Path(__file__).parent / "fixtures" / "instagram"
INSTAGRAM = platforms.get("instagram")


# -- naming posts ----------------------------------------------------------------

@pytest.mark.parametrize("url, code, handle", [
    ("https://www.instagram.com/p/CvuNg5mSYc0/", "CvuNg5mSYc0", None),
    ("https://www.instagram.com/p/CvuNg5mSYc0/?utm_source=ig_embed&utm_campaign=loading",
     "CvuNg5mSYc0", None),
    ("https://instagram.com/reel/Co8jZX9vcLy", "Co8jZX9vcLy", None),
    ("https://www.instagram.com/reels/Co8jZX9vcLy/", "Co8jZX9vcLy", None),
    ("https://www.instagram.com/tv/CRk85dWjuov/", "CRk85dWjuov", None),
    ("https://m.instagram.com/p/CvuNg5mSYc0/", "CvuNg5mSYc0", None),
    ("http://instagr.am/p/BCnqGT2F6Yw/", "BCnqGT2F6Yw", None),
    ("https://WWW.INSTAGRAM.COM/p/CvuNg5mSYc0/", "CvuNg5mSYc0", None),
    ("https://www.instagram.com/mayor.ruiz/p/C8FdRHfOY1r/", "C8FdRHfOY1r", "mayor.ruiz"),
    ("https://www.instagram.com/cityhall/reel/Co8jZX9vcLy/", "Co8jZX9vcLy", "cityhall"),
    ("https://www.instagram.com/p/CvuNg5mSYc0/embed/captioned/?cr=1&v=14", "CvuNg5mSYc0", None),
    ("https://www.instagram.com/p/CvuNg5mSYc0/embed/", "CvuNg5mSYc0", None),
    ("https://www.instagram.com/p/CvuNg5mSYc0/c/17890001112223334/", "CvuNg5mSYc0", None),
    ("www.instagram.com/p/CvuNg5mSYc0", "CvuNg5mSYc0", None),
    ("//www.instagram.com/p/CvuNg5mSYc0/", "CvuNg5mSYc0", None),
])
def test_every_url_form_of_a_post_names_it_by_its_shortcode(url, code, handle):
    assert INSTAGRAM.post_ref(url) == platforms.PostRef("instagram", code, handle)
    assert platforms.post_ref(url) == platforms.PostRef("instagram", code, handle)


@pytest.mark.parametrize("url", [
    "https://www.instagram.com/mayor.ruiz/",  # a profile
    "https://www.instagram.com/mayor.ruiz/embed/",  # a profile's embed
    "https://www.instagram.com/mayor.ruiz/reels/",
    "https://www.instagram.com/mayor.ruiz/tagged/",
    "https://www.instagram.com/explore/tags/flood/",
    "https://www.instagram.com/reels/audio/1234567890123456/",
    "https://www.instagram.com/stories/ana.photo/3165527023561574196/",
    "https://www.instagram.com/share/p/BAcdEf123/",  # a post only after a redirect
    "https://www.instagram.com/share/reel/BAcdEf123/",
    "https://www.instagram.com/accounts/login/?next=/p/CvuNg5mSYc0/",
    "https://www.instagram.com/p/",
    "https://www.instagram.com/",
    "https://notinstagram.com/p/CvuNg5mSYc0/",
    "https://www.instagram.com.example.org/p/CvuNg5mSYc0/",
    "javascript:alert('instagram.com/p/CvuNg5mSYc0')",
    "",
    None,
])
def test_profiles_tags_stories_audio_and_share_links_name_no_post(url):
    assert INSTAGRAM.post_ref(url) is None


@pytest.mark.parametrize("code, day", [
    ("CvuNg5mSYc0", "2023-08-09"), ("Co8jZX9vcLy", "2023-02-22"), ("BCnqGT2F6Yw", "2016-03-06"),
    ("C8FdRHfOY1r", "2024-06-11"),
    # A private post's shortcode: its public one and 28 characters more.
    ("CvuNg5mSYc0" + "A" * 28, "2023-08-09"),
    ("BA", None),  # Instagram's first year: sequential ids, no time in them
])
def test_a_shortcode_holds_its_post_date(code, day):
    assert INSTAGRAM.date_from_id(code) == day


def test_an_id_is_a_safe_folder_name_and_leads_back_to_its_post():
    assert INSTAGRAM.valid_id("CvuNg5mSYc0") and INSTAGRAM.valid_id("-xY_9")
    for bad in ("", "Cvu/Ng5", "../etc", "Cvu Ng5", "C" * 65, "Cvu.Ng5"):
        assert not INSTAGRAM.valid_id(bad), bad
    assert INSTAGRAM.folder_name("CvuNg5mSYc0") == "CvuNg5mSYc0"
    # A folder may not begin with "-": such a code gets a prefix no shortcode can hold.
    assert INSTAGRAM.folder_name("-xY_9") == "ig.-xY_9"
    assert INSTAGRAM.post_ref(INSTAGRAM.post_url("CvuNg5mSYc0", None)).id == "CvuNg5mSYc0"


def test_a_share_link_is_kept_under_its_code_and_followed_to_its_post():
    link = "https://www.instagram.com/share/reel/BAcdEf123/"
    assert platforms.link_key(link) == (INSTAGRAM, "instagram.com/share/reel/BAcdEf123")
    with InstagramStandIn() as standin:
        standin.add_share("BAcdEf123", "https://www.instagram.com/reel/Co8jZX9vcLy/?igsh=xyz")
        settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_RETRIES": "1"})
        client = Client(settings)
        result = resolve(client, "instagram.com/share/reel/BAcdEf123")
        client.close()
    assert result.error is None, result.error
    assert platforms.post_ref(result.resolved).id == "Co8jZX9vcLy"
    assert INSTAGRAM.link_key("https://www.instagram.com/p/Co8jZX9vcLy/") is None


# -- finding posts in articles ----------------------------------------------------------

def embed(id, handle=None, author=None, date=None, text=None):
    return {"id": id, "handle": handle, "author": author, "date": date, "text": text,
            "url": f"https://www.instagram.com/p/{id}/"}


SCANS = {
    # file: (embeds, cited ids)
    "blockquote_v14.html": ([embed("Co8jZX9vcLy", "cityhall", "City Hall", "2023-02-22")], []),
    "blockquote_v8_captioned.html": ([embed(
        "BCnqGT2F6Yw", "mayor.ruiz", "Mayor Ana Ruiz", "2016-03-07",
        "Candles on every table at City Hall tonight.\nStay safe & stay home. #blackout")], []),
    # The attribution in the reader's language: the handle is read, the name is not guessed.
    "blockquote_localized.html": ([embed("CvuNg5mSYc0", "mangofarm.masato.u", None,
                                         "2023-08-09")], []),
    "rendered_iframe.html": ([embed("Co8jZX9vcLy", date="2023-02-22"),
                              embed("C8FdRHfOY1r", date="2024-06-11")], []),
    "amp.html": ([embed("Co8jZX9vcLy", date="2023-02-22"),
                  embed("CRk85dWjuov", date="2021-07-21")], []),
    "wordpress.html": ([embed("Co8jZX9vcLy", date="2023-02-22"),
                        embed("C8FdRHfOY1r", "mayor.ruiz", "Mayor Ana Ruiz", "2024-06-11")], []),
    "not_posts.html": ([], []),
    "cited.html": ([embed("CvuNg5mSYc0", "cityhall", "City Hall", "2023-08-09")],
                   ["Co8jZX9vcLy", "C8FdRHfOY1r"]),
}
FIELDS = ("id", "handle", "author", "date", "text", "url")


@pytest.mark.parametrize("name", sorted(SCANS))
def test_each_markup_form_is_read_by_the_instagram_reader(name):
    page = (FIXTURES / name).read_bytes()
    found = registry.find_embeds(LexborHTMLParser(page.decode()), registry.present(page.lower()))
    embeds = [{k: getattr(e, k) for k in FIELDS} for _, e in found if e.platform == "instagram"]
    assert embeds == SCANS[name][0]


@pytest.mark.parametrize("name", sorted(SCANS))
def test_scan_finds_instagram_embeds_and_cited_posts(run, name):
    article = run("scan", str(FIXTURES / name), "--json", check_json=True).json[0]
    embeds = [{k: e[k] for k in FIELDS} for e in article["embeds"] if e["platform"] == "instagram"]
    assert embeds == SCANS[name][0]
    assert [c["id"] for c in article["cited"] if c["platform"] == "instagram"] == SCANS[name][1]


FLATTENED = [
    {"id": None, "handle": "cityhall", "author": "City Hall", "date": None, "text": None,
     "url": None},
    {"id": None, "handle": "mayor.ruiz", "author": "Mayor Ana Ruiz", "date": "2016-03-06",
     "text": None, "url": None},
]


def test_a_flattened_embed_leaves_its_attribution_and_nothing_is_guessed():
    text = (FIXTURES / "flattened.txt").read_text()
    assert INSTAGRAM in registry.present(text.lower().encode())  # its markers let it be asked
    assert [{k: getattr(e, k) for k in FIELDS} for e in INSTAGRAM.find_in_text(text)] == FLATTENED
    assert [INSTAGRAM.post_ref(u) and INSTAGRAM.post_ref(u).id
            for u in registry.urls_in_text(text)] == ["Co8jZX9vcLy", None]


def test_scan_reads_instagram_attributions_in_a_plain_text_article(run):
    article = run("scan", str(FIXTURES / "flattened.txt"), "--json", check_json=True).json[0]
    assert [{k: e[k] for k in FIELDS} for e in article["embeds"]
            if e["platform"] == "instagram"] == FLATTENED
    assert [c["id"] for c in article["cited"] if c["platform"] == "instagram"] == ["Co8jZX9vcLy"]


# -- what the answers mean ------------------------------------------------------------

@pytest.fixture
def standin():
    with InstagramStandIn(render_delay=0.3) as ig:
        yield ig


def verdict(standin, code):
    settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_RETRIES": "1"})
    client = Client(settings, backoff=0.01)
    try:
        post = {"id": code, "handle": None, "url": None}
        answers = {lookup.name: client.get(lookup.url, headers=dict(lookup.headers) or None)
                   for lookup in INSTAGRAM.lookups(post, settings)}
    finally:
        client.close()
    return INSTAGRAM.classify(answers, post)


def test_a_carousel_is_archived_with_its_caption_time_and_every_original(standin):
    standin.add_post(Post("CvuNg5mSYc0", username="cityhall", full_name="City Hall",
                          caption="Flood at noon.\nStay away from the river.",
                          media=[("photo", "/media/one.png"), ("video", "/media/two.mp4")]))
    found = verdict(standin, "CvuNg5mSYc0")
    assert found.status == "archived", found.reason
    data = found.data
    assert (data.text, data.author, data.handle, data.created_at, data.endpoint) == (
        "Flood at noon.\nStay away from the river.", "City Hall", "cityhall",
        "2023-08-09T16:53:20Z", "embed")
    # The widest display resource of each item, and a video's own file.
    assert [(m["type"], m["url"].rsplit("/", 1)[1], m["video"] and m["video"].rsplit("/", 1)[1])
            for m in data.media] == [("photo", "one.png", None), ("video", "poster.png", "two.mp4")]


def test_the_embed_pages_markup_is_read_when_its_script_data_is_missing(standin):
    standin.add_post(Post("CvuNg5mSYc0", caption="Flood at noon.", behaviour="markup_only"))
    found = verdict(standin, "CvuNg5mSYc0")
    assert found.status == "archived", found.reason
    assert (found.data.text, found.data.handle) == ("Flood at noon.", "cityhall")
    # The comment counter and the caption's username are not the caption.
    assert "comments" not in found.data.text
    assert found.data.media[0]["url"].endswith("/media/one.png")


def test_a_post_the_embed_page_walls_off_is_archived_from_oembed(standin):
    standin.add_post(Post("CvuNg5mSYc0", caption="Flood at noon.", behaviour="login_wall"))
    found = verdict(standin, "CvuNg5mSYc0")
    assert found.status == "archived", found.reason
    assert found.data.endpoint == "oembed" and found.data.text == "Flood at noon."
    assert "login page" in found.reason


@pytest.mark.parametrize("behaviour, status, said", [
    # Never deleted: Instagram answers a removed post as it answers a hidden one.
    ("deleted", "unavailable", "HTTP 404"),
    ("private", "unavailable", "shows no post"),
    ("suspended", "unavailable", "isn't available"),
    ("age_restricted", "unavailable", "Restricted video"),
    ("rate_limited", "failed", "accounts/login"),
    ("require_login", "failed", "rate limited"),
    ("other_post", "failed", "another post"),
])
def test_each_answer_gives_its_status_and_never_deleted(standin, behaviour, status, said):
    standin.add_post(Post("CvuNg5mSYc0", behaviour=behaviour))
    found = verdict(standin, "CvuNg5mSYc0")
    assert found.status == status, found.reason
    assert said in found.reason
    if status == "unavailable":
        assert "deleted post as it answers a private one" in found.reason


def test_oembed_refusing_a_tokenless_call_does_not_hide_a_post_the_page_shows(standin):
    standin.add_post(Post("CvuNg5mSYc0", behaviour="token_refused"))
    assert verdict(standin, "CvuNg5mSYc0").status == "archived"


@pytest.mark.parametrize("route, fault", [
    ("embed_html", "rate_limited"), ("embed_html", "server_error"), ("embed_html", "reset"),
    ("embed_html", "html_instead_of_json"),
])
def test_a_failing_embed_page_with_a_failing_oembed_is_a_failure(standin, route, fault):
    standin.add_post(Post("CvuNg5mSYc0"))
    standin.fault(route, fault, times=5)
    standin.fault("oembed", "server_error", times=5)
    found = verdict(standin, "CvuNg5mSYc0")
    assert found.status == "failed" and found.retry, found.reason


def test_oembed_answering_html_where_json_was_expected_is_a_failure(standin):
    standin.add_post(Post("CvuNg5mSYc0"))
    standin.fault("embed_html", "server_error", times=5)
    standin.fault("oembed", "html_instead_of_json", times=5)
    found = verdict(standin, "CvuNg5mSYc0")
    assert found.status == "failed", found.reason
    assert "HTML page" in found.reason


# -- the embed page in Chromium ---------------------------------------------------------

def capture(standin, code):
    settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_TIMEOUT": "3"})
    page = INSTAGRAM.embed_page({"id": code, "handle": None}, settings)

    async def go():
        async with Capturer(settings) as capturer:
            return await capturer.capture(page)

    return asyncio.run(go())


def test_the_embed_page_is_captured_once_its_post_is_built(standin):
    standin.add_post(Post("CvuNg5mSYc0", caption="Flood at noon."))
    shot = capture(standin, "CvuNg5mSYc0")
    assert shot.error is None
    names = {p.name: p for p in shot.pieces}
    assert set(names) == {"screenshot.png", "page.html", "page.mhtml"}
    assert b"Flood at noon." in names["page.html"].data


@pytest.mark.parametrize("behaviour, said", [
    ("deleted", "HTTP 404"),
    ("suspended", "shows no post"),
    ("age_restricted", "Restricted video"),
    ("private", "View this post on Instagram"),  # the empty box of an embed turned off
    ("login_wall", "Log in to Instagram"),
])
def test_an_embed_page_showing_no_post_is_no_capture(standin, behaviour, said):
    standin.add_post(Post("CvuNg5mSYc0", behaviour=behaviour))
    shot = capture(standin, "CvuNg5mSYc0")
    assert shot.pieces == []
    assert said in shot.error


# -- the whole path -----------------------------------------------------------------

def test_run_archives_captures_and_falls_back_to_oembeds_markup(run, archive, standin, tmp_path):
    standin.add_post(Post("CvuNg5mSYc0", caption="Flood at noon."))
    standin.add_post(Post("Co8jZX9vcLy", caption="Water in the square.", behaviour="login_wall"))
    standin.add_post(Post("C8FdRHfOY1r", behaviour="deleted"))
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>Flood</title></head><body><article><p>City Hall posted:</p>"
        + "".join(
            f'<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram'
            f'.com/p/{code}/?utm_source=ig_embed" data-instgrm-version="14"><p><a href="https:'
            f'//www.instagram.com/p/{code}/">A post shared by City Hall (@cityhall)</a></p>'
            "</blockquote>" for code in ("CvuNg5mSYc0", "Co8jZX9vcLy", "C8FdRHfOY1r"))
        + '<script async src="//www.instagram.com/embed.js"></script></article></body></html>')
    proc = run("run", str(page), env={**standin.env(), "ARCHIVER_TIMEOUT": "5"})
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    conn.row_factory = sqlite3.Row
    posts = {r["id"]: r for r in conn.execute("SELECT * FROM posts WHERE platform = 'instagram'")}
    assert posts["CvuNg5mSYc0"]["status"] == "archived", posts["CvuNg5mSYc0"]["status_reason"]
    assert posts["CvuNg5mSYc0"]["live_text"] == "Flood at noon."
    assert posts["CvuNg5mSYc0"]["date"] == "2023-08-09"  # from the shortcode, until fetched
    walled = posts["Co8jZX9vcLy"]
    assert walled["status"] == "archived", walled["status_reason"]
    assert "captured its markup" in walled["status_reason"]
    assert posts["C8FdRHfOY1r"]["status"] == "unavailable"

    snapshots = archive / "snapshots" / "instagram"
    folder = next((snapshots / "CvuNg5mSYc0").iterdir())
    names = {p.name for p in folder.iterdir()}
    assert {"screenshot.png", "page.html", "page.mhtml", "embed.html", "oembed.json"} <= names
    assert "Flood at noon." in (folder / "page.html").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {f["name"] for f in manifest["files"]} >= {"screenshot.png", "embed.html"}
    # The login wall is not captured: oEmbed's blockquote, rendered, is the evidence.
    walled_folder = next((snapshots / "Co8jZX9vcLy").iterdir())
    walled_names = {p.name for p in walled_folder.iterdir()}
    assert "oembed-render.png" in walled_names and "screenshot.png" not in walled_names


# -- hostile input -------------------------------------------------------------------------
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    | st.sampled_from(['<blockquote class="instagram-media" data-instgrm-permalink="https://www.'
                       'instagram.com/p/CvuNg5mSYc0/"><p>(@a)</p></blockquote>',
                       "OAuthException", "does not exist", "CvuNg5mSYc0"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from([
        "html", "author_name", "error", "code", "message", "is_transient", "shortcode_media",
        "gql_data", "shortcode", "owner", "username", "full_name", "edge_media_to_caption",
        "edges", "node", "text", "taken_at_timestamp", "edge_sidecar_to_children", "is_video",
        "display_url", "display_resources", "src", "config_width", "video_url",
        "require_login", "status"]), children, max_size=6),
    max_leaves=25)
PAGES = st.lists(st.sampled_from([
    '<img class="EmbeddedMediaImage" src="a.jpg" srcset="b.jpg 1080w, c.jpg x">',
    '<video class="EmbeddedMediaVideo">', '<span class="UsernameText">', "cityhall",
    '<div class="Caption"><a class="CaptionUsername">u</a>', '<div class="CaptionComments">',
    "</div>", '<a href="https://www.instagram.com/p/BvuNg5mSYc0/">', "Restricted video",
    "Log in to Instagram", "<script>", "</script>", "shortcode_media", '"', "\\", "{", "}",
]) | st.text(max_size=10), max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(JSON, PAGES, st.sampled_from([200, 200, 302, 400, 401, 404, 429, 500, None]),
       st.sampled_from([200, 200, 400, 403, 429, 500, None]))
def test_any_answer_is_weighed_without_raising_and_never_as_deleted(value, page, status,
                                                                    oembed_status):
    def answer(body: bytes, code):
        return Answer("http://x/", code, {"location": "/accounts/login/"}, body,
                      None if code else "reset")

    got = INSTAGRAM.classify({"embed": answer(page.encode("utf-8", "replace"), status),
                              "oembed": answer(json.dumps(value).encode(), oembed_status)},
                             {"id": "CvuNg5mSYc0", "handle": None})
    assert got.status in ("archived", "unavailable", "failed")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120) | st.sampled_from([
    "https://www.instagram.com/", "instagram.com/p/", "https://instagr.am/reel/"]).flatmap(
    lambda head: st.text(max_size=60).map(lambda tail: head + tail)))
def test_any_url_or_markup_is_read_without_raising(text):
    ref = INSTAGRAM.post_ref(text)
    assert ref is None or INSTAGRAM.valid_id(ref.id)
    INSTAGRAM.date_from_id(text)
    html = (f'<blockquote class="instagram-media" data-instgrm-permalink="{text}"><p>{text}</p>'
            f'</blockquote><iframe src="{text}"></iframe><amp-instagram data-shortcode="{text}">'
            f'</amp-instagram><figure class="is-provider-instagram">{text}</figure>')
    for node in LexborHTMLParser(html).css(INSTAGRAM.embed_selector):
        embed = INSTAGRAM.read_embed(node)
        assert embed is None or embed.id is None or INSTAGRAM.valid_id(embed.id)
