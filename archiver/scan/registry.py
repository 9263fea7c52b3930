"""Every platform's embeds and post links in an article, through the platform
contract (archiver.platforms): the scanner asks each platform, names none.

Cheap first: a platform is only asked about pages whose bytes hold one of its
markers; its embeds are found with one combined selector, run by Lexbor in C,
so document order comes for free.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .. import platforms
from ..model import Embed
from . import html, prose
from .marks import Found, Mark

_AFTER_SLASHES = re.compile(r"//[^\s<>\"'“”‘’()\[\]]+")
_TRAILING = ".,;:!?…"


def _asked() -> list[platforms.Platform]:
    """The platforms asked about a page by their hosts, paths and markers."""
    return [p for p in platforms.all_platforms() if p.markers and not p.reads_page]


def _readers() -> list[platforms.Platform]:
    """The platforms that read pages themselves, by marks of their own."""
    return [p for p in platforms.all_platforms() if p.reads_page]


def present(lowered: bytes) -> list[platforms.Platform]:
    """The platforms whose markers the page's lower-cased bytes hold."""
    return [p for p in _asked() if any(m in lowered for m in p.markers)]


# What ends a URL written in markup or prose.
_URL_ENDS = frozenset(b' \t\r\n"\'<>()[]{}\\')
_URL_REST = re.compile(rb'[^\s"\'<>()\[\]{}\\]{0,2048}')
# Embed code that may name its post without a URL (an element's id attribute), by
# the start of the marks that name it; amp- components stand only in AMP pages,
# which say so in their <html> tag.
_URL_LESS = (b"lite-", b"data-")
_TAG_MARKS = (*_URL_LESS, b"amp-")
_AMP_PAGE = re.compile(rb"<html[^>]{0,512}?[\s\"'](?:amp|\xe2\x9a\xa1)[\s>=]")
_REACH = 2048  # bytes before a mark looked at for the tag it stands in


PLATFORM_URL = "platform-url"


def page_marks() -> list[Mark]:
    """What in_html reads, as marks for one pass over the page (marks.py): the
    start of a URL on one of the platforms' hosts, of a post path on any host, of
    a URI of a platform's own scheme; each URL-less mark of embed code (an amp-, lite- or data-
    name); and the marks of the platforms that read pages themselves.
    Candidates only: what stands at each is read before anything is decided."""
    asked = _asked()
    hosts = sorted({h.encode("ascii") for p in asked for h in p.hosts}, key=len, reverse=True)
    paths = sorted({x.encode("ascii") for p in asked for x in p.paths}, key=len, reverse=True)
    found = [Mark(PLATFORM_URL, rb"//(?:[a-z0-9-]+\.)*(?:" + b"|".join(map(re.escape, hosts))
                  + rb")", caseless=True, every=True)]
    found += [Mark(PLATFORM_URL, b"//" + re.escape(after), caseless=True, every=True)
              for after in sorted({_split_prefix(x)[1] for p in asked for x in p.uri_prefixes})]
    if paths:
        found.append(Mark(PLATFORM_URL, rb"//[a-z0-9.-]{1,253}(?::[0-9]{1,5})?(?:"
                          + b"|".join(map(re.escape, paths)) + rb")", caseless=True, every=True))
    for mark in sorted({m for p in asked for m in p.markers if m.startswith(_TAG_MARKS)}):
        found.append(Mark(_tag_mark(mark), re.escape(mark), caseless=True, every=True))
    return found + [m for p in _readers() for m in p.page_marks]


def _tag_mark(mark: bytes) -> str:
    return "tag:" + mark.decode("ascii")


def in_html(data: bytes, found: Found) -> list[platforms.Platform]:
    """The platforms an HTML page may hold embeds or post links of: those one of
    whose URLs in the page names a post or a short link of theirs, and those whose
    URL-less embed code (an amp- or lite- element, a data-telegram-post) stands in
    a tag. A share button's URL, a "follow us" link to a profile and a word in the
    text are neither: most pages carry those, and would otherwise all be parsed
    for nothing. found is what marks.py found of page_marks() in the page."""
    asked = _asked()
    table = _url_table(tuple(asked))
    result: list[platforms.Platform] = []
    after = 0  # where the last URL read ended: a match starts after it, as in finditer
    for slashes in found.starts(PLATFORM_URL):
        if slashes < after:
            continue
        # Read where it stands, in any case: neither a copy of the page lowered
        # nor a window of it (a host may run past any window).
        m = table.any_case.match(data, slashes)
        if m is None:
            continue
        after = m.end()
        if m.lastgroup and m.lastgroup.startswith("uri"):
            scheme, owners = table.by_uri[m.lastgroup]
            if data[max(0, slashes - len(scheme)):slashes].lower() != scheme:
                owners = None
        else:
            host = m.group("host")
            owners = table.by_host.get(host.lower()) if host else table.on_any_host
        for platform in owners or ():
            if platform not in result and _names_a_post(platform, data, slashes):
                result.append(platform)
    amp = _AMP_PAGE.search(data[:8192].lower()) is not None
    for platform in asked:
        if platform not in result and any(
                _mark_in_tag(data, found.starts(_tag_mark(mark))) for mark in platform.markers
                if mark.startswith(_URL_LESS) or (amp and mark.startswith(b"amp-"))):
            result.append(platform)
    return result + [p for p in _readers() if p.asks(found)]


