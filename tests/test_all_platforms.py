"""One liveblog embedding a post of each of the ten platforms, and citing three more
in its prose, archived end to end: the real `archiver run`, the ten stand-ins on
127.0.0.1, Chromium, SQLite and Datasette. Then the same liveblog with every
platform answering a failure of its own."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import string
import subprocess
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path

import pytest

from archiver import platforms
from standin import Media, StandIn, Tweet
from standin.bluesky import BlueskyStandIn
from standin.facebook import FacebookStandIn, FbPost
from standin.instagram import InstagramStandIn, Post
from standin.mastodon import MastodonStandIn
from standin.reddit import RedditPost, RedditStandIn
from standin.telegram import Message, TelegramStandIn
from standin.threads import ThreadsStandIn
from standin.tiktok import TikTokPost, TikTokStandIn
from standin.youtube import Video, YouTubeStandIn

LIVEBLOG = Path(__file__).parent / "fixtures" / "all_platforms" / "liveblog.html"

# The platforms in the order the liveblog embeds them.
ORDER = ["twitter", "bluesky", "youtube", "instagram", "mastodon", "tiktok", "reddit",
         "threads", "facebook", "telegram"]
DID = "did:plc:vjug55kidv6sye7ykr5faxxn"
ACCOUNTS = dict(twitter_handle="HarbourCityDesk", bluesky_did=DID,
                bluesky_handle="transport.harborcity.gov", mastodon_host="mastodon.social",
                mastodon_user="sandbagcrew", tiktok_handle="riverdancer", reddit_sub="HarbourCity",
                threads_user="harbourcitymayor", facebook_page="cityhall",
                telegram_channel="RiverAuthority")
# Each variant's posts, by the liveblog's placeholders: two articles, one network.
LIVE = dict(ACCOUNTS, twitter_id="1877700000000000001", cited_tweet_id="1877600000000000002",
            bluesky_rkey="3lfhmtr5ukc2a", youtube_id="Xw1yQ8dL2aA", cited_youtube_id="Yq2wR7eM3bB",
            instagram_code="DEk4mQpSx1a", mastodon_id="113805114250504687",
            tiktok_id="7457000000000000001", reddit_id="1hy2k3m", threads_code="DEm7NpQrS2b",
            facebook_post="10150000000000001", telegram_id="1207", cited_telegram_id="1199")
FAILING = dict(ACCOUNTS, twitter_id="1877700000000000011", cited_tweet_id="1877600000000000012",
               bluesky_rkey="3lfhmtr5ukc3a", youtube_id="Xw1yQ8dL2a1",
               cited_youtube_id="Yq2wR7eM3b1", instagram_code="DEk4mQpSx11",
               mastodon_user="floodcrew", mastodon_id="113805114250504611",
               tiktok_id="7457000000000000011",
               reddit_id="1hy2k31", threads_code="DEm7NpQrS21", facebook_post="10150000000000011",
               telegram_id="1217", cited_telegram_id="1219")


def embedded(ids: dict) -> list[tuple[str, str]]:
    """(platform, id) of the liveblog's embeds, in document order."""
    return [
        ("twitter", ids["twitter_id"]),
        ("bluesky", f"{DID}/{ids['bluesky_rkey']}"),
        ("youtube", ids["youtube_id"]),
        ("instagram", ids["instagram_code"]),
        ("mastodon", f"mastodon.social/{ids['mastodon_id']}"),
        ("tiktok", ids["tiktok_id"]),
        ("reddit", ids["reddit_id"]),
        ("threads", ids["threads_code"]),
        ("facebook", f"cityhall/{ids['facebook_post']}"),
        ("telegram", f"riverauthority/{ids['telegram_id']}"),
    ]


def cited(ids: dict) -> set[tuple[str, str]]:
    return {("twitter", ids["cited_tweet_id"]), ("youtube", ids["cited_youtube_id"]),
            ("telegram", f"riverauthority/{ids['cited_telegram_id']}")}


# What each platform's capture keeps of its data answers, beside the page.
RAW = {
    "twitter": {"syndication.json", "oembed.json"},
    "bluesky": {"getPostThread.json", "getProfile.json", "did.json"},
    "youtube": {"watch.html", "oembed.json"},
    "instagram": {"embed.html", "oembed.json"},
    "mastodon": {"status.json", "account.json", "account.rss"},
    "tiktok": {"web_page.html", "oembed.json"},
    "reddit": {"listing.json", "oembed.json"},
    "threads": {"oembed.json"},
    "facebook": {"oembed.json", "plugin.html"},
    "telegram": {"widget.html", "channel.html"},
}
# Words of each live post its captured embed page must show.
SHOWN = {
    "twitter": "Harbour road closed", "bluesky": "No buses on the waterfront",
    "youtube": "Harbour wall gives way", "instagram": "Shelters open",
    "mastodon": "Sandbags at the library", "tiktok": "Paddling to work",
    "reddit": "The underpass this morning", "threads": "The worst since records began",
    "facebook": "All sailings are suspended", "telegram": "Levels have peaked",
}
# `archiver lookup` names an account within its platform: Instagram's and
# Facebook's @cityhall are two accounts.
HANDLES = {
    "twitter": "HarbourCityDesk", "bluesky": "transport.harborcity.gov", "youtube": "harbourcam",
    "instagram": "cityhall", "mastodon": "sandbagcrew@mastodon.social", "tiktok": "riverdancer",
    "reddit": "floodwatcher", "threads": "harbourcitymayor", "facebook": "cityhall",
    "telegram": "RiverAuthority",
}


