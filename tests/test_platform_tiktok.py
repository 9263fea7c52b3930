"""TikTok through the platform contract: its URL forms, its embed code in articles
(through the real `archiver scan`), what the web page and oEmbed answer and mean
(real HTTP to the stand-in), the embed player in Chromium, and a whole
`archiver run`."""

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
from standin.tiktok import TikTokPost, TikTokStandIn

FIXTURES = Path(__file__).parent / "fixtures" / "tiktok"
TIKTOK = platforms.get("tiktok")
ID = "7301234567890123456"


# -- naming posts ----------------------------------------------------------------

@pytest.mark.parametrize("url, handle", [
    (f"https://www.tiktok.com/@riverdancer/video/{ID}", "riverdancer"),
    (f"https://www.tiktok.com/@river.dancer_2/video/{ID}?is_from_webapp=1&sender_device=pc",
     "river.dancer_2"),
    (f"https://tiktok.com/@riverdancer/video/{ID}/", "riverdancer"),
    (f"https://m.tiktok.com/@riverdancer/video/{ID}", "riverdancer"),
    (f"https://www.tiktok.com/@riverdancer/photo/{ID}", "riverdancer"),
    (f"https://www.tiktok.com/@_/video/{ID}", None),  # the stand-in handle of an unknown author
    (f"https://www.tiktok.com/embed/v2/{ID}?lang=en-US", None),
    (f"https://www.tiktok.com/embed/{ID}", None),
    (f"https://www.tiktok.com/player/v1/{ID}?music_info=1", None),
    (f"https://www.tiktok.com/share/video/{ID}", None),
    (f"https://m.tiktok.com/v/{ID}.html", None),
    (f"https://www.tiktokv.com/share/video/{ID}/", None),
    (f"//www.tiktok.com/embed/v2/{ID}", None),
    (f"www.tiktok.com/@riverdancer/video/{ID}", "riverdancer"),
])
def test_every_url_form_of_a_post_names_it_by_its_id(url, handle):
    assert TIKTOK.post_ref(url) == platforms.PostRef("tiktok", ID, handle)
    assert platforms.post_ref(url) == platforms.PostRef("tiktok", ID, handle)


@pytest.mark.parametrize("url", [
    "https://www.tiktok.com/@riverdancer",
    "https://www.tiktok.com/@riverdancer?refer=embed",
    "https://www.tiktok.com/embed/@riverdancer",
    "https://www.tiktok.com/tag/bridgedance",
    "https://www.tiktok.com/music/original-sound-7301234567890000001",
    "https://vm.tiktok.com/ZMhvqKpXo/",  # a short link: only its redirect tells the post
    "https://vt.tiktok.com/ZSjxKp2Rt/",
    "https://www.tiktok.com/t/ZTRvqKpXo/",
    "https://www.tiktok.com/discover/bridge-dance",
    "https://www.tiktok.com/@riverdancer/video/",
    "https://www.tiktok.com/@riverdancer/video/99999999999999999999999",
    "https://nottiktok.com/@riverdancer/video/7301234567890123456",
    "https://tiktok.com.example.org/@riverdancer/video/7301234567890123456",
    "ftp://www.tiktok.com/@riverdancer/video/7301234567890123456",
    "http://[::1",
    "",
    None,
])
def test_profiles_tags_sounds_and_short_links_name_no_post(url):
    assert TIKTOK.post_ref(url) is None


def test_an_id_is_a_safe_folder_name_dates_itself_and_leads_back_to_its_post():
    assert TIKTOK.valid_id(ID)
    for bad in ("", "abc", "-1", "73012345678901234567890", "18446744073709551616", "../1"):
        assert not TIKTOK.valid_id(bad), bad
    assert TIKTOK.folder_name(ID) == ID
    # The top 32 bits are the second it was posted.
    assert TIKTOK.date_from_id(ID) == "2023-11-14"
    assert TIKTOK.date_from_id("1") is None  # no date TikTok could have given
    assert TIKTOK.post_url(ID, "riverdancer") == (
        f"https://www.tiktok.com/@riverdancer/video/{ID}")
    assert TIKTOK.post_ref(TIKTOK.post_url(ID, None)).id == ID


