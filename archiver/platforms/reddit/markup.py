"""Reddit posts and comments in an article's markup: the current embed code
(blockquote.reddit-embed-bq), the legacy ones (blockquote.reddit-card for posts,
div.reddit-embed for comments), amp-reddit, rendered iframes (embed.reddit.com,
redditmedia.com) and WordPress's embed block.

The embed code keeps the post's title, its author (u/NAME) and community; never
the post's body or date (data-embed-created and data-card-created are when the
embed code was made, not the post). A comment's embed keeps none of its words.
"""

from __future__ import annotations

import re

from ...model import Embed
from .. import wordpress
from .urls import NAME, RedditRef, parse, permalink

# One selector, :is() around the forms: Lexbor returns an element matching two
# forms of a plain list twice.
SELECTOR = ":is(" + ", ".join((
    "blockquote.reddit-embed-bq", "blockquote.reddit-card", "div.reddit-embed", "amp-reddit",
    'iframe[src*="reddit" i]', 'iframe[data-src*="reddit" i]',
    "figure.is-provider-reddit", "figure.wp-block-embed-reddit",
)) + ")"
_PROFILE = re.compile(r"(?:^|//[^/]*reddit\.com)/(?:u|user)/(?P<name>[A-Za-z0-9_-]{2,32})/?$",
                      re.IGNORECASE)
_URL = re.compile(r"(?:https?:)?//[^\s<>\"']+|(?:www\.|old\.)?(?:reddit\.com|redd\.it)/"
                  r"[^\s<>\"']+", re.IGNORECASE)


def read(node) -> Embed | None:
    tag = node.tag
    if tag in ("blockquote", "div"):
        legacy = "reddit-embed-bq" not in (_attr(node, "class") or "")
        return _from_code(node, "legacy" if legacy else "oembed")
    if tag == "amp-reddit":
        return _from_url(_attr(node, "data-src"), "amp")
    if tag == "iframe":
        return _from_url(_attr(node, "src"), "iframe") or _from_url(_attr(node, "data-src"),
                                                                    "iframe")
    if tag == "figure":
        return _from_block(node)
    return None


def _from_code(node, form: str) -> Embed | None:
    """The embed code: its first link to a post or comment is what it embeds
    (a comment's comes before its discussion's); a post's link text is its title."""
    found: tuple[RedditRef, object] | None = None
    handle = None
    for anchor in node.css("a[href]"):
        href = (_attr(anchor, "href") or "").strip()
        profile = _PROFILE.search(href.split("?", 1)[0])
        if profile and handle is None:
            handle = profile.group("name")
            continue
        ref = parse(href)
        if ref is not None and found is None:
            found = (ref, anchor)
    if found is None:
        return None
    ref, anchor = found
    title = " ".join((anchor.text(deep=True) or "").split()) if not ref.comment else ""
    return _embed(ref, form, handle=handle or ref.user, text=title or None)


def _from_block(figure) -> Embed | None:
    """WordPress's block: the embed code when the page was saved after WordPress
    asked oEmbed for it, else only the URL the author pasted."""
    return wordpress.read_block(figure, "blockquote, div.reddit-embed, amp-reddit, iframe", read,
                                lambda url: _from_url(url, "wordpress"), _URL)


def _from_url(url: str | None, form: str) -> Embed | None:
    ref = parse(url)
    return _embed(ref, form, handle=ref.user) if ref else None


def _embed(ref: RedditRef, form: str, handle: str | None = None,
           text: str | None = None) -> Embed:
    handle = handle if handle and NAME.fullmatch(handle) else None
    return Embed(platform="reddit", id=ref.key, handle=handle, author=handle, text=text,
                 url=permalink(ref), form=form)


def _attr(node, name: str) -> str | None:
    value = node.attributes.get(name) if node is not None else None
    return value if isinstance(value, str) else None
