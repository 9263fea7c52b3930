"""Answers no server should send, through the real command: each is one post's or
one source's clean failure (or a retry), never a traceback, and the run goes on."""

import os
import sqlite3
import subprocess
import sys

import pytest

from archiver.net import MAX_RETRY_AFTER, Client
from archiver.settings import load as load_settings
from standin import StandIn, Tweet


@pytest.fixture
def standin():
    with StandIn(embed_render_delay=0.1) as s:
        yield s


@pytest.fixture
def env(standin):
    return {**standin.env(), "ARCHIVER_TIMEOUT": "3", "ARCHIVER_CONCURRENCY": "2"}


def blockquote(tweet_id, handle):
    return (
        f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Words</p>&mdash; Someone '
        f'(@{handle}) <a href="https://twitter.com/{handle}/status/{tweet_id}">'
        "March 1, 2026</a></blockquote>"
    )


@pytest.mark.parametrize("retry_after", ["nan", "NaN", "-inf", "-30",
                                         "Fri, 31 Dec 99999 23:59:59 GMT"])
def test_a_retry_after_that_is_no_number_of_seconds_is_a_retry_all_the_same(
        run, archive, standin, env, tmp_path, retry_after):
    standin.add_tweet(Tweet("1860000000000000001", handle="limited", text="Rate limited once",
                            behaviour="rate_limited", fail_times=1, retry_after=retry_after))
    article = tmp_path / "a.html"
    article.write_text(blockquote("1860000000000000001", "limited"))
    proc = run("run", str(article), env=env)
    assert "Traceback" not in proc.stderr_text
    row = sqlite3.connect(archive / "archive.db").execute(
        "SELECT status, status_reason FROM posts").fetchone()
    assert row[0] == "archived", row
    assert proc.returncode == 0, proc.stderr_text


@pytest.mark.parametrize("retry_after, waited", [
    ("inf", MAX_RETRY_AFTER), ("1e999", MAX_RETRY_AFTER), ("99999999999", MAX_RETRY_AFTER),
    ("nan", 0.5), ("-inf", 0.0), ("2", 2.0),
])
def test_retry_after_waits_at_most_the_cap_and_nan_waits_the_backoff(standin, retry_after,
                                                                      waited):
    standin.add_article("limited", "<html><title>x</title></html>")
    standin.fault("article", "rate_limited", retry_after=retry_after, times=1)
    slept = []
    settings = load_settings(env=standin.env())
    settings.host_rate = 1e6  # no politeness pause among the sleeps
    client = Client(settings, backoff=0.5, sleep=slept.append)
    answer = client.get(standin.article_url("limited"))
    assert answer.status == 200
    assert slept == [waited]


def test_a_url_source_that_fails_says_why_once(run, archive, standin):
    gone = standin.add_article("gone", "<html>x</html>", status=404)
    slow = standin.add_article("slow", "<html><title>Slow</title>" + "x" * 600_000,
                               chunk_delay=0.4)
    closed = "http://127.0.0.1:9/nothing-listens"  # the discard port: connection refused
    proc = run("scan", gone, slow, closed, env={"ARCHIVER_TIMEOUT": "0.5"})
    assert proc.returncode == 1
    failures = dict(sqlite3.connect(archive / "archive.db").execute(
        "SELECT source, reason FROM source_failures"))
    assert failures[gone] == "HTTP 404 Not Found"
    assert failures[slow].startswith("too slow: not complete after")
    assert failures[closed].startswith("fetch failed: connection failed:")
    for reason in failures.values():
        assert "SourceError" not in reason and "fetch failed: fetch failed" not in reason
        assert "HTTPConnectionPool" not in reason and len(reason) < 300


def test_a_disk_filling_up_mid_fetch_is_one_line_on_the_terminal(standin, env, tmp_path,
                                                                  small_disk):
    """Pages are in flight when the disk fills: the browser goes with the run, and
    what its cut-short calls raise is no one's business but the run's."""
    ids = [str(1880000000000000000 + i) for i in range(15)]
    for i in ids:
        standin.add_tweet(Tweet(i, handle=f"full{i[-2:]}", text=f"Live words of {i}"))
    article = tmp_path / "many.html"
    article.write_text("".join(blockquote(i, f"full{i[-2:]}") for i in ids))
    archive = small_disk / "archive"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    full_env.update({**env, "ARCHIVER_CONCURRENCY": "3"})
    command = [sys.executable, "-m", "archiver.cli", "--archive", str(archive)]
    subprocess.run([*command, "scan", str(article)], env=full_env, check=True,
                   capture_output=True)
    free = os.statvfs(small_disk)
    (small_disk / "filler").write_bytes(b"\0" * max(0, free.f_bavail * free.f_frsize - 120_000))
    proc = subprocess.run([*command, "fetch", "-q"], capture_output=True, text=True,
                          env=full_env, timeout=200)
    assert proc.returncode == 3
    assert proc.stderr.splitlines() == [proc.stderr.strip()], proc.stderr
    assert proc.stderr.startswith("Error: cannot write to the archive")


@pytest.mark.parametrize("target", ["http://[::1", "http://host:port/", "http://host:99999/"])
def test_a_redirect_to_something_that_is_no_url_is_a_clean_failure(run, archive, standin, env,
                                                                   tmp_path, target):
    standin.add_link("BadLoc0001", target)
    standin.add_link("Flagged001", target, flagged=True)
    moved = standin.add_article("moved", "", status=301, headers={"Location": target})
    article = tmp_path / "a.html"
    article.write_text("<p>https://t.co/BadLoc0001 and https://t.co/Flagged001</p>")
    proc = run("run", str(article), moved, env=env)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    links = dict(conn.execute("SELECT code, error FROM links"))
    for code in ("BadLoc0001", "Flagged001"):
        assert links[code] and "internal error" not in links[code], links
        assert "invalid URL" in links[code] or "not a valid URL" in links[code], links
    failures = dict(conn.execute("SELECT source, reason FROM source_failures"))
    assert "invalid URL" in failures[moved] or "not a valid URL" in failures[moved], failures
