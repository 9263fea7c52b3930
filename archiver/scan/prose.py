"""Posts an article cites: links in its prose that name a post but embed none.

A link in a sentence ("the mayor said in a post") shows no post, but names one
the archive should keep. Share buttons and intent links, menus, headers and
footers name posts only by accident and are left out. Which post a link names is
each platform's to say (archiver.platforms).
"""

from __future__ import annotations

import re

from ..model import Embed
from .html import Nearest

# Share, follow and intent buttons carry the page's or a post's URL without showing it.
BUTTON_NAMES = re.compile(
    r"share|sharing|intent|follow|button|btn|retweet|reply|like|click-to-tweet|tweet-?this"
    r"|tweetable|timeline|mention",
    re.IGNORECASE,
)
# Page furniture, not the article's text.
_FURNITURE_TAGS = ("nav", "header", "footer", "aside", "form", "button", "menu")
_FURNITURE_NAMES = re.compile(BUTTON_NAMES.pattern + r"|menu|navbar|sidebar|breadcrumb|footer"
                              r"|byline|author-bio|social-links|social-icons", re.IGNORECASE)


def cited_in(anchors: list, inside_embed, embedded_ids: set, post_of) -> list[Embed]:
    """The posts of the links among anchors that stand in the page's prose, once
    each, in order; inside_embed(el) tells whether an element is part of an embed
    found, post_of(href) which post a link names, as a cited Embed, or None."""
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