class Network:
    """The ten stand-ins, started once for the module, holding both variants' posts."""

    def __init__(self, stack: ExitStack):
        self.twitter = stack.enter_context(StandIn(embed_render_delay=0.3))
        self.bluesky = stack.enter_context(BlueskyStandIn())
        self.youtube = stack.enter_context(YouTubeStandIn())
        self.instagram = stack.enter_context(InstagramStandIn())
        self.mastodon = stack.enter_context(MastodonStandIn())
        self.tiktok = stack.enter_context(TikTokStandIn())
        self.reddit = stack.enter_context(RedditStandIn())
        self.threads = stack.enter_context(ThreadsStandIn())
        self.facebook = stack.enter_context(FacebookStandIn())
        self.telegram = stack.enter_context(TelegramStandIn())
        self.env = {"ARCHIVER_TIMEOUT": "5"}
        for name in ORDER:
            self.env.update(getattr(self, name).env())
        self._live(LIVE)
        self._failing(FAILING)

    def _live(self, i: dict) -> None:
        desk = dict(handle=i["twitter_handle"], name="Harbour City Desk")
        self.twitter.add_tweet(Tweet(i["twitter_id"], **desk, media=[Media()], text=(
            "Harbour road closed between the ferry terminal and Quay Street. Avoid the area.")))
        self.twitter.add_tweet(Tweet(i["cited_tweet_id"], **desk,
                                     text="Move your cars off the waterfront tonight."))
        self.bluesky.add_account(DID, i["bluesky_handle"], "Harbor City Transport")
        self.bluesky.add_post(DID, i["bluesky_rkey"], images=["bafkreiaaaaaaaaaa"], text=(
            "No buses on the waterfront today. Routes 4 and 9 run via Hill Street."))
        cam = dict(channel="Harbour Cam", handle="harbourcam")
        self.youtube.add_video(Video(i["youtube_id"], title="Harbour wall gives way at 6am", **cam))
        self.youtube.add_video(Video(i["cited_youtube_id"], title="The harbour at 5am", **cam))
        self.instagram.add_post(Post(i["instagram_code"], caption="Shelters open at the library."))
        self.mastodon.add_account(i["mastodon_host"], i["mastodon_user"], "Sandbag Crew")
        self.mastodon.add_status(i["mastodon_host"], i["mastodon_id"], i["mastodon_user"],
                                 content="<p>Sandbags at the library steps until noon</p>")
        self.tiktok.add_post(TikTokPost(i["tiktok_id"], handle=i["tiktok_handle"],
                                        nickname="River Dancer",
                                        desc="Paddling to work on Bridge Street #flood"))
        self.reddit.add_post(RedditPost(i["reddit_id"], subreddit=i["reddit_sub"],
                                        title="The underpass this morning", author="floodwatcher",
                                        selftext="Water up to the rail."))
        self.threads.add_post(i["threads_code"], i["threads_user"],
                              text="The worst since records began.")
        self.facebook.add_post(FbPost(f"cityhall/{i['facebook_post']}",
                                      text="All sailings are suspended until further notice."))
        self.telegram.add_message(Message(i["telegram_channel"], int(i["telegram_id"]),
                                          text="Levels have peaked at the harbour gauge."))
        self.telegram.add_message(Message(i["telegram_channel"], int(i["cited_telegram_id"]),
                                          text="The old quay will not hold."))

    def _failing(self, i: dict) -> None:
        """One failure per platform; the cited posts are fine. Rate limits are set by
        the test itself (they answer the next request to a route, whatever its post)."""
        desk = dict(handle=i["twitter_handle"], name="Harbour City Desk")
        self.twitter.add_tweet(Tweet(i["twitter_id"], **desk, behaviour="deleted"))
        self.twitter.add_tweet(Tweet(i["cited_tweet_id"], **desk, text="Move your cars."))
        self.bluesky.add_post(DID, i["bluesky_rkey"], text="Buses back on Hill Street.")
        self.youtube.add_video(Video(i["youtube_id"], behaviour="deleted"))
        self.youtube.add_video(Video(i["cited_youtube_id"], title="Dawn", handle="harbourcam"))
        self.instagram.add_post(Post(i["instagram_code"], behaviour="deleted"))
        self.mastodon.add_account(i["mastodon_host"], i["mastodon_user"], state="suspended")
        self.mastodon.add_status(i["mastodon_host"], i["mastodon_id"], i["mastodon_user"])
        self.tiktok.add_post(TikTokPost(i["tiktok_id"], handle=i["tiktok_handle"],
                                        behaviour="private"))
        self.reddit.add_post(RedditPost(i["reddit_id"], subreddit=i["reddit_sub"],
                                        title="Second thread", author="floodwatcher"))
        self.threads.add_post(i["threads_code"], i["threads_user"], state="private")
        self.facebook.add_post(FbPost(f"cityhall/{i['facebook_post']}", text="Ferry back.",
                                      behaviour="rate_limited"))
        self.telegram.add_message(Message(i["telegram_channel"], int(i["telegram_id"]),
                                          behaviour="deleted"))
        self.telegram.add_message(Message(i["telegram_channel"], int(i["cited_telegram_id"]),
                                          text="Gauge readings every hour."))

    def requests(self) -> dict[str, int]:
        return {name: len(getattr(self, name).requests) for name in ORDER}


