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
from . import html, registry
from .decode import declared_codec, decode, looks_utf16
from .marks import Found, Marks

__all__ = ["decode", "scan_bytes", "sniff_html"]

_HTML_START = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|div|p|"
    rb"article|section|main|blockquote|figure|iframe|amp-[a-z]+|script|link|span|a|h[1-6]|table|"
    rb"header|nav|style|\?xml)[\s>/]",
    re.IGNORECASE | re.DOTALL,
)
_HTML_ANYWHERE = re.compile(rb"<(?:html|body|p|div|br|blockquote|a\s+href)[\s>/]", re.IGNORECASE)


_MARKUP = re.compile(rb"<(?:blockquote|amp-[a-z]+|iframe|figure|div)[\s>]", re.IGNORECASE)


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
    if found is None:
        found = _page_marks().find(data)
    return registry.holds_markup(found) and _MARKUP.search(data) is not None


@functools.cache
def _page_marks() -> Marks:
    """Every mark the scanner reads before parsing, searched in one pass."""
    return Marks(registry.page_marks())


_VISIBLE = re.compile(r"\S")
_LINE_BREAK = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")  # where splitlines() breaks


def _first_line(text: str) -> str | None:
    """The first line of a plain-text article that holds anything, white space
    normalised, cut to 500 characters."""
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
    # The platforms whose marks the page holds: each is asked for its own.
    asked = registry.in_html(data, found) if is_html else registry.in_text(data.lower())
    linking = registry.writing_links(found)
    if is_html and not asked:
        # Most articles embed nothing: their title and links are all there is,
        # and neither needs the whole article decoded or parsed.
        text = decode(data, content_type) if linking else None
        return Article(source=source, title=_title(data, content_type), kind="html",
                       content_hash=digest, links=registry.links_in(text, linking) if text else [])
    text = decode(data, content_type)
    if is_html:
        article = _scan_html(text, source, found, asked)
    else:
        article = Article(source=source, title=_first_line(text), kind="text",
                          content_hash=digest)
        article.embeds, article.cited = registry.find_in_text(text, asked)
        article.links = registry.short_links(
            registry.urls_in_text(text), [p for p in asked if p not in linking])
    article.content_hash = digest
    article.embeds = merge_duplicates(article.embeds)
    embedded = {(e.platform, e.id) for e in article.embeds if e.id}
    article.cited = [c for c in article.cited if (c.platform, c.id) not in embedded]
    # Short links written in the text come first, then those only in links.
    article.links = registry.links_in(text, linking) + article.links
    return article


def _scan_html(text: str, source: str, found: Found, asked: list) -> Article:
    warnings: list[str] = []
    doc = html.parse(text, warnings)
    if doc is None:
        return Article(source=source, title=None, kind="html", content_hash="")
    embeds, cited, links = registry.read_html(doc, text, found, asked)
    return Article(source=source, title=html.title_of(doc), kind="html", content_hash="",
                   embeds=embeds, warnings=warnings, cited=cited, links=links)


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


def merge_duplicates(embeds: list[Embed]) -> list[Embed]:
    """The same post embedded twice is one embed; the richer record wins each field."""
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
