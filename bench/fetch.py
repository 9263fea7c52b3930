"""Fetch benchmark: `archiver run` against the stand-in network with 200 ms per answer.

One article embeds N distinct tweets that exist in the stand-in (a quarter with a
photo, whose original is downloaded beside the card's small copy). For each
concurrency a fresh archive is made and the whole `archiver run`
process is timed; its CPU (wait4: Python, Playwright's driver and Chromium) is
divided by the posts archived. Requests per post come from the stand-in's own
request log; the latency-bound ideal is concurrency / (requests per post x latency).
"""

from __future__ import annotations

import itertools
import os
import sqlite3
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from . import proc

ROOT = Path(__file__).resolve().parent.parent
LATENCY = 0.2
HOST_RATE = "1000"  # the politeness limiter is not what is measured here


PHASES = [
    ("post starts -> embed page requested",
     "syndication and oEmbed (in parallel), classification, browser context"),
    ("embed page requested -> card data requested", "page and favicon answers, load, the "
     "stand-in's 0.3 s render delay"),
    ("card data requested -> its last request", "card data answer, media (a photo in one "
     "post of four)"),
    ("its last request -> next post starts", "last answer, render wait, networkidle, PNG, "
     "HTML, MHTML, writing the capture and the database, context close"),
]


def timeline(requests: list) -> dict[str, float]:
    """Median seconds of each phase of a post, from the request log of a concurrency-1 run.

    Requests are told apart by the tweet id in their path (the favicon has none and
    is left out); at concurrency 1 a post ends where the next one starts.
    """
    import re
    import statistics

    posts: dict[str, dict] = {}
    for r in requests:
        m = re.search(r"(\d{15,20})", r.path)
        if not m:
            continue
        post = posts.setdefault(m.group(1), {"start": r.time, "last": r.time})
        kind = endpoint(r.path)
        if kind in ("syndication", "oembed"):
            post["start"] = min(post["start"], r.time)
        elif kind == "embed page":
            post.setdefault("page", r.time)
        elif kind == "embed data":
            post.setdefault("data", r.time)
        post["last"] = max(post["last"], r.time)
    ordered = sorted(posts.values(), key=lambda p: p["start"])
    phases: list[list[float]] = [[], [], [], []]
    for a, b in itertools.pairwise(ordered):
        if "page" in a and "data" in a:
            phases[0].append(a["page"] - a["start"])
            phases[1].append(a["data"] - a["page"])
            phases[2].append(a["last"] - a["data"])
            phases[3].append(b["start"] - a["last"])
    if not phases[0]:
        return {}
    return {name: statistics.median(values) for (name, _), values in zip(PHASES, phases,
                                                                         strict=True)}


class Rates:
    """A fetch run's rates, from its archived posts, measured process, span between
    the first request and the last, concurrency and requests per post."""

    @property
    def posts_per_min(self) -> float:
        return self.archived / self.run.wall * 60

    @property
    def steady_per_min(self) -> float:
        """Posts/min between the first request to the network and the last (no start-up)."""
        return self.archived / self.span * 60 if self.span else 0.0

    @property
    def ideal_per_min(self) -> float:
        return self.concurrency / (self.requests_per_post * LATENCY) * 60

    @property
    def of_ideal(self) -> float:
        return self.posts_per_min / self.ideal_per_min

    @property
    def cpu_per_post(self) -> float:
        return self.run.cpu / max(self.archived, 1)


@dataclass
class FetchResult(Rates):
    concurrency: int
    posts: int
    archived: int
    run: proc.Measured
    requests: int
    by_endpoint: dict
    span: float  # seconds from the first request to the last
    phases: dict  # median seconds per phase of a post (concurrency 1 only)
    written: int = 0  # bytes in the archive folder once the run ended (database, captures, logs)

    @property
    def kb_per_post(self) -> float:
        return self.written / 1024 / max(self.archived, 1)

    @property
    def requests_per_post(self) -> float:
        return self.requests / self.posts