@pytest.mark.parametrize("url, key", [
    ("https://vm.tiktok.com/ZMhvqKpXo/", "vm.tiktok.com/ZMhvqKpXo"),
    ("vt.tiktok.com/ZSjxKp2Rt", "vt.tiktok.com/ZSjxKp2Rt"),
    ("https://www.tiktok.com/t/ZTRvqKpXo/?_r=1", "tiktok.com/t/ZTRvqKpXo"),
    ("https://m.tiktok.com/t/ZTRvqKpXo", "tiktok.com/t/ZTRvqKpXo"),
])
def test_short_links_are_kept_under_a_key_of_their_own(url, key):
    assert platforms.link_key(url) == (TIKTOK, key)
    assert TIKTOK.link_key(f"https://www.tiktok.com/@riverdancer/video/{ID}") is None
    assert TIKTOK.link_request("ZMhvqKpXo", archiver_settings.load(env={})) is None  # t.co's


@pytest.mark.parametrize("key", ["vm.tiktok.com/ZMhvqKpXo", "tiktok.com/t/ZMhvqKpXo"])
def test_a_short_link_resolves_to_the_post_it_leads_to(key):
    with TikTokStandIn() as standin:
        standin.add_post(TikTokPost(ID, handle="riverdancer"))
        standin.add_short_link("ZMhvqKpXo", ID)
        client = Client(archiver_settings.load(env=standin.env()), backoff=0.01)
        try:
            result = resolve(client, key)
        finally:
            client.close()
    assert result.error is None, result.error
    assert [h.status for h in result.hops] == [301]  # the post's URL is not asked for
    assert platforms.post_ref(result.resolved) == platforms.PostRef("tiktok", ID, "riverdancer")


# -- finding posts in articles --------------------------------------------------------

SCANS = {
    # file: (embeds as (id, handle, text, form), cited ids)
    "blockquote.html": ([
        ("7301234567890123456", "riverdancer",
         "Crossing the bridge the only way I know 🕺 #bridgedance #fyp\nday 3 of 30", "oembed"),
        # Saved after embed.js ran: the iframe inside is the same post, not a second one.
        ("7302345678901234567", "bridgecrew", None, "oembed"),
    ], []),
    "amp_iframes.html": ([
        ("7303456789012345678", None, None, "amp"),
        ("7304567890123456789", "marketstall", "Last tomatoes of the season 🍅", "amp"),
        ("7305678901234567890", None, None, "iframe"),
        ("7306789012345678901", None, None, "iframe"),
    ], []),
    "wordpress.html": ([
        ("7307890123456789012", "ferrycrew", None, "wordpress"),
        ("7308901234567890123", "ferryunion", "Why we walked out this morning.", "wordpress"),
    ], []),
    "not_posts.html": ([], []),
    "cited.html": ([], ["7309012345678901234", "7300123456789012345", "7300234567890123456"]),
}


def _found(name):
    data = (FIXTURES / name).read_bytes()
    return registry.find_embeds(LexborHTMLParser(data.decode()), registry.present(data.lower()))


@pytest.mark.parametrize("name", sorted(SCANS))
def test_each_markup_form_is_read_by_the_tiktok_reader(name):
    found = [e for _, e in _found(name) if e.platform == "tiktok"]
    assert [(e.id, e.handle, e.text, e.form) for e in found] == SCANS[name][0]
    # The embed code keeps no date and no display name: nothing is guessed.
    assert all(e.author is None and e.date is None for e in found)


@pytest.mark.parametrize("name", sorted(SCANS))
def test_scan_finds_tiktok_embeds_and_cited_posts(run, name):
    article = run("scan", str(FIXTURES / name), "--json", check_json=True).json[0]
    embeds = [(e["id"], e["handle"], e["text"]) for e in article["embeds"]
              if e["platform"] == "tiktok"]
    assert embeds == [(i, h, t) for i, h, t, _ in SCANS[name][0]]
    cited = [c["id"] for c in article["cited"] if c["platform"] == "tiktok"]
    assert cited == SCANS[name][1]


# -- what the answers mean ------------------------------------------------------------

@pytest.fixture
def standin():
    with TikTokStandIn(render_delay=0.3) as tt:
        yield tt


def verdict(standin, post_id, handle="riverdancer", **env):
    settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_RETRIES": "1", **env})
    client = Client(settings, backoff=0.01)
    try:
        post = {"id": post_id, "handle": handle, "url": None}
        answers = {lookup.name: client.get(lookup.url, headers=dict(lookup.headers) or None)
                   for lookup in TIKTOK.lookups(post, settings)}
    finally:
        client.close()
    return TIKTOK.classify(answers, post)


