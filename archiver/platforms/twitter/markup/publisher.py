"""Every post a publisher's page shows, beyond the platform's own embed markup.

find_embeds (embeds.py) reads the markup the platform hands out (oEmbed, WordPress, AMP,
widget iframes). Publishers wrap and replace it: lazy and consent-gated
placeholders, cards their CMS renders, embed code kept as text until the reader
clicks "show", quote blocks linking the post. This module reads those, keeps the
outermost element of each post, fills what a rendered iframe lacks from the
page's own data, and lists the posts the prose cites.

Linear in the page: every search climbs the tree with a memo or walks disjoint
subtrees.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ....model import Embed
from ....scan import html
from . import cards, cited, kept, placeholders
from .embeds import find_embeds

# Elements are found by CSS selectors, matched in C; the Python work is done on
# what they match. Classes that may name a tweet card ("weet" and "witter": Tweet
# and tweet, Twitter and twitter), and the attributes that say so:
_CARD_ATTRS = "[class*=weet], [class*=witter], [class*=x-post], [data-twitter], [data-tweet]"
_STATUS_ANCHORS = "a[href*=status]"
_SERVICE_IFRAMES = "iframe[src*=status], iframe[data-src*=status]"
_CITING_QUOTES = "q[cite], blockquote[cite]"
# data-* attributes holding a bare number are read under the names that say so
# (placeholders.placeholder reads no other); those holding a status URL, under any
# name. CSS selects by name, so the names are found in the page's text first, in one
# pass: an id attribute written at all, any data-* attribute whose value holds "status".
_ID_NAMES = sorted((name[5:] for name in placeholders._ID_ATTRS), key=len, reverse=True)
_DATA_NAMES = (r"data-(?:(" + "|".join(_ID_NAMES) + r")(?=\s*+=)"
               r"|([\w.:-]*+)\s*+=\s*+[\"']?+\s*+[^\"'\s>]*?status)")
_DATA_LOWER = re.compile(_DATA_NAMES)  # ten times faster than ignoring case
_DATA_ANY_CASE = re.compile(_DATA_NAMES, re.IGNORECASE)
MAX_NAMES = 64


@dataclass(frozen=True)
class Hints:
    """Which forms the page's bytes can hold: a search of the whole tree costs more
    than a test of the bytes, so forms whose signs are missing are not searched."""

    status: bool = True  # a status link: placeholders' URLs, quote blocks, cited posts
    escaped: bool = True  # markup written into an attribute


def find(doc, text: str, embeds: list[Embed], elements: list, hints: Hints = Hints(),
         depth: int = 0) -> tuple[list[Embed], list]:
    """The embeds find_embeds gave, with the publisher forms' added in document
    order; `text` is the page the document was parsed from."""
    taken = {el.mem_id for el in elements}
    holds_taken = _ancestors(elements)
    inside_taken = html.Nearest(lambda el: el.mem_id in taken)
    found = list(zip(elements, embeds, strict=True))
    read: set = set()  # elements that gave a post here: each gives one

    def add(el, embed: Embed | None) -> None:
        key = el.mem_id
        if (embed is None or key in taken or key in read or key in holds_taken
                or inside_taken.above(el) is not None):
            return
        read.add(key)
        found.append((el, embed))

    # Cards first: where a card's element also names its post in an attribute,
    # the card tells more (its text).
    # (the oEmbed's own twitter-tweet, and all inside it, was read already)
    fresh = [el for el in html.unique(doc.css(_CARD_ATTRS))
             if el.mem_id not in taken and el.mem_id not in holds_taken
             and inside_taken.above(el) is None]
    for el in _outermost(fresh, cards.is_card):
        if cards.in_article(el):
            add(el, cards.card(el))
    for el in _data_holders(doc, text, hints):
        if el.mem_id not in read:
            add(el, placeholders.placeholder(el))
    for el in html.unique(doc.css(_SERVICE_IFRAMES)):
        add(el, placeholders.service_iframe(el))
    if hints.status:
        anchors = doc.css(_STATUS_ANCHORS)
        _quote_blocks(doc, anchors, taken, add)
        _fallback_links(anchors, add, lambda el: el.mem_id in read or el.mem_id in taken
                        or inside_taken.above(el) is not None)
    for el, markup in kept.kept_markup(doc, text, hints.escaped) \
            if depth < kept.MAX_DEPTH else ():
        for embed in _read_markup(markup, depth + 1):
            add(el, embed)
    if len(found) > len(elements):  # else they are in document order already
        order = html.document_order(doc)
        found.sort(key=lambda pair: order.get(pair[0].mem_id, 0))
    embeds = [embed for _, embed in found]
    cards.fill_from_page_data(doc, embeds)
    return embeds, [el for el, _ in found]


def _data_holders(doc, text: str, hints: Hints) -> list:
    """Elements with a data-* attribute that may name a post (a status URL, or an
    id under a name that says so), in document order."""
    found = _DATA_ANY_CASE if "DATA-" in text or "Data-" in text else _DATA_LOWER
    ids: set = set()
    names: set = set()
    for id_name, name in found.findall(text):
        if id_name:
            ids.add("data-" + id_name.lower())
        else:
            names.add("data-" + name.lower())
    if len(names) > MAX_NAMES:
        selectors = ["*"]  # too many names for one query: every element is read
    else:
        selectors = [f"[{name}]" for name in sorted(ids)] + [
            f'[{html.css_name(name)}*="/status"]' for name in sorted(names)]
    if not selectors:
        return []
    return [el for el in html.unique(doc.css(", ".join(selectors)))
            if _names_a_post(el.attributes)]


def _names_a_post(attributes: dict) -> bool:
    """A data-* attribute holding a status URL or a bare number."""
    for name, value in attributes.items():
        if value and name.startswith("data-"):
            if "/status" in value:
                return True
            value = value.strip()
            if value and len(value) < 22 and value.isascii() and value.isdigit():
                return True
    return False


def cited_in(doc, embeds: list[Embed], elements: list, hints: Hints = Hints()) -> list[Embed]:
    """The posts the page's prose links to and does not embed."""
    if not hints.status:
        return []
    taken = {el.mem_id for el in elements}
    inside = html.Nearest(lambda el: el.mem_id in taken)
    return cited.in_html(doc.css(_STATUS_ANCHORS),
                         lambda el: el.mem_id in taken or inside.above(el) is not None,
                         {e.id for e in embeds if e.id})


