"""Posts an article cites: links in its prose that name a post but embed none.

A link in a sentence ("the mayor said in a post") shows no post, but names one
the archive should keep. Share buttons and intent links, menus, headers and
footers name posts only by accident and are left out. Which post a link names is
each platform's to say (archiver.platforms).
"""

from __future__ import annotations

import functools
import re

from .. import platforms
from ..model import Embed
from .html import Nearest

# Share, follow and intent buttons carry the page's or a post's URL without showing it.
# A platform adds the names of its own (Platform.button_names).
BUTTON_WORDS = r"share|sharing|intent|follow|button|btn|reply|like|timeline|mention"
# Page furniture, not the article's text.
_FURNITURE_TAGS = ("nav", "header", "footer", "aside", "form", "button", "menu")
_FURNITURE_WORDS = (r"menu|navbar|sidebar|breadcrumb|footer|byline|author-bio|social-links"
                    r"|social-icons")


@functools.cache
def button_names() -> re.Pattern:
    """Class names of share, follow and intent buttons, every platform's included."""
    own = [w for p in platforms.all_platforms() for w in p.button_names]
    return re.compile("|".join([BUTTON_WORDS, *own]), re.IGNORECASE)


@functools.cache
def _furniture_names() -> re.Pattern:
    return re.compile(button_names().pattern + "|" + _FURNITURE_WORDS, re.IGNORECASE)


def cited_in(anchors: list, inside_embed, embedded_ids: set, post_of) -> list[Embed]:
    """The posts of the links among anchors that stand in the page's prose, once
    each, in order; inside_embed(el) tells whether an element is part of an embed
    found, post_of(href) which post a link names, as a cited Embed, or None."""
    furniture_names = _furniture_names()
    furniture = Nearest(lambda el: el.tag in _FURNITURE_TAGS or furniture_names.search(
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
        if furniture_names.search(attributes.get("class") or "") or inside_embed(a):
            continue
        if furniture.above(a) is not None:
            continue
        found[key] = post
    return list(found.values())
