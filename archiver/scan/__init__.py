"""The scanner: bytes of an article in, the posts it embeds out.

Pure: no I/O here (sources.py reads files, URLs and stdin). Cheap tests on the
bytes decide how much work an article needs, so the many articles that embed
nothing cost little more than decoding them.
"""

from __future__ import annotations

import functools
import hashlib
import html as htmllib
import re

from .. import platforms
from ..model import Article, Embed
from . import cited, html, plaintext, publisher, registry
from .decode import declared_codec, decode, looks_utf16
from .marks import Found, Mark, Marks
from .urls import find_links

__all__ = ["decode", "scan_bytes", "sniff_html"]

_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|"
    rb"article|section|main|blockquote|figure|iframe|amp-twitter|script|link|span|a|h[1-6]|table|"
    rb"header|nav|style|\?xml)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_HTML_ANYWHERE = re.compile(rb"<(?:html|body|p|div|br|blockquote|a\s+href)[\s>/]", re.IGNORECASE)
_SHORTCODE_HINT = re.compile(r"\[tweet", re.IGNORECASE)  # three times faster than lower()
_SHORTCODE = re.compile(
    r"\[tweet\s+(?:(?P<url>https?://\S+?)|(?P<id>[0-9]{1,20}))(?:\s[^\]]*)?\]", re.IGNORECASE
)


_MARKUP = re.compile(rb"<(?:blockquote|amp-twitter|iframe|figure|div)[\s>]", re.IGNORECASE)


def sniff_html(data: bytes, found: Found | None = None) -> bool:
    """HTML or plain text, judged from the bytes, not from a file name; found is
    what marks.py found in them, when already searched.

    Raw CMS content (paragraphs without tags around an embed's markup) counts as
    HTML too: its embeds are markup.
    """
    start = len(data) - len(data.lstrip())
    while data.startswith(b"<!--", start):  # long leading comments (build banners)
        end = data.find(b"-->", start)
        if end < 0:
            break
        start = end + 3
        start += len(data[start:start + 4096]) - len(data[start:start + 4096].lstrip())
    head = data[start:start + 4096]
    if _HTML_START.match(head) or len(_HTML_ANYWHERE.findall(head)) >= 3:
        return True
    return html.may_hold_embed(data, found) and _MARKUP.search(data) is not None


# Where a t.co or pic link may start: "t.co" followed by a slash in any form
# find_links reads (/, \/, %2F, an entity); upper case (T.CO, PIC.TWITTER.COM) is
# rare but seen. "t.co" alone says little: every address ending in "t.com" holds it.
_SHORT_LINK = "short-link"
# "(@" before a handle: a tweet flattened into the text, "Name (@handle) date".
_PAREN_AT = "paren-at"
_OWN_MARKS = (
    Mark(_SHORT_LINK, rb"t\.co(?:/|\\/|%2f|&)", caseless=True),
    Mark(_SHORT_LINK, rb"pic\.(?:twitter|x)\.com", caseless=True),
    Mark(_PAREN_AT, rb"\(@"),
)


@functools.cache
def _page_marks() -> Marks:
    """Every mark the scanner reads before parsing, searched in one pass."""
    return Marks(_OWN_MARKS + html.MARKS + tuple(registry.marks()))


_VISIBLE = re.compile(r"\S")
_LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")  # where splitlines() breaks


def _first_line(text: str) -> str | None:
    """The first line of a plain-text article that holds anything, as
    plaintext.text_units gives it (white space normalised), cut to 500 characters."""
    start = _VISIBLE.search(text)
    if start is None:
        return None
    end = _LINE_BREAK.search(text, start.start())
    line = text[start.start():end.start() if end else len(text)]
    return " ".join(line.split())[:500]


def scan_bytes(data: bytes, source: str = "-", content_type: str | None = None) -> Article:
    """Read one article. Never raises on odd input: undecodable bytes are replaced."""
    digest = hashlib.sha256(data).hexdigest()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or looks_utf16(data):
        # Every byte test below reads ASCII: give them UTF-8.
        data = decode(data, content_type).encode("utf-8")
        content_type = "charset=utf-8"  # wins over a <meta charset="utf-16"> now untrue
    found = _page_marks().find(data)
    is_html = sniff_html(data, found)
    structural = is_html and html.may_hold_embed(data, found)
    # The other platforms whose marks the page holds: each is asked for its own.
    asked = registry.in_html(data, found) if is_html else registry.in_text(data.lower())
    if is_html and not asked and not structural and _PAREN_AT not in found:
        # Most articles embed nothing: their title and links are all there is,
        # and neither needs the whole article decoded or parsed.
        text = decode(data, content_type) if _SHORT_LINK in found else None
        return Article(source=source, title=_title(data, content_type), kind="html",
                       content_hash=digest, links=find_links(text) if text else [])
    text = decode(data, content_type)
    if is_html:
        article = _scan_html(data, text, source, structural, asked)
    else:
        if plaintext.QUICK.search(text):
            units = plaintext.text_units(text)
            embeds = plaintext.find_embeds(units)
            title = units[0].split("\n")[0][:500] if units else None
        else:  # no "(@handle)": the first line is all that is read
            embeds, title = [], _first_line(text)
        article = Article(source=source, title=title, kind="text", content_hash=digest)
        article.embeds = embeds
        article.cited = cited.in_text(text, set())
        if asked:
            more, cited_more = registry.find_in_text(text, asked)
            article.embeds += more
            article.cited += cited_more
            article.links = registry.short_links(registry.urls_in_text(text), asked)
    article.content_hash = digest
    article.embeds = merge_duplicates(article.embeds + _shortcodes(text))
    embedded = {(e.platform, e.id) for e in article.embeds if e.id}
    article.cited = [c for c in article.cited if (c.platform, c.id) not in embedded]
    # Other platforms' short links found above follow the t.co and pic links.
    article.links = find_links(text) + article.links
    return article


