"""Telegram through the platform contract: its URL forms, its embed code in articles
(through the real `archiver scan`), what the widget and the channel preview answers
mean (real HTTP to the stand-in), and a whole `archiver run` captured in Chromium."""

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
from archiver.scan import registry
from standin.telegram import Message, TelegramStandIn

FIXTURES = Path(__file__).parent / "fixtures" / "telegram"
TELEGRAM = platforms.get("telegram")


# -- naming posts ----------------------------------------------------------------

@pytest.mark.parametrize("url, key, handle", [
    ("https://t.me/RiverAuthority/1207", "riverauthority/1207", "RiverAuthority"),
    ("http://t.me/riverauthority/1207?single", "riverauthority/1207", "riverauthority"),
    ("https://t.me/RiverAuthority/1207?embed=1&mode=tme", "riverauthority/1207",
     "RiverAuthority"),
    ("https://t.me/s/RiverAuthority/1207", "riverauthority/1207", "RiverAuthority"),
    ("https://telegram.me/RiverAuthority/1207", "riverauthority/1207", "RiverAuthority"),
    ("https://www.telegram.dog/RiverAuthority/01207/", "riverauthority/1207", "RiverAuthority"),
    ("t.me/RiverAuthority/1207", "riverauthority/1207", "RiverAuthority"),
    ("https://t.me/RiverAuthority/1207?comment=5512", "riverauthority/1207", "RiverAuthority"),
    ("https://t.me/city_forum/12/1207", "city_forum/1207", "city_forum"),  # a forum topic
    ("tg://resolve?domain=RiverAuthority&post=1207", "riverauthority/1207", "RiverAuthority"),
])
def test_every_url_form_of_a_message_names_it_by_channel_and_id(url, key, handle):
    assert TELEGRAM.post_ref(url) == platforms.PostRef("telegram", key, handle)
    assert platforms.post_ref(url) == platforms.PostRef("telegram", key, handle)


@pytest.mark.parametrize("url", [
    "https://t.me/RiverAuthority",  # a channel
    "https://t.me/s/RiverAuthority",  # its web preview
    "https://t.me/c/1234567890/55",  # a private chat: no public page
    "https://t.me/joinchat/AAAAAEkk2WdoDrB4-Q8-gg",
    "https://t.me/+Xk2WdoDrB4Q8gg",
    "https://t.me/share/url?url=https%3A%2F%2Fexample.org",
    "https://t.me/addstickers/CityDesk",
    "https://t.me/iv?url=https%3A%2F%2Fexample.org&rhash=1",
    "https://t.me/RiverAuthority/0",
    "https://t.me/RiverAuthority/12abc",
    "https://budget.me/RiverAuthority/1207",  # another host ending in "t.me"
    "https://t.me.example.org/RiverAuthority/1207",
    "mailto:t.me/RiverAuthority/1207",
    "",
    None,
])
def test_channels_invitations_shares_and_private_chats_name_no_post(url):
    assert TELEGRAM.post_ref(url) is None


def test_an_id_is_a_safe_folder_name_and_leads_back_to_its_message():
    assert TELEGRAM.valid_id("riverauthority/1207")
    for bad in ("RiverAuthority/1207", "c/1207", "joinchat/1", "riverauthority/0",
                "riverauthority", "../x/1", "riverauthority/1207/1"):
        assert not TELEGRAM.valid_id(bad), bad
    assert TELEGRAM.folder_name("riverauthority/1207") == "riverauthority+1207"
    assert TELEGRAM.post_url("riverauthority/1207", "RiverAuthority") == (
        "https://t.me/RiverAuthority/1207")
    assert TELEGRAM.post_ref(TELEGRAM.post_url("riverauthority/1207", None)).id == (
        "riverauthority/1207")


# -- finding posts in articles --------------------------------------------------------

