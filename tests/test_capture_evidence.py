"""Captures that stand on their own, through the real path (`archiver run` against the
stand-in, real Chromium, real files): every capture a WACZ that `wacz validate`
accepts, whose index points at its records and whose records hold what was served;
every photo at its original size and every video at its best MP4."""

import base64
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver import evidence
from archiver.ledger import FetchLedger
from archiver.store import Store
from standin import Media, StandIn, Tweet
from standin.render import mp4, photo

LIVE = "1800000000000000010"  # a photo (with alt text), a video and a GIF
GONE = "1800000000000000011"  # deleted
HOSTILE = "1800000000000000012"  # its photo redirects to a loopback name, its video is HTML
WACZ_BIN = Path(sys.executable).parent / "wacz"


def clean_env(extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    env.update(extra)
    return env


def archiver(folder, *args, env, cwd):
    return subprocess.run([sys.executable, "-m", "archiver.cli", "--archive", str(folder), *args],
                          cwd=cwd, env=clean_env(env), capture_output=True, text=True, timeout=300)


def blockquote(tweet_id, handle):
    return (f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Words</p>&mdash; Someone'
            f' (@{handle}) <a href="https://twitter.com/{handle}/status/{tweet_id}">January 6,'
            " 2024</a></blockquote>")


def write_article(path, *tweets):
    path.write_text("<html><head><title>A story</title></head><body><p>Prose.</p>"
                    + "".join(blockquote(t.id, t.handle) for t in tweets) + "</body></html>")
    return path


@pytest.fixture(scope="module")
def captured(tmp_path_factory):
    """One `archiver run` over a live post with media, a deleted one and one whose media
    answer with hostile answers."""
    work = tmp_path_factory.mktemp("evidence")
    with StandIn(embed_render_delay=0.1) as standin:
        live = standin.add_tweet(Tweet(LIVE, handle="reporter", name="A Reporter",
                                       text="The square at dawn, and the crowd by noon.",
                                       media=[Media(alt="the square", width=1200, height=800),
                                              Media(type="video", color="#aa2222"),
                                              Media(type="animated_gif", color="#22aa22")]))
        gone = standin.add_tweet(Tweet(GONE, handle="someone", behaviour="deleted"))
        hostile = standin.add_tweet(Tweet(HOSTILE, handle="hostile", text="Look at this.",
                                          media=[Media(answer="redirect_private"),
                                                 Media(type="video", answer="wrong_type")]))
        article = write_article(work / "story.html", live, gone, hostile)
        env = {**standin.env(), "ARCHIVER_TIMEOUT": "4"}
        proc = archiver(work / "archive", "run", str(article), env=env, cwd=work)
        yield {"folder": work / "archive", "proc": proc, "standin": standin,
               "requests": standin.requests, "env": env, "work": work, "article": article}


def db(folder):
    conn = sqlite3.connect(folder / "archive.db")
    conn.row_factory = sqlite3.Row
    return conn


def files(folder, post_id, kind=None):
    sql = ("SELECT s.* FROM snapshots s JOIN posts p ON p.pk = s.post_pk WHERE p.id = ?"
           + (" AND s.kind = ?" if kind else "") + " ORDER BY s.id")
    return [dict(r) for r in db(folder).execute(sql, (post_id, kind) if kind else (post_id,))]


def warc_bytes(wacz_path):
    with zipfile.ZipFile(wacz_path) as wacz:
        return wacz.read("archive/data.warc.gz")


def records(data):
    """(headers, http status line, payload) of every record, digests checked as read."""
    out = []
    for record in ArchiveIterator(io.BytesIO(data), check_digests="raise"):
        payload = record.raw_stream.read()
        out.append((record.rec_headers, record.http_headers, payload))
    return out


def sha1_b32(data):
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def test_the_run_archives_the_posts_and_records_the_hostile_media_as_failures(captured):
    proc, folder = captured["proc"], captured["folder"]
    assert proc.returncode == 1, proc.stdout + proc.stderr  # failures recorded: media ones
    statuses = dict(db(folder).execute("SELECT id, status FROM posts"))
    assert statuses == {LIVE: "archived", GONE: "deleted", HOSTILE: "archived"}
    failures = db(folder).execute(
        "SELECT f.position, f.media_type, f.reason FROM media_failures f JOIN posts p"
        " ON p.pk = f.post_pk WHERE p.id = ? ORDER BY position", (HOSTILE,)).fetchall()
    assert [(p, t) for p, t, _ in failures] == [(1, "photo"), (2, "video")]
    assert "refused localhost" in failures[0][2] and "non-public" in failures[0][2]
    assert failures[1][2] == "answered text/html, not a video"
    assert not [r for r in captured["requests"] if r.headers.get("Host", "").startswith(
        "localhost")], "the guard let a request reach a loopback name"
    manifest = json.loads((folder / evidence.folder_of(files(folder, HOSTILE)[0]["path"])
                           / "manifest.json").read_text())
    assert [f["reason"] for f in manifest["failures"]] == [r for _, _, r in failures]
    assert not list(folder.rglob("*.part")) and not list(folder.rglob("*.partial"))
    assert "Media files: 2 failed, 3 kept" in proc.stdout


def test_the_photo_kept_is_the_original_and_the_video_the_highest_bitrate_mp4(captured):
    folder, standin = captured["folder"], captured["standin"]
    media = files(folder, LIVE, "media")
    names = [m["path"].rsplit("/", 2)[-2:] for m in media]
    assert names == [["media", f"01-{LIVE}_0.png"], ["media", f"02-{LIVE}_1.mp4"],
                     ["media", f"03-{LIVE}_2.mp4"]]
    kept = [(folder / m["path"]).read_bytes() for m in media]
    original = photo("#3b7dd8", 1200, 800, "orig")
    assert kept[0] == original
    assert kept[0] not in (photo("#3b7dd8", 1200, 800, None), photo("#3b7dd8", 1200, 800,
                                                                    "small"))
    assert kept[1] == mp4("2176000")  # listed second, after a lower one and the playlist
    assert kept[2] == mp4("gif")
    for m, data in zip(media, kept, strict=True):
        assert m["sha256"] == hashlib.sha256(data).hexdigest() and m["size"] == len(data)
        assert m["http_status"] == 200
    asked = [r.path for r in captured["requests"] if f"/media/{LIVE}_" in r.path]
    assert not [p for p in asked if ".m3u8" in p or "bitrate=832000" in p
                or "bitrate=256000" in p]
    assert sum(1 for p in asked if "name=orig" in p) == 1
    assert standin.tweet(LIVE).media[0].alt == "the square"


def test_every_wacz_validates_with_wacz_validate(captured):
    folder = captured["folder"]
    waczs = [folder / f["path"] for post in (LIVE, GONE, HOSTILE)
             for f in files(folder, post, "wacz")]
    assert len(waczs) == 3
    procs = [subprocess.Popen([str(WACZ_BIN), "validate", "-f", str(w)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for w in waczs]
    for proc in procs:
        out = proc.communicate(timeout=120)[0]
        assert proc.returncode == 0 and "the passed WACZ is valid" in out, out
    with zipfile.ZipFile(waczs[0]) as wacz:
        assert sorted(wacz.namelist()) == [
            "archive/data.warc.gz", "datapackage-digest.json", "datapackage.json",
            "indexes/index.cdxj", "pages/pages.jsonl"]
        assert wacz.getinfo("archive/data.warc.gz").compress_type == zipfile.ZIP_STORED
        pages = [json.loads(line) for line in wacz.read("pages/pages.jsonl").splitlines()]
        package = json.loads(wacz.read("datapackage.json"))
    assert pages[1]["url"].endswith(f"/embed/Tweet.html?id={LIVE}") and pages[1]["title"]
    assert package["mainPageURL"] == pages[1]["url"]
    assert {r["path"] for r in package["resources"]} == {
        "archive/data.warc.gz", "indexes/index.cdxj", "pages/pages.jsonl"}


def test_the_index_points_at_the_records_and_the_warc_holds_every_exchange(captured):
    folder, standin = captured["folder"], captured["standin"]
    wacz_path = folder / files(folder, LIVE, "wacz")[0]["path"]
    data = warc_bytes(wacz_path)
    with zipfile.ZipFile(wacz_path) as wacz:
        index = [line.split(" ", 2) for line in wacz.read("indexes/index.cdxj").decode()
                 .splitlines()]
    assert index
    for _key, _ts, fields in index:
        fields = json.loads(fields)
        start, length = int(fields["offset"]), int(fields["length"])
        ((headers, _http, payload),) = records(data[start:start + length])
        assert headers.get_header("WARC-Target-URI") == fields["url"]
        assert headers.get_header("WARC-Payload-Digest") == fields["digest"] == sha1_b32(payload)
    every = records(data)
    responses = {h.get_header("WARC-Target-URI"): (h, http, body) for h, http, body in every
                 if h.get_header("WARC-Type") == "response"}
    requests = {h.get_header("WARC-Concurrent-To") for h, _, _ in every
                if h.get_header("WARC-Type") == "request"}
    assert {h.get_header("WARC-Record-ID") for h, _, _ in responses.values()} <= requests
    # Every exchange the stand-in saw for this post is in its WARC.
    seen = {standin.url + r.path for r in captured["requests"] if LIVE in r.path}
    assert seen and seen <= set(responses), seen - set(responses)
    syndication = next(v for k, v in responses.items() if "/tweet-result?" in k)
    assert "The square at dawn, and the crowd by noon." in json.loads(syndication[2])["text"]
    assert syndication[1].get_statuscode() == "200"
    assert syndication[1].get_header("Content-Length") == str(len(syndication[2]))
    video = next(v for k, v in responses.items() if "bitrate=2176000" in k)
    assert video[2] == mp4("2176000")
    shots = [(h, body) for h, _, body in every if h.get_header("WARC-Type") == "resource"]
    assert [h.get_header("Content-Type") for h, _ in shots] == ["image/png"]
    assert shots[0][1] == (folder / files(folder, LIVE, "png")[0]["path"]).read_bytes()


def test_a_deleted_post_keeps_its_answers_also_as_a_wacz_and_no_media_is_asked(captured):
    folder = captured["folder"]
    kinds = sorted(f["kind"] for f in files(folder, GONE))
    assert kinds == ["oembed", "syndication", "wacz"]
    data = warc_bytes(folder / files(folder, GONE, "wacz")[0]["path"])
    statuses = {h.get_header("WARC-Target-URI").split("?")[0].rsplit("/", 1)[-1]:
                http.get_statuscode() for h, http, _ in records(data) if http
                and h.get_header("WARC-Type") == "response"}
    assert statuses == {"tweet-result": "404", "oembed": "404"}
    assert not [r for r in captured["requests"] if f"/media/{GONE}" in r.path]


def test_lookup_lists_the_wacz_and_media_and_show_and_verify_agree(captured, tmp_path):
    folder, env, work = captured["folder"], captured["env"], captured["work"]
    found = archiver(folder, "lookup", "@reporter", "--json", env=env, cwd=work)
    snapshots = json.loads(found.stdout)[0]["snapshots"]
    kinds = [s["kind"] for s in snapshots]
    assert kinds.count("media") == 3 and kinds.count("wacz") == 1
    assert all(s["sha256"] and s["size"] for s in snapshots)
    assert {s["http_status"] for s in snapshots if s["kind"] == "media"} == {200}
    shown = archiver(folder, "show", LIVE, env=env, cwd=work)
    assert shown.returncode == 0 and "capture.wacz" in shown.stdout
    assert f"media/02-{LIVE}_1.mp4" in shown.stdout
    hostile = archiver(folder, "show", f"twitter:{HOSTILE}", env=env, cwd=work)
    assert "not kept: answered text/html, not a video" in hostile.stdout
    assert archiver(folder, "show", "1", env=env, cwd=work).returncode == 1

    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    ok = archiver(copy, "verify", env=env, cwd=work)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "3 WACZ validated: every file as recorded" in ok.stdout
    video = copy / files(copy, LIVE, "media")[1]["path"]
    video.write_bytes(video.read_bytes()[:-1] + b"!")
    (copy / files(copy, GONE, "oembed")[0]["path"]).unlink()
    bad = archiver(copy, "verify", "--json", env=env, cwd=work)
    assert bad.returncode == 1
    problems = {(p["problem"], p["path"].rsplit("/", 1)[-1]) for p in json.loads(bad.stdout)}
    assert "2 problems" in bad.stderr
    assert problems == {("changed", f"02-{LIVE}_1.mp4"), ("missing", "oembed.json")}
    one = archiver(copy, "verify", LIVE, env=env, cwd=work)
    assert one.returncode == 1 and ": 1 problem." in one.stdout


def test_a_second_run_downloads_nothing_and_a_recheck_of_an_edit_captures_its_media(
        tmp_path):
    with StandIn(embed_render_delay=0.1) as standin:
        tweet = standin.add_tweet(Tweet("1800000000000000020", handle="editor", text="First.",
                                        media=[Media()]))
        article = write_article(tmp_path / "a.html", tweet)
        env = {**standin.env(), "ARCHIVER_TIMEOUT": "4"}
        folder = tmp_path / "archive"
        assert archiver(folder, "run", str(article), env=env, cwd=tmp_path).returncode == 0
        standin.reset_log()
        assert archiver(folder, "run", str(article), env=env, cwd=tmp_path).returncode == 0
        assert not [r for r in standin.requests if r.path.startswith(("/media", "/embed"))]
        assert len(files(folder, tweet.id, "wacz")) == 1

        standin.set_behaviour(tweet.id, "ok", text="Second, with a new photo.",
                              media=[Media(code="n3wph0t0", color="#00ff00", width=900,
                                           height=900)])
        again = archiver(folder, "recheck", "--days", "0", env=env, cwd=tmp_path)
        assert again.returncode == 0, again.stdout + again.stderr
        media = files(folder, tweet.id, "media")
        assert len(media) == 2 and len(files(folder, tweet.id, "wacz")) == 2
        assert (folder / media[1]["path"]).read_bytes() == photo("#00ff00", 900, 900, "orig")
        assert evidence.folder_of(media[0]["path"]) != evidence.folder_of(media[1]["path"])


def test_upgrade_captures_gives_old_captures_a_wacz_and_media_without_touching_them(
        tmp_path):
    with StandIn(embed_render_delay=0.1) as standin:
        live = standin.add_tweet(Tweet("1800000000000000030", handle="old", text="Old capture.",
                                       media=[Media(type="video")]))
        gone = standin.add_tweet(Tweet("1800000000000000031", handle="older", text="Gone now."))
        article = write_article(tmp_path / "a.html", live, gone)
        env = {**standin.env(), "ARCHIVER_TIMEOUT": "4"}
        folder = tmp_path / "archive"
        assert archiver(folder, "scan", str(article), env=env, cwd=tmp_path).returncode == 0
        # Captures as archiver made them before: the answers and a screenshot, no WACZ.
        store = Store(folder)
        ledger = FetchLedger(store)
        for tweet in (live, gone):
            pk = store.conn.execute("SELECT pk FROM posts WHERE id = ?", (tweet.id,)).fetchone()[0]
            written = evidence.write_capture(folder, "twitter", tweet.id, "20240101T000000Z",
                                             "2024-01-01T00:00:00Z", [
                evidence.Piece("screenshot.png", "png", b"\x89PNG old", "http://x/e", 200),
                evidence.Piece("syndication.json", "syndication", b"{}", "http://x/s", 200)])
            ledger.save_outcome(pk, "archived", "syndication: found", "2024-01-01T00:00:00Z",
                                files=written)
        store.close()
        old = {p: p.read_bytes() for p in (folder / "snapshots").rglob("*") if p.is_file()}
        standin.set_behaviour(gone.id, "deleted")

        proc = archiver(folder, "upgrade-captures", env=env, cwd=tmp_path)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Captures upgraded: 1 gone, 1 upgraded" in proc.stdout
        assert {p: p.read_bytes() for p in old} == old  # the old files, byte for byte
        kinds = sorted(f["kind"] for f in files(folder, live.id))
        assert kinds.count("wacz") == 1 and kinds.count("media") == 1 and kinds.count("png") == 2
        assert (folder / files(folder, live.id, "media")[0]["path"]).read_bytes() == mp4(
            "2176000")
        status = dict(db(folder).execute("SELECT id, status FROM posts"))
        assert status == {live.id: "archived", gone.id: "deleted"}
        standin.reset_log()
        assert archiver(folder, "upgrade-captures", env=env, cwd=tmp_path).returncode == 0
        assert not [r for r in standin.requests if r.path.startswith(("/media", "/embed"))]
