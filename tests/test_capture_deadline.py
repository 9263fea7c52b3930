"""A capture has a deadline kept outside the page: an embed page whose script never
yields (before or after the card renders) fails that post with "timed out", and the
run goes on to the others, through the real command and real Chromium. A browser
that dies is replaced."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

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


def browsers_under(pid: int) -> list[int]:
    """Chromium's main processes among pid's descendants (Playwright talks to them
    over a pipe; a wrapper script may sit between)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            todo.append(child)
            try:
                cmdline = (Path("/proc") / str(child) / "cmdline").read_bytes()
            except OSError:
                continue
            if b"--remote-debugging-pipe" in cmdline and b"--type=" not in cmdline:
                found.append(child)
    return found


def test_a_browser_that_dies_mid_run_is_replaced_and_the_rest_are_captured(
        archive, standin, tmp_path):
    standin.embed_render_delay = 0.6
    ids = [str(1850000000000000100 + i) for i in range(5)]
    for i in ids:
        standin.add_tweet(Tweet(i, handle=f"crash{i[-1]}", text=f"Words of {i}"))
    article = tmp_path / "a.html"
    article.write_text("".join(blockquote(i, f"crash{i[-1]}") for i in ids))
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    env.update({**standin.env(), "ARCHIVER_TIMEOUT": "3", "ARCHIVER_CONCURRENCY": "1"})
    proc = subprocess.Popen([sys.executable, "-m", "archiver.cli", "--archive", str(archive),
                             "run", str(article)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    killed = []
    deadline = time.time() + 60
    while not killed and time.time() < deadline and proc.poll() is None:
        if standin.count("/embed/Tweet.html") >= 2:  # the second capture is under way
            for pid in browsers_under(proc.pid):
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
        time.sleep(0.05)
    _out, err = proc.communicate(timeout=120)
    assert killed, "no browser found to kill"
    assert b"Traceback" not in err and b"never retrieved" not in err, err.decode()
    rows = dict(sqlite3.connect(archive / "archive.db").execute("SELECT id, status FROM posts"))
    # The page open when the browser died may fail (it is due again next run);
    # every post after it gets a new browser.
    assert [rows[i] for i in ids[2:]] == ["archived"] * 3, rows
    assert sum(status == "archived" for status in rows.values()) >= 4, rows
