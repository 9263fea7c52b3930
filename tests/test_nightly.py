"""Unattended runs, through the real command against the stand-in network:
the lock, retries across runs (with a pinned clock), recheck, faults, kill -9."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from standin import StandIn, Tweet

T0 = "2026-03-01T00:00:00Z"


@pytest.fixture
def standin():
    with StandIn(embed_render_delay=0.2) as s:
        yield s


@pytest.fixture
def env(standin):
    return {**standin.env(), "ARCHIVER_TIMEOUT": "3", "ARCHIVER_CONCURRENCY": "3",
            "ARCHIVER_RETRY_BASE_MINUTES": "60"}


def blockquote(tweet_id, handle, text="Preserved words"):
    return (
        f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{text}</p>&mdash; Someone '
        f'(@{handle}) <a href="https://twitter.com/{handle}/status/{tweet_id}">'
        "March 1, 2026</a></blockquote>"
    )


def page(tmp_path, name, *embeds):
    path = tmp_path / name
    path.write_text("<html><head><title>Story</title></head><body><p>Prose.</p>"
                    + "".join(embeds) + "</body></html>")
    return path


def db(archive):
    conn = sqlite3.connect(archive / "archive.db")
    conn.row_factory = sqlite3.Row
    return conn


def popen(archive, tmp_path, env, *args):
    full = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    full.update(env)
    return subprocess.Popen(
        [sys.executable, "-m", "archiver.cli", "--archive", str(archive), *args],
        cwd=tmp_path, env=full, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )


def many_tweets(standin, tmp_path, n, start=1800000000000000000):
    ids = [str(start + i) for i in range(n)]
    for i in ids:
        standin.add_tweet(Tweet(i, handle=f"acct{i[-3:]}", text=f"Live words of {i}"))
    return page(tmp_path, "many.html", *(blockquote(i, f"acct{i[-3:]}") for i in ids)), ids


def test_a_second_run_exits_at_once_while_one_holds_the_lock(run, archive, standin, env,
                                                             tmp_path):
    standin.embed_render_delay = 2.0
    article, _ = many_tweets(standin, tmp_path, 3)
    first = popen(archive, tmp_path, env, "run", str(article))
    lock = archive / "run.lock"
    deadline = time.time() + 30
    while time.time() < deadline and not (lock.exists() and lock.read_text().strip()):
        time.sleep(0.05)
    started = time.time()
    second = run("run", str(article), env=env)
    assert time.time() - started < 10
    assert second.returncode == 4
    assert "another run is in progress" in second.stderr_text
    assert str(first.pid) in second.stderr_text
    assert first.wait(timeout=120) == 0


def test_a_stale_lock_of_a_dead_process_is_taken_over(run, archive, standin, env, tmp_path):
    article, _ = many_tweets(standin, tmp_path, 1)
    dead = subprocess.Popen(["true"])
    dead.wait()
    archive.mkdir(parents=True)
    (archive / "run.lock").write_text(str(dead.pid))
    proc = run("run", str(article), env=env)
    assert proc.returncode == 0, proc.stderr_text
    assert f"Took over the lock of process {dead.pid}" in proc.stderr_text


def test_failures_come_due_with_backoff_and_stop_after_max_attempts(run, archive, standin, env,
                                                                    tmp_path):
    standin.add_tweet(Tweet("1810000000000000001", handle="down", behaviour="flaky",
                            fail_times=100))
    article = page(tmp_path, "a.html", blockquote("1810000000000000001", "down"))
    env = {**env, "ARCHIVER_MAX_ATTEMPTS": "2", "ARCHIVER_RETRIES": "1"}
    assert run("run", str(article), env={**env, "ARCHIVER_NOW": T0}).returncode == 1
    post = db(archive).execute("SELECT * FROM posts").fetchone()
    assert (post["status"], post["attempts"]) == ("failed", 1)
    assert post["next_attempt_at"] == "2026-03-01T01:00:00Z"
    assert "HTTP 500" in post["status_reason"]

    standin.reset_log()
    assert run("fetch", env={**env, "ARCHIVER_NOW": "2026-03-01T00:30:00Z"}).returncode == 0
    assert standin.count("/tweet-result") == 0  # not due yet

    assert run("fetch", env={**env, "ARCHIVER_NOW": "2026-03-01T01:01:00Z"}).returncode == 1
    assert standin.count("/tweet-result") == 1
    post = db(archive).execute("SELECT * FROM posts").fetchone()
    assert (post["attempts"], post["next_attempt_at"]) == (2, "2026-03-01T03:01:00Z")

    standin.reset_log()
    later = {**env, "ARCHIVER_NOW": "2026-03-09T00:00:00Z"}
    assert run("fetch", env=later).returncode == 0
    assert standin.count("/tweet-result") == 0  # attempts used up: it waits for a person
    status = run("status", "--json", env=later, check_json=True).json
    assert status["due"]["exhausted"] == 1 and status["due"]["posts"] == 0

    standin.set_behaviour("1810000000000000001", "ok")
    assert run("fetch", "--retry-failed", env=later).returncode == 0
    post = db(archive).execute("SELECT * FROM posts").fetchone()
    assert post["status"] == "archived"
    history = [tuple(r) for r in db(archive).execute(
        "SELECT from_status, to_status FROM status_history ORDER BY id")]
    assert history == [("pending", "failed"), ("failed", "archived")]
    runs = db(archive).execute("SELECT command, exit_code, ended_at FROM runs").fetchall()
    assert [r["command"] for r in runs] == ["run", "fetch", "fetch", "fetch", "fetch"]
    assert all(r["ended_at"] for r in runs)
    logs = list((archive / "logs").glob("*.jsonl"))
    assert len(logs) == 5
    events = [json.loads(line) for line in logs[0].read_text().splitlines()]
    assert events[0]["event"] == "start" and events[-1]["event"] == "end"


def test_recheck_turns_an_archived_post_deleted_keeping_its_captures(run, archive, standin, env,
                                                                     tmp_path):
    standin.add_tweet(Tweet("1820000000000000001", handle="gone", text="Soon gone"))
    standin.add_tweet(Tweet("1820000000000000002", handle="edits", text="First words"))
    article = page(tmp_path, "r.html", blockquote("1820000000000000001", "gone"),
                   blockquote("1820000000000000002", "edits"))
    assert run("run", str(article), env={**env, "ARCHIVER_NOW": T0}).returncode == 0
    first = {r["id"]: r["path"] for r in db(archive).execute(
        "SELECT p.id, s.path FROM snapshots s JOIN posts p ON p.pk = s.post_pk"
        " WHERE s.kind = 'png'")}
    standin.set_behaviour("1820000000000000001", "deleted")
    standin.tweet("1820000000000000002").text = "Second words"

    standin.reset_log()
    soon = {**env, "ARCHIVER_NOW": "2026-03-03T00:00:00Z"}
    assert run("recheck", "--days", "7", env=soon).returncode == 0
    assert standin.count("/tweet-result") == 0  # checked two days ago: not yet

    later = {**env, "ARCHIVER_NOW": "2026-03-10T00:00:00Z"}
    proc = run("run", str(article), "--recheck", "7", env=later)
    assert proc.returncode == 0, proc.stderr_text
    rows = {r["id"]: r for r in db(archive).execute("SELECT * FROM posts")}
    gone = rows["1820000000000000001"]
    assert gone["status"] == "deleted"
    assert gone["gone_since"] == "2026-03-10T00:00:00Z"
    assert gone["text"] == "Preserved words"
    history = db(archive).execute(
        "SELECT p.id, h.from_status, h.to_status, h.at, h.reason FROM status_history h"
        " JOIN posts p ON p.pk = h.post_pk ORDER BY h.id").fetchall()
    changes = [(h["id"], h["from_status"], h["to_status"]) for h in history]
    assert ("1820000000000000001", "archived", "deleted") in changes
    assert ("1820000000000000002", "archived", "archived") in changes  # the edit
    assert (archive / first["1820000000000000001"]).exists()  # earlier capture kept
    pngs = db(archive).execute(
        "SELECT count(*) FROM snapshots s JOIN posts p ON p.pk = s.post_pk"
        " WHERE p.id = '1820000000000000002' AND s.kind = 'png'").fetchone()[0]
    assert pngs == 2
    edited = rows["1820000000000000002"]
    assert (edited["status"], edited["live_text"]) == ("archived", "Second words")


@pytest.mark.parametrize("fault, expect", [
    ("huge", "larger than"),
    ("truncated", ""),
    ("reset", "reset"),
    ("drip", "too slow"),
    ("invalid_json", "invalid JSON"),
    ("html_instead_of_json", "HTML"),
])
def test_hostile_answers_are_recorded_as_failures_and_the_run_goes_on(
        run, archive, standin, env, tmp_path, fault, expect):
    standin.add_tweet(Tweet("1830000000000000001", handle="bad", text="x"))
    standin.add_tweet(Tweet("1830000000000000002", handle="good", text="fine"))
    standin.tweet("1830000000000000001").behaviour = fault
    standin.tweet("1830000000000000001").fail_times = 100
    standin.tweet("1830000000000000001").delay = 4
    article = page(tmp_path, "f.html", blockquote("1830000000000000001", "bad"),
                   blockquote("1830000000000000002", "good"))
    started = time.time()
    proc = run("run", str(article), env={**env, "ARCHIVER_MAX_RESPONSE_MB": "1",
                                         "ARCHIVER_RETRIES": "1", "ARCHIVER_TIMEOUT": "1"})
    assert time.time() - started < 60
    assert proc.returncode == 1, proc.stderr_text
    rows = {r["id"]: r for r in db(archive).execute("SELECT * FROM posts")}
    assert rows["1830000000000000002"]["status"] == "archived"
    bad = rows["1830000000000000001"]
    assert bad["status"] == "failed"
    assert expect in bad["status_reason"]


def test_a_host_that_keeps_answering_429_is_left_alone_for_the_rest_of_the_run(
        run, archive, standin, env, tmp_path):
    article, _ids = many_tweets(standin, tmp_path, 8)
    standin.fault("syndication", "rate_limited", retry_after=0)
    proc = run("run", str(article), env={**env, "ARCHIVER_RETRIES": "2",
                                         "ARCHIVER_HOST_429_LIMIT": "2",
                                         "ARCHIVER_CONCURRENCY": "1"})
    assert proc.returncode == 1
    assert standin.count("/tweet-result") <= 4  # two posts' worth of tries, then it stops
    rows = db(archive).execute("SELECT status, attempts FROM posts").fetchall()
    assert sum(r["status"] == "pending" for r in rows) >= 6  # left due, not hammered
    assert "deferred" in proc.stdout_text


def test_feeds_and_sitemaps_expand_to_their_articles(run, archive, standin, env, tmp_path):
    standin.add_tweet(Tweet("1840000000000000001", handle="feedy", text="From the feed"))
    standin.add_article("one", "<html><title>One</title><body>"
                        + blockquote("1840000000000000001", "feedy") + "</body></html>")
    standin.add_article("two", "<html><title>Two</title><body><p>No embeds</p></body></html>")
    standin.add_article("three", "<html><title>Three</title><body>x</body></html>")
    rss = ('<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
           f'<item><title>One</title><link>{standin.url}/articles/one</link></item>'
           f'<item><title>Two</title><link>{standin.url}/articles/two</link></item>'
           "</channel></rss>")
    sitemap = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/'
               f'schemas/sitemap/0.9"><url><loc>{standin.url}/articles/three</loc></url>'
               f'<url><loc>{standin.url}/articles/one</loc></url></urlset>')
    standin.add_article("feed.xml", rss)
    (tmp_path / "sitemap.xml").write_text(sitemap)
    (tmp_path / "sources.txt").write_text(
        f"# the newsroom\n{standin.url}/articles/feed.xml\n\n{tmp_path / 'sitemap.xml'}  # map\n")
    proc = run("run", "--sources", str(tmp_path / "sources.txt"), env=env)
    assert proc.returncode == 0, proc.stderr_text
    sources = {r[0] for r in db(archive).execute("SELECT source FROM articles")}
    assert sources == {f"{standin.url}/articles/{n}" for n in ("one", "two", "three")}
    assert db(archive).execute("SELECT status FROM posts").fetchone()[0] == "archived"


def content(archive):
    conn = sqlite3.connect(archive / "archive.db")
    tables = ["posts", "article_posts", "links", "article_links", "post_links", "snapshots",
              "post_quotes", "status_history", "post_aliases"]
    dump = {t: sorted(map(repr, conn.execute(f"SELECT * FROM {t}"))) for t in tables}
    dump["articles"] = sorted(map(repr, conn.execute(
        "SELECT id, source, title, kind, content_hash, first_scanned FROM articles")))
    return dump


def test_scanning_the_same_articles_again_changes_no_content_row(run, archive, standin, env,
                                                                 tmp_path):
    article, _ = many_tweets(standin, tmp_path, 2)
    assert run("run", str(article), env=env).returncode == 0
    before = content(archive)
    assert run("run", str(article), env=env).returncode == 0
    assert content(archive) == before


def files_under(archive):
    return {p.relative_to(archive).as_posix() for p in (archive / "snapshots").rglob("*")
            if p.is_file()}


def test_killed_with_sigkill_the_next_run_completes_and_loses_nothing(run, archive, standin,
                                                                      env, tmp_path):
    standin.embed_render_delay = 0.6
    article, _ids = many_tweets(standin, tmp_path, 10)
    proc = popen(archive, tmp_path, {**env, "ARCHIVER_CONCURRENCY": "2"}, "run", str(article))
    deadline = time.time() + 60
    while time.time() < deadline:
        folders = list((archive / "snapshots").glob("twitter/*/*")) if (
            archive / "snapshots").exists() else []
        if len(folders) >= 3:
            break
        time.sleep(0.02)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    again = run("run", str(article), env=env)
    assert again.returncode == 0, again.stderr_text
    conn = db(archive)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert {r[0] for r in conn.execute("SELECT status FROM posts")} == {"archived"}
    assert conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 10
    per_post = conn.execute(
        "SELECT post_pk, kind, count(*) FROM snapshots GROUP BY post_pk, kind").fetchall()
    assert all(n == 1 for _, _, n in per_post) and len(per_post) == 60  # 6 kinds each
    recorded = {r[0] for r in conn.execute("SELECT path FROM snapshots")}
    on_disk = files_under(archive)
    manifests = {f for f in on_disk if f.endswith("/manifest.json")}
    assert on_disk - manifests == recorded
    assert {m.rsplit("/", 1)[0] for m in manifests} == {p.rsplit("/", 1)[0] for p in recorded}
    interrupted = conn.execute("SELECT count(*) FROM runs WHERE ended_at IS NULL").fetchone()[0]
    assert interrupted == 1


def test_readers_never_see_a_locked_database_while_a_run_writes(archive, standin, env, tmp_path):
    article, ids = many_tweets(standin, tmp_path, 6)
    writer = popen(archive, tmp_path, env, "run", str(article))
    failures = []
    while writer.poll() is None:
        if (archive / "archive.db").exists():
            reader = popen(archive, tmp_path, env, "lookup", f"acct{ids[0][-3:]}", "--json")
            _out, err = reader.communicate(timeout=60)
            if reader.returncode not in (0,) or b"locked" in err:
                failures.append(err.decode())
    assert writer.returncode == 0
    assert failures == [] or all("no archive" in f for f in failures)


def test_an_archive_that_cannot_be_written_is_a_clear_error(run, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    proc = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "--archive", str(blocker / "archive"), "fetch"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert proc.returncode == 3
    assert proc.stderr.startswith("Error: cannot open the archive")
    assert "Traceback" not in proc.stderr


def test_a_full_disk_is_a_clear_error_and_the_database_stays_whole(standin, env, tmp_path,
                                                                   small_disk):
    archive = small_disk / "archive"
    article, _ids = many_tweets(standin, tmp_path, 3)
    full = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    full.update(env)
    scan = subprocess.run([sys.executable, "-m", "archiver.cli", "--archive", str(archive),
                           "scan", str(article)], capture_output=True, text=True, env=full)
    assert scan.returncode == 0, scan.stderr
    free = os.statvfs(small_disk)
    filler = small_disk / "filler"
    filler.write_bytes(b"\0" * max(0, free.f_bavail * free.f_frsize - 120_000))
    proc = subprocess.run([sys.executable, "-m", "archiver.cli", "--archive", str(archive),
                           "fetch"], capture_output=True, text=True, env=full, timeout=120)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "No space left on device" in proc.stderr or "disk is full" in proc.stderr
    assert "Traceback" not in proc.stderr
    filler.unlink()
    conn = db(archive)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    recorded = {r[0] for r in conn.execute("SELECT path FROM snapshots")}
    assert all((archive / p).exists() for p in recorded)
    assert not list(archive.glob("snapshots/**/*.partial"))
    # A capture written whole but never recorded is not left behind either.
    folders = {p.relative_to(archive).as_posix() for p in archive.glob("snapshots/*/*/*")}
    assert folders <= {p.rsplit("/", 1)[0] for p in recorded}