def _read_markup(markup: str, depth: int) -> list[Embed]:
    doc = html.parse(markup)
    if doc is None:
        return []
    embeds, elements = find_embeds(doc)
    embeds, _ = find(doc, markup, embeds, elements, depth=depth)
    return embeds


def _quote_blocks(doc, anchors: list, taken: set, add) -> None:
    """Quote blocks linking a post: the innermost quote around each status link,
    and blockquotes holding nothing but an empty status link."""
    quote = html.Nearest(lambda el: el.tag in ("q", "blockquote")
                          or "quote" in (el.attributes.get("class") or "").lower())
    blocks: dict = {}
    for a in anchors:
        block = quote.above(a)
        if block is not None:
            blocks.setdefault(block.mem_id, block)
    for el in doc.css(_CITING_QUOTES):
        blocks.setdefault(el.mem_id, el)
    nested = _ancestors(list(blocks.values()))
    for key, block in blocks.items():
        if key in nested or key in taken:
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
        status = placeholders.status_in(a.attributes.get("href"))
        if status is None or done(a):
            continue
        container = placeholders.named_container(a)
        if container is not None:
            _, ids, handles = containers.setdefault(container.mem_id, (container, set(), set()))
            ids.add(status[1])
            handles.add(status[0])
    nested = _ancestors([container for container, _, _ in containers.values()])
    for key, (container, ids, handles) in containers.items():
        if key not in nested:  # the innermost are read, each once: linear
            handle = next(iter(handles)) if len(handles) == 1 else None
            add(container, placeholders.fallback_link(container, ids, handle))


def _ancestors(elements: list) -> set:
    """The mem_id of every element above one of the given ones, each climbed to once."""
    above: set = set()
    for el in elements:
        node = el.parent
        while node is not None and node.mem_id not in above:
            above.add(node.mem_id)
            node = node.parent
    return above


def _outermost(candidates: list, test) -> list:
    """The candidates passing the test that no other passing candidate encloses."""
    passing = [el for el in candidates if test(el)]
    wanted = {el.mem_id for el in passing}
    enclosing = html.Nearest(lambda el: el.mem_id in wanted)
    return [el for el in passing if enclosing.above(el) is None]
