"""Instagram's oEmbed (Graph API instagram_oembed), answer -> Finding.

Since 3 November 2025 it answers no author_name, author_url or thumbnail (by
Meta's reference pages): what is left is `html`, the embed blockquote, with the
caption unless hidecaption was asked. Its failures cover deleted posts, private
and age-restricted accounts and accounts that turned embedding off alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from selectolax.lexbor import LexborHTMLParser

from ..base import Finding, PostData
from ..facebook import graph
from .markup import read_blockquote

if TYPE_CHECKING:
    from ...net import Answer


def read(answer: Answer, code: str) -> Finding:
    data, failure = graph.read(answer, "oEmbed")
    if failure is not None:
        return failure
    fragment = graph.markup(data)
    quote = LexborHTMLParser(fragment).css_first(
        "blockquote.instagram-media, blockquote[data-instgrm-permalink]") if fragment else None
    embed = read_blockquote(quote, "oembed") if quote is not None else None
    if embed is None:
        return Finding("error", "oEmbed: no Instagram blockquote in the answer")
    if embed.id != code:
        return Finding("error", f"oEmbed: answered for another post ({str(embed.id)[:40]!r})")
    author = data.get("author_name")
    return Finding("found", "oEmbed: found", PostData(
        id=code,
        handle=embed.handle,
        author=author if isinstance(author, str) and author else embed.author,
        created_at=embed.date if embed.date_text else None,  # never the shortcode's date
        text=embed.text,
        endpoint="oembed",
    ))


def markup(answer: Answer) -> str | None:
    """The blockquote of a good answer, to render when the embed page cannot be."""
    data, failure = graph.read(answer, "oEmbed")
    return graph.markup(data) if failure is None else None