def test_a_public_post_is_archived_with_caption_author_time_and_best_stream(standin):
    standin.add_post(TikTokPost(ID, handle="riverdancer", nickname="River Dancer",
                                desc="Crossing the bridge #bridgedance", create_time=1700000000))
    found = verdict(standin, ID)
    assert found.status == "archived", found.reason
    data = found.data
    assert (data.text, data.author, data.handle, data.created_at, data.endpoint) == (
        "Crossing the bridge #bridgedance", "River Dancer", "riverdancer",
        "2023-11-14T22:13:20Z", "page")
    # The highest bitrate's stream, the original cover as its poster.
    assert data.media == [{"type": "video", "alt": None,
                           "url": f"{standin.url}/media/{ID}/origin.jpeg",
                           "video": f"{standin.url}/media/{ID}/1080p.mp4", "key": ID}]
    page = standin.hits(rf"^/@riverdancer/video/{ID}")[0]
    assert page.headers.get("User-Agent", "").startswith("Mozilla/5.0")


def test_a_photo_post_keeps_its_pictures_in_order(standin):
    standin.add_post(TikTokPost(ID, photos=["https://p16.example/a.jpeg",
                                            "https://p16.example/b.jpeg"]))
    found = verdict(standin, ID)
    assert [(m["type"], m["url"]) for m in found.data.media] == [
        ("photo", "https://p16.example/a.jpeg"), ("photo", "https://p16.example/b.jpeg")]


def test_a_post_whose_author_is_unknown_is_asked_for_with_a_stand_in_handle(standin):
    standin.add_post(TikTokPost(ID, handle="riverdancer"))
    found = verdict(standin, ID, handle=None)
    assert found.status == "archived", found.reason
    assert found.data.handle == "riverdancer"
    assert standin.hits(rf"^/@_/video/{ID}")


def test_an_older_pages_sigi_state_is_read_too():
    from archiver.platforms.tiktok.answers import read_page

    state = {"VideoPage": {"statusCode": 0}, "ItemModule": {
        "7000000000000000009": {"id": "7000000000000000009", "desc": "another"},
        ID: {"id": ID, "desc": "Crossing the bridge", "createTime": 1700000000,
             "author": "riverdancer", "video": {"playAddr": "https://v16.example/p.mp4"}}}}
    body = f'<script id="SIGI_STATE" type="application/json">{json.dumps(state)}</script>'
    found = read_page(Answer("http://x/", 200, {}, body.encode()), ID)
    assert found.kind == "found", found.reason
    assert (found.data.text, found.data.handle) == ("Crossing the bridge", "riverdancer")
    assert found.data.media[0]["video"] == "https://v16.example/p.mp4"


@pytest.mark.parametrize("behaviour, status, said", [
    # The account gone (10221) and oEmbed refusing it too: deleted.
    ("user_gone", "deleted", "10221"),
    # 10204 is said of removed posts and of blocked IPs alike: never deleted.
    ("not_available", "unavailable", "10204"),
    ("private", "unavailable", "private post"),
    ("private_account", "unavailable", "private account"),
    ("age_restricted", "unavailable", "age or sensitivity gate"),
    ("login_wall", "unavailable", "log in"),
    ("other_post", "failed", "another post"),
])
def test_each_answer_gives_its_status(standin, behaviour, status, said):
    standin.add_post(TikTokPost(ID, behaviour=behaviour))
    found = verdict(standin, ID)
    assert found.status == status, found.reason
    assert said in found.reason
    assert found.retry == (status == "failed")
    assert found.data is None


@pytest.mark.parametrize("behaviour", ["region_locked", "challenge"])
def test_oembeds_word_stands_where_the_page_tells_nothing_or_is_region_locked(standin,
                                                                             behaviour):
    standin.add_post(TikTokPost(ID, desc="Crossing the bridge", behaviour=behaviour))
    found = verdict(standin, ID)
    if behaviour == "region_locked":
        # Withheld here: the player would not show it either; oEmbed's words are kept.
        assert found.status == "unavailable", found.reason
    else:
        assert found.status == "archived", found.reason
        assert "data from oEmbed" in found.reason
    assert found.data.endpoint == "oembed" and found.data.text == "Crossing the bridge"


