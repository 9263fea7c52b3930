"""YouTube through the platform contract: its URL forms, its players in articles
(through the real `archiver scan`), what oEmbed and the watch page answer and mean
(real HTTP to the stand-in), the embed player in Chromium, and a whole
`archiver run`."""

from __future__ import annotations

import asyncio
import dataclasses
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
from archiver.scan import registry
from standin.youtube import Video, YouTubeStandIn

FIXTURES = Path(__file__).parent / "fixtures" / "youtube"
YOUTUBE = platforms.get("youtube")


# -- naming videos ---------------------------------------------------------------

@pytest.mark.parametrize("url", [
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://www.youtube.com/watch?v=dQw4w9WgXcQ&si=Qm8ZrT0pL4kE2nVb&feature=share",
    "https://www.youtube.com/watch?feature=youtu.be&v=dQw4w9WgXcQ&t=42s",
    "https://m.youtube.com/watch?v=dQw4w9WgXcQ",
    "https://music.youtube.com/watch?v=dQw4w9WgXcQ&list=RDAMVMdQw4w9WgXcQ",
    "https://youtu.be/dQw4w9WgXcQ",
    "https://youtu.be/dQw4w9WgXcQ?si=Qm8ZrT0pL4kE2nVb&t=12",
    "youtu.be/dQw4w9WgXcQ",
    "https://www.youtube.com/shorts/dQw4w9WgXcQ",
    "https://youtube.com/shorts/dQw4w9WgXcQ?feature=share",
    "https://www.youtube.com/live/dQw4w9WgXcQ?si=abc",
    "https://www.youtube.com/embed/dQw4w9WgXcQ?rel=0&start=30",
    "//www.youtube.com/embed/dQw4w9WgXcQ",
    "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ",
    "https://youtube-nocookie.com/embed/dQw4w9WgXcQ?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
    "http://www.youtube.com/v/dQw4w9WgXcQ?version=3",
    "https://www.youtube.com/e/dQw4w9WgXcQ",
    "https://youtube.googleapis.com/v/dQw4w9WgXcQ",
    "HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ",
])
def test_every_url_form_of_a_video_names_it_by_its_id(url):
    assert YOUTUBE.post_ref(url) == platforms.PostRef("youtube", "dQw4w9WgXcQ")
    assert platforms.post_ref(url) == platforms.PostRef("youtube", "dQw4w9WgXcQ")


@pytest.mark.parametrize("url", [
    "https://www.youtube.com/@parliament",
    "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv",
    "https://www.youtube.com/c/DailyExample/videos",
    "https://www.youtube.com/user/dailyexample",
    "https://www.youtube.com/playlist?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
    "https://www.youtube.com/embed/videoseries?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
    "https://www.youtube.com/embed/live_stream?channel=UCabcdefghijklmnopqrstuv",
    "https://www.youtube.com/subscribe_embed?channel=UCabcdefghijklmnopqrstuv",
    "https://www.youtube.com/@parliament?sub_confirmation=1",
    "https://www.youtube.com/watch?v=tooShort",
    "https://www.youtube.com/watch?list=PLx0sYbCqOb8TBPRdmBHs5Iftvv9TPboYG",
    "https://www.youtube.com/results?search_query=flood",
    "https://youtu.be/",
    "https://notyoutube.com/watch?v=dQw4w9WgXcQ",
    "https://youtube.com.example.org/watch?v=dQw4w9WgXcQ",
    "javascript:alert('https://youtu.be/dQw4w9WgXcQ')",
    "http://[::1",
    "",
    None,
])
def test_channels_playlists_and_buttons_name_no_video(url):
    assert YOUTUBE.post_ref(url) is None


