"""Hostile inputs: pages built to make a scanner slow, scanned at 1x, 4x and 16x
their size. Scan time must grow linearly: at 16x the size, at most SLACK times 16
the time (a quadratic scanner takes 256 times, and took minutes at 16x).

Each shape is one a review found taking tens of seconds (bench output names them).
The scan runs in this process (archiver.scan.scan_bytes: decode, parse, find
embeds and links), best of RUNS, so that process start-up does not hide the growth.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

SCALES = (1, 4, 16)
RUNS = 5
SLACK = 3.0  # allowed: 16x the input in up to 48x the time (caches, allocation; measured ~25x)

EMBED = (
    '<blockquote class="twitter-tweet"><p>Words of the post https://t.co/AbCdEf1234</p>&mdash; '
    'Some One (@someone) <a href="https://twitter.com/someone/status/1780000000000000000">'
    "April 13, 2024</a></blockquote>"
)


def _page(body: str) -> bytes:
    return f"<html><head><title>Hostile</title></head><body>{body}</body></html>".encode()


def _nested(tag: str, depth: int, inner: str) -> str:
    return f"<{tag}>" * depth + inner + f"</{tag.split()[0]}>" * depth


# name -> (what it is, bytes at a given scale); 1x is about 100-150 KB.
SHAPES: dict[str, tuple[str, Callable[[int], bytes]]] = {
    "attribution-text": (
        "plain text: ' - Jane Doe (@jane_doe) 2021' repeated on one line",
        lambda k: (" - Jane Doe (@jane_doe) 2021" * 4000 * k).encode()),
    "dash-handle-text": (
        "plain text: ' -x (@a)' repeated on one line",
        lambda k: (" -x (@a)" * 16000 * k).encode()),
    "attribution-paragraph": (
        "HTML: the repeated attribution inside one <p>",
        lambda k: _page("<p>" + " - Jane Doe (@jane_doe) 2021" * 4000 * k + "</p>")),
    "dashes-in-tweet": (
        "HTML: ' -x' repeated inside a tweet blockquote's <p>",
        lambda k: _page(EMBED.replace("Words of the post", " -x" * 40000 * k))),
    "nested-tweets": (
        "HTML: tweet blockquotes nested 120 x scale deep (1,920 at 16x), 20 times",
        lambda k: _page(_nested('blockquote class="twitter-tweet"', 120 * k, EMBED) * 20)),
    "nested-divs": (
        "HTML: a tweet inside <div>s nested 120 x scale deep, 20 times",
        lambda k: _page(_nested("div", 120 * k, EMBED) * 20)),
    "open-titles": (
        "HTML: '<title>x' repeated, never closed",
        lambda k: ("<html><head>" + "<title>x" * 16000 * k).encode()),
    "huge-attribute": (
        "HTML: a tweet blockquote with a 128 KB x scale attribute",
        lambda k: _page(EMBED.replace('class="twitter-tweet"',
                                      'class="twitter-tweet" data-x="' + "a" * 131072 * k
                                      + '"'))),
}


@dataclass
class ShapeResult:
    name: str
    what: str
    sizes: list[int]  # bytes at each scale
    seconds: list[float]  # best scan time at each scale

    @property
    def ratio(self) -> float:
        """Time at the largest scale over time at the smallest."""
        return self.seconds[-1] / max(self.seconds[0], 1e-6)

    @property
    def limit(self) -> float:
        return SCALES[-1] / SCALES[0] * SLACK

    @property
    def linear(self) -> bool:
        return self.ratio <= self.limit


def run(names: list[str] | None = None, runs: int = RUNS, log=print) -> list[ShapeResult]:
    from archiver.scan import scan_bytes

    results = []
    for name in names or list(SHAPES):
        what, build = SHAPES[name]
        sizes, seconds = [], []
        for scale in SCALES:
            data = build(scale)
            best = float("inf")
            for _ in range(runs):
                start = time.perf_counter()
                scan_bytes(data, name)
                best = min(best, time.perf_counter() - start)
            sizes.append(len(data))
            seconds.append(best)
        result = ShapeResult(name, what, sizes, seconds)
        log(f"  {name}: " + ", ".join(f"{s / 1000:.0f} KB {t * 1000:.1f} ms"
                                     for s, t in zip(sizes, seconds, strict=True))
            + f"; {SCALES[-1]}x/1x time {result.ratio:.1f} (limit {result.limit:g})")
        results.append(result)
    return results