@pytest.mark.parametrize("fault", ["rate_limited", "server_error", "reset"])
def test_a_removal_the_page_could_not_confirm_is_a_failure_to_retry(standin, fault):
    standin.add_post(TikTokPost(ID, behaviour="user_gone"))
    standin.fault("page", fault, times=5)
    found = verdict(standin, ID)
    assert found.status == "failed" and found.retry, found.reason


@pytest.mark.parametrize("fault", ["rate_limited", "server_error", "html_instead_of_json"])
def test_a_removal_oembed_could_not_confirm_is_a_failure_to_retry(standin, fault):
    standin.add_post(TikTokPost(ID, behaviour="user_gone"))
    standin.fault("oembed", fault, times=5)
    found = verdict(standin, ID)
    assert found.status == "failed" and found.retry, found.reason


# -- hostile answers and markup --------------------------------------------------------

KEYS = ["__DEFAULT_SCOPE__", "webapp.video-detail", "statusCode", "itemInfo", "itemStruct",
        "id", "desc", "createTime", "author", "uniqueId", "nickname", "video", "playAddr",
        "downloadAddr", "bitrateInfo", "Bitrate", "PlayAddr", "UrlList", "cover", "originCover",
        "imagePost", "images", "imageURL", "urlList", "isContentClassified", "src",
        "embed_product_id", "html", "title", "author_name", "author_unique_id", "author_url",
        "thumbnail_url", "VideoPage", "ItemModule"]

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
@given(JSON, JSON, STATUS, STATUS)
def test_any_answers_give_a_verdict_never_an_exception(data, oembed, page_status,
                                                       oembed_status):
    page = ('<script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" type="application/json">'
            f"{json.dumps(data)}</script>").encode()
    answers = {"page": _answer(page_status, page), "oembed": _answer(oembed_status,
                                                                     json.dumps(oembed).encode())}
    found = TIKTOK.classify(answers, {"id": ID, "handle": "riverdancer"})
    assert found.status in ("archived", "deleted", "unavailable", "failed")
    assert isinstance(found.reason, str)


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.binary(max_size=1500), STATUS, st.text(max_size=60))
def test_any_bytes_give_a_verdict_never_an_exception(body, status, location):
    answers = {"page": _answer(status, body, location), "oembed": _answer(status, body)}
    assert TIKTOK.classify(answers, {"id": ID}).status in (
        "archived", "deleted", "unavailable", "failed")


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=120), st.sampled_from(["cite", "data-video-id", "data-src", "src",
                                                "data-embed-type"]))
def test_any_attribute_value_is_read_or_refused_never_an_exception(value, attribute):
    for tag in ("blockquote class=tiktok-embed", "amp-tiktok", "iframe src=tiktok.com/"):
        markup = (f"<{tag} {attribute}={json.dumps(value)}><p>{value}</p>"
                  f"</{tag.split()[0]}>")
        for _, embed in registry.find_embeds(LexborHTMLParser(markup), [TIKTOK]):
            assert TIKTOK.valid_id(embed.id)
    found = TIKTOK.post_ref(value)
    assert found is None or TIKTOK.valid_id(found.id)


# -- the embed player in Chromium ---------------------------------------------------------

def capture(standin, post_id):
    settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_TIMEOUT": "3"})
    page = TIKTOK.embed_page({"id": post_id, "handle": None}, settings)

    async def go():
        async with Capturer(settings) as capturer:
            return await capturer.capture(page)

    return asyncio.run(go())


def test_the_player_is_captured_once_it_shows_the_video(standin):
    standin.add_post(TikTokPost(ID, desc="Crossing the bridge #bridgedance"))
    shot = capture(standin, ID)
    assert shot.error is None, shot.error
    names = {p.name: p for p in shot.pieces}
    assert set(names) == {"screenshot.png", "page.html", "page.mhtml"}
    assert b"Crossing the bridge #bridgedance" in names["page.html"].data


def test_a_photo_posts_player_is_captured_once_its_pictures_show(standin):
    standin.add_post(TikTokPost(ID, desc="Market day in pictures",
                                photos=["https://p16.example/a.jpeg"]))
    shot = capture(standin, ID)
    assert shot.error is None, shot.error
    assert b"Market day in pictures" in {p.name: p for p in shot.pieces}["page.html"].data