def holds_markup(found: Found) -> bool:
    """Whether the marks found are a platform's embed markup (html or not)."""
    return any(p.holds_markup(found) for p in _readers())


def writing_links(found: Found) -> list[platforms.Platform]:
    """The platforms whose short links the page's marks say its text may hold."""
    return [p for p in _readers() if p.writes_links(found)]


def links_in(text: str, linking: list[platforms.Platform]) -> list[str]:
    """The short links of those platforms written anywhere in the text."""
    return [link for p in linking for link in p.links_in(text)]


def read_html(doc, text: str, found: Found, asked: list[platforms.Platform]):
    """(embeds, cited posts, short links) of the asked platforms in a parsed page.
    The platforms with only a selector go first, all in one query; the platforms
    that read the page go next, each given the embeds found so far; then the
    links in the prose, outside every embed; last, what a platform reads outside
    any element (it may take the embeds' elements out of the tree)."""
    plain = [p for p in asked if not p.reads_page]
    readers = [p for p in asked if p.reads_page]
    pairs = find_embeds(doc, plain)
    cited: list[Embed] = []
    for platform in readers:
        pairs, more = platform.read_page(doc, text, found, pairs)
        cited += more
    links: list[str] = []
    if plain:
        taken = {el.mem_id for el, _ in pairs}
        inside = html.Nearest(lambda el: el.mem_id in taken)
        anchors = doc.css(anchor_selector(plain))
        cited += prose.cited_in(
            anchors, lambda el: el.mem_id in taken or inside.above(el) is not None,
            {(e.platform, e.id) for _, e in pairs if e.id}, post_of(plain))
        links = short_links((a.attributes.get("href") for a in anchors), plain)
    elements = [el for el, _ in pairs]
    loose = [e for p in readers for e in p.read_loose(doc, text, found, elements)]
    return [e for _, e in pairs] + loose, cited, links


def in_text(lowered: bytes) -> list[platforms.Platform]:
    """The platforms a plain-text article may show posts of: those that read
    pages themselves, those whose URLs it writes out, and those with an
    attribution of their own to read in text (find_in_text) whose marks it holds."""
    asked = _asked()
    table = _url_table(tuple(asked))
    found = []
    for m in table.pattern.finditer(lowered):
        host = m.group("host")
        uri = m.lastgroup if m.lastgroup and m.lastgroup.startswith("uri") else None
        owners = (table.by_uri[uri][1] if uri
                  else table.by_host.get(host) if host else table.on_any_host)
        found += [p for p in owners or () if p not in found]
    return _readers() + found + [p for p in asked if p not in found and _reads_text(p)
                                 and any(mark in lowered for mark in p.markers)]


def _reads_text(platform: platforms.Platform) -> bool:
    return type(platform).find_in_text is not platforms.Platform.find_in_text


@dataclass(frozen=True)
class _UrlTable:
    pattern: re.Pattern  # a URL on one of the hosts, a post path on any host, a URI
    any_case: re.Pattern  # the same in bytes not lower-cased
    by_host: dict  # host -> the platforms on it
    by_uri: dict  # the group of a URI prefix -> (its scheme and colon, the platforms)
    on_any_host: list  # the platforms whose posts are on any host (by their paths)


_TABLES: dict = {}


