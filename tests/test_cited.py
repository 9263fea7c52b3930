"""Posts an article cites (links to in its prose) are kept like embeds, with their role,
through the real command and the stand-in."""

import sqlite3

from standin import StandIn, Tweet

EMBEDDED = "1800000000000000401"
CITED = "1800000000000000402"


def test_a_cited_post_is_fetched_captured_and_shown_with_its_role(run, archive, tmp_path):
    with StandIn(embed_render_delay=0.1) as standin:
        standin.add_tweet(Tweet(EMBEDDED, handle="someone", text="Embedded words"))
        standin.add_tweet(Tweet(CITED, handle="someone", text="Cited words"))
        page = tmp_path / "story.html"
        page.write_text(
            "<html><body><article><p>As <a href=\"https://twitter.com/someone/status/"
            f"{CITED}\">she wrote on Tuesday</a>, the bridge stays shut.</p>"
            '<blockquote class="twitter-tweet"><p>Embedded words</p>&mdash; Someone '
            f'(@someone) <a href="https://twitter.com/someone/status/{EMBEDDED}">March 1, '
            "2026</a></blockquote>"
            f'<p><a href="https://twitter.com/intent/retweet?tweet_id={CITED}">Share</a></p>'
            "</article></body></html>")
        scanned = run("scan", str(page), "--json", check_json=True).json[0]
        assert [e["id"] for e in scanned["embeds"]] == [EMBEDDED]
        assert [c["id"] for c in scanned["cited"]] == [CITED]
        proc = run("fetch", env={**standin.env(), "ARCHIVER_TIMEOUT": "5"})
        assert proc.returncode == 0, proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    rows = dict(conn.execute(
        "SELECT p.id, ap.role || ' ' || p.status FROM posts p"
        " JOIN article_posts ap ON ap.post_pk = p.pk"))
    assert rows == {EMBEDDED: "embedded archived", CITED: "cited archived"}
    assert conn.execute("SELECT count(DISTINCT post_pk) FROM snapshots").fetchone()[0] == 2
    found = {p["id"]: p for p in run("lookup", "someone", "--json", check_json=True).json}
    assert found[CITED]["cited_in"] == [str(page)] and found[CITED]["articles"] == []
    assert found[EMBEDDED]["articles"] == [str(page)] and found[EMBEDDED]["cited_in"] == []
    assert f"cited in: {page}" in run("lookup", "someone").stdout_text
