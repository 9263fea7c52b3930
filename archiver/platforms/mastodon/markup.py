"""Mastodon posts in an article's markup.

Since Mastodon 4.3 the embed code is blockquote.mastodon-embed whose
data-embed-url is https://INSTANCE/@user/ID/embed, around one link ("Post by
@user@domain · View on Mastodon"), plus the instance's embed.js: it keeps no
text and no date. Before, the code was iframe.mastodon-embed with that URL as
its src; copied through another instance the class is sometimes missing, so an
iframe is also taken by its src's shape. There is no AMP component and no
WordPress core block for Mastodon.
"""

from __future__ import annotations

import re

from ...model import Embed
from . import ids

# Each element matches one of these at most (Lexbor lists an element once for
# every selector of a list it matches); Threads' embed iframes have the same shape.
SELECTOR = ", ".join((
    "blockquote.mastodon-embed",
    "iframe.mastodon-embed",
    'iframe[src*="/@"][src*="/embed"]:not(.mastodon-embed):not([src*="threads.net/"])'
    ':not([src*="threads.com/"])',
))
_POST_BY = re.compile(r"@(" + ids.USER.pattern + r")@(" + ids.HOST.pattern + r")", re.IGNORECASE)


def read_embed(node) -> Embed | None:
    if node.tag == "iframe":
        src = node.attributes.get("src") or node.attributes.get("data-src") or ""
        return _known(ids.parse_url(src), "iframe") if "/embed" in src else None
    ref = ids.parse_url(node.attributes.get("data-embed-url"))
    if ref is None:
        ref = next((r for r in (ids.parse_url(a.attributes.get("href"))
                                for a in node.css("a")) if r), None)
    embed = _known(ref, "oembed")
    if embed is not None:
        # "Post by @user@example.com": the account's own domain, which may differ
        # from the host serving its pages (the url stays on that host).
        m = _POST_BY.search(" ".join(node.text(separator=" ").split()))
        user = (embed.handle or "").partition("@")[0]
        if m and m.group(1).lower() == user.lower():
            embed.handle = f"{m.group(1)}@{m.group(2).lower()}"
    return embed


def _known(ref, form: str) -> Embed | None:
    if ref is None:
        return None
    post_id, handle = ref
    return Embed("mastodon", id=post_id, handle=handle,
                 date=ids.snowflake_date(ids.split_id(post_id)[1]),
                 url=ids.public_url(post_id, handle), form=form)