def test_an_id_is_a_safe_folder_name_and_leads_back_to_its_video():
    assert YOUTUBE.valid_id("dQw4w9WgXcQ") and YOUTUBE.valid_id("-Hb7c2PqR9s")
    for bad in ("dQw4w9WgXcQx", "dQw4w9WgXc", "../../etc/x", "dQw4w9WgXc!", ""):
        assert not YOUTUBE.valid_id(bad), bad
    assert YOUTUBE.folder_name("dQw4w9WgXcQ") == "dQw4w9WgXcQ"
    # No folder may begin with "-": such an id gets "_" first, which no 11-character id has.
    assert YOUTUBE.folder_name("-Hb7c2PqR9s") == "_-Hb7c2PqR9s"
    assert YOUTUBE.post_url("dQw4w9WgXcQ", None) == "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    assert YOUTUBE.post_ref(YOUTUBE.post_url("-Hb7c2PqR9s", None)).id == "-Hb7c2PqR9s"
    assert YOUTUBE.date_from_id("dQw4w9WgXcQ") is None  # the id encodes no date


# -- finding videos in articles -----------------------------------------------------

SCANS = {
    # file: (embeds as (id, text, form), cited ids)
    "iframes.html": ([("Xw1yQ8dL2aA", None, "iframe"), ("-Hb7c2PqR9s", None, "iframe"),
                      ("Qa3_Zk9mT0w", "Harbour wall gives way at 6am", "iframe"),
                      ("S9hortVid01", "Waves over the sea wall #shorts", "iframe")], []),
    "wordpress.html": ([("Cm4t1ngVd0s", None, "wordpress"),
                        ("M4yorClip00", "Mayor answers questions on the sea wall", "wordpress"),
                        ("Sh0rtCl1p_9", None, "wordpress")], []),
    "amp_lite_lazy.html": ([("AmpV1deo_01", None, "amp"), ("AmpOldAttr2", None, "amp"),
                            ("L1teV1deo03", None, "lite-youtube"),
                            ("LazyLoad004", "Barrier test, full", "lazy-load")], []),
    "not_videos.html": ([], []),
    "cited.html": ([("Emb3ddedV1d", "Committee hearing, part one", "iframe")],
                   ["Min1sterSp1", "Fact_Check1", "Sess10nL1ve"]),
}


def _found(name):
    data = (FIXTURES / name).read_bytes()
    return registry.find_embeds(LexborHTMLParser(data.decode()), registry.present(data.lower()))


@pytest.mark.parametrize("name", sorted(SCANS))
def test_each_player_form_is_read_by_the_youtube_reader(name):
    found = [e for _, e in _found(name) if e.platform == "youtube"]
    assert [(e.id, e.text, e.form) for e in found] == SCANS[name][0]
    # A player keeps no author and no date: nothing is guessed.
    assert all(e.author is None and e.handle is None and e.date is None for e in found)
    assert all(e.url == f"https://www.youtube.com/watch?v={e.id}" for e in found)


@pytest.mark.parametrize("name", sorted(SCANS))
def test_scan_finds_youtube_players_and_cited_videos(run, name):
    article = run("scan", str(FIXTURES / name), "--json", check_json=True).json[0]
    embeds = [(e["id"], e["text"]) for e in article["embeds"] if e["platform"] == "youtube"]
    assert embeds == [(i, t) for i, t, _ in SCANS[name][0]]
    cited = [c["id"] for c in article["cited"] if c["platform"] == "youtube"]
    assert cited == SCANS[name][1]


# -- what the answers mean ------------------------------------------------------------

@pytest.fixture
def standin():
    with YouTubeStandIn(render_delay=0.3) as yt:
        yield yt


def verdict(standin, video_id, **env):
    settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_RETRIES": "1", **env})
    client = Client(settings, backoff=0.01)
    try:
        post = {"id": video_id, "handle": None, "url": None}
        answers = {lookup.name: client.get(lookup.url, headers=dict(lookup.headers) or None)
                   for lookup in YOUTUBE.lookups(post, settings)}
    finally:
        client.close()
    return YOUTUBE.classify(answers, post)


