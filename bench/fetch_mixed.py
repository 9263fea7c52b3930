"""Mixed-platform fetch benchmark: one live blog embedding posts of all ten
platforms, `archiver run` against the ten stand-ins with 200 ms per answer.

The stand-ins (tests/standin/) run in the benchmark's process, each answering
every request LATENCY seconds late (as the Twitter fetch bench's does), their
embed pages building the post 0.3 s after load. The article embeds POSTS posts of
each platform in its official embed code (bench/platform_forms.py, the corpus's
forms), platforms taking turns as a live blog's updates do; the posts carry what
the stand-ins give by default (a photo on Instagram, a stream on TikTok, a poster
on YouTube) and one Bluesky post in four a picture.

Every run is a fresh archive and the whole `archiver run` process at one
concurrency. Each stand-in's request log says how many requests its platform
makes per post; the latency-bound ideal is recomputed from them: concurrency /
(mean requests per post of the mix x latency), the mean weighting each platform
by its share of the posts. The run is repeated (the machine is shared) and
medians are reported.
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import sys
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from . import machine, proc
from . import platform_forms as forms
from .fetch import HOST_RATE, LATENCY, ROOT, Rates, blockquote, folder_bytes

PLATFORMS = ["twitter", "youtube", "instagram", "facebook", "tiktok", "bluesky", "reddit",
             "telegram", "threads", "mastodon"]
POSTS = 10  # per platform and run: 100 posts, so start-up weighs little
RUNS = 3
CONCURRENCY = 4


@dataclass
class MixedRun(Rates):
    concurrency: int
    posts: int
    statuses: dict
    run: proc.Measured
    requests: dict  # platform -> requests its stand-in answered
    span: float  # seconds from the first request to the last
    written: int = 0
    load: str = ""  # the machine's load average as the run started

    @property
    def archived(self) -> int:
        return self.statuses.get("archived", 0)

    @property
    def wall(self) -> float:
        return self.run.wall

    @property
    def requests_per_post(self) -> float:
        return sum(self.requests.values()) / self.posts


@dataclass
class MixedResult:
    per_platform: int
    runs: list[MixedRun] = field(default_factory=list)

    @property
    def concurrency(self) -> int:
        return self.runs[0].concurrency

    @property
    def posts(self) -> int:
        return self.runs[0].posts

    def median(self, attribute: str) -> float:
        return statistics.median(getattr(r, attribute) for r in self.runs)

    def requests_per_post(self, platform: str) -> float:
        """Median requests per post of one platform."""
        return statistics.median(r.requests[platform] / self.per_platform for r in self.runs)

    @property
    def all_archived(self) -> bool:
        return all(r.archived == r.posts for r in self.runs)


class _Writer:
    """What platform_forms' markup functions ask of the corpus's Writer."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)

    def code(self, length: int = 10) -> str:
        return "".join(self.rng.choice(forms.B64[:62]) for _ in range(length))


def _standins(stack: ExitStack) -> dict:
    sys.path.insert(0, str(ROOT / "tests"))
    from standin import StandIn
    from standin.bluesky import BlueskyStandIn
    from standin.facebook import FacebookStandIn
    from standin.instagram import InstagramStandIn
    from standin.mastodon import MastodonStandIn
    from standin.reddit import RedditStandIn
    from standin.telegram import TelegramStandIn
    from standin.threads import ThreadsStandIn
    from standin.tiktok import TikTokStandIn
    from standin.youtube import YouTubeStandIn

    made = {"twitter": StandIn(latency=LATENCY)}
    for kind in (BlueskyStandIn, FacebookStandIn, InstagramStandIn, MastodonStandIn,
                 RedditStandIn, TelegramStandIn, ThreadsStandIn, TikTokStandIn, YouTubeStandIn):
        made[kind.platform] = kind(latency=LATENCY)
    for standin in made.values():
        stack.enter_context(standin)
    return made


