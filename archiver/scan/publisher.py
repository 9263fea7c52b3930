"""Every post a publisher's page shows, beyond the platform's own embed markup.

html.find_embeds reads the markup the platform hands out (oEmbed, WordPress, AMP,
widget iframes). Publishers wrap and replace it: lazy and consent-gated
placeholders, cards their CMS renders, embed code kept as text until the reader
clicks "show", quote blocks linking the post. This module reads those, keeps the
outermost element of each post, fills what a rendered iframe lacks from the
page's own data, and lists the posts the prose cites.

Linear in the page: every search climbs the tree with a memo or walks disjoint
subtrees.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Embed
from . import cards, cited, html, kept, placeholders

# Attributes, whose elements are taken in Python: an XPath step up ("/..") sorts
# its result in document order, which in markup nested thousands deep took time
# quadratic in the page.
# data-* attributes holding a status URL or a bare number:
_DATA_ATTRS = (
    "//@*[starts-with(name(), 'data-') and (contains(., '/status') or "
    "(string-length(normalize-space(.)) > 0 and string-length(normalize-space(.)) < 22 and "
    "translate(normalize-space(.), '0123456789', '') = ''))]"
)
# Classes that may name a tweet card ("weet" and "witter": Tweet and tweet, Twitter
# and twitter; translate() costs more), and the attributes that say so.
_CARD_ATTRS = (
    "//@class[contains(., 'weet') or contains(., 'witter') or contains(., 'x-post')]"
    " | //@data-twitter | //@data-tweet"
)
_STATUS_ANCHORS = "//a[contains(@href, 'status')]"


@dataclass(frozen=True)
class Hints:
    """Which forms the page's bytes can hold: a search of the whole tree costs more
    than a test of the bytes, so forms whose signs are missing are not searched."""

    status: bool = True  # a status link: placeholders' URLs, quote blocks, cited posts
    escaped: bool = True  # markup written into an attribute

    @classmethod
    def of(cls, data: bytes) -> Hints:
        return cls(status=html.links_a_status(data), escaped=kept.may_escape_markup(data))


def find(doc, embeds: list[Embed], elements: list, hints: Hints = Hints(),
         depth: int = 0) -> tuple[list[Embed], list]:
    """The embeds html.find_embeds gave, with the publisher forms' added in document order."""
    taken = set(elements)
    holds_taken = _ancestors(elements)
    inside_taken = html._Nearest(lambda el: el in taken)
    found = list(zip(elements, embeds, strict=True))
    read: set = set()  # elements that gave a post here: each gives one

    def add(el, embed: Embed | None) -> None:
        if (embed is None or el in taken or el in read or el in holds_taken
                or inside_taken.above(el) is not None):
            return
        read.add(el)
        found.append((el, embed))

    # Cards first: where a card's element also names its post in an attribute,
    # the card tells more (its text).
    # (the oEmbed's own twitter-tweet, and all inside it, was read already)
    fresh = [el for el in _owners(doc.xpath(_CARD_ATTRS))
             if el not in taken and el not in holds_taken and inside_taken.above(el) is None]
    for el in _outermost(fresh, cards.is_card):
        if cards.in_article(el):
            add(el, cards.card(el))
    for el in _owners(doc.xpath(_DATA_ATTRS)):
        if el not in read:
            add(el, placeholders.placeholder(el))
    for el in doc.xpath("//iframe[contains(@src, 'status') or contains(@data-src, 'status')]"):
        add(el, placeholders.service_iframe(el))
    if hints.status:
        anchors = doc.xpath(_STATUS_ANCHORS)
        _quote_blocks(doc, anchors, taken, add)
        _fallback_links(anchors, add, lambda el: el in read or inside_taken.above(el) is not None
                        or el in taken)
    for el, markup in kept.kept_markup(doc, hints.escaped) if depth < kept.MAX_DEPTH else ():
        for embed in _read_markup(markup, depth + 1):
            add(el, embed)
    if len(found) > len(elements):  # else they are in document order already
        order = {el: i for i, el in enumerate(doc.iter())}
        found.sort(key=lambda pair: order.get(pair[0], 0))
    embeds = [embed for _, embed in found]
    cards.fill_from_page_data(doc, embeds)
    return embeds, [el for el, _ in found]


def cited_in(doc, embeds: list[Embed], elements: list, hints: Hints = Hints()) -> list[Embed]:
    """The posts the page's prose links to and does not embed."""
    if not hints.status:
        return []
    taken = set(elements)
    inside = html._Nearest(lambda el: el in taken)
    return cited.in_html(doc.xpath(_STATUS_ANCHORS),
                         lambda el: el in taken or inside.above(el) is not None,
                         {e.id for e in embeds if e.id})


def _read_markup(markup: str, depth: int) -> list[Embed]:
    doc = html.parse(markup)
    if doc is None:
        return []
    embeds, elements = html.find_embeds(doc)
    embeds, _ = find(doc, embeds, elements, depth=depth)
    return embeds


def _quote_blocks(doc, anchors: list, taken: set, add) -> None:
    """Quote blocks linking a post: the innermost quote around each status link,
    and blockquotes holding nothing but an empty status link."""
    quote = html._Nearest(lambda el: el.tag in ("q", "blockquote")
                          or "quote" in (el.get("class") or "").lower())
    blocks: dict = {}
    for a in anchors:
        block = quote.above(a)
        if block is not None:
            blocks.setdefault(block, None)
    for el in doc.xpath("//q[@cite] | //blockquote[@cite]"):
        blocks.setdefault(el, None)
    nested = _ancestors(list(blocks))
    for block in blocks:
        if block in nested or block in taken:
            continue  # a quote inside it is read instead; a tweet's own markup was read
        if block.tag == "blockquote":
            embed = placeholders.empty_status_quote(block)
            if embed is not None:
                add(block, embed)
                continue
        add(block, placeholders.quote_block(block))


def _fallback_links(anchors: list, add, done) -> None:
    """Consent and lazy placeholders that keep only a link to their post ("View
    original post on X") inside an element named for an embed."""
    containers: dict = {}
    for a in anchors:
        status = placeholders.status_in(a.get("href"))
        if status is None or done(a):
            continue
        container = placeholders.named_container(a)
        if container is not None:
            ids, handles = containers.setdefault(container, (set(), set()))
            ids.add(status[1])
            handles.add(status[0])
    nested = _ancestors(list(containers))
    for container, (ids, handles) in containers.items():
        if container not in nested:  # the innermost are read, each once: linear
            handle = next(iter(handles)) if len(handles) == 1 else None
            add(container, placeholders.fallback_link(container, ids, handle))


def _owners(attributes: list) -> list:
    """The elements of the attributes found, each once."""
    return list(dict.fromkeys(value.getparent() for value in attributes))


def _ancestors(elements: list) -> set:
    """Every element above one of the given ones, each climbed to once."""
    above: set = set()
    for el in elements:
        node = el.getparent()
        while node is not None and node not in above:
            above.add(node)
            node = node.getparent()
    return above


def _outermost(candidates: list, test) -> list:
    """The candidates passing the test that no other passing candidate encloses."""
    passing = [el for el in candidates if test(el)]
    wanted = set(passing)
    enclosing = html._Nearest(lambda el: el in wanted)
    return [el for el in passing if enclosing.above(el) is None]