WIDGETS = [("riverauthority/1207", "RiverAuthority", "https://t.me/RiverAuthority/1207"),
           ("mayor_office/88", "mayor_office", "https://t.me/mayor_office/88")]
SCANS = {
    # file: (embeds as (id, handle, url), cited ids)
    # The third keeps the whole t.me URL where the code has "channel/id".
    "widget_script.html": ([*WIDGETS, ("riverauthority/1210", "RiverAuthority",
                                        "https://t.me/RiverAuthority/1210")], []),
    "rendered_iframe.html": (WIDGETS, []),
    "not_posts.html": ([], []),
    "cited.html": ([WIDGETS[1]], ["riverauthority/1207", "riverauthority/1210"]),
}


@pytest.mark.parametrize("name", sorted(SCANS))
def test_each_markup_form_is_read_by_the_telegram_reader(name):
    tree = LexborHTMLParser((FIXTURES / name).read_text())
    found = registry.find_embeds(tree, registry.present((FIXTURES / name).read_bytes().lower()))
    embeds = [(e.id, e.handle, e.url) for _, e in found if e.platform == "telegram"]
    assert embeds == SCANS[name][0]
    # The code keeps only channel and id: nothing else is guessed.
    assert all(e.text is None and e.author is None and e.date is None for _, e in found)


@pytest.mark.parametrize("name", sorted(SCANS))
def test_scan_finds_telegram_embeds_and_cited_messages(run, name):
    article = run("scan", str(FIXTURES / name), "--json", check_json=True).json[0]
    embeds = [(e["id"], e["handle"], e["url"]) for e in article["embeds"]
              if e["platform"] == "telegram"]
    assert embeds == SCANS[name][0]
    cited = [c["id"] for c in article["cited"] if c["platform"] == "telegram"]
    assert cited == SCANS[name][1]


# -- what the answers mean ------------------------------------------------------------

@pytest.fixture
def standin():
    with TelegramStandIn(render_delay=0.3) as tg:
        tg.add_channel("RiverAuthority", title="River Authority")
        tg.add_channel("locked_room", title="Locked Room", state="private")
        yield tg


def verdict(standin, key, **env):
    settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_RETRIES": "1", **env})
    client = Client(settings, backoff=0.01)
    try:
        post = {"id": key, "handle": None, "url": None}
        answers = {lookup.name: client.get(lookup.url, headers=dict(lookup.headers) or None)
                   for lookup in TELEGRAM.lookups(post, settings)}
    finally:
        client.close()
    return TELEGRAM.classify(answers, post)


def test_a_public_message_is_archived_with_text_author_date_and_media(standin):
    standin.add_message(Message("RiverAuthority", 1207, text="Bridge closed.\nDetour via Elm St.",
                                photos=["/media/a.png", "/media/b.png"], video="/media/v.mp4",
                                reply_to="Storm warning", edited=True))
    found = verdict(standin, "riverauthority/1207")
    assert found.status == "archived", found.reason
    data = found.data
    assert (data.text, data.author, data.handle, data.created_at) == (
        "Bridge closed.\nDetour via Elm St.", "River Authority", "RiverAuthority",
        "2024-03-01T10:20:30+00:00")
    assert data.is_edited and data.endpoint == "widget"
    assert [(m["type"], m["url"].rsplit("/", 1)[1], m["video"] and m["video"].rsplit("/", 1)[1])
            for m in data.media] == [("photo", "a.png", None), ("photo", "b.png", None),
                                     ("video", "poster.png", "v.mp4")]