def _populate(standins: dict, n: int) -> dict[str, list[str]]:
    """n posts of each platform in its stand-in; the embed code of each, by platform."""
    from standin import Media, Tweet
    from standin.facebook import FbPost
    from standin.instagram import Post
    from standin.reddit import RedditPost
    from standin.telegram import Message
    from standin.tiktok import TikTokPost
    from standin.youtube import Video

    w = _Writer(20260301)
    code: dict[str, list[str]] = {p: [] for p in PLATFORMS}
    day = datetime(2025, 1, 10, 6, tzinfo=timezone.utc)
    for i in range(n):
        when = day + timedelta(minutes=7 * i)
        words = f"Live words of update {i}: the water is still rising on Quay Street."
        user = f"reporter{i}"
        tweet_id = str(1_877_000_000_000_000_000 + i * 4_194_304 * 1000)
        tweet = standins["twitter"].add_tweet(Tweet(
            tweet_id, handle=user, name=f"Reporter {i}", text=words,
            media=[Media()] if i % 4 == 0 else []))
        code["twitter"].append(blockquote(tweet.id, tweet.handle, tweet.name, words))

        p = forms.Post("bluesky", f"{user}.bsky.social", f"Reporter {i}", words, when)
        micros = int(when.timestamp() * 1_000_000)
        tid = micros << 10
        p.parts = {"did": "did:plc:abcdefghijklmnopqrstuv" + forms.B32[i // 32 % 32]
                   + forms.B32[i % 32],
                   "rkey": "".join(forms.B32[(tid >> (5 * k)) & 31] for k in reversed(range(13))),
                   "cid": "bafyrei" + "a" * 52}
        standins["bluesky"].add_account(p.parts["did"], p.handle, p.name)
        standins["bluesky"].add_post(p.parts["did"], p.parts["rkey"], text=words,
                                     images=[f"bafkreimg{i:07d}"] if i % 4 == 0 else [])
        code["bluesky"].append(forms.bluesky_official(w, p))

        p = forms.Post("mastodon", user, f"Reporter {i}", words, when,
                       {"host": "mastodon.social", "id": str(113_805_114_250_504_000 + i)})
        standins["mastodon"].add_account("mastodon.social", user, p.name)
        standins["mastodon"].add_status("mastodon.social", p.parts["id"], user,
                                        content=f"<p>{words}</p>")
        code["mastodon"].append(forms.mastodon_blockquote(w, p))

        p = forms.Post("threads", f"reporter.{i}", f"Reporter {i}", words, when,
                       {"code": f"DE{i:09d}"})
        standins["threads"].add_post(p.parts["code"], p.handle, text=words)
        code["threads"].append(forms.threads_blockquote(w, p))

        p = forms.Post("youtube", user, f"Reporter {i}", words, when, {"id": f"Yt{i:08d}A"})
        standins["youtube"].add_video(Video(p.parts["id"], title=words[:60],
                                            channel="Harbour Cam", handle="harbourcam"))
        code["youtube"].append(forms.youtube_iframe(w, p))

        p = forms.Post("tiktok", user, f"Reporter {i}", words, when,
                       {"id": str((int(when.timestamp()) << 32) | i)})
        standins["tiktok"].add_post(TikTokPost(p.parts["id"], handle=user, nickname=p.name,
                                               desc=words))
        code["tiktok"].append(forms.tiktok_blockquote(w, p))

        p = forms.Post("reddit", user, f"Reporter {i}", words, when,
                       {"id": f"1hy{i:04d}", "sub": "HarbourCity"})
        standins["reddit"].add_post(RedditPost(p.parts["id"], subreddit="HarbourCity",
                                               title=words, author=user, selftext=words))
        code["reddit"].append(forms.reddit_embed_bq(w, p))

        p = forms.Post("instagram", "cityhall", "City Hall", words, when,
                       {"code": f"DEk{i:08d}"})
        standins["instagram"].add_post(Post(p.parts["code"], caption=words))
        code["instagram"].append(forms.instagram_v14(w, p))

        p = forms.Post("facebook", "cityhall", "City Hall", words, when,
                       {"page": "cityhall", "post": str(10_150_000_000_000_000 + i)})
        standins["facebook"].add_post(FbPost(f"cityhall/{p.parts['post']}", text=words))
        code["facebook"].append(forms.facebook_post(w, p))

        p = forms.Post("telegram", "RiverAuthority", "River Authority", words, when,
                       {"channel": "RiverAuthority", "id": str(1200 + i)})
        standins["telegram"].add_message(Message("RiverAuthority", 1200 + i, text=words))
        code["telegram"].append(forms.telegram_script(w, p))
    return code


def make_article(path: Path, code: dict[str, list[str]], n: int) -> None:
    updates = []
    for i in range(n):
        for platform in PLATFORMS:
            updates.append(f"<section class=\"liveblog-entry\"><p>Update {len(updates) + 1} "
                           "of the live blog, with the reporting between the posts.</p>\n"
                           f"{code[platform][i]}</section>\n")
    path.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Live: the storm "
                    f"surge</title></head><body><article>{''.join(updates)}</article></body>"
                    "</html>", encoding="utf-8")


def run(per_platform: int = POSTS, runs: int = RUNS, concurrency: int = CONCURRENCY,
        archiver: str = "archiver", log=print) -> MixedResult:
    result = MixedResult(per_platform)
    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="bench-mixed-") as tmp:
        standins = _standins(stack)
        code = _populate(standins, per_platform)
        article = Path(tmp) / "live.html"
        make_article(article, code, per_platform)
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
        for standin in standins.values():
            env.update(standin.env())
        env.update({"ARCHIVER_CONCURRENCY": str(concurrency), "ARCHIVER_HOST_RATE": HOST_RATE})
        posts = per_platform * len(PLATFORMS)
        for i in range(runs):
            archive = Path(tmp) / f"archive{i}"
            before = {p: len(s.requests) for p, s in standins.items()}
            load = machine.load()
            log(f"  mixed fetch: run {i + 1} of {runs}, {posts} posts of {len(PLATFORMS)} "
                f"platforms, concurrency {concurrency} ...")
            measured = proc.run([archiver, "--archive", str(archive), "run", str(article),
                                 "--quiet"], env=env, cwd=tmp, timeout=900)
            asked = {p: s.requests[before[p]:] for p, s in standins.items()}
            conn = sqlite3.connect(archive / "archive.db")
            statuses = dict(conn.execute("SELECT status, count(*) FROM posts GROUP BY status"))
            conn.close()
            times = [r.time for requests in asked.values() for r in requests]
            done = MixedRun(concurrency, posts, statuses, measured,
                            {p: len(r) for p, r in asked.items()},
                            (max(times) - min(times)) if times else 0.0, folder_bytes(archive),
                            load)
            result.runs.append(done)
            if measured.returncode != 0 or done.archived != posts:
                log(f"  mixed fetch: exit {measured.returncode}, statuses {statuses}\n"
                    f"{measured.stderr[-2000:]}")
            log(f"    {measured.wall:.1f} s, {done.posts_per_min:.0f} posts/min, "
                f"{done.requests_per_post:.2f} requests/post, {done.of_ideal:.0%} of ideal, "
                f"{done.cpu_per_post:.2f} CPU s/post")
    return result