@pytest.fixture(scope="module")
def network():
    with ExitStack() as stack:
        yield Network(stack)


def liveblog(tmp_path: Path, ids: dict) -> Path:
    path = tmp_path / "liveblog.html"
    path.write_text(string.Template(LIVEBLOG.read_text()).substitute(ids), encoding="utf-8")
    return path


def db(archive: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(archive / "archive.db")
    conn.row_factory = sqlite3.Row
    return conn


def article_posts(conn, role: str) -> list[tuple[str, str]]:
    return [tuple(r) for r in conn.execute(
        "SELECT p.platform, p.id FROM article_posts ap JOIN posts p ON p.pk = ap.post_pk"
        " WHERE ap.role = ? ORDER BY ap.position", (role,))]


def capture(archive: Path, platform: str, post_id: str) -> Path:
    """The post's one capture folder."""
    [folder] = (archive / "snapshots" / platform
                / platforms.get(platform).folder_name(post_id)).iterdir()
    return folder


def files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file() and p.name != "manifest.json"}


def rendered_text(page: Path) -> str:
    """The captured page without its scripts: the embed pages build their post from a
    script that holds its words, so only what the script made counts."""
    return re.sub(r"<script\b.*?</script>", "", page.read_text(encoding="utf-8"), flags=re.S)


def assert_evidence(folder: Path, platform: str, page: bool) -> None:
    names = set(files(folder))
    assert RAW[platform] <= names, f"{folder}: raw answers missing"
    shown = {"screenshot.png", "page.html", "page.mhtml"}
    assert shown <= names if page else not shown & names, f"{folder}: {sorted(names)}"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert {f["name"]: f["sha256"] for f in manifest["files"]} == files(folder)
    with zipfile.ZipFile(folder / "capture.wacz") as wacz:
        assert {"datapackage.json", "pages/pages.jsonl", "archive/data.warc.gz"} <= set(
            wacz.namelist())


def datasette_facet(archive: Path, tmp_path: Path, query: str) -> dict[str, int]:
    """The posts table's platform facet, as `archiver serve`'s metadata configures it."""
    metadata = tmp_path / "metadata.json"
    metadata.write_text(subprocess.run(
        [sys.executable, "-m", "archiver.datasette.metadata"], capture_output=True, text=True,
        check=True, timeout=60).stdout)
    page = subprocess.run(
        [sys.executable, "-m", "datasette", str(archive / "archive.db"), "-m", str(metadata),
         "--get", f"/archive/posts.json?_size=0&{query}"],
        capture_output=True, text=True, timeout=60)
    assert page.returncode == 0, page.stderr
    facet = json.loads(page.stdout)["facet_results"]["platform"]["results"]
    return {r["value"]: r["count"] for r in facet}


