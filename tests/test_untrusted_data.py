"""Answers and inputs that are wrong on purpose, through the real command: text that
cannot be stored, a syndication answer about another post, terminal escapes, and
numbers and dates out of range."""

import json
import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from standin import StandIn, Tweet

POST = "1800000000000000001"
OTHER = "1800000000000000002"


class Answers(ThreadingHTTPServer):
    """A syndication endpoint answering whatever JSON text a test sets per id."""

    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.bodies: dict[str, bytes] = {}
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        post_id = parse_qs(urlsplit(self.path).query).get("id", [""])[0]
        body = self.server.bodies.get(post_id)
        self.send_response(200 if body else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body or b"")))
        self.end_headers()
        self.wfile.write(body or b"")

    def log_message(self, *args):
        pass


@pytest.fixture
def network():
    with StandIn(embed_render_delay=0.1) as standin:
        answers = Answers()
        try:
            yield standin, answers
        finally:
            answers.shutdown()
            answers.server_close()


def settings(standin, answers):
    return {**standin.env(), "ARCHIVER_TIMEOUT": "5",
            "ARCHIVER_TWITTER_SYNDICATION_URL": f"{answers.url}/tweet-result?id={{id}}&token={{token}}"}


def article(tmp_path, post_id=POST, handle="someone", title="Story", text="Preserved words"):
    path = tmp_path / f"{post_id}.html"
    path.write_text(
        f"<html><head><title>{title}</title></head><body><p>Prose.</p>"
        f'<blockquote class="twitter-tweet"><p>{text}</p>&mdash; Someone (@{handle}) '
        f'<a href="https://twitter.com/{handle}/status/{post_id}">March 1, 2026</a>'
        "</blockquote></body></html>")
    return path


def posts(archive):
    conn = sqlite3.connect(archive / "archive.db")
    conn.row_factory = sqlite3.Row
    return {r["id"]: dict(r) for r in conn.execute("SELECT * FROM posts")}


def test_a_lone_surrogate_in_an_answer_is_stored_replaced_and_the_run_ends_well(
        run, archive, tmp_path, network):
    standin, answers = network
    standin.add_tweet(Tweet(POST, handle="someone", text="bad words"))
    data = standin.tweet_json(standin.tweet(POST))
    data["text"] = "bad \ud800 words"
    answers.bodies[POST] = json.dumps(data).encode()  # sent as the escape \ud800
    assert b"\\ud800" in answers.bodies[POST]
    env = settings(standin, answers)
    first = run("run", str(article(tmp_path)), env=env)
    assert first.returncode == 0, first.stderr_text
    assert "Traceback" not in first.stderr_text
    post = posts(archive)[POST]
    assert (post["status"], post["live_text"]) == ("archived", "bad \ufffd words")
    # Nothing was left behind to repeat the trouble on the next run.
    again = run("run", str(article(tmp_path)), env=env)
    assert again.returncode == 0, again.stderr_text
    shown = run("lookup", "someone")
    assert shown.returncode == 0 and "bad \ufffd words" in shown.stdout_text


def test_a_syndication_answer_about_another_post_is_not_this_posts_data(run, archive, tmp_path,
                                                                         network):
    standin, answers = network
    standin.add_tweet(Tweet(POST, handle="someone", text="the right words"))
    standin.add_tweet(Tweet(OTHER, handle="someone", text="another post's words"))
    answers.bodies[POST] = json.dumps(standin.tweet_json(standin.tweet(OTHER))).encode()
    proc = run("run", str(article(tmp_path, text="the right words")),
               env=settings(standin, answers))
    assert "Traceback" not in proc.stderr_text
    post = posts(archive)[POST]
    assert post["live_text"] != "another post's words"
    assert not post["edited"]
    # oEmbed, the second opinion, still speaks for the post.
    assert post["status"] == "archived" and post["live_text"] == "the right words"
    assert "answered for another post" in post["status_reason"]


def test_a_screen_name_that_is_not_a_handle_is_not_stored(run, archive, tmp_path, network):
    standin, answers = network
    standin.add_tweet(Tweet(POST, handle="someone", text="words"))
    data = standin.tweet_json(standin.tweet(POST))
    data["user"]["screen_name"] = "evil\x1b[2J" + "x" * 40
    answers.bodies[POST] = json.dumps(data).encode()
    amp = tmp_path / "amp.html"
    amp.write_text(f'<html><body><amp-twitter data-tweetid="{POST}" width="1" height="1">'
                   "</amp-twitter></body></html>")
    run("run", str(amp), env=settings(standin, answers))
    assert posts(archive)[POST]["handle"] in (None, "someone")


