"""Tweets flattened to text: "— Name (@handle) Date" attributions (reference §1.5)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ....model import Embed
from ....scan.dates import DATE_PATTERN, parse_date
from .urls import HANDLE, LINK_RE, find_links

# The anchor of a flattened embed: "— Name (@handle) Date" ending its line. The
# name is everything between the dash and the "(@handle)", so names may hold
# parentheses and emoji, but not a spaced dash (that one starts the attribution);
# the line must end with the date, so Bluesky's "Nov 27, 2024 at 9:42 AM" and
# its dotted handles do not match.
#
# One regular expression said all this once, and took time quadratic in the
# line's length (every dash tried against every handle after it). It is read in
# three steps instead, each one pass: the "(@handle) Date" that ends the line
# (only the last "(@" can, as a date holds none), the last spaced dash before
# it, and the first dash from there.
_DASHES = "\u2014\u2013\u2015\u2012\u2212"
_TAIL = re.compile(
    r"\(@(?P<handle>" + HANDLE + r")\)\s*(?P<date>" + DATE_PATTERN + r")\s*[.\u00a0]?\s*"
)
# A date with its spaces and a full stop is far shorter; past this, no tail matches.
MAX_TAIL = 300
_SPACED_DASH = re.compile(f"[{_DASHES}]\\s")
_DASH = re.compile(f"(?:^|(?<=\\s))(?:[{_DASHES}]|--?)")
QUICK = re.compile(r"\(@" + HANDLE + r"\)")
_ENDS_WITH_PIC = re.compile(r"pic\.(?:twitter|x)\.com/[A-Za-z0-9]+\s*$", re.IGNORECASE)
_ENDS_WITH_LINK = re.compile(LINK_RE.pattern + r"\s*$", re.IGNORECASE)
# How far a tweet's text may continue past its attribution line.
MAX_CONTINUATION_LINES = 6
MAX_TWEET_CHARS = 4000
MAX_BLOCK_LINES = 12


@dataclass
class Attribution:
    """An attribution line read: the text before its dash, and its parts."""

    pre: str
    name: str
    handle: str
    date: str


def match_attribution(line: str) -> Attribution | None:
    at = line.rfind("(@")
    if at < 0 or len(line) - at > MAX_TAIL:
        return None
    tail = _TAIL.fullmatch(line, at)
    if not tail or not parse_date(tail.group("date")):
        return None
    start = 0
    for spaced in _SPACED_DASH.finditer(line, 0, at):
        start = spaced.start()
    dash = _DASH.search(line, start, at)
    if not dash:
        return None
    return Attribution(pre=line[:dash.start()], name=line[dash.end():at].strip(),
                       handle=tail.group("handle"), date=tail.group("date"))


def text_units(text: str) -> list[str]:
    """The paragraphs of a plain-text article, each whitespace-normalised.

    Where blank lines separate short blocks, a block is a paragraph and its
    lines (a tweet's line breaks) stay inside it as "\n"; otherwise, as in
    text extracted one paragraph per line, every line is a paragraph.
    """
    lines = [" ".join(line.split()) for line in text.splitlines()]
    blocks, current = [], []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    if len(blocks) >= 3 and max(len(b) for b in blocks) <= MAX_BLOCK_LINES:
        return ["\n".join(block) for block in blocks]
    return [line for line in lines if line]


def find_embeds(units: list[str]) -> list[Embed]:
    """Plain-text tweets in a list of paragraphs (see text_units)."""
    attributions = {}
    for i, unit in enumerate(units):
        head, _, last = unit.rpartition("\n")
        m = match_attribution(last)
        if m:
            attributions[i] = (m, head)
    if not attributions:
        return []
    used: set[int] = set(attributions)
    embeds: list[Embed] = []
    for i, (m, head) in sorted(attributions.items()):
        before: list[str] = []
        pre = "\n".join(x for x in (head.strip(), m.pre.strip()) if x)
        if pre:
            before.append(pre)
        elif i > 0 and (i - 1) not in used and len(units[i - 1]) <= MAX_TWEET_CHARS:
            before.append(units[i - 1])
            used.add(i - 1)

        after = _continuation(units, i, before, attributions, used)
        used.update(range(i + 1, i + 1 + len(after)))
        text = "\n".join(before + after) or None
        embeds.append(
            Embed(
                platform="twitter",
                handle=m.handle,
                author=m.name or None,
                date=parse_date(m.date),
                date_text=m.date.strip(),
                text=text,
                links=find_links(text or ""),
                form="plaintext",
            )
        )
    return embeds


def _continuation(lines, i, before, attributions, used) -> list[str]:
    """Lines after the attribution that still belong to the tweet.

    Extractors move the attribution, a sibling text node after the tweet's
    first block, in between the tweet's paragraphs. The rest of the tweet then
    follows the attribution up to the line that ends with its media link.
    """
    if before and _ENDS_WITH_LINK.search(before[-1]):
        return []  # the text before already ends where tweets end: with their link
    # A reply's leading mentions stand before the attribution and the rest after
    # it, ending in a link (neowin.net's shape): only then may a t.co link end it.
    reply = not before or before[0].startswith("@")
    for j in range(i + 1, min(len(lines), i + 1 + MAX_CONTINUATION_LINES)):
        if j in attributions or j in used:
            return []
        ends_tweet = _ENDS_WITH_PIC.search(lines[j]) or (reply and _ENDS_WITH_LINK.search(lines[j]))
        if ends_tweet:
            # A line ending in a link right before another attribution is that
            # tweet's own text, not ours.
            following = attributions.get(j + 1)
            if following and not (following[1] or following[0].pre.strip()):
                return []
            after = lines[i + 1 : j + 1]
            if weighted_length("\n".join(before + after)) > MAX_TWEET_WEIGHT:
                return []  # longer than a tweet: the lines were the article's own
            return after
    return []


MAX_TWEET_WEIGHT = 280
_ANY_LINK = re.compile(r"(?:https?://)?(?:t\.co|pic\.(?:twitter|x)\.com)/[A-Za-z0-9]+",
                       re.IGNORECASE)


def weighted_length(text: str) -> int:
    """A tweet's length as the platform counts it: a link weighs 23, a trailing
    media link nothing."""
    text = _ENDS_WITH_PIC.sub("", text.rstrip())
    return len(_ANY_LINK.sub("x" * 23, text))