def test_a_liveblog_embedding_all_ten_platforms_is_archived_whole(network, run, archive,
                                                                  tmp_path):
    proc = run("run", str(liveblog(tmp_path, LIVE)), env=network.env)
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    assert "Scanned 1 source; 10 embeds" in proc.stdout_text + proc.stderr_text
    conn = db(archive)
    assert article_posts(conn, "embedded") == embedded(LIVE)
    assert set(article_posts(conn, "cited")) == cited(LIVE)
    posts = {(r["platform"], r["id"]): r for r in conn.execute("SELECT * FROM posts")}
    assert set(posts) == set(embedded(LIVE)) | cited(LIVE)
    for key, post in posts.items():
        assert post["status"] == "archived", (key, post["status_reason"])
        platform, post_id = key
        folder = capture(archive, platform, post_id)
        assert_evidence(folder, platform, page=True)
        if key in embedded(LIVE):
            assert SHOWN[platform] in rendered_text(folder / "page.html"), platform

    def lookup(platform):
        return platform, run("lookup", f"{platform}:@{HANDLES[platform]}", "--json",
                             env=network.env, check_json=True)

    with ThreadPoolExecutor(5) as pool:
        for platform, found in pool.map(lookup, ORDER):
            assert found.returncode == 0, found.stderr_text
            assert {r["platform"] for r in found.json} == {platform}
            ids = {r["id"]: r for r in found.json}
            [post_id] = [i for p, i in embedded(LIVE) if p == platform]
            assert ids[post_id]["status"] == "archived"
            folder = capture(archive, platform, post_id).relative_to(archive)
            snapshots = [Path(s["path"]) for s in ids[post_id]["snapshots"]]
            assert snapshots and all(folder in path.parents for path in snapshots)

    assert datasette_facet(archive, tmp_path, "role=embedded") == dict.fromkeys(ORDER, 1)
    assert datasette_facet(archive, tmp_path, "") == {
        **dict.fromkeys(ORDER, 1), "twitter": 2, "youtube": 2, "telegram": 2}


# What each platform's rules make of its failure (the words its reason must hold).
FAILED_AS = {
    "twitter": ("deleted", "syndication: HTTP 404; oEmbed: HTTP 404"),  # both say so
    "bluesky": ("archived", "getPostThread: found"),  # after a 429 once
    "youtube": ("deleted", "removed by the uploader"),  # oEmbed 404, the watch page says why
    "instagram": ("unavailable", "deleted post as it answers a private one"),  # cannot tell
    "mastodon": ("unavailable", "suspended"),  # its account suspended
    "tiktok": ("unavailable", "private post"),
    "reddit": ("archived", "JSON: found"),  # after a 429 once
    "threads": ("unavailable", "refuses deleted, private"),  # cannot tell
    "facebook": ("failed", "(#4) Application request limit reached"),  # still limited
    "telegram": ("deleted", "Post not found"),  # and its channel still public
}


def test_each_platform_answering_a_failure_gets_its_own_status_and_stops_no_other(
        network, run, archive, tmp_path):
    network.bluesky.fault("post_thread", "rate_limited", retry_after=1)
    network.reddit.fault("listing", "rate_limited", retry_after=1)
    # A post failed this run is due at once, for the second run below.
    env = {**network.env, "ARCHIVER_RETRY_BASE_MINUTES": "0.001"}
    proc = run("run", str(liveblog(tmp_path, FAILING)), env=env)
    assert proc.returncode == 1, proc.stdout_text + proc.stderr_text  # complete, one failed
    assert "Traceback" not in proc.stderr_text
    assert "Posts: 5 archived, 3 deleted, 1 failed, 4 unavailable" in proc.stdout_text
    conn = db(archive)
    assert article_posts(conn, "embedded") == embedded(FAILING)
    posts = {(r["platform"], r["id"]): r for r in conn.execute("SELECT * FROM posts")}
    for platform, post_id in embedded(FAILING):
        post = posts[(platform, post_id)]
        status, words = FAILED_AS[platform]
        assert (post["status"], words in post["status_reason"]) == (status, True), (
            platform, post["status_reason"])
        if status == "failed":
            assert post["next_attempt_at"] and post["attempts"] == 1
            assert not (archive / "snapshots" / platform).exists()
        else:  # a post gone keeps the answers that said so, and shows no page
            assert_evidence(capture(archive, platform, post_id), platform,
                            page=status == "archived")
    # The posts the article cites are archived, on the failing platforms too.
    assert {posts[key]["status"] for key in cited(FAILING)} == {"archived"}
    # Each rate limit was waited out (Retry-After: 1) and asked once more.
    for hits in (network.bluesky.hits(rf"getPostThread\?.*{FAILING['bluesky_rkey']}"),
                 network.reddit.hits(rf"/comments/{FAILING['reddit_id']}/\.json")):
        assert len(hits) == 2 and hits[1].time - hits[0].time >= 0.9

    # Facebook answers again: the next run fetches that post alone, and nothing is left
    # failed, so it exits 0.
    network.facebook.posts[f"cityhall/{FAILING['facebook_post']}"].behaviour = "ok"
    before = network.requests()
    proc = run("fetch", env=env)
    assert proc.returncode == 0, proc.stdout_text + proc.stderr_text
    after = network.requests()
    assert {name for name in ORDER if after[name] != before[name]} == {"facebook"}
    key = ("facebook", f"cityhall/{FAILING['facebook_post']}")
    assert conn.execute("SELECT status FROM posts WHERE platform = ? AND id = ?",
                        key).fetchone()[0] == "archived"
    assert_evidence(capture(archive, *key), "facebook", page=True)
