"""Tweets an article cites: status links in its prose that are not embeds."""

from __future__ import annotations

import re

from ....model import Embed
from ....scan.prose import cited_in
from .placeholders import status_in
from .urls import status_url

# A status URL in prose may be written without its scheme ("x.com/user/status/1").
_TEXT_STATUS = re.compile(
    r"(?<![\w.@/=%&?-])(?:https?://)?(?:(?:www|mobile|m)\.)?(?:twitter|x)\.com/",
    re.IGNORECASE,
)

def cited(tweet_id: str, handle: str | None) -> Embed:
    return Embed(platform="twitter", id=tweet_id, handle=handle, url=status_url(handle, tweet_id),
                 form="cited")


def _tweet_of(href: str | None) -> Embed | None:
    status = status_in(href)
    return cited(status[1], status[0]) if status else None


def in_html(anchors: list, inside_embed, embedded_ids: set) -> list[Embed]:
    """The tweets the links among anchors cite in the page's prose (scan/prose.py)."""
    return cited_in(anchors, inside_embed, embedded_ids, _tweet_of)


def in_text(text: str, embedded_ids: set) -> list[Embed]:
    """Status URLs written in a plain-text article's prose."""
    if "/status" not in text:
        return []
    found: dict[str, Embed] = {}
    for m in _TEXT_STATUS.finditer(text):
        # Not inside another URL (a share link's query): the look-behind sees to that.
        url = m.group(0)
        if not url.lower().startswith("http"):
            url = "https://" + url
        status = status_in(url + text[m.end():m.end() + 80])
        if status and status[1] not in embedded_ids and status[1] not in found:
            found[status[1]] = cited(status[1], status[0])
    return list(found.values())
