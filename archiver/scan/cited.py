"""Posts an article cites: status links in its prose that are not embeds.

A link in a sentence ("the mayor said in a post") shows no post, but names one
the archive should keep. Share buttons and intent links, menus, headers and
footers name posts only by accident and are left out.
"""

from __future__ import annotations

import re

from ..model import Embed
from .placeholders import BUTTON_NAMES, status_in
from .urls import status_url

# A status URL in prose may be written without its scheme ("x.com/user/status/1").
_TEXT_STATUS = re.compile(
    r"(?<![\w.@/=%&?-])(?:https?://)?(?:(?:www|mobile|m)\.)?(?:twitter|x)\.com/",
    re.IGNORECASE,
)

# Page furniture, not the article's text.
_FURNITURE_TAGS = ("nav", "header", "footer", "aside", "form", "button", "menu")
_FURNITURE_NAMES = re.compile(BUTTON_NAMES.pattern + r"|menu|navbar|sidebar|breadcrumb|footer"
                              r"|byline|author-bio|social-links|social-icons", re.IGNORECASE)


def cited(tweet_id: str, handle: str | None) -> Embed:
    return Embed(platform="twitter", id=tweet_id, handle=handle, url=status_url(handle, tweet_id),
                 form="cited")


def _tweet_of(href: str | None) -> Embed | None:
    status = status_in(href)
    return cited(status[1], status[0]) if status else None


def in_html(anchors: list, inside_embed, embedded_ids: set, post_of=_tweet_of) -> list[Embed]:
    """The posts of the links among anchors that stand in the page's prose, once
    each, in order; inside_embed(el) tells whether an element is part of an embed
    found, post_of(href) which post a link names (a tweet's, by default), as a
    cited Embed, or None."""
    from .html import Nearest

    furniture = Nearest(lambda el: el.tag in _FURNITURE_TAGS or _FURNITURE_NAMES.search(
        el.attributes.get("class") or "") is not None)
    found: dict[tuple, Embed] = {}
    for a in anchors:
        attributes = a.attributes
        post = post_of(attributes.get("href"))
        if post is None:
            continue
        key = (post.platform, post.id)
        if post.id in embedded_ids or key in embedded_ids or key in found:
            continue
        if _FURNITURE_NAMES.search(attributes.get("class") or "") or inside_embed(a):
            continue
        if furniture.above(a) is not None:
            continue
        found[key] = post
    return list(found.values())


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
