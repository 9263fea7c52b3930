"""Threads behind the platform contract: its URL forms and codes, its markup in
articles, oEmbed's answers weighed through the stand-in, and one article
archived through the real `archiver run`."""

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
from standin.threads import REFUSALS, ThreadsStandIn

FIXTURES = Path(__file__).parent / "fixtures" / "threads"
THREADS = platforms.get("threads")
CODE = "C8H5FiCtESk"


# -- naming posts ----------------------------------------------------------------------
@pytest.mark.parametrize("url, code, handle", [
    (f"https://www.threads.com/@zuck/post/{CODE}", CODE, "zuck"),
    (f"https://www.threads.net/@Zuck/post/{CODE}?xmt=AQGz", CODE, "zuck"),
    (f"https://threads.net/@zuck/post/{CODE}/", CODE, "zuck"),
    (f"https://www.threads.com/@first.last_1/post/{CODE}/embed", CODE, "first.last_1"),
    (f"https://www.threads.com/@zuck/post/{CODE}/media", CODE, "zuck"),
    (f"https://www.threads.com/t/{CODE}", CODE, None),
    (f"https://www.threads.net/t/{CODE}/embed", CODE, None),
    (f"//www.threads.com/@zuck/post/{CODE}", CODE, "zuck"),
    ("https://www.threads.com/@zuck/post/-Abc_def12", "-Abc_def12", "zuck"),
])
def test_every_url_form_of_a_post_gives_its_code(url, code, handle):
    ref = platforms.post_ref(url)
    assert ref is not None and (ref.platform, ref.id, ref.handle) == ("threads", code, handle)


@pytest.mark.parametrize("url", [
    "https://www.threads.com/@zuck",
    "https://www.threads.com/@zuck/replies",
    "https://www.threads.com/search?q=news",
    "https://www.threads.com/intent/post?text=hello",
    "https://www.threads.com/tag/news",
    f"https://www.instagram.com/p/{CODE}/",
    f"https://threads.example.com/t/{CODE}",
    "https://www.threads.com/t/abc",
])
def test_profiles_searches_and_share_links_name_no_post(url):
    assert THREADS.post_ref(url) is None


def test_codes_are_checked_and_become_safe_folder_names():
    assert THREADS.valid_id(CODE) and not THREADS.valid_id("../x") and not THREADS.valid_id("")
    assert THREADS.folder_name(CODE) == CODE
    assert THREADS.folder_name("-Abc_def12") == "c=-Abc_def12"
    assert THREADS.post_url(CODE, "zuck") == f"https://www.threads.com/@zuck/post/{CODE}"
    assert THREADS.post_url(CODE, None) == f"https://www.threads.com/t/{CODE}"


def test_a_code_is_dated_only_within_threads_lifetime():
    assert THREADS.date_from_id(CODE) == "2024-06-12"
    assert THREADS.date_from_id("AAAAAAAAAAA") is None  # decodes to 2011: no Threads post


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
    return ([e.to_json() for e in embeds if e.platform == "threads"],
            [(c.platform, c.id, c.handle) for c in cited if c.platform == "threads"])


def embed(code, handle=None) -> dict:
    # The embed code keeps the permalink alone: no text, author or date.
    url = (f"https://www.threads.com/@{handle}/post/{code}" if handle
           else f"https://www.threads.com/t/{code}")
    return {"platform": "threads", "id": code, "handle": handle, "author": None, "date": None,
            "text": None, "url": url, "links": []}


