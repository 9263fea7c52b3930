"""Mastodon behind the platform contract: its URL forms and ids, its markup in
articles, its answers weighed through the stand-in, and one article archived
through the real `archiver run`."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from selectolax.lexbor import LexborHTMLParser

from archiver import platforms
from archiver.net import Answer, Client
from archiver.scan import registry
from archiver.settings import load
from standin.mastodon import MastodonStandIn

FIXTURES = Path(__file__).parent / "fixtures" / "mastodon"
MASTO = platforms.get("mastodon")
HOST = "mastodon.social"
STATUS = "113805114250504687"
POST = f"{HOST}/{STATUS}"


# -- naming posts ----------------------------------------------------------------------
@pytest.mark.parametrize("url, post_id, handle", [
    (f"https://{HOST}/@Gargron/{STATUS}", POST, "Gargron@mastodon.social"),
    (f"https://{HOST}/@Gargron/{STATUS}/embed", POST, "Gargron@mastodon.social"),
    (f"https://{HOST}/@Gargron/{STATUS}?utm_source=x", POST, "Gargron@mastodon.social"),
    (f"http://MASTODON.social/@Gargron/{STATUS}/", POST, "Gargron@mastodon.social"),
    (f"https://{HOST}/users/Gargron/statuses/{STATUS}", POST, "Gargron@mastodon.social"),
    (f"https://{HOST}/users/Gargron/statuses/{STATUS}/activity", POST,
     "Gargron@mastodon.social"),
    (f"https://{HOST}/web/@Gargron/{STATUS}", POST, "Gargron@mastodon.social"),
    (f"https://{HOST}/web/statuses/{STATUS}", POST, None),
    # A copy another instance holds: its id is that instance's, the account stays its own.
    (f"https://{HOST}/@kim@sigmoid.social/{STATUS}", POST, "kim@sigmoid.social"),
    (f"//{HOST}/@Gargron/{STATUS}", POST, "Gargron@mastodon.social"),
])
def test_every_url_form_of_a_status_gives_its_host_and_id(url, post_id, handle):
    ref = platforms.post_ref(url)
    assert ref is not None and (ref.platform, ref.id, ref.handle) == ("mastodon", post_id, handle)


@pytest.mark.parametrize("url", [
    f"https://{HOST}/@Gargron",
    f"https://{HOST}/@Gargron/followers",
    f"https://{HOST}/tags/news",
    f"https://{HOST}/share?text=hello",
    f"https://{HOST}/explore",
    f"https://{HOST}:8443/@Gargron/{STATUS}",
    f"https://127.0.0.1/@Gargron/{STATUS}",
    "https://www.youtube.com/@channel/123",
    "https://www.tiktok.com/@user/video/7234567890123456789",
    "https://www.threads.com/@user/post/C8H5FiCtESk",
    "https://medium.com/@writer/123456",
    f"ftp://{HOST}/@Gargron/{STATUS}",
])
def test_profiles_tags_share_links_and_other_sites_name_no_status(url):
    assert MASTO.post_ref(url) is None


def test_ids_are_checked_and_become_one_safe_folder_name():
    assert MASTO.valid_id(POST)
    for bad in ["", STATUS, f"{HOST}/abc", f"../{STATUS}", f"{HOST}/{STATUS}/x",
                f"localhost/{STATUS}", f"x.com/{STATUS}"]:
        assert not MASTO.valid_id(bad), bad
    assert MASTO.folder_name(POST) == f"mastodon.social+{STATUS}"
    assert MASTO.post_url(POST, "Gargron@mastodon.social") == f"https://{HOST}/@Gargron/{STATUS}"
    assert MASTO.post_url(POST, "kim@sigmoid.social") == (
        f"https://{HOST}/@kim@sigmoid.social/{STATUS}")


def test_a_status_id_dates_its_post_when_it_is_a_snowflake():
    assert MASTO.date_from_id(POST) == "2025-01-10"
    assert MASTO.date_from_id(f"{HOST}/12345") is None  # ids before 2.0 were a counter


# -- reading articles --------------------------------------------------------------------
def read_directly(path: Path) -> tuple[list[dict], list[dict]]:
    data = path.read_bytes()
    asked = registry.present(data.lower())
    tree = LexborHTMLParser(data.decode("utf-8"))
    found = registry.find_embeds(tree, asked)
    inside = {n.mem_id for node, _ in found for n in node.traverse()}
    hrefs = [a.attributes.get("href") for a in tree.css("a[href]") if a.mem_id not in inside]
    embeds = [e for _, e in found]
    cited = registry.cited_in_links(hrefs, asked, {(e.platform, e.id) for e in embeds})
    return ([e.to_json() for e in embeds if e.platform == "mastodon"],
            [(c.platform, c.id, c.handle) for c in cited if c.platform == "mastodon"])


def embed(post_id, handle, date, url) -> dict:
    return {"platform": "mastodon", "id": post_id, "handle": handle, "author": None,
            "date": date, "text": None, "url": url, "links": []}


def cited(post_id, handle, url) -> dict:
    return {"platform": "mastodon", "id": post_id, "handle": handle, "url": url}


SCANS = {
    # The code keeps neither text nor date: the date is the id's.
    "blockquote_embed.html": (
        [embed("mastodon.example.com/113805114250504687", "officesuite@example.com",
               "2025-01-10", "https://mastodon.example.com/@officesuite/113805114250504687")],
        []),
    "iframe_embed.html": (
        [embed("mastodon.social/109372929139417219", "northlibrary@mastodon.social",
               "2022-11-19", "https://mastodon.social/@northlibrary/109372929139417219"),
         embed("fosstodon.org/110512345678901234", "devrel@fosstodon.org", "2023-06-09",
               "https://fosstodon.org/@devrel/110512345678901234")], []),
    "cited.html": ([], [
        cited("scholar.social/112233445566778899", "nadia@scholar.social",
              "https://scholar.social/@nadia/112233445566778899"),
        cited("mastodon.social/112233445566778800", "kim@sigmoid.social",
              "https://mastodon.social/@kim@sigmoid.social/112233445566778800"),
        # A cited post's url is its public page, however the link wrote it.
        cited("sigmoid.social/112233445566778811", "lab@sigmoid.social",
              "https://sigmoid.social/@lab/112233445566778811")]),
}


@pytest.mark.parametrize("name", sorted(SCANS))
def test_each_markup_form_is_read_by_the_platform(name):
    embeds, cited = read_directly(FIXTURES / name)
    expected_embeds, expected_cited = SCANS[name]
    assert embeds == expected_embeds
    assert cited == [(c["platform"], c["id"], c["handle"]) for c in expected_cited]


@pytest.mark.parametrize("name", sorted(SCANS))
def test_each_markup_form_is_found_by_archiver_scan(run, name):
    proc = run("scan", str(FIXTURES / name), "--json", check_json=True)
    assert proc.returncode == 0, proc.stderr_text
    article = proc.json[0]
    expected_embeds, expected_cited = SCANS[name]
    assert [e for e in article["embeds"] if e["platform"] == "mastodon"] == expected_embeds
    assert [c for c in article["cited"] if c["platform"] == "mastodon"] == expected_cited


def test_an_iframe_of_another_kind_is_no_mastodon_embed():
    page = ('<iframe src="https://www.threads.com/@user/post/C8H5FiCtESk/embed"></iframe>'
            '<iframe src="https://mastodon.social/@user/embed"></iframe>')
    assert registry.find_embeds(LexborHTMLParser(page), [MASTO]) == []


# -- weighing answers ----------------------------------------------------------------------
@pytest.fixture
def standin():
    with MastodonStandIn(render_delay=0.3) as s:
        yield s


def verdict(standin, post_id, handle):
    settings = load(env={**standin.env(), "ARCHIVER_RETRIES": "1"})
    client = Client(settings)
    try:
        lookups = MASTO.lookups({"id": post_id, "handle": handle, "url": None}, settings)
        answers = {lookup.name: client.get(lookup.url) for lookup in lookups}
    finally:
        client.close()
    return MASTO.classify(answers, {"id": post_id, "handle": handle})


def test_a_status_is_archived_with_its_text_author_and_original_media(standin):
    standin.add_account("sigmoid.social", "kim", "Kim Lee")
    standin.add_status(HOST, STATUS, "kim@sigmoid.social", spoiler_text="Long read",
                       content='<p>First line<br>second &amp; last</p><p>See <a href="https://'
                               'example.org/a/very/long/path"><span class="invisible">https://'
                               '</span><span class="ellipsis">example.org/a/very/lo</span><span'
                               ' class="invisible">ng/path</span></a></p>',
                       edited_at="2025-01-11T10:00:00.000Z",
                       media=[{"type": "image", "name": "photo.jpg", "description": "a dog"},
                              {"type": "video", "name": "clip.mp4"},
                              {"type": "audio", "name": "talk.mp3"}])
    got = verdict(standin, POST, "kim@sigmoid.social")
    assert got.status == "archived", got.reason
    data = got.data
    assert data.text == ("Long read\nFirst line\nsecond & last\n"
                         "See https://example.org/a/very/long/path")
    assert (data.author, data.handle, data.created_at) == (
        "Kim Lee", "kim@sigmoid.social", "2025-01-10T16:57:12.000Z")
    assert data.is_edited and data.edit_info == {"edited_at": "2025-01-11T10:00:00.000Z"}
    assert data.media == [
        {"type": "photo", "url": "https://sigmoid.social/system/media/photo.jpg",
         "alt": "a dog", "video": None},
        {"type": "video", "url": f"{standin.url}/{HOST}/media/small-clip.mp4.png", "alt": None,
         "video": "https://sigmoid.social/system/media/clip.mp4"}]


def test_a_deleted_status_of_an_account_whose_public_posts_load_is_deleted(standin):
    standin.add_account(HOST, "alice")
    standin.add_status(HOST, STATUS, "alice", state="deleted")
    standin.add_status(HOST, "113805114250504699", "alice")
    got = verdict(standin, POST, "alice@mastodon.social")
    assert got.status == "deleted", got.reason
    assert "Record not found" in got.reason and "followers-only" in got.reason


def test_without_the_account_a_404_is_not_a_deletion(standin):
    standin.add_account(HOST, "alice")
    standin.add_status(HOST, STATUS, "alice", state="private")
    assert verdict(standin, POST, None).status == "unavailable"


def test_a_copy_held_by_another_instance_is_unavailable_when_gone(standin):
    standin.add_account("sigmoid.social", "kim")
    standin.add_account(HOST, "kim")  # another person of the same name, on this instance
    got = verdict(standin, POST, "kim@sigmoid.social")
    assert got.status == "unavailable", got.reason
    assert "copy" in got.reason


@pytest.mark.parametrize("state, words", [("suspended", "suspended"), ("gone", "gone")])
def test_a_status_gone_with_its_account_is_unavailable(standin, state, words):
    standin.add_account(HOST, "alice", state=state)
    standin.add_status(HOST, STATUS, "alice")
    got = verdict(standin, POST, "alice@mastodon.social")
    assert got.status == "unavailable", got.reason
    assert words in got.reason


def test_an_instance_that_answers_signed_in_users_only_is_unavailable(standin):
    standin.add_account(HOST, "alice")
    standin.add_status(HOST, STATUS, "alice")
    standin.signed_in_only.add(HOST)
    got = verdict(standin, POST, "alice@mastodon.social")
    assert got.status == "unavailable" and "401" in got.reason


@pytest.mark.parametrize("route, kind, words", [
    ("status", "rate_limited", "429"),
    ("status", "server_error", "503"),
    ("status", "html_instead_of_json", "HTML"),
    ("status", "reset", "statuses"),
    ("account_lookup", "rate_limited", "accounts/lookup: HTTP 429"),
    ("feed", "server_error", "RSS"),
])
def test_rate_limits_errors_and_login_pages_fail_for_a_retry(standin, route, kind, words):
    standin.add_account(HOST, "alice")
    standin.add_status(HOST, STATUS, "alice", state="deleted")
    standin.fault(route, kind)
    got = verdict(standin, POST, "alice@mastodon.social")
    assert (got.status, got.retry) == ("failed", True), got.reason
    assert words in got.reason


def test_an_answer_about_another_status_is_a_failure(standin):
    standin.add_account(HOST, "alice")
    standin.add_status(HOST, STATUS, "alice", answer_id="1")
    got = verdict(standin, POST, "alice@mastodon.social")
    assert got.status == "failed" and "another post" in got.reason


# -- the whole path --------------------------------------------------------------------------
def article(tmp_path, *urls) -> Path:
    quotes = "".join(f'<blockquote class="mastodon-embed" data-embed-url="{u}/embed"><a href="'
                     f'{u}">Post by @x · View on Mastodon</a></blockquote>' for u in urls)
    path = tmp_path / "story.html"
    path.write_text(f"<html><head><title>Story</title></head><body><p>Prose.</p>{quotes}"
                    "</body></html>")
    return path


def test_archiver_run_archives_captures_and_records_statuses(run, archive, standin, tmp_path):
    standin.add_account(HOST, "alice", "Alice")
    standin.add_status(HOST, STATUS, "alice", content="<p>Live words of the status</p>",
                       media=[{"type": "image", "name": "photo.png"}])
    standin.add_status(HOST, "113805114250504600", "alice", state="deleted")
    standin.add_account("sigmoid.social", "kim", "Kim")
    # A copy mastodon.social holds of another instance's post: no embed page there.
    standin.add_status(HOST, "113805114250504611", "kim@sigmoid.social",
                       content="<p>Seen from afar</p>")
    proc = run("run", str(article(
        tmp_path, f"https://{HOST}/@alice/{STATUS}", f"https://{HOST}/@alice/113805114250504600",
        f"https://{HOST}/@kim@sigmoid.social/113805114250504611")),
        env={**standin.env(), "ARCHIVER_TIMEOUT": "5"})
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    conn.row_factory = sqlite3.Row
    posts = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM posts")}
    assert posts[POST]["status"] == "archived", posts[POST]["status_reason"]
    assert posts[POST]["live_text"] == "Live words of the status"
    assert posts[f"{HOST}/113805114250504600"]["status"] == "deleted"
    remote = posts[f"{HOST}/113805114250504611"]
    assert remote["status"] == "archived" and "captured its markup" in remote["status_reason"]
    folder = archive / "snapshots" / "mastodon" / MASTO.folder_name(POST)
    [capture] = list(folder.iterdir())
    names = {p.name for p in capture.iterdir()}
    assert {"screenshot.png", "page.html", "page.mhtml", "status.json", "account.json",
            "account.rss"} <= names
    assert "Live words of the status" in (capture / "page.html").read_text()
    assert json.loads((capture / "status.json").read_text())["id"] == STATUS
    [copy] = list((archive / "snapshots" / "mastodon" /
                   MASTO.folder_name(f"{HOST}/113805114250504611")).iterdir())
    assert "Seen from afar" in (copy / "oembed-render.html").read_text()


def test_a_sign_in_wall_on_the_embed_page_is_never_the_capture(run, archive, standin, tmp_path):
    standin.add_account(HOST, "alice")
    standin.add_status(HOST, STATUS, "alice", content="<p>behind a wall</p>", embed="login_wall")
    run("run", str(article(tmp_path, f"https://{HOST}/@alice/{STATUS}")),
        env={**standin.env(), "ARCHIVER_TIMEOUT": "5"})
    conn = sqlite3.connect(archive / "archive.db")
    status, reason = conn.execute("SELECT status, status_reason FROM posts").fetchone()
    # The wall is not taken for the post: the API's own words are rendered instead.
    assert status == "archived"
    assert "Sign in to see this post" in reason and "captured its markup" in reason
    [capture] = list((archive / "snapshots" / "mastodon" / MASTO.folder_name(POST)).iterdir())
    assert not (capture / "screenshot.png").exists()
    assert "behind a wall" in (capture / "oembed-render.html").read_text()


# -- hostile input -------------------------------------------------------------------------
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    | st.sampled_from([STATUS, "alice", "Record not found", "https://mastodon.social/@alice",
                       "image", "video", "gifv"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from([
        "id", "content", "spoiler_text", "account", "acct", "username", "url", "display_name",
        "created_at", "edited_at", "media_attachments", "type", "remote_url", "preview_url",
        "description", "quote", "quoted_status", "visibility", "suspended", "error"]),
        children, max_size=6),
    max_leaves=30)
STATUSES = st.sampled_from([200, 200, 401, 404, 410, 429, 500, None])


@settings(max_examples=300, deadline=None)
@given(JSON, STATUSES, JSON, STATUSES, st.binary(max_size=60), STATUSES)
def test_any_answers_are_weighed_without_raising(status, s1, account, s2, feed, s3):
    def answer(value, code):
        body = value if isinstance(value, bytes) else json.dumps(value).encode()
        return Answer("http://x/", code, {}, body, None if code else "reset")

    got = MASTO.classify({"status": answer(status, s1), "account": answer(account, s2),
                          "feed": answer(feed, s3)}, {"id": POST, "handle": "alice@mastodon.social"})
    assert got.status in ("archived", "deleted", "unavailable", "failed")
    if got.status == "deleted":
        assert (s1, s2, s3) == (404, 200, 200)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_url_or_markup_is_read_without_raising(text):
    ref = MASTO.post_ref(text)
    if ref is not None:
        assert MASTO.valid_id(ref.id) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.@=+-]*",
                                                         MASTO.folder_name(ref.id))
    page = (f'<blockquote class="mastodon-embed" data-embed-url="{text}"><a href="{text}">'
            f'{text}</a></blockquote><iframe class="mastodon-embed" src="{text}"></iframe>')
    for node in LexborHTMLParser(page).css(MASTO.embed_selector):
        MASTO.read_embed(node)
    from archiver.platforms.mastodon.api import html_text

    html_text(text)
