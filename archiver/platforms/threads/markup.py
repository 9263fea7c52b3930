"""Threads posts in an article's markup.

The embed code is blockquote.text-post-media[data-text-post-permalink] (id
"ig-tp-CODE") around a link "View on Threads", plus threads.com/embed.js
(threads.net/embed.js in older articles): it keeps the permalink, with the
author's username, and nothing of the post. embed.js puts an iframe of
{permalink}/embed in its place. There is no AMP component and no WordPress core
block; an oEmbed-aware plugin names its wrapper after the provider, "Threads".
"""

from __future__ import annotations

from ...model import Embed
from . import ids

# Each element matches one of these at most: Lexbor lists an element once for
# every selector of a list it matches.
SELECTOR = ", ".join((
    "blockquote.text-post-media",
    '[data-text-post-permalink]:not(blockquote.text-post-media)',
    'iframe[src*="threads.com/"]:not([data-text-post-permalink])',
    'iframe[src*="threads.net/"]:not([src*="threads.com/"]):not([data-text-post-permalink])',
    "figure.is-provider-threads:not([data-text-post-permalink])",
))


def read_embed(node) -> Embed | None:
    if node.tag == "figure":
        inner = node.css_first("[data-text-post-permalink], iframe")
        if inner is not None:
            return read_embed(inner)
        candidates = [a.attributes.get("href") for a in node.css("a")]
        candidates += node.text(separator=" ").split()
        return _first(candidates, "wordpress")
    if node.tag == "iframe":
        return _first([node.attributes.get("src"), node.attributes.get("data-src")], "iframe")
    candidates = [node.attributes.get("data-text-post-permalink")]
    candidates += [a.attributes.get("href") for a in node.css("a")]
    found = _first(candidates, "oembed")
    if found is None:
        # The id attribute names the code when the permalink was lost ("ig-tp-CODE").
        code = (node.attributes.get("id") or "").removeprefix("ig-tp-")
        if node.attributes.get("id", "").startswith("ig-tp-") and ids.valid_id(code):
            found = Embed("threads", id=code, url=ids.public_url(code, None), form="oembed")
    return found


def _first(candidates, form: str) -> Embed | None:
    for url in candidates:
        ref = ids.parse_url(url)
        if ref:
            return Embed("threads", id=ref[0], handle=ref[1], url=ids.public_url(*ref),
                         form=form)
    return None