def _scan_html(data: bytes, text: str, source: str, structural: bool, asked: list) -> Article:
    flattened = plaintext.QUICK.search(text) is not None
    if not (structural or flattened or asked):
        return Article(source=source, title=_title(data, None, text), kind="html",
                       content_hash="")
    warnings: list[str] = []
    doc = html.parse(text, warnings)
    if doc is None:
        return Article(source=source, title=None, kind="html", content_hash="")
    title = html.title_of(doc)
    embeds, elements, cited_posts, links = [], [], [], []
    if structural:
        embeds, elements = html.find_embeds(doc)
    if asked:
        # The other platforms' embeds are read before the publisher forms, so that
        # none of those reads a post of theirs as a tweet's card or quote.
        others = registry.find_embeds(doc, asked)
        if others:
            pairs = list(zip(elements, embeds, strict=True)) + others
            if elements:
                order = html.document_order(doc)
                pairs.sort(key=lambda pair: order.get(pair[0].mem_id, 0))
            elements = [el for el, _ in pairs]
            embeds = [embed for _, embed in pairs]
    if structural:
        hints = publisher.Hints.of(data)
        embeds, elements = publisher.find(doc, text, embeds, elements, hints)
        cited_posts = publisher.cited_in(doc, embeds, elements, hints)
    if asked:
        taken = {el.mem_id for el in elements}
        inside = html.Nearest(lambda el: el.mem_id in taken)
        anchors = doc.css(registry.anchor_selector(asked))
        cited_posts += cited.in_html(
            anchors, lambda el: el.mem_id in taken or inside.above(el) is not None,
            {(e.platform, e.id) for e in embeds if e.id}, post_of=registry.post_of(asked))
        links = registry.short_links((a.attributes.get("href") for a in anchors), asked)
    if flattened and _DATED_HANDLE.search(text):
        # Tweets whose markup was flattened into the page's paragraphs.
        embeds += plaintext.find_embeds(html.page_lines(doc, elements))
    return Article(source=source, title=title, kind="html", content_hash="", embeds=embeds,
                   warnings=warnings, cited=cited_posts, links=links)


# A "(@handle)" with a year (or a CJK date) shortly after it: the only kind of
# page worth turning into lines to look for flattened attributions.
_DATED_HANDLE = re.compile(r"\(@\w{1,15}\).{0,120}?(?:\b(?:19|20)\d\d\b|[年년])", re.DOTALL)
# Found in two steps, opening tag then closing tag: one lazy expression took time
# quadratic in the page when many <title> tags were left open.
_TITLE_OPEN_BYTES = re.compile(rb"<title[^>]{0,1000}>", re.IGNORECASE)
_TITLE_CLOSE_BYTES = re.compile(rb"</title\s*>", re.IGNORECASE)
_TITLE_OPEN = re.compile(r"<title[^>]{0,1000}>", re.IGNORECASE)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.IGNORECASE)


def _title(data: bytes, content_type: str | None, text: str | None = None) -> str | None:
    """The <title>, decoded as the whole page would be; og:title when there is none."""
    if text is None:
        raw = _between(data, _TITLE_OPEN_BYTES, _TITLE_CLOSE_BYTES, 262144)
        if raw is None:
            return None
        raw = decode(raw[:MAX_TITLE_BYTES], declared=declared_codec(data, content_type))
    else:
        raw = _between(text, _TITLE_OPEN, _TITLE_CLOSE, len(text))
        if raw is None:
            return None
        raw = raw[:MAX_TITLE_BYTES]
    return html.clip_title(htmllib.unescape(raw)) or None


# Enough of a title's source for MAX_TITLE characters, entities and spaces included.
MAX_TITLE_BYTES = html.MAX_TITLE * 16


def _between(data, opening, closing, within: int):
    """What stands between the first opening tag (starting within the first
    `within` characters) and the closing tag after it."""
    start = opening.search(data, 0, within)
    if not start:
        return None
    end = closing.search(data, start.end())
    return data[start.end():end.start()] if end else None


def _shortcodes(text: str) -> list[Embed]:
    """Jetpack's [tweet URL] and [tweet ID] shortcodes in raw content."""
    if not _SHORTCODE_HINT.search(text):
        return []
    embeds = []
    for m in _SHORTCODE.finditer(text):
        if m.group("id"):
            embed = Embed(platform="twitter", id=m.group("id"), form="shortcode")
        else:
            embed = html.from_urls([m.group("url")], "shortcode")
            if embed is None:
                continue
        html.complete(embed)
        embeds.append(embed)
    return embeds


def merge_duplicates(embeds: list[Embed]) -> list[Embed]:
    """The same tweet embedded twice is one embed; the richer record wins each field."""
    merged: dict[tuple, Embed] = {}
    for embed in embeds:
        key = ("id", embed.platform, embed.id) if embed.id else (
            "text", embed.platform, (embed.handle or "").lower(), embed.text, embed.date
        )
        kept = merged.get(key)
        if kept is None:
            merged[key] = embed
            continue
        for name in ("handle", "author", "text", "date_text"):
            if getattr(kept, name) is None and getattr(embed, name) is not None:
                setattr(kept, name, getattr(embed, name))
        if embed.date_text and kept.date_text == embed.date_text:
            kept.date = kept.date or embed.date
        elif embed.date_text and not kept.date_text:
            kept.date = embed.date
        for link in embed.links:
            if link not in kept.links:
                kept.links.append(link)
        if kept.id:
            kept.url = platforms.get(kept.platform).post_url(kept.id, kept.handle)
    return list(merged.values())