def _url_table(asked: tuple) -> _UrlTable:
    if asked not in _TABLES:
        by_host: dict[bytes, list] = {}
        for p in asked:
            for host in p.hosts:
                by_host.setdefault(host.encode("ascii"), []).append(p)
        names = sorted(by_host, key=len, reverse=True)
        paths = [path.encode("ascii") for p in asked for path in p.paths]
        hosts = b"|".join(re.escape(h) for h in names)
        alternatives = [rb"(?:[a-z0-9-]+\.)*(?P<host>" + hosts + rb")(?![a-z0-9.-])"]
        if paths:
            alternatives.append(rb"[a-z0-9.-]{1,253}+(?::[0-9]{1,5})?+(?P<path>"
                                + b"|".join(re.escape(x) for x in paths) + rb")")
        by_uri: dict[str, tuple] = {}
        for p in asked:
            for prefix in p.uri_prefixes:
                scheme, after = _split_prefix(prefix)
                group = next((g for g, (s, _, a) in by_uri.items()
                              if (s, a) == (scheme, after)), None)
                if group is None:
                    group = f"uri{len(by_uri)}"
                    by_uri[group] = (scheme, [], after)
                    alternatives.append(b"(?P<" + group.encode() + b">" + re.escape(after)
                                        + b")")
                by_uri[group][1].append(p)
        source = rb"//(?:" + b"|".join(alternatives) + rb")"
        _TABLES[asked] = _UrlTable(re.compile(source), re.compile(source, re.IGNORECASE),
                                   by_host, {g: (s, o) for g, (s, o, _) in by_uri.items()},
                                   [p for p in asked if p.paths])
    return _TABLES[asked]


def _split_prefix(prefix: str) -> tuple[bytes, bytes]:
    """A platform's URI prefix ("at://did:") as its scheme with the colon, lower
    case (b"at:"), and what follows the slashes (b"did:")."""
    scheme, _, after = prefix.lower().encode("ascii").partition(b"//")
    return scheme, after


def _names_a_post(platform: platforms.Platform, data: bytes, slashes: int) -> bool:
    """Whether the URL whose "//" stands at `slashes` names a post or a short link
    of the platform."""
    return _leads_to_a_post(platform.name, url_at(data, slashes))


def url_at(data: bytes, slashes: int) -> str:
    """The URL whose "//" stands at `slashes`, its scheme included: at most 8
    bytes before the colon, from the last delimiter there. Where none stands there
    the scheme is glued to other words (no platform's URL then), and the URL is
    read from 8 bytes before the colon: read from the page's start, every such URL
    made the scan quadratic in the page."""
    start = slashes
    scheme = data.rfind(b":", max(0, slashes - 8), slashes)
    if scheme >= 0:
        start = max(max(0, scheme - 8), 1 + max(
            data.rfind(d, max(0, scheme - 8), scheme)
            for d in (b'"', b"'", b" ", b"=", b"(", b">", b"\n")))
    url = data[start:_URL_REST.match(data, slashes + 2).end()].decode("utf-8", "replace")
    url = url.rstrip(_TRAILING)
    return "https:" + url if url.startswith("//") else url


@functools.lru_cache(maxsize=4096)
def _leads_to_a_post(name: str, url: str) -> bool:
    """Whether url names a post or a short link of the platform called name. A
    site's pages share their follow links: each is read once per process."""
    platform = platforms.get(name)
    return platform.post_ref(url) is not None or platform.link_key(url) is not None


def _mark_in_tag(data: bytes, starts: list[int]) -> bool:
    """A mark standing inside a tag other than a link's: its embed code. starts
    are where the mark occurs; a page holding it at every turn is read."""
    for at in starts[:48]:
        if _inside_tag(data, at) not in (None, b"a"):
            return True
    return len(starts) >= 48


def _inside_tag(data: bytes, at: int) -> bytes | None:
    """The name of the tag (lower-cased) whose markup position `at` is in, or None
    in text."""
    opened = data.rfind(b"<", max(0, at - _REACH), at)
    if opened < 0 or data.find(b">", opened, at) >= 0:
        return None
    end = opened + 1
    while end < at and data[end] not in _URL_ENDS and data[end] != ord("/"):
        end += 1
    return data[opened + 1:end].lower()


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
    """URLs written out in plain text, without the punctuation that ends a sentence.
    Found by their "//" (a literal the expression engine searches for fast), the
    scheme before it read back."""
    urls = []
    for m in _AFTER_SLASHES.finditer(text):
        start = m.start()
        scheme = text[max(0, start - 6):start].lower()
        begin = start - (6 if scheme.endswith("https:") else 5 if scheme.endswith("http:")
                         else 0)
        url = text[begin:m.end()].rstrip(_TRAILING)
        urls.append(url if begin < start else "https:" + url)
    return urls


def find_in_text(text: str, asked: list[platforms.Platform]) -> tuple[list[Embed], list[Embed]]:
    """(embeds, cited) of the asked platforms in a plain-text article: each
    platform's attribution form, then every post URL written out."""
    embeds = [e for p in asked for e in p.find_in_text(text)]
    embedded = {(e.platform, e.id) for e in embeds if e.id}
    cited, by_urls = [], []
    for platform in asked:
        own = platform.cited_in_text(text)
        if own is None:
            by_urls.append(platform)
        else:
            cited += own
    return embeds, cited + cited_in_links(urls_in_text(text), by_urls, embedded)
