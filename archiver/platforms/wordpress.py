"""WordPress's embed block (figure.wp-block-embed): the platform's embed code when
the page was saved after WordPress asked oEmbed for it, else only the URL the
author pasted, as a link or as the block's text."""

from __future__ import annotations

import re
from collections.abc import Callable

from ..model import Embed


def read_block(figure, inner: str, read: Callable, from_url: Callable[[str], Embed | None],
               urls: re.Pattern) -> Embed | None:
    """The post a block embeds: read(element) for the embed code inside it (the
    elements `inner` selects), else from_url(url) for its links, then for URLs
    written in its text."""
    for element in figure.css(inner):
        embed = read(element)
        if embed is not None:
            embed.form = "wordpress"
            return embed
    wrapper = figure.css_first(".wp-block-embed__wrapper") or figure
    for anchor in wrapper.css("a[href]"):
        href = anchor.attributes.get("href")
        embed = from_url(href) if isinstance(href, str) else None
        if embed:
            return embed
    for m in urls.finditer(wrapper.text(deep=True) or ""):
        embed = from_url(m.group(0))
        if embed:
            return embed
    return None