@pytest.mark.parametrize("channel, behaviour, status, said", [
    # "Post not found" while the channel is public: removed.
    ("RiverAuthority", "deleted", "deleted", "Post not found"),
    # The same words from a channel without a public preview: it may only be hidden.
    ("locked_room", "deleted", "unavailable", "not public"),
    ("RiverAuthority", "blocked", "unavailable", "can’t be displayed"),
    ("RiverAuthority", "sensitive", "unavailable", "sensitive content"),
    ("RiverAuthority", "app_wall", "unavailable", "Telegram app"),
    ("RiverAuthority", "other_post", "failed", "another post"),
])
def test_each_widget_answer_gives_its_status(standin, channel, behaviour, status, said):
    standin.add_message(Message(channel, 77, behaviour=behaviour))
    found = verdict(standin, f"{channel.lower()}/77")
    assert found.status == status, found.reason
    assert said in found.reason
    assert found.data is None


@pytest.mark.parametrize("route, fault", [
    ("widget", "rate_limited"), ("widget", "server_error"), ("widget", "reset"),
    ("channel_preview", "rate_limited"), ("channel_preview", "server_error"),
])
def test_a_missing_message_is_never_deleted_while_an_answer_failed(standin, route, fault):
    standin.add_message(Message("RiverAuthority", 78, behaviour="deleted"))
    standin.fault(route, fault, times=5)
    found = verdict(standin, "riverauthority/78")
    assert found.status == "failed" and found.retry, found.reason


def test_a_page_that_is_no_widget_is_a_failure_not_a_verdict(standin):
    standin.add_message(Message("RiverAuthority", 79, behaviour="deleted"))
    standin.fault("widget", "html_instead_of_json", times=1)  # a login page instead
    found = verdict(standin, "riverauthority/79")
    assert found.status == "failed" and found.retry, found.reason
    assert "no message" in found.reason


# -- the embed page in Chromium ---------------------------------------------------------

def capture(standin, key):
    settings = archiver_settings.load(env={**standin.env(), "ARCHIVER_TIMEOUT": "3"})
    page = TELEGRAM.embed_page({"id": key, "handle": None}, settings)

    async def go():
        async with Capturer(settings) as capturer:
            return await capturer.capture(page)

    return asyncio.run(go())


def test_the_embed_page_is_captured_once_its_message_is_built(standin):
    standin.add_message(Message("RiverAuthority", 1207, text="Bridge closed.",
                                photos=["/media/a.png"]))
    shot = capture(standin, "riverauthority/1207")
    assert shot.error is None
    names = {p.name: p for p in shot.pieces}
    assert set(names) == {"screenshot.png", "page.html", "page.mhtml"}
    assert b"Bridge closed." in names["page.html"].data


def test_an_embed_page_saying_post_not_found_is_no_capture(standin):
    standin.add_message(Message("RiverAuthority", 80, behaviour="deleted"))
    shot = capture(standin, "riverauthority/80")
    assert shot.pieces == []
    assert "shows no post" in shot.error and "Post not found" in shot.error


def test_an_embed_page_asking_for_the_app_is_no_capture(standin):
    standin.add_message(Message("RiverAuthority", 81, behaviour="app_wall"))
    shot = capture(standin, "riverauthority/81")
    assert shot.pieces == []
    assert "did not render" in shot.error and "Telegram" in shot.error


# -- the whole path -----------------------------------------------------------------

