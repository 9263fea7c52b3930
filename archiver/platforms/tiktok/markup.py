"""TikTok posts in an article's markup: the official blockquote (raw, or with the
iframe embed.js put in it), amp-tiktok, bare player iframes and WordPress's
embed block.

The official blockquote keeps the caption (a <p>, hashtags as links) and the
author's handle (a[title="@user"]); it keeps no date and no display name.
"""

from __future__ import annotations

import re

from ...model import Embed
from .. import wordpress
from .urls import HANDLE, parse, post_url, valid_id

# One selector, :is() around the forms: Lexbor returns an element matching two
# forms of a plain list twice.
SELECTOR = ":is(" + ", ".join((
    "blockquote.tiktok-embed", "amp-tiktok",
    'iframe[src*="tiktok.com/" i]', 'iframe[data-src*="tiktok.com/" i]',
    "figure.is-provider-tiktok", "figure.wp-block-embed-tiktok",
)) + ")"
_URL = re.compile(r"(?:https?:)?//[^\s<>\"']+|(?:www\.|m\.)?tiktok\.com/[^\s<>\"']+",
                  re.IGNORECASE)


def read(node) -> Embed | None:
    tag = node.tag
    if tag == "blockquote":
        return from_blockquote(node, "oembed")
    if tag == "amp-tiktok":
        return _from_amp(node)
    if tag == "iframe":
        return _from_url(_attr(node, "src"), "iframe") or _from_url(_attr(node, "data-src"),
                                                                    "iframe")
    if tag == "figure":
        return _from_block(node)
    return None


def from_blockquote(bq, form: str) -> Embed | None:
    # A creator (profile) embed carries data-unique-id and no video.
    if (_attr(bq, "data-embed-type") or "video").lower() not in ("video", "photo"):
        return None
    cited = parse(_attr(bq, "cite"))
    post_id = (_attr(bq, "data-video-id") or "").strip()
    if not valid_id(post_id):
        post_id = cited[0] if cited else ""
    if not post_id:
        return None
    handle = cited[1] if cited and cited[0] == post_id else None
    if handle is None:
        for anchor in bq.css('a[title^="@"]'):
            name = (_attr(anchor, "title") or "")[1:]
            if HANDLE.fullmatch(name):
                handle = name
                break
    paragraphs = [line for p in bq.css("p") for line in lines(p)]
    return Embed(platform="tiktok", id=post_id, handle=handle,
                 text="\n".join(paragraphs) or None, url=post_url(post_id, handle), form=form)


def _from_amp(amp) -> Embed | None:
    source = (_attr(amp, "data-src") or "").strip()
    placeholder = amp.css_first("blockquote")
    embed = from_blockquote(placeholder, "amp") if placeholder is not None else None
    if valid_id(source):
        post_id, handle = source, None
    else:
        parsed = parse(source)
        if parsed is None:
            return embed
        post_id, handle = parsed
    if embed is not None and embed.id == post_id:
        embed.handle = embed.handle or handle
        return embed
    return Embed(platform="tiktok", id=post_id, handle=handle, url=post_url(post_id, handle),
                 form="amp")


def _from_block(figure) -> Embed | None:
    """WordPress's block: the blockquote oEmbed gave when the page was saved after
    WordPress asked for it, else only the URL the author pasted."""
    return wordpress.read_block(figure, "blockquote.tiktok-embed, amp-tiktok, iframe", read,
                                lambda url: _from_url(url, "wordpress"), _URL)


def _from_url(url: str | None, form: str) -> Embed | None:
    parsed = parse(url)
    if parsed is None:
        return None
    post_id, handle = parsed
    return Embed(platform="tiktok", id=post_id, handle=handle, url=post_url(post_id, handle),
                 form=form)


def lines(node) -> list[str]:
    """The node's text as the reader saw it: <br> breaks lines, whitespace collapsed."""
    out: list[str] = []
    current: list[str] = []
    for child in node.traverse(include_text=True):
        if child.tag == "-text":
            current.append(child.text_content or "")
        elif child.tag == "br":
            out.append("".join(current))
            current = []
    out.append("".join(current))
    return [" ".join(line.split()) for line in out if line.strip()]


def _attr(node, name: str) -> str | None:
    value = node.attributes.get(name) if node is not None else None
    return value if isinstance(value, str) else None