SCANS = {
    "official_embed.html": ([embed("DA1b2c3d4e5", "chef.maria")], []),
    "older_net_embed.html": ([embed("CuP48CiS5sx", "fcharbor")], []),
    "rendered_iframe.html": ([embed(CODE, "citymuseum")], []),
    "wordpress_url.html": ([embed("C9xYz12AbCd")], []),
    "cited_and_negatives.html": ([], [
        {"platform": "threads", "id": "DBq7RsTuVwX", "handle": None,
         "url": "https://www.threads.com/t/DBq7RsTuVwX"},
        # A cited post's url is its public page, however the link wrote it.
        {"platform": "threads", "id": "DBq7RsTuVwY", "handle": "streamer.one",
         "url": "https://www.threads.com/@streamer.one/post/DBq7RsTuVwY"}]),
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
    assert [e for e in article["embeds"] if e["platform"] == "threads"] == expected_embeds
    assert [c for c in article["cited"] if c["platform"] == "threads"] == expected_cited


def test_a_code_survives_in_the_blockquote_id_when_the_permalink_is_lost():
    page = '<blockquote class="text-post-media" id="ig-tp-DA1b2c3d4e5"><a>View</a></blockquote>'
    found = registry.find_embeds(LexborHTMLParser(page), [THREADS])
    assert [(e.id, e.handle) for _, e in found] == [("DA1b2c3d4e5", None)]


# -- weighing answers ----------------------------------------------------------------------
@pytest.fixture
def standin():
    with ThreadsStandIn(render_delay=0.3) as s:
        yield s


def verdict(standin, code, handle):
    settings = load(env={**standin.env(), "ARCHIVER_RETRIES": "1"})
    client = Client(settings)
    try:
        lookups = THREADS.lookups({"id": code, "handle": handle, "url": None}, settings)
        answers = {lookup.name: client.get(lookup.url) for lookup in lookups}
    finally:
        client.close()
    return THREADS.classify(answers, {"id": code, "handle": handle})


def test_a_post_oembed_can_embed_is_archived_with_what_little_it_says(standin):
    standin.add_post(CODE, "zuck")
    got = verdict(standin, CODE, None)
    assert got.status == "archived", got.reason
    assert (got.data.id, got.data.handle, got.data.text, got.data.endpoint) == (
        CODE, "zuck", None, "oembed")
    assert "no text" in got.reason
    [asked] = standin.hits("/graph/v1.0/oembed")
    assert asked.query["url"] == f"https://www.threads.com/t/{CODE}"


@pytest.mark.parametrize("state", ["deleted", "private", "age_restricted", "token_required"])
def test_every_refusal_is_unavailable_never_deleted(standin, state):
    standin.add_post(CODE, "zuck", state=state)
    got = verdict(standin, CODE, "zuck")
    assert got.status == "unavailable", got.reason
    assert f"code {REFUSALS[state][1]}" in got.reason


@pytest.mark.parametrize("kind, words", [
    ("rate_limited", "429"),
    ("server_error", "503"),
    ("html_instead_of_json", "HTML"),
    ("reset", "oEmbed"),
])
def test_rate_limits_errors_and_login_pages_fail_for_a_retry(standin, kind, words):
    standin.add_post(CODE, "zuck")
    standin.fault("oembed", kind)
    got = verdict(standin, CODE, "zuck")
    assert (got.status, got.retry) == ("failed", True), got.reason
    assert words in got.reason


def test_the_applications_rate_limit_fails_for_a_retry(standin):
    standin.add_post(CODE, "zuck", state="app_rate_limited")
    got = verdict(standin, CODE, "zuck")
    assert (got.status, got.retry) == ("failed", True) and "rate limited" in got.reason


def test_an_answer_about_another_post_is_a_failure(standin):
    standin.add_post(CODE, "zuck", answer_code="DA1b2c3d4e5")
    got = verdict(standin, CODE, "zuck")
    assert got.status == "failed" and "another post" in got.reason


# -- the whole path --------------------------------------------------------------------------
def article(tmp_path, *posts) -> Path:
    from standin.threads import blockquote

    path = tmp_path / "story.html"
    path.write_text("<html><head><title>Story</title></head><body><p>Prose.</p>"
                    + "".join(blockquote(code, user) for code, user in posts)
                    + "</body></html>")
    return path


def test_archiver_run_captures_the_post_from_its_embed_page(run, archive, standin, tmp_path):
    standin.add_post(CODE, "zuck", text="Live words on Threads")
    standin.add_post("DA1b2c3d4e5", "gone.user", state="deleted")
    proc = run("run", str(article(tmp_path, (CODE, "zuck"), ("DA1b2c3d4e5", "gone.user"))),
               env={**standin.env(), "ARCHIVER_TIMEOUT": "5"})
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    posts = {r[0]: r[1:] for r in conn.execute("SELECT id, status, status_reason FROM posts")}
    assert posts[CODE][0] == "archived", posts[CODE]
    assert posts["DA1b2c3d4e5"][0] == "unavailable"
    [capture] = list((archive / "snapshots" / "threads" / CODE).iterdir())
    names = {p.name for p in capture.iterdir()}
    assert {"screenshot.png", "page.html", "page.mhtml", "oembed.json"} <= names
    assert "Live words on Threads" in (capture / "page.html").read_text()


@pytest.mark.parametrize("page, words", [
    ("login_wall", "Log in or sign up"),
    ("unavailable", "isn't available"),
    ("blank", "blank page"),
])
def test_a_login_wall_or_an_empty_page_is_a_failure_never_a_capture(
        run, archive, standin, tmp_path, page, words):
    standin.add_post(CODE, "zuck", embed=page)
    proc = run("run", str(article(tmp_path, (CODE, "zuck"))),
               env={**standin.env(), "ARCHIVER_TIMEOUT": "3"})
    assert proc.returncode == 1, proc.stdout_text + proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    status, reason = conn.execute("SELECT status, status_reason FROM posts").fetchone()
    assert status == "failed" and "capture failed" in reason and words in reason
    assert not list(archive.glob("snapshots/threads/**/screenshot.png"))


# -- hostile input -------------------------------------------------------------------------
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20)
    | st.sampled_from(["<blockquote class=\"text-post-media\" data-text-post-permalink="
                       f"\"https://www.threads.com/@a/post/{CODE}\"></blockquote>",
                       "OAuthException", "An access token is required"]),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from([
        "html", "type", "version", "author_name", "error", "code", "message",
        "provider_name"]), children, max_size=6),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(JSON, st.sampled_from([200, 200, 400, 403, 404, 429, 500, None]))
def test_any_answer_is_weighed_without_raising_and_never_as_deleted(value, status):
    answer = Answer("http://x/", status, {}, json.dumps(value).encode(),
                    None if status else "reset")
    got = THREADS.classify({"oembed": answer}, {"id": CODE, "handle": "a"})
    assert got.status in ("archived", "unavailable", "failed")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_url_or_markup_is_read_without_raising(text):
    ref = THREADS.post_ref(text)
    if ref is not None:
        assert THREADS.valid_id(ref.id) and re.fullmatch(r"[A-Za-z0-9_][A-Za-z0-9_.@=+-]*",
                                                           THREADS.folder_name(ref.id))
    page = (f'<blockquote class="text-post-media" data-text-post-permalink="{text}" '
            f'id="ig-tp-{text}"><a href="{text}">x</a></blockquote><iframe src="https://www.'
            f'threads.com/{text}"></iframe>')
    for node in LexborHTMLParser(page).css(THREADS.embed_selector):
        THREADS.read_embed(node)