def test_a_public_video_is_archived_with_title_channel_date_and_poster(standin):
    standin.add_video(Video("Xw1yQ8dL2aA", title="Harbour wall gives way at 6am",
                            channel="Harbour Cam", handle="harbourcam",
                            published="2024-03-01T06:12:00-08:00"))
    found = verdict(standin, "Xw1yQ8dL2aA")
    assert found.status == "archived", found.reason
    data = found.data
    assert (data.text, data.author, data.handle, data.created_at, data.endpoint) == (
        "Harbour wall gives way at 6am", "Harbour Cam", "harbourcam",
        "2024-03-01T06:12:00-08:00", "watch")
    # The largest thumbnail, without the resizing parameters.
    assert data.media == [{"type": "video", "alt": None, "video": None, "key": "Xw1yQ8dL2aA",
                           "url": f"{standin.url}/vi/Xw1yQ8dL2aA/maxresdefault.jpg"}]
    watch = standin.hits(r"^/watch\?v=Xw1yQ8dL2aA")[0]
    assert "SOCS=" in watch.headers.get("Cookie", "")  # past the consent page


@pytest.mark.parametrize("behaviour, status, said", [
    # oEmbed 404 and the watch page's ERROR together: removed.
    ("deleted", "deleted", "removed by the uploader"),
    ("private", "unavailable", "Private video"),
    # A terminated channel can be reinstated: withheld, never deleted.
    ("terminated", "unavailable", "has been terminated"),
    ("age_restricted", "unavailable", "confirm your age"),
    # 401 is embedding disabled, not gone.
    ("embedding_disabled", "unavailable", "embedding disabled"),
    ("geo_blocked", "unavailable", "in your country"),
    ("other_video", "failed", "another video"),
])
def test_each_answer_gives_its_status(standin, behaviour, status, said):
    standin.add_video(Video("Vid3oUnd3r1", behaviour=behaviour))
    found = verdict(standin, "Vid3oUnd3r1")
    assert found.status == status, found.reason
    assert said in found.reason
    assert found.retry == (status == "failed")


def test_a_video_nobody_ever_posted_is_deleted_on_both_words(standin):
    found = verdict(standin, "N0b0dyP0st1")
    assert found.status == "deleted", found.reason
    assert "HTTP 404" in found.reason and "ERROR" in found.reason


@pytest.mark.parametrize("behaviour", ["bot_check", "consent"])
def test_a_held_back_watch_page_leaves_oembeds_word(standin, behaviour):
    standin.add_video(Video("H3ldBackV1d", title="The sea wall", behaviour=behaviour))
    found = verdict(standin, "H3ldBackV1d")
    assert found.status == "archived", found.reason
    assert found.data.endpoint == "oembed" and found.data.text == "The sea wall"
    assert "data from oEmbed" in found.reason


@pytest.mark.parametrize("route, fault", [
    ("watch", "rate_limited"), ("watch", "server_error"), ("watch", "reset"),
    ("watch", "html_instead_of_json"),
])
def test_a_removal_oembed_alone_reports_is_a_failure_to_retry(standin, route, fault):
    standin.add_video(Video("G0neV1deo99", behaviour="deleted"))
    standin.fault(route, fault, times=5)
    found = verdict(standin, "G0neV1deo99")
    assert found.status == "failed" and found.retry, found.reason


@pytest.mark.parametrize("fault", ["rate_limited", "server_error", "reset"])
def test_a_removal_the_watch_page_alone_reports_is_a_failure_to_retry(standin, fault):
    standin.add_video(Video("G0neV1deo98", behaviour="deleted"))
    standin.fault("oembed", fault, times=5)
    found = verdict(standin, "G0neV1deo98")
    assert found.status == "failed" and found.retry, found.reason


def test_both_endpoints_rate_limited_is_a_failure_to_retry(standin):
    standin.add_video(Video("RateL1m1ted"))
    standin.fault("*", "rate_limited", times=10)
    found = verdict(standin, "RateL1m1ted")
    assert found.status == "failed" and found.retry, found.reason
    assert "HTTP 429" in found.reason