def test_terminal_controls_in_titles_and_texts_are_shown_escaped(run, archive, tmp_path,
                                                                 network):
    standin, answers = network
    standin.add_tweet(Tweet(POST, handle="someone", text="clear \x1b[2J screen"))
    answers.bodies[POST] = json.dumps(standin.tweet_json(standin.tweet(POST))).encode()
    source = article(tmp_path, title="Title \x1b]0;owned\x07 here")
    scanned = run("scan", str(source))
    assert scanned.returncode == 0, scanned.stderr_text
    assert "\x1b" not in scanned.stdout_text and "\x07" not in scanned.stdout_text
    assert "\\x1b]0;owned\\x07" in scanned.stdout_text
    run("fetch", env=settings(standin, answers))
    shown = run("lookup", "someone")
    assert "\x1b" not in shown.stdout_text
    assert "clear \\x1b[2J screen" in shown.stdout_text
    as_json = run("lookup", "someone", "--json", check_json=True).json
    assert as_json[0]["live_text"] == "clear \x1b[2J screen"  # the data itself is kept exact


def test_lookup_dates_in_other_iso_forms_are_compared_as_dates(run, archive, tmp_path):
    assert run("scan", str(article(tmp_path))).returncode == 0
    for since in ("2026-03-01", "20260301", "2026-W09"):
        found = run("lookup", "someone", "--since", since, "--json", check_json=True)
        assert [p["id"] for p in found.json] == [POST], since
    assert run("lookup", "someone", "--since", "20260302", "--json", check_json=True).json == []
    bad = run("lookup", "someone", "--since", "yesterday")
    assert bad.returncode == 2 and "not a date" in bad.stderr_text


def test_out_of_range_days_and_settings_are_clear_errors_or_clamped(run, archive, tmp_path):
    for days in ("99999999", "inf", "1e308"):
        proc = run("recheck", "--days", days, env={"ARCHIVER_TIMEOUT": "2"})
        assert proc.returncode == 0, (days, proc.stderr_text)
    for days in ("nan", "-1"):
        proc = run("recheck", "--days", days)
        assert proc.returncode == 2 and "not a number of days" in proc.stderr_text
    for name, value in (("TIMEOUT", "nan"), ("TIMEOUT", "inf"), ("RETRY_BASE_MINUTES", "1e308"),
                        ("CONCURRENCY", "99999999999")):
        proc = run("status", env={f"ARCHIVER_{name}": value})
        assert proc.returncode == 3, (name, value, proc.stderr_text)
        assert proc.stderr_text.startswith(f"Error: setting {name}")
        assert "Traceback" not in proc.stderr_text


# What the live syndication endpoint was recorded answering.

def test_an_empty_answer_with_an_oembed_404_is_not_called_deleted(run, archive, tmp_path,
                                                                  network):
    standin, answers = network
    standin.add_tweet(Tweet(POST, handle="someone", text="words", behaviour="deleted"))
    answers.bodies[POST] = b"{}"
    proc = run("run", str(article(tmp_path)), env=settings(standin, answers))
    assert proc.returncode == 1, proc.stderr_text
    post = posts(archive)[POST]
    assert post["status"] == "failed"
    assert "empty answer {}" in post["status_reason"]


def test_a_tweet_shaped_answer_without_a_user_is_unavailable(run, archive, tmp_path, network):
    standin, answers = network
    standin.add_tweet(Tweet(POST, handle="someone", text="words", behaviour="suspended"))
    data = standin.tweet_json(Tweet(POST, handle="someone", text="words"))
    del data["user"]
    answers.bodies[POST] = json.dumps(data).encode()
    proc = run("run", str(article(tmp_path)), env=settings(standin, answers))
    assert "Traceback" not in proc.stderr_text
    post = posts(archive)[POST]
    assert post["status"] == "unavailable", post["status_reason"]
    assert "suspended or gone" in post["status_reason"]
    assert post["handle"] == "someone"  # the article's word is kept