def _standin():
    sys.path.insert(0, str(ROOT / "tests"))
    from standin import Media, StandIn, Tweet

    return StandIn, Tweet, Media


def blockquote(tweet_id: str, handle: str, name: str, text: str) -> str:
    return (f'<blockquote class="twitter-tweet" data-lang="en"><p lang="en" dir="ltr">{text}</p>'
            f"&mdash; {name} (@{handle}) <a href=\"https://twitter.com/{handle}/status/{tweet_id}"
            '?ref_src=twsrc%5Etfw">March 1, 2026</a></blockquote>\n')


def make_article(path: Path, tweets: list) -> None:
    paras = "".join(
        f"<p>Paragraph {i} of the live blog, with the reporting between the posts.</p>\n"
        + blockquote(t.id, t.handle, t.name, f"Preserved words of post {i}")
        for i, t in enumerate(tweets)
    )
    path.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>Live: the night"
                    f"</title></head><body><article>{paras}</article></body></html>",
                    encoding="utf-8")


def endpoint(path: str) -> str:
    p = urlsplit(path).path
    if p.startswith("/media/") or p.startswith("/profile_images/"):
        return "media"
    return {"/tweet-result": "syndication", "/oembed": "oembed", "/embed/Tweet.html": "embed page",
            "/embed/data": "embed data", "/favicon.ico": "favicon"}.get(p, p.split("/")[1] or p)


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def run_all(plan: list[tuple[int, int]], archiver: str, log=print) -> list[FetchResult]:
    """plan: [(concurrency, posts)]; one stand-in, a fresh archive per run."""
    StandIn, Tweet, Media = _standin()
    most = max(n for _, n in plan)
    results = []
    with StandIn(latency=LATENCY) as standin, \
            tempfile.TemporaryDirectory(prefix="bench-fetch-") as tmp:
        tweets = []
        for i in range(most):
            tweet_id = str(1_800_000_000_000_000_000 + i * 4_194_304 * 1000)
            media = [Media()] if i % 4 == 0 else []
            tweets.append(standin.add_tweet(Tweet(
                tweet_id, handle=f"reporter{i % 40}", name=f"Reporter {i % 40}",
                text=f"Live words of post {i}: the council voted late on Tuesday night.",
                media=media)))
        base = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
        for concurrency, n in plan:
            article = Path(tmp) / f"live-{concurrency}-{n}.html"
            make_article(article, tweets[:n])
            archive = Path(tmp) / f"archive-c{concurrency}"
            env = {**base, **standin.env(), "ARCHIVER_CONCURRENCY": str(concurrency),
                   "ARCHIVER_HOST_RATE": HOST_RATE}
            standin.reset()
            log(f"  fetch: concurrency {concurrency}, {n} posts ...")
            measured = proc.run([archiver, "--archive", str(archive), "run", str(article),
                                 "--quiet"], env=env, cwd=tmp, timeout=900)
            requests = standin.requests
            conn = sqlite3.connect(archive / "archive.db")
            statuses = dict(conn.execute("SELECT status, count(*) FROM posts GROUP BY status"))
            conn.close()
            if measured.returncode != 0 or statuses.get("archived", 0) != n:
                log(f"  fetch: exit {measured.returncode}, statuses {statuses}\n"
                    f"{measured.stderr[-2000:]}")
            times = [r.time for r in requests]
            results.append(FetchResult(
                concurrency=concurrency, posts=n, archived=statuses.get("archived", 0),
                run=measured, requests=len(requests),
                by_endpoint=dict(Counter(endpoint(r.path) for r in requests)),
                span=(max(times) - min(times)) if times else 0.0,
                phases=timeline(requests) if concurrency == 1 else {},
                written=folder_bytes(archive),
            ))
            r = results[-1]
            log(f"    {r.run.wall:.1f} s, {r.posts_per_min:.0f} posts/min, "
                f"{r.requests_per_post:.2f} requests/post, {r.of_ideal:.0%} of ideal, "
                f"{r.cpu_per_post:.2f} CPU s/post, {r.kb_per_post:.0f} KB written/post")
    return results
