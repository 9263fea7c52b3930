"""A page read for tweets: the marks that say it may show some, and every form
they take in it (the platform's embed code, publishers' forms, attributions
flattened into the text, shortcodes, t.co and pic.twitter.com links)."""

from __future__ import annotations

import re

from ....model import Embed
from ....scan.html import document_order
from ....scan.marks import Mark
from . import cited, plaintext, publisher
from .embeds import MARKS as EMBED_MARKS
from .embeds import STATUS_LINK, TWEET_MARKUP, complete, find_embeds, from_urls, page_lines
from .urls import find_links

# Where a t.co or pic link may start: "t.co" followed by a slash in any form
# find_links reads (/, \/, %2F, an entity); upper case (T.CO, PIC.TWITTER.COM) is
# rare but seen. "t.co" alone says little: every address ending in "t.com" holds it.
SHORT_LINK = "tweet-short-link"
# "Name (@handle) date": a tweet whose markup was flattened into the text (the
# handle is ASCII, so the bytes hold it as the text does).
FLATTENED = "tweet-attribution"
# Jetpack's "[tweet ...]" in raw content, in any case and any white space after it
# (_SHORTCODE reads it so): TWEET_MARKUP knows only "[tweet" and a space.
SHORTCODE = "tweet-shortcode"
MARKS = (
    *EMBED_MARKS,
    Mark(SHORT_LINK, rb"t\.co(?:/|\\/|%2f|&)", caseless=True),
    Mark(SHORT_LINK, rb"pic\.(?:twitter|x)\.com", caseless=True),
    Mark(FLATTENED, rb"\(@[A-Za-z0-9_]{1,15}\)"),
    Mark(SHORTCODE, rb"\[tweet", caseless=True),
)

# A "(@handle)" with a year (or a CJK date) shortly after it: the only kind of
# page worth turning into lines to look for flattened attributions.
_DATED_HANDLE = re.compile(r"\(@\w{1,15}\).{0,120}?(?:\b(?:19|20)\d\d\b|[年년])", re.DOTALL)
_SHORTCODE_HINT = re.compile(r"\[tweet", re.IGNORECASE)  # three times faster than lower()
_SHORTCODE = re.compile(
    r"\[tweet\s+(?:(?P<url>https?://\S+?)|(?P<id>[0-9]{1,20}))(?:\s[^\]]*)?\]", re.IGNORECASE
)


def holds_markup(found) -> bool:
    return TWEET_MARKUP in found or STATUS_LINK in found


def asks(found) -> bool:
    return holds_markup(found) or FLATTENED in found or SHORTCODE in found


def read_page(doc, text: str, found, pairs: list) -> tuple[list, list[Embed]]:
    """The page's (element, embed) pairs with the tweets' added in document order,
    and the tweets its prose cites."""
    if not holds_markup(found):
        return pairs, []
    embeds, elements = find_embeds(doc)
    if pairs:
        # The other platforms' embeds were read first, so that none of the
        # publisher forms below reads a post of theirs as a tweet's card or quote.
        merged = list(zip(elements, embeds, strict=True)) + pairs
        if elements:
            order = document_order(doc)
            merged.sort(key=lambda pair: order.get(pair[0].mem_id, 0))
        elements = [el for el, _ in merged]
        embeds = [embed for _, embed in merged]
    hints = publisher.Hints(status=STATUS_LINK in found)
    embeds, elements = publisher.find(doc, text, embeds, elements, hints)
    return (list(zip(elements, embeds, strict=True)),
            publisher.cited_in(doc, embeds, elements, hints))


def read_loose(doc, text: str, found, skip: list) -> list[Embed]:
    """Tweets flattened into the page's paragraphs, then [tweet] shortcodes."""
    embeds = []
    if FLATTENED in found and _DATED_HANDLE.search(text):
        embeds = plaintext.find_embeds(page_lines(doc, skip))
    return embeds + shortcodes(text)


def find_in_text(text: str) -> list[Embed]:
    """Tweets a plain-text article quotes with their attribution, and shortcodes."""
    embeds = []
    if plaintext.QUICK.search(text):
        embeds = plaintext.find_embeds(plaintext.text_units(text))
    return embeds + shortcodes(text)


def cited_in_text(text: str) -> list[Embed]:
    return cited.in_text(text, set())


def links_in(text: str) -> list[str]:
    return find_links(text)


def shortcodes(text: str) -> list[Embed]:
    """Jetpack's [tweet URL] and [tweet ID] shortcodes in raw content."""
    if not _SHORTCODE_HINT.search(text):
        return []
    embeds = []
    for m in _SHORTCODE.finditer(text):
        if m.group("id"):
            embed = Embed(platform="twitter", id=m.group("id"), form="shortcode")
        else:
            embed = from_urls([m.group("url")], "shortcode")
            if embed is None:
                continue
        complete(embed)
        embeds.append(embed)
    return embeds
