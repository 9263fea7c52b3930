"""Facebook's embed code in an article, element -> Embed: the SDK's div.fb-post /
div.fb-video with its blockquote.fb-xfbml-parse-ignore (the same code oEmbed
answers with), the legacy <fb:post>, the plugin iframes (plugins/post.php,
plugins/video.php), AMP's amp-facebook and WordPress's block that keeps only the
URL.

The blockquote keeps the post's text (often cut with "…") and "Posted by <a>Page</a>
on <a href=permalink>date</a>", in the language of whoever made the code
("Publicado por … en Jueves, 12 de noviembre de 2020").
"""

from __future__ import annotations

import re

from ...model import Embed
from ...scan.dates import parse_date
from ..text import reader_text as lines
from . import urls

_CONNECTOR = re.compile(r"^[^\W\d_]{1,3}\s+")  # "on", "en", "am", "le" before a date
_PAGE = re.compile(r"(?:https?:)?//(?:[a-z0-9-]+\.)?facebook\.com/(?P<name>[A-Za-z0-9.]+)/?"
                   r"(?:\?.*)?$", re.IGNORECASE)


def read(node) -> Embed | None:
    """The post one element of Facebook's embed code names, as far as it tells;
    None for pages, comments, like and share buttons, and elements naming no post."""
    tag = node.tag
    if tag == "div" or tag in ("fb:post", "fb:video"):
        href = _attr(node, "data-href") or _attr(node, "href")
        quote = node.css_first("blockquote.fb-xfbml-parse-ignore, blockquote[cite]")
        return _read(href, quote, "oembed" if tag == "div" else "xfbml")
    if tag == "blockquote":
        return _read(_attr(node, "cite"), node, "oembed")
    if tag == "iframe":
        return _read(_attr(node, "src") or _attr(node, "data-src"), None, "iframe")
    if tag == "amp-facebook":
        if (_attr(node, "data-embed-as") or "post").strip().lower() not in ("post", "video"):
            return None  # an embedded comment: not a post
        quote = node.css_first("blockquote")
        return _read(_attr(node, "data-href"), quote, "amp")
    if tag == "figure":  # WordPress: the rendered code, or the URL alone
        inner = node.css_first("div.fb-post, div.fb-video, blockquote.fb-xfbml-parse-ignore")
        if inner is not None:
            found = read(inner)
            if found is not None:
                found.form = "wordpress"
            return found
        frame = node.css_first("iframe")
        if frame is not None:
            return _read(_attr(frame, "src") or _attr(frame, "data-src"), None, "wordpress")
        wrapper = node.css_first(".wp-block-embed__wrapper") or node
        for anchor in wrapper.css("a[href]"):
            found = _read(_attr(anchor, "href"), None, "wordpress")
            if found is not None:
                return found
        return _read(wrapper.text().strip(), None, "wordpress")
    return None


def _read(href: str | None, quote, form: str) -> Embed | None:
    found = urls.parse(href)
    if found is None and quote is not None:
        found = urls.parse(_attr(quote, "cite"))
    if found is None:
        return None  # a page's plugin, a like button, a comment
    key, handle = found
    embed = Embed(platform="facebook", id=key, handle=handle, url=_public(key), form=form)
    if quote is not None:
        _fill(embed, quote)
    return embed


def _fill(embed: Embed, quote) -> None:
    """Text, author and date from the blockquote the SDK replaces."""
    paragraphs = quote.css("p")
    # The byline: outside the paragraphs, or in one of its own where a CMS wrapped it
    # (a paragraph linking both a page and the post itself).
    byline = next((p for p in reversed(paragraphs) if _byline(p.css("a[href]"))), None)
    # A video's code opens with its title, a link to the video itself.
    first = quote.child
    while first is not None and not first.is_element_node:
        first = first.next
    title = None
    if first is not None and first.tag == "a" and urls.parse(_attr(first, "href")):
        title = lines(first) or None
    texts = [lines(p) for p in paragraphs if byline is None or p.mem_id != byline.mem_id]
    embed.text = "\n".join(t for t in [title, *texts] if t) or None
    if byline is not None:
        anchors = byline.css("a[href]")
    else:
        anchors = [a for a in quote.css("a[href]") if _outside_paragraphs(a, quote)
                   and not (title and a.mem_id == first.mem_id)]
    author_anchor = next((a for a in anchors if _PAGE.match(_attr(a, "href") or "")
                          and urls.parse(_attr(a, "href")) is None), None)
    date_anchor = next((a for a in reversed(anchors) if urls.parse(_attr(a, "href"))), None)
    if author_anchor is not None:
        embed.author = " ".join(author_anchor.text().split()) or None
        name = _PAGE.match(_attr(author_anchor, "href") or "").group("name")
        if embed.handle is None and not urls.NUMBER.fullmatch(name) and (
                name.lower() not in urls.RESERVED):
            embed.handle = name
    # The date: the permalink's words, or (videos) the words after the author.
    said = " ".join(date_anchor.text().split()) if date_anchor is not None else ""
    if not said and author_anchor is not None:
        tail = author_anchor.next
        said = " ".join((tail.text_content or "").split()) if tail is not None and (
            tail.tag == "-text") else ""
    date = parse_date(said)
    if date:
        # "on Friday, December 5, 2014": the byline's connecting word is not the date's.
        shorter = _CONNECTOR.sub("", said, count=1)
        embed.date, embed.date_text = date, shorter if parse_date(shorter) == date else said


def _byline(anchors) -> bool:
    hrefs = [_attr(a, "href") or "" for a in anchors]
    return (any(_PAGE.match(h) and urls.parse(h) is None for h in hrefs)
            and any(urls.parse(h) for h in hrefs))


def _outside_paragraphs(node, stop) -> bool:
    parent = node.parent
    while parent is not None and parent.mem_id != stop.mem_id:
        if parent.tag == "p":
            return False
        parent = parent.parent
    return True


def _public(key: str) -> str:
    return f"https://www.facebook.com/{urls.path(key)}"


def _attr(node, name: str) -> str | None:
    value = node.attributes.get(name)
    return value if isinstance(value, str) else None
