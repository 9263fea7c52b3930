"""Facebook's oEmbed (Graph API oembed_post and oembed_video), answer -> Finding.

Its `html` is the SDK's code: div.fb-post (or div.fb-video) around the blockquote
that keeps the post's text, often cut with "…", and "Posted by Page on date".
Since 3 November 2025 author_name and the thumbnail are gone (by Meta's
reference pages); where an answer still has author_name, it is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from selectolax.lexbor import LexborHTMLParser

from ..base import Finding, PostData
from . import graph, urls
from .markup import read as read_markup

if TYPE_CHECKING:
    from ...net import Answer

_CUT = ("…", "...")


def read(answer: Answer, key: str) -> Finding:
    data, failure = graph.read(answer, "oEmbed")
    if failure is not None:
        return failure
    fragment = graph.markup(data)
    doc = LexborHTMLParser(fragment) if fragment else None
    code = doc.css_first("div.fb-post, div.fb-video, blockquote.fb-xfbml-parse-ignore") if (
        doc is not None) else None
    embed = read_markup(code) if code is not None else None
    if embed is None or embed.id is None:
        return Finding("error", "oEmbed: no Facebook post in the answer's html")
    if not urls.same_post(key, embed.id):
        return Finding("error", f"oEmbed: answered for another post ({embed.id[:80]!r})")
    author = data.get("author_name")
    text = embed.text
    return Finding("found", "oEmbed: found", PostData(
        id=key,
        handle=embed.handle,
        author=author if isinstance(author, str) and author else embed.author,
        created_at=embed.date,  # the byline's day, in whatever language the code is in
        text=text,
        truncated=bool(text and text.rstrip().endswith(_CUT)),
        endpoint="oembed",
    ))


def markup(answer: Answer) -> str | None:
    """The code of a good answer, to render when the plugin page cannot be."""
    data, failure = graph.read(answer, "oEmbed")
    return graph.markup(data) if failure is None else None