def test_run_archives_a_message_and_records_a_deleted_one(run, archive, standin, tmp_path):
    standin.add_message(Message("RiverAuthority", 1207, text="Bridge closed until further notice.",
                                photos=["/media/a.png"]))
    standin.add_message(Message("RiverAuthority", 1300, behaviour="deleted"))
    page = tmp_path / "story.html"
    page.write_text(
        "<html><head><title>Bridge</title></head><body><article><p>The authority said:</p>"
        '<script async src="https://telegram.org/js/telegram-widget.js?22" '
        'data-telegram-post="RiverAuthority/1207" data-width="100%"></script>'
        "<p>It later removed this:</p>"
        '<script async src="https://telegram.org/js/telegram-widget.js?22" '
        'data-telegram-post="RiverAuthority/1300" data-width="100%"></script>'
        "</article></body></html>")
    proc = run("run", str(page), env={**standin.env(), "ARCHIVER_TIMEOUT": "5"})
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    conn.row_factory = sqlite3.Row
    posts = {r["id"]: r for r in conn.execute("SELECT * FROM posts WHERE platform = 'telegram'")}
    assert set(posts) == {"riverauthority/1207", "riverauthority/1300"}
    kept = posts["riverauthority/1207"]
    assert kept["status"] == "archived", kept["status_reason"]
    assert kept["live_text"] == "Bridge closed until further notice."
    assert posts["riverauthority/1300"]["status"] == "deleted"
    assert "Post not found" in posts["riverauthority/1300"]["status_reason"]

    folders = list((archive / "snapshots" / "telegram" / "riverauthority+1207").iterdir())
    assert len(folders) == 1
    names = {p.name for p in folders[0].iterdir()}
    assert {"screenshot.png", "page.html", "page.mhtml", "widget.html", "channel.html"} <= names
    assert "Bridge closed until further notice." in (folders[0] / "page.html").read_text()
    manifest = json.loads((folders[0] / "manifest.json").read_text())
    assert {f["name"] for f in manifest["files"]} >= {"screenshot.png", "widget.html"}
    # A deleted message keeps the answers that said so, and no screenshot.
    gone = list((archive / "snapshots" / "telegram" / "riverauthority+1300").iterdir())
    assert {p.name for p in gone[0].iterdir()} >= {"widget.html", "channel.html"}
    assert not (gone[0] / "screenshot.png").exists()


# -- hostile input -------------------------------------------------------------------------
PIECES = st.sampled_from([
    '<div class="tgme_widget_message" data-post="riverauthority/1207">', '</div>',
    '<div class="tgme_widget_message" data-post="RiverAuthority/0">',
    '<div class="tgme_widget_message_bubble">', '<div class="tgme_widget_message_text">',
    '<div class="tgme_widget_message_error">', "Post not found", "Channel is private",
    '<a class="tgme_widget_message_photo_wrap" style="background-image:url(\'x\')">',
    '<a class="tgme_widget_message_reply">', '<time datetime="2024-01-01T00:00:00Z">',
    '<div class="tgme_channel_info"><div class="tgme_channel_info_header_username">@riverauthority',
    "<br>", "<video src='v.mp4'>", '<i class="tgme_widget_message_video_thumb" style="">',
    '<div class="tgme_widget_message_video_player">', "{", "\x00", "é",
]) | st.text(max_size=12)
BODIES = st.lists(PIECES, max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(BODIES, BODIES, st.sampled_from([200, 200, 200, 302, 404, 429, 500, None]),
       st.sampled_from([200, 200, 302, 429, 500, None]))
def test_any_answer_is_weighed_without_raising(widget, channel, status, channel_status):
    def answer(body, code):
        return Answer("http://x/", code, {"location": "/x"}, body.encode("utf-8", "replace"),
                      None if code else "reset")

    got = TELEGRAM.classify({"widget": answer(widget, status),
                             "channel": answer(channel, channel_status)},
                            {"id": "riverauthority/1207", "handle": None})
    assert got.status in ("archived", "deleted", "unavailable", "failed")
    if got.status == "deleted":
        assert status == 200 and channel_status == 200


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=120) | st.sampled_from(["https://t.me/", "t.me/s/", "tg://resolve?"]).flatmap(
    lambda head: st.text(max_size=60).map(lambda tail: head + tail)))
def test_any_url_or_markup_is_read_without_raising(text):
    ref = TELEGRAM.post_ref(text)
    assert ref is None or TELEGRAM.valid_id(ref.id)
    html = (f'<script data-telegram-post="{text}"></script><iframe src="{text}" '
            f'id="telegram-post-{text}"></iframe>')
    for node in LexborHTMLParser(html).css(TELEGRAM.embed_selector):
        embed = TELEGRAM.read_embed(node)
        assert embed is None or TELEGRAM.valid_id(embed.id)
