"""The fetcher through its real path: requests to the stand-in network, real
Chromium through Playwright, a real SQLite file and real capture folders."""

import hashlib
import http.server
import json
import sqlite3
import threading
from pathlib import Path

import pytest
from PIL import Image

from conftest import SEED
from standin import Media, StandIn, Tweet

SEED_TWEETS = [
    Tweet("1479062318389768192", handle="ABC", name="ABC News",
          text="Dozens of protesters and 12 police died during extraordinarily violent "
               "demonstrations in Kazakhstan that saw government buildings stormed and set "
               "ablaze, authorities said. https://t.co/stnQeuMDva",
          media=[Media(code="rrdJufukLg")]),
    Tweet("1479063110303367170", handle="shaunwalker7", name="Shaun Walker",
          text="More chaotic footage from Kazakhstan seeping out on Telegram.",
          media=[Media(type="video", code="3BEKlZMKIs")]),
    Tweet("1479064444444444444", handle="HannaLiubakova", name="Hanna Liubakova",
          text="#Kazakhstan Armed security forces are in Almaty.", media=[Media(code="h1vzkKdmjV")]),
    Tweet("1479065555555555555", handle="KenRoth", name="Kenneth Roth",
          text="As Kazakhstan summons Russian troops https://t.co/XTHUX5MjKd",
          media=[Media(code="Sp9p21gKmg")]),
    Tweet("1479070000000000000", handle="dwnews", name="DW News",
          text="• Reports: soldiers opened fire at demonstrators in Kazakhstan's largest city\n"
               "• Dozens of protesters and 12 police were killed so far, authorities said\n"
               "• At least 2,000 were arrested in Almaty since the unrest began\n"
               "The latest: https://t.co/k8e0a7xeQ7",
          media=[Media(code="lVSslVNlKD")]),
    Tweet("1479071111111111111", handle="ajplus", name="AJ+",
          text="Kazakhstan police killed dozens of protesters.", media=[Media(code="omITgzIAPf")]),
]


@pytest.fixture
def standin():
    with StandIn(embed_render_delay=0.3) as s:
        yield s


@pytest.fixture
def env(standin):
    return {**standin.env(), "ARCHIVER_TIMEOUT": "4", "ARCHIVER_CONCURRENCY": "4"}


def db(archive):
    conn = sqlite3.connect(archive / "archive.db")
    conn.row_factory = sqlite3.Row
    return conn


def blockquote(tweet_id, handle, text="Text of the post", date="January 6, 2022"):
    return (
        f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{text}</p>&mdash; Someone '
        f'(@{handle}) <a href="https://twitter.com/{handle}/status/{tweet_id}?ref_src=twsrc'
        f'%5Etfw">{date}</a></blockquote>'
    )


def article(tmp_path, name, *embeds):
    path = tmp_path / name
    path.write_text("<html><head><title>A story</title></head><body><p>Prose of the story.</p>"
                    + "".join(embeds) + "</body></html>")
    return path


def seed_standin(standin):
    for tweet in SEED_TWEETS:
        standin.add_tweet(tweet)
    standin.add_article("dw-latest", "<html><title>DW live</title><body>latest</body></html>")
    standin.add_article("abc-story", "<html><title>ABC</title><body>story</body></html>")
    standin.add_link("k8e0a7xeQ7", "/articles/dw-latest")
    standin.add_link("stnQeuMDva", "/tco/hop2")  # a chain of two t.co hops
    standin.add_link("hop2", "/articles/abc-story")
    standin.add_link("XTHUX5MjKd", "https://hrw.example.invalid/news")


