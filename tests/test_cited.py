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


def test_a_short_link_in_the_prose_that_leads_to_a_post_makes_it_cited(run, archive, tmp_path):
    with StandIn(embed_render_delay=0.1) as standin:
        standin.add_tweet(Tweet(EMBEDDED, handle="someone", text="Embedded words"))
        standin.add_tweet(Tweet(CITED, handle="other", text="Cited words"))
        standin.add_link("Prose12345", f"https://twitter.com/other/status/{CITED}")
        standin.add_link("Elsewhere1", "/articles/elsewhere")
        standin.add_link("InPost1234", f"https://x.com/other/status/{CITED}")
        page = tmp_path / "story.html"
        page.write_text(
            "<html><body><article><p>As she said (https://t.co/Prose12345), the bridge "
            "stays shut; more at https://t.co/Elsewhere1.</p>"
            '<blockquote class="twitter-tweet"><p>Embedded words https://t.co/InPost1234</p>'
            f'&mdash; Someone (@someone) <a href="https://twitter.com/someone/status/{EMBEDDED}">'
            "March 1, 2026</a></blockquote></article></body></html>")
        proc = run("run", str(page), env={**standin.env(), "ARCHIVER_TIMEOUT": "5"})
        assert proc.returncode == 0, proc.stderr_text
    conn = sqlite3.connect(archive / "archive.db")
    rows = dict(conn.execute(
        "SELECT p.id, ap.role || ' ' || p.status FROM posts p"
        " JOIN article_posts ap ON ap.post_pk = p.pk"))
    # The embedded post's own link leads to the same post: a quote, which the prose's
    # link then makes cited by the article as well; the link to a page is no post.
    assert rows == {EMBEDDED: "embedded archived", CITED: "cited archived"}
    found = {p["id"]: p for p in run("lookup", "other", "--json", check_json=True).json}
    assert found[CITED]["cited_in"] == [str(page)]
    # A second run learns nothing new and records nothing twice.
    again = run("fetch")
    assert again.returncode == 0, again.stderr_text
    assert conn.execute("SELECT count(*) FROM article_posts").fetchone()[0] == 2
