"""A capture's browser reaches no address the fetcher may not: through the real
command and real Chromium, an embed page tries every way a page has to reach a
machine inside the network (a Witness on 127.0.0.2), and none gets there."""

import json
import sqlite3

import pytest

from standin import SECRET, StandIn, Tweet, Witness


@pytest.fixture
def standin():
    with StandIn(embed_render_delay=0.2) as s:
        yield s


@pytest.fixture
def inside():
    with Witness() as witness:
        yield witness


def blockquote(tweet_id, handle):
    return (
        f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Words</p>&mdash; Someone '
        f'(@{handle}) <a href="https://twitter.com/{handle}/status/{tweet_id}">'
        "March 1, 2026</a></blockquote>"
    )


def every_way_out(inside, standin):
    """Markup and script reaching for the inside machine, directly, through a
    trusted host's redirect and through WebRTC (from a fresh iframe too), plus
    popups (one to a trusted host) and, once the card is up, a navigation of the
    page itself."""
    w, ws = inside.url, inside.url.replace("http://", "ws://")
    host = w.removeprefix("http://")
    return f"""
<img src="{w}/img"><img src="{standin.url}/tco/ToInside1">
<link rel="stylesheet" href="{w}/css"><link rel="prefetch" href="{w}/prefetch">
<video src="{w}/video"></video><object data="{w}/object"></object>
<iframe src="{w}/iframe"></iframe>
<script>
fetch("{w}/fetch").catch(() => {{}});
var xhr = new XMLHttpRequest(); xhr.open("GET", "{w}/xhr"); xhr.send();
navigator.sendBeacon("{w}/beacon", "x");
new EventSource("{w}/events");
try {{ new WebSocket("{ws}/socket"); }} catch (e) {{}}
try {{
  var frame = document.createElement("iframe"); document.body.appendChild(frame);
  var Peer = window.RTCPeerConnection || frame.contentWindow.RTCPeerConnection;
  var peer = new Peer({{iceServers: [{{urls: "turn:{host}?transport=tcp", username: "u",
                                      credential: "c"}}, {{urls: "stun:{host}"}}]}});
  peer.createDataChannel("x"); peer.createOffer().then(o => peer.setLocalDescription(o));
}} catch (e) {{}}
window.open("{w}/popup");
window.open("{standin.url}/articles/popup");
new MutationObserver(() => {{
  if (document.querySelector("article")) setTimeout(() => location.href = "{w}/away", 50);
}}).observe(document.body, {{childList: true, subtree: true}});
</script>"""


def run_posts(run, tmp_path, standin, *tweets):
    for tweet in tweets:
        standin.add_tweet(tweet)
    article = tmp_path / "a.html"
    article.write_text("".join(blockquote(t.id, t.handle) for t in tweets))
    env = {**standin.env(), "ARCHIVER_TIMEOUT": "3", "ARCHIVER_CONCURRENCY": "2"}
    return run("run", str(article), env=env)


def posts(archive):
    conn = sqlite3.connect(archive / "archive.db")
    return {r[0]: (r[1], r[2]) for r in conn.execute("SELECT id, status, status_reason FROM posts")}


def test_an_embed_page_reaches_no_internal_address_and_is_still_captured(
        run, archive, standin, inside, tmp_path):
    standin.add_link("ToInside1", f"{inside.url}/via-redirect")
    standin.add_article("popup", "<html><title>Popup</title></html>")
    proc = run_posts(run, tmp_path, standin,
                     Tweet("1870000000000000001", handle="prober", text="A probing page",
                           embed_extra=every_way_out(inside, standin)),
                     Tweet("1870000000000000002", handle="plain", text="A plain page"))
    assert inside.connections == 0 and inside.paths == []
    assert standin.count("/articles/popup") == 0  # a popup loads nothing, even from trusted hosts
    got = posts(archive)
    assert got["1870000000000000001"][0] == "archived", got  # the page stayed where it was
    assert got["1870000000000000002"][0] == "archived", got
    assert proc.returncode == 0, proc.stderr_text
    log = next((archive / "logs").glob("*.jsonl")).read_text().splitlines()
    blocked = [json.loads(line) for line in log if '"blocked"' in line]
    assert blocked and blocked[0]["count"] >= 10
    assert any("navigating away" in r for r in blocked[0]["requests"])


def test_a_page_that_goes_to_an_internal_address_at_once_leaks_nothing(
        run, archive, standin, inside, tmp_path):
    leave = f"<script>location.href = '{inside.url}/console'</script>"
    proc = run_posts(run, tmp_path, standin,
                     Tweet("1870000000000000003", handle="leaver", text="x", embed_extra=leave))
    assert inside.connections == 0
    status, reason = posts(archive)["1870000000000000003"]
    assert status == "failed" and SECRET not in reason and "INTERNAL" not in reason
    assert SECRET not in proc.stdout_text + proc.stderr_text


def test_a_page_s_own_words_in_a_reason_are_short_and_escaped(run, archive, standin, tmp_path):
    shouting = ("<script>document.body.textContent = "
                "'\\u202eevil\\u0007 \\u001b[31mred ' + 'words '.repeat(500)</script>")
    run_posts(run, tmp_path, standin,
              Tweet("1870000000000000004", handle="loud", text="x", embed_extra=shouting))
    status, reason = posts(archive)["1870000000000000004"]
    assert status == "failed" and "did not render" in reason
    assert len(reason) < 250
    assert not any(c in reason for c in "\u202e\u0007\u001b")
    assert "\\u202eevil\\x07" in reason