def test_seed_pic_codes_give_plain_text_tweets_ids_and_evidence_grade_captures(
        run, archive, standin, env):
    seed_standin(standin)
    proc = run("run", str(SEED), env=env)
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    conn = db(archive)
    posts = {r["handle"]: dict(r) for r in conn.execute("SELECT * FROM posts")}
    assert len(posts) == 6
    for tweet in SEED_TWEETS:
        post = posts[tweet.handle]
        assert post["id"] == tweet.id
        assert post["status"] == "archived", post["status_reason"]
        assert post["text"]  # the preserved text stays
    dw = run("lookup", "@dwnews", "--json", env=env, check_json=True).json[0]
    assert dw["id"] == "1479070000000000000"
    assert dw["text"].startswith("• Reports: soldiers opened fire")
    assert dw["live_text"].startswith("• Reports: soldiers opened fire")
    assert dw["status"] == "archived"
    links = {link["url"]: link for link in dw["links"]}
    assert links["https://t.co/k8e0a7xeQ7"]["resolved"] == f"{standin.url}/articles/dw-latest"
    assert links["https://pic.twitter.com/lVSslVNlKD"]["resolved"] == (
        "https://twitter.com/dwnews/status/1479070000000000000/photo/1"
    )
    kinds = {s["kind"] for s in dw["snapshots"]}
    assert kinds == {"png", "html", "mhtml", "syndication", "oembed", "media", "wacz"}

    hops = json.loads(conn.execute("SELECT hops FROM links WHERE code = 'stnQeuMDva'")
                      .fetchone()["hops"])
    assert [h["status"] for h in hops] == [301, 301, 200]
    note = conn.execute("SELECT resolved, note FROM links WHERE code = 'XTHUX5MjKd'").fetchone()
    assert note["resolved"] == "https://hrw.example.invalid/news"
    assert "did not answer" in note["note"]

    folder = archive / Path(dw["snapshots"][0]["path"]).parent
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {f["name"] for f in manifest["files"]} == {
        "screenshot.png", "page.html", "page.mhtml", "syndication.json", "oembed.json",
        "capture.wacz", "media/01-1479070000000000000_0.png"}
    for entry in manifest["files"]:
        data = (folder / entry["name"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert len(data) == entry["size"]
    for snap in dw["snapshots"]:
        data = (archive / snap["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == snap["sha256"]
    image = Image.open(folder / "screenshot.png").convert("RGB")
    assert len(image.getcolors(maxcolors=100000) or range(100001)) > 20, "the screenshot is blank"
    html = (folder / "page.html").read_text()
    assert "At least 2,000 were arrested in Almaty" in html
    assert "Multipart" in (folder / "page.mhtml").read_text()[:2000] or "MIME" in (
        folder / "page.mhtml").read_text()[:2000]
    assert not list(archive.glob("snapshots/**/*.partial"))
    assert not list(archive.glob("snapshots/**/.*.tmp"))


def test_a_second_run_makes_no_request_for_archived_posts(run, archive, standin, env):
    seed_standin(standin)
    assert run("run", str(SEED), env=env).returncode == 0
    standin.reset_log()
    proc = run("run", str(SEED), env=env)
    assert proc.returncode == 0, proc.stderr_text
    assert standin.requests == []
    assert "none due" in proc.stdout_text


def test_quoted_tweet_is_archived_too_and_related_to_its_quoter(run, archive, standin, env,
                                                                tmp_path):
    standin.add_tweet(Tweet("1500000000000000001", handle="quoted", name="Quoted One",
                            text="The original statement."))
    standin.add_tweet(Tweet("1500000000000000002", handle="quoter", name="Quoter",
                            text="Look at this", quoted_id="1500000000000000001",
                            quote_code="QuOtE12345"))
    page = article(tmp_path, "q.html", blockquote(
        "1500000000000000002", "quoter",
        'Look at this <a href="https://t.co/QuOtE12345">https://t.co/QuOtE12345</a>'))
    proc = run("run", str(page), env=env)
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    conn = db(archive)
    rows = {r["id"]: r for r in conn.execute("SELECT * FROM posts")}
    assert rows["1500000000000000001"]["status"] == "archived"
    assert rows["1500000000000000001"]["live_text"] == "The original statement."
    pair = conn.execute(
        "SELECT q.id AS quoter, d.id AS quoted FROM post_quotes pq JOIN posts q ON"
        " q.pk = pq.quoter_pk JOIN posts d ON d.pk = pq.quoted_pk").fetchall()
    assert [(r["quoter"], r["quoted"]) for r in pair] == [
        ("1500000000000000002", "1500000000000000001")]
    captured = conn.execute(
        "SELECT count(*) FROM snapshots s JOIN posts p ON p.pk = s.post_pk"
        " WHERE p.id = '1500000000000000001' AND s.kind = 'png'").fetchone()[0]
    assert captured == 1


def test_deleted_unavailable_and_failed_are_told_apart(run, archive, standin, env, tmp_path):
    cases = {
        "1600000000000000001": dict(behaviour="deleted"),
        "1600000000000000002": dict(behaviour="protected"),
        "1600000000000000003": dict(behaviour="suspended", unavailable_as="tombstone"),
        "1600000000000000004": dict(behaviour="age_restricted"),
        "1600000000000000005": dict(behaviour="tombstone"),  # oEmbed still shows it
        "1600000000000000006": dict(behaviour="reset"),
        "1600000000000000007": dict(behaviour="html_instead_of_json"),
    }
    for tweet_id, options in cases.items():
        standin.add_tweet(Tweet(tweet_id, handle=f"user{tweet_id[-1]}", text=f"post {tweet_id}",
                                **options))
    # Syndication says 404 but oEmbed cannot answer: one source's word is not enough.
    standin.add_tweet(Tweet("1600000000000000008", handle="user8", behaviour="deleted"))
    standin.fault("oembed", "flaky", times=None)
    embeds = [blockquote(i, f"user{i[-1]}") for i in [*cases, "1600000000000000008"]]
    proc = run("run", str(article(tmp_path, "s.html", *embeds)), env=env)
    assert proc.returncode == 1  # complete, with failures
    conn = db(archive)
    got = {r["id"]: (r["status"], r["status_reason"]) for r in conn.execute("SELECT * FROM posts")}
    for tweet_id in got:
        assert got[tweet_id][1], f"{tweet_id} has no reason"
    statuses = {k: v[0] for k, v in got.items()}
    assert statuses["1600000000000000008"] == "failed"
    assert "oEmbed" in got["1600000000000000008"][1]
    assert statuses["1600000000000000006"] == "failed"
    assert statuses["1600000000000000007"] == "failed"
    assert "HTML" in got["1600000000000000007"][1]
    standin.clear_faults()
    # With oEmbed answering again: deleted needs both; 403 and tombstones are unavailable.
    conn.execute("UPDATE posts SET status = 'pending'")
    conn.commit()
    proc = run("fetch", env=env)
    got = {r["id"]: (r["status"], r["status_reason"]) for r in conn.execute("SELECT * FROM posts")}
    assert got["1600000000000000001"][0] == "deleted"
    assert "syndication: HTTP 404" in got["1600000000000000001"][1]
    assert "oEmbed: HTTP 404" in got["1600000000000000001"][1]
    assert got["1600000000000000008"][0] == "deleted"
    assert got["1600000000000000002"][0] == "unavailable"
    assert "not authorized" in got["1600000000000000002"][1]
    assert got["1600000000000000003"][0] == "unavailable"
    assert "suspended" in got["1600000000000000003"][1].lower()
    assert got["1600000000000000004"][0] == "unavailable"
    assert got["1600000000000000005"][0] == "archived"
    assert got["1600000000000000006"][0] == "failed"
    # the preserved text is never lost, whatever happened
    assert all(r["text"] == "Text of the post" for r in conn.execute("SELECT text FROM posts"))


def test_rate_limits_and_server_errors_are_retried_with_backoff(run, archive, standin, env,
                                                                tmp_path):
    standin.add_tweet(Tweet("1700000000000000001", handle="limited", behaviour="rate_limited",
                            fail_times=2, retry_after=1))
    standin.add_tweet(Tweet("1700000000000000002", handle="flaky", behaviour="flaky",
                            fail_times=2))
    page = article(tmp_path, "r.html", blockquote("1700000000000000001", "limited"),
                   blockquote("1700000000000000002", "flaky"))
    proc = run("run", str(page), env=env)
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    conn = db(archive)
    assert {r[0] for r in conn.execute("SELECT status FROM posts")} == {"archived"}
    assert standin.count("/tweet-result?id=1700000000000000001") == 3
    assert standin.count("/tweet-result?id=1700000000000000002") == 3
    times = [r.time for r in standin.requests if r.path.startswith(
        "/tweet-result?id=1700000000000000001")]
    assert times[1] - times[0] >= 0.9  # Retry-After: 1 was honoured


@pytest.fixture
def forbidden_host():
    """A server on 127.0.0.2: the guard must refuse to call it."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.2", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_port, hits
    server.shutdown()


def test_bad_links_are_recorded_as_failures_and_never_hang(run, archive, standin, env, tmp_path,
                                                           forbidden_host):
    port, hits = forbidden_host
    standin.add_link("loopA", "/tco/loopB")
    standin.add_link("loopB", "/tco/loopA")
    standin.add_link("slowly", "/articles/x", slow=30)
    standin.add_link("private", f"http://127.0.0.2:{port}/admin")
    standin.add_link("metadata", "http://169.254.169.254/latest/meta-data/")
    standin.add_link("scheme", "javascript:alert(1)")
    for i in range(12):
        standin.add_link(f"chain{i}", f"/tco/chain{i + 1}")
    standin.add_link("flagged", "/articles/flagged-story", flagged=True)
    codes = ["loopA", "slowly", "private", "metadata", "scheme", "chain0", "flagged"]
    page = tmp_path / "links.txt"
    page.write_text("Links in prose: " + " ".join(f"https://t.co/{c}" for c in codes) + "\n")
    proc = run("run", str(page), env={**env, "ARCHIVER_TIMEOUT": "2"})
    assert proc.returncode == 1
    conn = db(archive)
    links = {r["code"]: r for r in conn.execute("SELECT * FROM links")}
    assert "loop" in links["loopA"]["error"]
    assert "timed out" in links["slowly"]["error"]
    assert "refused" in links["private"]["error"] and links["private"]["resolved"] is None
    assert "refused" in links["metadata"]["error"]
    assert "non-http" in links["scheme"]["error"]
    assert "more than 10 redirects" in links["chain0"]["error"]
    assert links["flagged"]["resolved"] == f"{standin.url}/articles/flagged-story"
    assert links["flagged"]["error"] is None
    assert hits == []
