"""Bluesky behind the platform contract: its URL forms and ids, its markup in
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
from standin.bluesky import BlueskyStandIn

FIXTURES = Path(__file__).parent / "fixtures" / "bluesky"
BSKY = platforms.get("bluesky")
DID = "did:plc:vjug55kidv6sye7ykr5faxxn"
RKEY = "3lbq7mxsiek2v"
POST = f"{DID}/{RKEY}"
OTHER_DID = "did:plc:2jtyqespp2zfodukwvktqwe6"


# -- naming posts ----------------------------------------------------------------------
@pytest.mark.parametrize("url, post_id, handle", [
    (f"https://bsky.app/profile/{DID}/post/{RKEY}", POST, None),
    (f"https://bsky.app/profile/{DID}/post/{RKEY}?ref_src=embed", POST, None),
    (f"https://bsky.app/profile/did%3Aplc%3Avjug55kidv6sye7ykr5faxxn/post/{RKEY}", POST, None),
    (f"http://www.bsky.app/profile/{DID}/post/{RKEY}/", POST, None),
    (f"https://bsky.app/profile/{DID}/post/{RKEY}/liked-by", POST, None),
    (f"https://fxbsky.app/profile/{DID}/post/{RKEY}", POST, None),
    (f"at://{DID}/app.bsky.feed.post/{RKEY}", POST, None),
    (f"https://embed.bsky.app/embed/{DID}/app.bsky.feed.post/{RKEY}?id=1&colorMode=dark",
     POST, None),
    # A handle is all such a link names: kept under it (no DID without asking the network).
    (f"https://bsky.app/profile/Alice.bsky.social/post/{RKEY}", f"alice.bsky.social/{RKEY}",
     "alice.bsky.social"),
    (f"//bsky.app/profile/@alice.bsky.social/post/{RKEY}", f"alice.bsky.social/{RKEY}",
     "alice.bsky.social"),
    (f"at://alice.bsky.social/app.bsky.feed.post/{RKEY}", f"alice.bsky.social/{RKEY}",
     "alice.bsky.social"),
])
def test_every_url_form_of_a_post_gives_its_id(url, post_id, handle):
    ref = platforms.post_ref(url)
    assert ref is not None and (ref.platform, ref.id, ref.handle) == ("bluesky", post_id, handle)


@pytest.mark.parametrize("url", [
    f"https://bsky.app/profile/{DID}",
    "https://bsky.app/profile/alice.bsky.social",
    "https://bsky.app/profile/alice.bsky.social/feed/whats-hot",
    "https://bsky.app/profile/alice.bsky.social/lists/3kabcdefghi2a",
    "https://bsky.app/hashtag/news",
    "https://bsky.app/search?q=bridge",
    "https://bsky.app/intent/compose?text=hello",
    "https://go.bsky.app/AbCdEfG",
    f"at://{DID}/app.bsky.feed.like/{RKEY}",
    f"https://bsky.app/profile/{DID}/post/..",
    f"https://bsky.app/profile/not_a_handle/post/{RKEY}",
    f"https://example.com/profile/{DID}/post/{RKEY}",
    f"https://cdn.bsky.app/img/feed_fullsize/plain/{DID}/bafkreiabc@jpeg",
])
def test_profiles_feeds_lists_and_share_links_name_no_post(url):
    assert BSKY.post_ref(url) is None


def test_ids_are_checked_and_become_one_safe_folder_name():
    assert BSKY.valid_id(POST) and BSKY.valid_id(f"alice.bsky.social/{RKEY}")
    for bad in ["", RKEY, f"{DID}/../x", f"did:plc:short/{RKEY}", f"{DID}/a/b", "../x/y",
                f"did:web:example.com%3A8080/{RKEY}"]:
        assert not BSKY.valid_id(bad), bad
    assert BSKY.folder_name(POST) == f"did=plc=vjug55kidv6sye7ykr5faxxn+{RKEY}"
    assert BSKY.post_url(POST, None) == f"https://bsky.app/profile/{DID}/post/{RKEY}"


def test_a_tid_record_key_dates_its_post():
    assert BSKY.date_from_id(POST) == "2024-11-24"  # 23:58 UTC; the embed code says Nov 25
    assert BSKY.date_from_id(f"{DID}/self") is None


# -- reading articles --------------------------------------------------------------------
def read_directly(path: Path) -> tuple[list[dict], list[tuple]]:
    """(embeds, cited as (platform, id, handle)) as the platforms tell the registry,
    without the CLI."""
    data = path.read_bytes()
    asked = registry.present(data.lower())
    if path.suffix == ".txt":
        text = data.decode("utf-8")
        embeds = [e for p in asked for e in p.find_in_text(text)]
        hrefs = registry.urls_in_text(text)
    else:
        tree = LexborHTMLParser(data.decode("utf-8"))
        found = registry.find_embeds(tree, asked)
        inside = {n.mem_id for node, _ in found for n in node.traverse()}
        hrefs = [a.attributes.get("href") for a in tree.css("a[href]")
                 if a.mem_id not in inside]
        embeds = [e for _, e in found]
    cited = registry.cited_in_links(hrefs, asked, {(e.platform, e.id) for e in embeds})
    return ([e.to_json() for e in embeds if e.platform == "bluesky"],
            [(c.platform, c.id, c.handle) for c in cited if c.platform == "bluesky"])


def embed(post_id, handle=None, author=None, date=None, text=None, url=None) -> dict:
    return {"platform": "bluesky", "id": post_id, "handle": handle, "author": author,
            "date": date, "text": text, "url": url, "links": []}


SCANS = {
    "official_embed.html": (
        [embed(POST, "transport.harborcity.gov", "Harbor City Transport", "2024-11-25",
               "The Harbor Bridge is closed in both directions until further notice. Use the"
               " Pier Road detour & allow extra time.\n\nUpdates here.",
               f"https://bsky.app/profile/{DID}/post/{RKEY}")],
        []),
    "oembed_served.html": (
        [embed("did:plc:ar7c4by46qjdydhdevvrndac/3lcuh5yqzms2b", "weather.coast.example",
               "Coast Weather Service", "2024-12-09",
               "Storm warning for the whole coast from 6pm.\nSecure loose objects and stay off"
               " the beaches.",
               "https://bsky.app/profile/did:plc:ar7c4by46qjdydhdevvrndac/post/3lcuh5yqzms2b")],
        []),
    "rendered_iframe.html": ([embed(f"{OTHER_DID}/3lh5px6yngs26", date="2025-02-02",
                                    url=f"https://bsky.app/profile/{OTHER_DID}/post/3lh5px6yngs26")],
                             []),
    "wordpress_url.html": (
        [embed("valleymarathon.bsky.social/3kxq2tw7fo52a", "valleymarathon.bsky.social",
               date="2024-07-20",
               url="https://bsky.app/profile/valleymarathon.bsky.social/post/3kxq2tw7fo52a")],
        []),
    # A cited post's url is its public page, however the link wrote it.
    "cited.html": ([], [
        {"platform": "bluesky", "id": "mayor.metro.example/3kzabc2def3gh",
         "handle": "mayor.metro.example",
         "url": "https://bsky.app/profile/mayor.metro.example/post/3kzabc2def3gh"},
        {"platform": "bluesky", "id": "did:plc:abcdefghijklmnopqrstuvwx/3kzabc2def4gh",
         "handle": None, "url": "https://bsky.app/profile/did:plc:abcdefghijklmnopqrstuvwx/post/"
                                "3kzabc2def4gh"}]),
    "negatives.html": ([], []),
    "plaintext.txt": (
        [embed(None, "chris.bsky.social", "Chris", "2024-11-27",
               "The ferry terminal is a zoo this morning. Three sailings cancelled and no"
               " announcements since 7.")],
        []),
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
    assert [e for e in article["embeds"] if e["platform"] == "bluesky"] == expected_embeds
    assert [c for c in article["cited"] if c["platform"] == "bluesky"] == expected_cited


def test_an_embed_nested_in_a_wordpress_block_is_one_post_with_its_text():
    page = ('<figure class="wp-block-embed is-provider-bluesky"><div class="wp-block-embed__'
            'wrapper"><blockquote class="bluesky-embed" data-bluesky-uri="at://'
            f'{DID}/app.bsky.feed.post/{RKEY}"><p lang="en">Words</p>&mdash; A (<a href="https://'
            f'bsky.app/profile/{DID}">@a.bsky.social</a>) <a href="https://bsky.app/profile/{DID}/'
            f'post/{RKEY}">January 2, 2025 at 3:04 PM</a></blockquote></div></figure>')
    found = registry.find_embeds(LexborHTMLParser(page), [BSKY])
    assert [(e.id, e.text, e.handle, e.date) for _, e in found] == [
        (POST, "Words", "a.bsky.social", "2025-01-02")]


def test_a_rendered_iframe_bearing_both_of_its_marks_is_one_embed():
    page = (f'<iframe data-bluesky-id="1" src="https://embed.bsky.app/embed/{DID}/'
            f'app.bsky.feed.post/{RKEY}?id=1"></iframe>')
    found = registry.find_embeds(LexborHTMLParser(page), platforms.all_platforms())
    assert [(e.platform, e.id, e.form) for _, e in found] == [("bluesky", POST, "iframe")]


# -- weighing answers ----------------------------------------------------------------------
@pytest.fixture
def standin():
    with BlueskyStandIn(render_delay=0.3) as s:
        yield s


def verdict(standin, post_id, handle=None, **env):
    settings = load(env={**standin.env(), "ARCHIVER_RETRIES": "1", **env})
    client = Client(settings)
    try:
        lookups = BSKY.lookups({"id": post_id, "handle": handle, "url": None}, settings)
        answers = {lookup.name: client.get(lookup.url) for lookup in lookups}
    finally:
        client.close()
    return BSKY.classify(answers, {"id": post_id, "handle": handle})


def test_a_post_is_archived_with_its_text_author_and_original_media(standin):
    standin.add_account(DID, "transport.harborcity.gov", "Harbor City Transport")
    standin.add_account(OTHER_DID, "quoted.bsky.social", "Quoted")
    standin.add_post(OTHER_DID, "3lh5px6yngs26", text="the quoted words")
    standin.add_post(DID, RKEY, text="Bridge closed.\nUse the detour.",
                     images=["bafkreiaaaaaaaaaa", "bafkreibbbbbbbbbb"],
                     quoted=f"{OTHER_DID}/3lh5px6yngs26")
    got = verdict(standin, POST)
    assert got.status == "archived", got.reason
    data, pds = got.data, standin.pds
    assert (data.text, data.author, data.handle, data.created_at) == (
        "Bridge closed.\nUse the detour.", "Harbor City Transport", "transport.harborcity.gov",
        "2024-11-25T00:58:51.890Z")
    assert data.media == [
        {"type": "photo", "url": f"{pds}/xrpc/com.atproto.sync.getBlob?did={DID}"
                                 "&cid=bafkreiaaaaaaaaaa", "alt": "alt 0", "video": None,
         "key": "bafkreiaaaaaaaaaa"},
        {"type": "photo", "url": f"{pds}/xrpc/com.atproto.sync.getBlob?did={DID}"
                                 "&cid=bafkreibbbbbbbbbb", "alt": "alt 1", "video": None,
         "key": "bafkreibbbbbbbbbb"}]
    assert (data.quoted_id, data.quoted_handle) == (f"{OTHER_DID}/3lh5px6yngs26",
                                                    "quoted.bsky.social")
    assert data.endpoint == "getPostThread"


def test_a_video_is_the_uploaded_blob_with_its_poster(standin):
    standin.add_account(DID, "a.bsky.social")
    standin.add_post(DID, RKEY, text="clip", video="bafkreivvvvvvvvvv")
    [video] = verdict(standin, POST).data.media
    assert video["type"] == "video"
    assert video["video"] == (
        f"{standin.pds}/xrpc/com.atproto.sync.getBlob?did={DID}&cid=bafkreivvvvvvvvvv")
    assert video["url"].endswith("/img/bafkreivvvvvvvvvv.png")


def test_without_the_did_document_media_come_from_the_cdn(standin):
    standin.add_account(DID, "a.bsky.social")
    standin.add_post(DID, RKEY, text="pic", images=["bafkreiaaaaaaaaaa"])
    standin.fault("did_doc", "server_error")
    got = verdict(standin, POST)
    assert got.status == "archived"
    assert got.data.media[0]["url"] == (
        f"https://cdn.bsky.app/img/feed_fullsize/plain/{DID}/bafkreiaaaaaaaaaa@jpeg")


def test_a_deleted_post_of_an_account_that_resolves_is_deleted(standin):
    standin.add_account(DID, "a.bsky.social")
    standin.add_post(DID, RKEY, state="deleted")
    got = verdict(standin, POST)
    assert got.status == "deleted", got.reason
    assert "NotFound" in got.reason and "resolves" in got.reason


@pytest.mark.parametrize("state, words", [
    ("takedown", "suspended"),
    ("deactivated", "deactivated"),
])
def test_a_post_gone_with_its_account_is_unavailable_not_deleted(standin, state, words):
    standin.add_account(DID, "a.bsky.social", state=state)
    standin.add_post(DID, RKEY, text="still there, hidden")
    got = verdict(standin, POST)
    assert got.status == "unavailable", got.reason
    assert words in got.reason


def test_an_author_who_opted_out_of_logged_out_viewing_is_unavailable(standin):
    standin.add_account(DID, "a.bsky.social", state="optout")
    standin.add_post(DID, RKEY, text="members only")
    got = verdict(standin, POST)
    assert got.status == "unavailable"
    assert "!no-unauthenticated" in got.reason


def test_a_blocked_post_is_unavailable(standin):
    standin.add_account(DID, "a.bsky.social")
    standin.add_post(DID, RKEY, state="blocked")
    assert verdict(standin, POST).status == "unavailable"


def test_an_adult_labelled_post_is_archived_with_its_labels_said(standin):
    standin.add_account(DID, "a.bsky.social")
    standin.add_post(DID, RKEY, text="graphic", labels=["graphic-media"])
    got = verdict(standin, POST)
    assert got.status == "archived" and "graphic-media" in got.reason


def test_a_post_known_by_handle_alone_is_never_called_deleted(standin):
    standin.add_account(DID, "a.bsky.social")
    got = verdict(standin, f"a.bsky.social/{RKEY}", handle="a.bsky.social")
    assert got.status == "unavailable", got.reason
    assert "handle" in got.reason


def test_a_handle_that_resolves_no_more_is_unavailable(standin):
    got = verdict(standin, f"gone.bsky.social/{RKEY}", handle="gone.bsky.social")
    assert got.status == "unavailable", got.reason


def test_a_post_known_by_handle_is_archived_when_found(standin):
    standin.add_account(DID, "a.bsky.social")
    standin.add_post(DID, RKEY, text="by handle")
    got = verdict(standin, f"a.bsky.social/{RKEY}", handle="a.bsky.social")
    assert got.status == "archived" and got.data.text == "by handle"


@pytest.mark.parametrize("route, kind, words", [
    ("post_thread", "rate_limited", "429"),
    ("post_thread", "server_error", "503"),
    ("post_thread", "html_instead_of_json", "HTML"),
    ("post_thread", "reset", "getPostThread"),
    ("profile", "rate_limited", "getProfile: HTTP 429"),  # gone, but the account unasked
])
def test_rate_limits_errors_and_login_pages_fail_for_a_retry(standin, route, kind, words):
    standin.add_account(DID, "a.bsky.social")
    standin.add_post(DID, RKEY, state="deleted")
    standin.fault(route, kind)
    got = verdict(standin, POST)
    assert (got.status, got.retry) == ("failed", True), got.reason
    assert words in got.reason


def test_an_answer_about_another_post_is_a_failure(standin):
    standin.add_account(DID, "a.bsky.social")
    standin.add_post(DID, RKEY, text="x", answer_uri=f"at://{DID}/app.bsky.feed.post/3kaaaaaaaaa2a")
    got = verdict(standin, POST)
    assert got.status == "failed" and "another post" in got.reason


# -- the whole path --------------------------------------------------------------------------
def article(tmp_path, *rkeys) -> Path:
    quotes = "".join(
        f'<blockquote class="bluesky-embed" data-bluesky-uri="at://{DID}/app.bsky.feed.post/'
        f'{rkey}"><p lang="en">Preserved words {rkey}</p>&mdash; T (<a href="https://bsky.app/'
        f'profile/{DID}">@t.bsky.social</a>) <a href="https://bsky.app/profile/{DID}/post/{rkey}">'
        "November 25, 2024 at 12:58 AM</a></blockquote>" for rkey in rkeys)
    path = tmp_path / "story.html"
    path.write_text(f"<html><head><title>Story</title></head><body><p>Prose.</p>{quotes}"
                    '<script async src="https://embed.bsky.app/static/embed.js"></script>'
                    "</body></html>")
    return path


def test_archiver_run_archives_captures_and_records_a_post(run, archive, standin, tmp_path):
    standin.add_account(DID, "t.bsky.social", "Transport")
    standin.add_post(DID, RKEY, text="Live words of the post", images=["bafkreiaaaaaaaaaa"])
    standin.add_post(DID, "3lbq7mxsiek2a", state="deleted")
    env = {**standin.env(), "ARCHIVER_TIMEOUT": "5"}
    proc = run("run", str(article(tmp_path, RKEY, "3lbq7mxsiek2a")), env=env)
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    conn.row_factory = sqlite3.Row
    posts = {r["id"]: dict(r) for r in conn.execute("SELECT * FROM posts")}
    live = posts[POST]
    assert live["status"] == "archived", live["status_reason"]
    assert live["live_text"] == "Live words of the post"
    assert live["text"] == f"Preserved words {RKEY}"
    assert posts[f"{DID}/3lbq7mxsiek2a"]["status"] == "deleted"
    assert standin.hits(r"^/embed/did:plc:")
    [capture] = list((archive / "snapshots" / "bluesky" / BSKY.folder_name(POST)).iterdir())
    names = {p.name for p in capture.iterdir()}
    assert {"screenshot.png", "page.html", "page.mhtml", "getPostThread.json",
            "getProfile.json", "did.json"} <= names
    assert "Live words of the post" in (capture / "page.html").read_text()
    answer = json.loads((capture / "getPostThread.json").read_text())
    assert answer["thread"]["post"]["record"]["text"] == "Live words of the post"
    # The deletion's evidence is the answers that said so: no page to show.
    [gone] = list((archive / "snapshots" / "bluesky" /
                   BSKY.folder_name(f"{DID}/3lbq7mxsiek2a")).iterdir())
    names = {p.name for p in gone.iterdir()}
    assert {"getPostThread.json", "getProfile.json"} <= names and "screenshot.png" not in names


def test_an_embed_page_that_shows_no_post_is_a_failed_capture(run, archive, standin, tmp_path):
    standin.add_account(DID, "t.bsky.social")
    standin.add_post(DID, RKEY, text="found by the API", embed_gone=True)
    proc = run("run", str(article(tmp_path, RKEY)), env={**standin.env(),
                                                         "ARCHIVER_TIMEOUT": "5"})
    assert proc.returncode == 1, proc.stdout_text + proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    status, reason = conn.execute("SELECT status, status_reason FROM posts").fetchone()
    assert status == "failed" and "capture failed" in reason
    assert "shows no post" in reason and "Post not found" in reason
    assert not (archive / "snapshots" / "bluesky").exists() or not any(
        (archive / "snapshots" / "bluesky").iterdir())


# -- hostile input -------------------------------------------------------------------------
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    | st.sampled_from([DID, f"at://{DID}/app.bsky.feed.post/{RKEY}", "NotFound",
                       "app.bsky.feed.defs#threadViewPost", "app.bsky.embed.images#view",
                       "AccountTakedown", "https://pds.example", "AtprotoPersonalDataServer"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from([
        "thread", "post", "$type", "uri", "author", "did", "handle", "record", "text",
        "createdAt", "embed", "images", "fullsize", "image", "ref", "$link", "video", "cid",
        "playlist", "labels", "val", "error", "message", "service", "type", "serviceEndpoint",
        "media", "external", "displayName", "notFound", "blocked"]), children, max_size=6),
    max_leaves=30)
STATUS = st.sampled_from([200, 200, 400, 401, 404, 429, 500, None])


@settings(max_examples=300, deadline=None)
@given(JSON, STATUS, JSON, STATUS, st.binary(max_size=50))
def test_any_answers_are_weighed_without_raising(thread, s1, profile, s2, did):
    def answer(value, status):
        body = value if isinstance(value, bytes) else json.dumps(value).encode()
        return Answer("http://x/", status, {}, body, None if status else "reset")

    got = BSKY.classify({"thread": answer(thread, s1), "profile": answer(profile, s2),
                         "did": answer(did, 200)}, {"id": POST})
    assert got.status in ("archived", "deleted", "unavailable", "failed")
    if got.status == "deleted":
        assert s1 in (200, 400) and s2 == 200


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_url_or_text_is_read_without_raising(text):
    ref = BSKY.post_ref(text)
    if ref is not None:
        assert BSKY.valid_id(ref.id) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.@=+-]*",
                                                        BSKY.folder_name(ref.id))
    BSKY.find_in_text(text)
    for node in LexborHTMLParser(f'<blockquote class="bluesky-embed" data-bluesky-uri="{text}">'
                                 f"<p>{text}</p>&mdash; {text}</blockquote>").css(
                                     BSKY.embed_selector):
        BSKY.read_embed(node)


# -- one post, however an article names it ----------------------------------------
# An embed names a post by its author's DID; a link in prose often by the handle
# (bsky.app/profile/HANDLE/post/RKEY). Where the embed tells both, they are one post.
CITES_BY_HANDLE = (b'<html><body><article><p>The transport office <a href="https://bsky.app/'
                   b'profile/transport.harborcity.gov/post/' + RKEY.encode()
                   + b'">said the bridge is closed</a>.</p></article></body></html>')


def _record(tmp_path, *pages):
    from archiver.scan import scan_bytes
    from archiver.store import Store

    store = Store(tmp_path / "archive")
    for i, page in enumerate(pages):
        store.record_article(scan_bytes(page, f"https://news.example/{i}", "text/html"))
    rows = store.conn.execute(
        "SELECT p.id, count(ap.article_id) FROM posts p"
        " JOIN article_posts ap ON ap.post_pk = p.pk GROUP BY p.pk").fetchall()
    store.close()
    return rows


@pytest.mark.parametrize("embed_first", [True, False])
def test_a_post_cited_by_handle_and_embedded_by_did_is_one_post(tmp_path, embed_first):
    embedded = (FIXTURES / "official_embed.html").read_bytes()
    pages = (embedded, CITES_BY_HANDLE) if embed_first else (CITES_BY_HANDLE, embedded)
    assert _record(tmp_path, *pages) == [(POST, 2)]


def test_another_accounts_post_with_the_same_key_stays_apart(tmp_path):
    other = CITES_BY_HANDLE.replace(b"transport.harborcity.gov", b"someone.else.example")
    rows = _record(tmp_path, (FIXTURES / "official_embed.html").read_bytes(), other)
    assert sorted(rows) == sorted([(POST, 1), (f"someone.else.example/{RKEY}", 1)])


def test_a_handle_the_platform_told_finds_the_post_it_named(tmp_path):
    """An embed without its author's handle; the handle is learned when the post is
    fetched: a later link by that handle names the same post."""
    from archiver.ledger import FetchLedger
    from archiver.model import Embed
    from archiver.platforms.base import PostData
    from archiver.scan import scan_bytes
    from archiver.store import Store

    store = Store(tmp_path / "archive")
    article = store.record_article(scan_bytes(b"<p>a page</p>", "https://news.example/0",
                                              "text/html"))
    assert store.add_cited_post(article.article_id, Embed("bluesky", id=POST, form="cited"),
                                "2026-01-01T00:00:00Z")
    (pk,) = store.conn.execute("SELECT pk FROM posts").fetchone()
    FetchLedger(store).save_outcome(pk, "archived", "found", "2026-01-02T00:00:00Z", data=PostData(
        POST, handle="transport.harborcity.gov", text="The Harbor Bridge is closed",
        endpoint="getPostThread"))
    store.record_article(scan_bytes(CITES_BY_HANDLE, "https://news.example/1", "text/html"))
    assert store.conn.execute("SELECT id FROM posts").fetchall() == [(POST,)]
    store.close()


def _kept_twice(archive) -> int:
    """An archive holding one post twice: by DID (its handle known) and by handle,
    as an archive written before the two were known to be one does; both archived.
    Returns the handle-keyed record's pk."""
    from archiver.scan import scan_bytes
    from archiver.store import Store

    store = Store(archive)
    store.record_article(scan_bytes((FIXTURES / "official_embed.html").read_bytes(),
                                    "https://news.example/0", "text/html"))
    with store.conn:
        store.conn.execute("DELETE FROM post_aliases")
        store.conn.execute("UPDATE posts SET status = 'archived'")
        old = store.conn.execute(
            "INSERT INTO posts (key, platform, id, handle, status, first_seen, updated_at)"
            " VALUES (?, 'bluesky', ?, 'transport.harborcity.gov', 'archived', 'x', 'x')",
            (f"bluesky:transport.harborcity.gov/{RKEY}", f"transport.harborcity.gov/{RKEY}"),
        ).lastrowid
        store.conn.execute("INSERT INTO snapshots (post_pk, kind, path, sha256, captured_at)"
                           " VALUES (?, 'png', 'snapshots/x.png', 'abc', 'x')", (old,))
        store.conn.execute("INSERT INTO status_history (post_pk, at, from_status, to_status)"
                           " VALUES (?, 'x', 'pending', 'archived')", (old,))
    store.close()
    return old


