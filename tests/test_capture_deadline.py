"""A capture has a deadline kept outside the page: an embed page whose script never
yields (before or after the card renders) fails that post with "timed out", and the
run goes on to the others, through the real command and real Chromium."""

import sqlite3
import time

import pytest

from standin import StandIn, Tweet

BUSY_ON_LOAD = "<script>onload = () => { while (true) {} }</script>"
# The card is built, then the script never yields: Playwright's own waits run in
# the page and never fire again, so only a deadline kept outside the page ends it.
BUSY_AFTER_RENDER = """<script>
new MutationObserver(() => {
  if (document.querySelector('article')) { while (true) {} }
}).observe(document.body, {childList: true, subtree: true});
</script>"""


@pytest.fixture
def standin():
    with StandIn(embed_render_delay=0.2) as s:
        yield s


def blockquote(tweet_id, handle):
    return (
        f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Words</p>&mdash; Someone '
        f'(@{handle}) <a href="https://twitter.com/{handle}/status/{tweet_id}">'
        "March 1, 2026</a></blockquote>"
    )


@pytest.mark.parametrize("hostile", [BUSY_ON_LOAD, BUSY_AFTER_RENDER],
                         ids=["busy-on-load", "busy-after-render"])
def test_an_embed_page_that_never_yields_fails_that_post_and_the_run_goes_on(
        run, archive, standin, tmp_path, hostile):
    standin.add_tweet(Tweet("1850000000000000001", handle="busy", text="Looping page",
                            embed_extra=hostile))
    standin.add_tweet(Tweet("1850000000000000002", handle="calm", text="A normal page"))
    standin.add_tweet(Tweet("1850000000000000003", handle="later", text="After the loop"))
    article = tmp_path / "a.html"
    article.write_text("<html><body>" + blockquote("1850000000000000001", "busy")
                       + blockquote("1850000000000000002", "calm")
                       + blockquote("1850000000000000003", "later") + "</body></html>")
    env = {**standin.env(), "ARCHIVER_TIMEOUT": "2", "ARCHIVER_CONCURRENCY": "1"}
    started = time.time()
    proc = run("run", str(article), env=env)
    elapsed = time.time() - started
    assert proc.returncode == 1, proc.stderr_text
    assert elapsed < 90, f"the run took {elapsed:.0f} s"
    rows = {r[0]: r[1:] for r in sqlite3.connect(archive / "archive.db").execute(
        "SELECT id, status, status_reason FROM posts")}
    assert rows["1850000000000000002"][0] == "archived"
    # With one page at a time, the post after the busy one proves the browser
    # was usable again (or started anew) after the stuck page.
    assert rows["1850000000000000003"][0] == "archived"
    status, reason = rows["1850000000000000001"]
    assert status == "failed"
    assert "timed out" in reason
    assert "Traceback" not in proc.stderr_text