def test_a_long_posts_cut_text_is_recorded_cut_and_is_not_an_edit(run, archive, tmp_path,
                                                                  network):
    standin, answers = network
    whole = "A long post that goes on " + "and on " * 60 + "to its very end."
    standin.add_tweet(Tweet(POST, handle="someone", text=whole[:270]))
    data = standin.tweet_json(standin.tweet(POST))
    data["text"] = whole[:270] + "\u2026 https://t.co/AbCdEf1234"
    data["display_text_range"] = [0, 271]
    data["note_tweet"] = {"id": "Tm90ZVR3ZWV0OjE4MDA="}
    answers.bodies[POST] = json.dumps(data).encode()
    proc = run("run", str(article(tmp_path, text=whole)), env=settings(standin, answers))
    assert proc.returncode == 0, proc.stderr_text
    post = posts(archive)[POST]
    assert (post["status"], post["live_truncated"], post["edited"]) == ("archived", 1, 0)


def test_a_tombstone_deleted_by_its_author_with_an_oembed_404_is_deleted(run, archive,
                                                                         tmp_path, network):
    standin, answers = network
    standin.add_tweet(Tweet(POST, handle="someone", text="words", behaviour="deleted"))
    answers.bodies[POST] = json.dumps({
        "__typename": "TweetTombstone",
        "tombstone": {"text": {"text": "This Post was deleted by the Post author. Learn more",
                               "entities": [], "rtl": False}}}).encode()
    proc = run("run", str(article(tmp_path)), env=settings(standin, answers))
    assert "Traceback" not in proc.stderr_text
    post = posts(archive)[POST]
    assert post["status"] == "deleted", post["status_reason"]
    assert "deleted by the Post author" in post["status_reason"]


def test_ids_are_ascii_digits_that_fit_sixty_four_bits(run, tmp_path):
    page = tmp_path / "ids.html"
    page.write_text(
        '<html><body><amp-twitter data-tweetid="¹²³" width="1" height="1"></amp-twitter>'
        '<amp-twitter data-tweetid="12345678901234567890123456" width="1" height="1">'
        "</amp-twitter>"
        '<blockquote class="twitter-tweet"><p>Words</p>&mdash; A (@a) '
        '<a href="https://twitter.com/a/status/١٢٣٤٥">March 1, 2026</a></blockquote>'
        "<p>[tweet 99999999999999999999999]</p>"
        '<amp-twitter data-tweetid="20" width="1" height="1"></amp-twitter></body></html>')
    proc = run("scan", str(page), "--json", check_json=True)
    ids = [e["id"] for e in proc.json[0]["embeds"]]
    assert "20" in ids
    assert all(i is None or (i.isascii() and len(i) <= 20) for i in ids), ids


class _TcoHtml(BaseHTTPRequestHandler):
    """t.co's answer for browsers: a 200 page naming the destination in a script."""

    def do_GET(self):
        body = (b'<html><head><script>location.replace("https:\\/\\/example.com\\/a\\ud800b'
                b'\\ud83d\\ude00")</script></head></html>')
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_lone_surrogate_escaped_in_tcos_page_is_stored_replaced(run, archive, tmp_path):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _TcoHtml)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        text = tmp_path / "links.txt"
        text.write_text("A link in prose: https://t.co/AbCdEf1234\n")
        proc = run("run", str(text), env={
            "ARCHIVER_TCO_URL": f"http://127.0.0.1:{server.server_address[1]}/{{code}}",
            "ARCHIVER_TIMEOUT": "2"})
    finally:
        server.shutdown()
        server.server_close()
    assert "Traceback" not in proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    resolved, error = conn.execute("SELECT resolved, error FROM links").fetchone()
    assert (resolved, error) == ("https://example.com/a\ufffdb\U0001f600", None)


def test_lone_surrogates_in_a_pages_json_data_are_stored_replaced(run, archive, tmp_path):
    page = tmp_path / "data.html"
    page.write_text(
        '<html><body><iframe src="https://platform.twitter.com/embed/Tweet.html?'
        'id=1800000000000000556"></iframe>'
        '<script id="__NEXT_DATA__" type="application/json">{"props":{"tweet":{"id_str":'
        '"1800000000000000556","text":"next \\ud800 data","user":{"screen_name":"carol",'
        '"name":"Carol \\udfff"}}}}</script></body></html>')
    proc = run("scan", str(page), "--json", check_json=True)
    assert proc.returncode == 0, proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    stored = conn.execute("SELECT text, author FROM posts").fetchall()
    assert all("\ud800" not in (t or "") and "\udfff" not in (a or "") for t, a in stored)
