"""`archiver refresh`: posts archived from oEmbed alone get media and exact times
once syndication answers for them, through the real command and the stand-in."""

import json
import sqlite3

from standin import Media, StandIn, Tweet

POST = "1800000000000000301"


def test_a_post_archived_from_oembed_alone_is_filled_in_once_syndication_answers(
        run, archive, tmp_path):
    with StandIn(embed_render_delay=0.1) as standin:
        standin.add_tweet(Tweet(POST, handle="someone", text="Live words", behaviour="tombstone",
                                created_at="2026-03-01T10:11:12.000Z",
                                media=[Media(type="photo")]))
        page = tmp_path / "a.html"
        page.write_text(
            '<html><body><blockquote class="twitter-tweet"><p>Live words</p>&mdash; Someone'
            f' (@someone) <a href="https://twitter.com/someone/status/{POST}">March 1, 2026'
            "</a></blockquote></body></html>")
        env = {**standin.env(), "ARCHIVER_TIMEOUT": "5"}
        assert run("run", str(page), env=env).returncode == 0
        conn = sqlite3.connect(archive / "archive.db")
        conn.row_factory = sqlite3.Row
        before = conn.execute("SELECT * FROM posts").fetchone()
        assert (before["status"], before["live_source"], before["media"]) == (
            "archived", "oembed", None)

        still = run("refresh", env=env)
        assert still.returncode == 0, still.stderr_text
        assert "1 withheld" in still.stdout_text
        assert conn.execute("SELECT live_source FROM posts").fetchone()[0] == "oembed"

        standin.set_behaviour(POST, "ok")
        standin.reset_log()
        done = run("refresh", env=env)
        assert done.returncode == 0, done.stderr_text
        assert "1 filled" in done.stdout_text
        after = conn.execute("SELECT * FROM posts").fetchone()
        assert after["live_source"] == "syndication"
        assert after["created_at"] == "2026-03-01T10:11:12.000Z"
        assert json.loads(after["media"])[0]["type"] == "photo"
        assert after["live_text"] == before["live_text"]  # a new look is a recheck's
        assert standin.count("/embed") == 0  # nothing captured again
        assert conn.execute("SELECT refreshed FROM runs ORDER BY id DESC").fetchone()[0] == 1

        standin.reset_log()
        assert run("refresh", env=env).returncode == 0
        assert standin.count("/tweet-result") == 0  # nothing left to refresh