def test_a_post_kept_twice_is_made_one_by_the_next_fetch_job(run, archive):
    """Merging deletes a record, so a scan (which runs beside a job) never merges:
    the next job does, under its lock, before it works on any post."""
    _kept_twice(archive)
    assert run("fetch", "--quiet").returncode == 0
    conn = sqlite3.connect(archive / "archive.db")
    assert conn.execute("SELECT id FROM posts").fetchall() == [(POST,)]
    assert conn.execute("SELECT p.id FROM snapshots s JOIN posts p ON p.pk = s.post_pk"
                        ).fetchall() == [(POST,)]
    assert conn.execute("SELECT count(*) FROM status_history").fetchone() == (1,)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()


def test_an_article_naming_a_post_both_ways_after_both_were_kept_records_it_once(tmp_path):
    """Two records of one post from earlier articles (one by DID without a handle,
    one by handle); an article showing it by handle first, then by DID with the
    handle: the next job's merge leaves one post, in all three articles once."""
    from archiver.model import Article, Embed
    from archiver.store import Store

    handle_id = f"transport.harborcity.gov/{RKEY}"

    def article(n, *embeds):
        return Article(source=f"https://news.example/{n}", title="t", kind="html",
                       content_hash=str(n), embeds=list(embeds))

    store = Store(tmp_path / "archive")
    store.record_article(article(1, Embed("bluesky", id=POST)))
    store.record_article(article(2, Embed("bluesky", id=handle_id)))
    assert store.conn.execute("SELECT count(*) FROM posts").fetchone() == (2,)
    store.record_article(article(3, Embed("bluesky", id=handle_id),
                                 Embed("bluesky", id=POST, handle="transport.harborcity.gov")))
    assert store.conn.execute("SELECT count(*) FROM posts").fetchone() == (2,)  # a scan
    store.merge_other_ids()  # what the next fetch job does first
    assert store.conn.execute("SELECT id FROM posts").fetchall() == [(POST,)]
    assert store.conn.execute("SELECT a.source FROM article_posts ap JOIN articles a"
                              " ON a.id = ap.article_id ORDER BY a.source").fetchall() == [
        ("https://news.example/1",), ("https://news.example/2",), ("https://news.example/3",)]
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    store.close()