@pytest.mark.parametrize("behaviour, said", [
    ("user_gone", "Video currently unavailable"),
    ("private", "This video is private"),
    ("login_wall", "Log in to TikTok"),
])
def test_a_player_without_its_video_is_no_capture(standin, behaviour, said):
    standin.add_post(TikTokPost(ID, behaviour=behaviour))
    shot = capture(standin, ID)
    assert shot.pieces == []
    assert said in shot.error


# -- the whole path -----------------------------------------------------------------

def test_run_archives_a_post_and_records_a_deleted_one(run, archive, standin, tmp_path):
    standin.add_post(TikTokPost(ID, handle="riverdancer", nickname="River Dancer",
                                desc="Crossing the bridge #bridgedance"))
    standin.add_post(TikTokPost("7301234567890123499", behaviour="user_gone"))
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>The dance</title></head><body><article><p>It began here:</p>"
        f'<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@riverdancer/video/{ID}"'
        f' data-video-id="{ID}"><section><a title="@riverdancer" href="https://www.tiktok.com/'
        '@riverdancer?refer=embed">@riverdancer</a><p>Crossing the bridge #bridgedance</p>'
        '</section></blockquote><script async src="https://www.tiktok.com/embed.js"></script>'
        "<p>Its first copy is gone:</p>"
        '<iframe src="https://www.tiktok.com/embed/v2/7301234567890123499"></iframe>'
        "</article></body></html>")
    proc = run("run", str(page), env={**standin.env(), "ARCHIVER_TIMEOUT": "5"})
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    conn.row_factory = sqlite3.Row
    posts = {r["id"]: r for r in conn.execute("SELECT * FROM posts WHERE platform = 'tiktok'")}
    assert set(posts) == {ID, "7301234567890123499"}
    kept = posts[ID]
    assert kept["status"] == "archived", kept["status_reason"]
    assert (kept["text"], kept["live_text"], kept["handle"], kept["author"]) == (
        "Crossing the bridge #bridgedance", "Crossing the bridge #bridgedance", "riverdancer",
        "River Dancer")
    assert posts["7301234567890123499"]["status"] == "deleted"

    folders = list((archive / "snapshots" / "tiktok" / ID).iterdir())
    assert len(folders) == 1
    names = {p.name for p in folders[0].iterdir()}
    assert {"screenshot.png", "page.html", "page.mhtml", "web_page.html", "oembed.json"} <= names
    # The best stream, kept under the post's id.
    assert (folders[0] / "media" / f"01-{ID}.mp4").read_bytes()[4:8] == b"ftyp"
    assert "Crossing the bridge #bridgedance" in (folders[0] / "page.html").read_text()
    assert "__UNIVERSAL_DATA_FOR_REHYDRATION__" in (folders[0] / "web_page.html").read_text()
    manifest = json.loads((folders[0] / "manifest.json").read_text())
    assert {f["name"] for f in manifest["files"]} >= {"screenshot.png", "web_page.html"}
    gone = list((archive / "snapshots" / "tiktok" / "7301234567890123499").iterdir())
    assert {p.name for p in gone[0].iterdir()} >= {"web_page.html", "oembed.json"}
    assert not (gone[0] / "screenshot.png").exists()


def test_a_stream_the_cdn_refuses_is_a_media_failure_not_the_posts(run, archive, standin,
                                                                  tmp_path):
    standin.add_post(TikTokPost(ID, handle="riverdancer", desc="Crossing the bridge"))
    standin.media_needs_cookies = True
    page = tmp_path / "story.html"
    page.write_text(f'<html><body><iframe src="https://www.tiktok.com/player/v1/{ID}"></iframe>'
                    "</body></html>")
    proc = run("run", str(page), env={**standin.env(), "ARCHIVER_TIMEOUT": "5"})
    assert proc.returncode == 1, proc.stdout_text + proc.stderr_text  # some work failed
    assert "Media files: 1 failed" in proc.stdout_text
    conn = sqlite3.connect(archive / "archive.db")
    assert conn.execute("SELECT status FROM posts WHERE id = ?", (ID,)).fetchone() == (
        "archived",)
    failures = conn.execute("SELECT media_type, http_status, reason FROM media_failures")
    assert [(kind, status) for kind, status, _ in failures] == [("video", 403)]