# -- hostile answers and markup --------------------------------------------------------

KEYS = ["playabilityStatus", "status", "reason", "errorScreen", "playerErrorMessageRenderer",
        "subreason", "simpleText", "runs", "text", "videoDetails", "videoId", "title",
        "author", "thumbnail", "thumbnails", "url", "width", "microformat",
        "playerMicroformatRenderer", "ownerProfileUrl", "publishDate", "uploadDate",
        "playableInEmbed", "html", "author_name", "author_url", "thumbnail_url"]

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
def test_any_answers_give_a_verdict_never_an_exception(player, oembed, watch_status,
                                                       oembed_status):
    # The player response as the watch page holds it, and oEmbed's JSON, of any shape.
    page = f"<script>var ytInitialPlayerResponse = {json.dumps(player)};</script>".encode()
    answers = {"watch": _answer(watch_status, page), "oembed": _answer(oembed_status,
                                                                       json.dumps(oembed).encode())}
    found = YOUTUBE.classify(answers, {"id": "Xw1yQ8dL2aA"})
    assert found.status in ("archived", "deleted", "unavailable", "failed")
    assert isinstance(found.reason, str)
    if found.status == "deleted":  # only on both words: oEmbed's 404 and the player's ERROR
        assert oembed_status in (400, 404) and player["playabilityStatus"]["status"] == "ERROR"


@hypothesis_settings(max_examples=200, deadline=None)
@given(st.binary(max_size=1500), STATUS, st.text(max_size=60))
def test_any_bytes_give_a_verdict_never_an_exception(body, status, location):
    answers = {"watch": _answer(status, body, location), "oembed": _answer(status, body)}
    assert YOUTUBE.classify(answers, {"id": "Xw1yQ8dL2aA"}).status in (
        "archived", "deleted", "unavailable", "failed")


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=120), st.sampled_from(["src", "data-src", "data-videoid", "videoid",
                                                "href", "data-video-url", "title"]))
def test_any_attribute_value_is_read_or_refused_never_an_exception(value, attribute):
    for tag in ("iframe", "amp-youtube", "lite-youtube", "a class=lazy-load-youtube", "div"):
        markup = f"<{tag} {attribute}={json.dumps(value)} data-video-url=youtu></{tag.split()[0]}>"
        for _, embed in registry.find_embeds(LexborHTMLParser(markup), [YOUTUBE]):
            assert YOUTUBE.valid_id(embed.id)
    found = YOUTUBE.post_ref(value)
    assert found is None or YOUTUBE.valid_id(found.id)


# -- the embed player in Chromium ---------------------------------------------------------

def capture(standin, video_id, without_referer=False):
    settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_TIMEOUT": "3"})
    page = YOUTUBE.embed_page({"id": video_id, "handle": None}, settings)
    if without_referer:
        page = dataclasses.replace(page, headers={})

    async def go():
        async with Capturer(settings) as capturer:
            return await capturer.capture(page)

    return asyncio.run(go())


def test_the_player_is_captured_once_it_shows_the_video(standin):
    standin.add_video(Video("Xw1yQ8dL2aA", title="Harbour wall gives way at 6am"))
    shot = capture(standin, "Xw1yQ8dL2aA")
    assert shot.error is None, shot.error
    names = {p.name: p for p in shot.pieces}
    assert set(names) == {"screenshot.png", "page.html", "page.mhtml"}
    assert b"Harbour wall gives way at 6am" in names["page.html"].data
    player = standin.hits(r"^/embed/Xw1yQ8dL2aA")[0]
    assert player.headers.get("Referer") == "https://www.youtube.com/"


def test_a_player_opened_without_a_referer_shows_error_153_and_is_no_capture(standin):
    standin.add_video(Video("Xw1yQ8dL2aA"))
    shot = capture(standin, "Xw1yQ8dL2aA", without_referer=True)
    assert shot.pieces == []
    assert "Error 153" in shot.error


