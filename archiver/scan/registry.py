"""Every platform's embeds and post links in an article, through the platform
contract (archiver.platforms): the scanner asks each platform, names none.

Cheap first: a platform is only asked about pages whose bytes hold one of its
markers; its embeds are found with one combined selector, run by Lexbor in C,
so document order comes for free.
"""

from __future__ import annotations

import re

from .. import platforms
from ..model import Embed

_URL = re.compile(r"(?:https?:)?//[^\s<>\"'“”‘’()\[\]]+", re.IGNORECASE)
_TRAILING = ".,;:!?…"


def _asked() -> list[platforms.Platform]:
    """The platforms with markup of their own to read (Twitter's is read by the
    scanner's own finders until it moves behind the contract)."""
    return [p for p in platforms.all_platforms() if p.markers]


def present(lowered: bytes) -> list[platforms.Platform]:
    """The platforms whose markers the page's lower-cased bytes hold."""
    return [p for p in _asked() if any(m in lowered for m in p.markers)]


def find_embeds(tree, asked: list[platforms.Platform]) -> list[tuple[object, Embed]]:
    """(element, embed) for every embed of the asked platforms, in document order.
    An element inside another one's embed (the iframe a script put inside the
    blockquote) is that embed, not a second one."""
    with_selector = [p for p in asked if p.embed_selector]
    if not with_selector or tree is None:
        return []
    combined = ", ".join(p.embed_selector for p in with_selector)
    found: list[tuple[object, Embed]] = []
    taken: set[int] = set()
    passed: set[int] = set()
    for node in tree.css(combined):
        # Lexbor gives an element once for each part of the list it matches.
        if node.mem_id in taken or node.mem_id in passed or _inside(node, taken):
            continue
        passed.add(node.mem_id)
        for platform in with_selector:
            if not node.css_matches(platform.embed_selector):
                continue
            embed = platform.read_embed(node)
            if embed is not None and (embed.id or embed.text or embed.handle):
                embed.platform = platform.name
                found.append((node, embed))
                taken.add(node.mem_id)
                break
    return found


def _inside(node, taken: set[int]) -> bool:
    if not taken:
        return False
    parent = node.parent
    while parent is not None:
        if parent.mem_id in taken:
            return True
        parent = parent.parent
    return False


def anchor_selector(asked: list[platforms.Platform]) -> str:
    """Anchors whose href may name a post or a short link of the asked platforms."""
    marks = sorted({m.decode("ascii", "ignore") for p in asked for m in p.markers})
    marks = [m.replace("\\", "").replace('"', "") for m in marks if m]
    return ", ".join(f'a[href*="{m}" i]' for m in marks)


def post_of(asked: list[platforms.Platform]):
    """href -> the cited Embed of the post it names on one of the asked platforms."""
    def read(href: str | None) -> Embed | None:
        href = (href or "").strip()
        for platform in asked if href else ():
            ref = platform.post_ref(href)
            if ref is not None:
                return Embed(platform=ref.platform, id=ref.id, handle=ref.handle,
                             url=platform.post_url(ref.id, ref.handle), form="cited")
        return None
    return read


def short_links(urls, asked: list[platforms.Platform]) -> list[str]:
    """The asked platforms' short links among urls (they lead to a post only once
    resolved), once each, in order."""
    found: dict[str, None] = {}
    for url in urls:
        url = (url or "").strip()
        if url and any(p.link_key(url) is not None for p in asked):
            found.setdefault(url)
    return list(found)


def cited_in_links(hrefs, asked: list[platforms.Platform], embedded: set) -> list[Embed]:
    """Posts of the asked platforms that links point at (the prose's anchors), each
    once, none already embedded."""
    cited: list[Embed] = []
    seen = set(embedded)
    for href in hrefs:
        href = (href or "").strip()
        if not href:
            continue
        for platform in asked:
            ref = platform.post_ref(href)
            if ref is None:
                continue
            key = (ref.platform, ref.id)
            if key not in seen:
                seen.add(key)
                cited.append(Embed(platform=ref.platform, id=ref.id, handle=ref.handle,
                                   url=href, form="cited"))
            break
    return cited


def urls_in_text(text: str) -> list[str]:
    """URLs written out in plain text, without the punctuation that ends a sentence."""
    return [m.group(0).rstrip(_TRAILING) for m in _URL.finditer(text)]


def find_in_text(text: str, asked: list[platforms.Platform]) -> tuple[list[Embed], list[Embed]]:
    """(embeds, cited) of the asked platforms in a plain-text article: each
    platform's attribution form, then every post URL written out."""
    embeds = [e for p in asked for e in p.find_in_text(text)]
    embedded = {(e.platform, e.id) for e in embeds if e.id}
    return embeds, cited_in_links(urls_in_text(text), asked, embedded)