@pytest.mark.parametrize("behaviour", ["deleted", "age_restricted", "embedding_disabled"])
def test_a_player_showing_an_error_is_no_capture(standin, behaviour):
    standin.add_video(Video("Err0rPlay3r", behaviour=behaviour))
    shot = capture(standin, "Err0rPlay3r")
    assert shot.pieces == []
    assert "Video unavailable" in shot.error


# -- the whole path -----------------------------------------------------------------

def test_run_archives_a_video_records_a_deleted_one_and_says_its_stream_is_not_kept(
        run, archive, standin, tmp_path):
    standin.add_video(Video("Xw1yQ8dL2aA", title="Harbour wall gives way at 6am",
                            channel="Harbour Cam", handle="harbourcam"))
    standin.add_video(Video("-G0neV1de0x", behaviour="deleted"))
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>Storm surge</title></head><body><article><p>Residents filmed it:</p>"
        '<iframe width="560" height="315" src="https://www.youtube.com/embed/Xw1yQ8dL2aA?si=x"'
        ' title="YouTube video player" allowfullscreen></iframe>'
        "<p>A second video has since been taken down:</p>"
        '<iframe src="https://www.youtube-nocookie.com/embed/-G0neV1de0x"></iframe>'
        "</article></body></html>")
    proc = run("run", str(page), env={**standin.env(), "ARCHIVER_TIMEOUT": "5"})
    # YouTube lists no file of a video outside its own player (signed streams): its
    # poster is kept in its place, the manifest says so, and no run fails for it.
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    assert "Posts: 1 archived, 1 deleted" in proc.stdout_text
    assert "Media files: 1 kept" in proc.stdout_text
    conn = sqlite3.connect(archive / "archive.db")
    conn.row_factory = sqlite3.Row
    assert conn.execute("SELECT count(*) FROM media_failures").fetchone()[0] == 0
    posts = {r["id"]: r for r in conn.execute("SELECT * FROM posts WHERE platform = 'youtube'")}
    assert set(posts) == {"Xw1yQ8dL2aA", "-G0neV1de0x"}
    kept = posts["Xw1yQ8dL2aA"]
    assert kept["status"] == "archived", kept["status_reason"]
    assert (kept["live_text"], kept["author"], kept["handle"]) == (
        "Harbour wall gives way at 6am", "Harbour Cam", "harbourcam")
    assert posts["-G0neV1de0x"]["status"] == "deleted", posts["-G0neV1de0x"]["status_reason"]

    folders = list((archive / "snapshots" / "youtube" / "Xw1yQ8dL2aA").iterdir())
    assert len(folders) == 1
    names = {p.name for p in folders[0].iterdir()}
    assert {"screenshot.png", "page.html", "page.mhtml", "watch.html", "oembed.json"} <= names
    assert "Harbour wall gives way at 6am" in (folders[0] / "page.html").read_text()
    assert "ytInitialPlayerResponse" in (folders[0] / "watch.html").read_text()
    manifest = json.loads((folders[0] / "manifest.json").read_text())
    assert {f["name"] for f in manifest["files"]} >= {"screenshot.png", "watch.html"}
    [poster] = [f for f in manifest["files"] if f["kind"] == "media"]
    assert poster["media_type"] == "poster" and "only as a stream" in poster["note"]
    assert (folders[0] / poster["name"]).read_bytes()[:2] in (b"\xff\xd8", b"\x89P")
    # The deleted video keeps the answers that said so, and no screenshot, under a
    # folder that does not begin with "-".
    gone = list((archive / "snapshots" / "youtube" / "_-G0neV1de0x").iterdir())
    assert {p.name for p in gone[0].iterdir()} >= {"watch.html", "oembed.json"}
    assert not (gone[0] / "screenshot.png").exists()
