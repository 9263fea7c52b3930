"""Instagram's embed code in an article, element -> Embed: the official blockquote
(the same one oEmbed answers with), the iframe embed.js turns it into, AMP's
amp-instagram and WordPress's block that keeps only the URL.

Versions up to about 8 of the blockquote kept the caption, "A photo posted by
Name (@user) on <time datetime>"; versions 12 to 14 keep a skeleton, "View this
post on Instagram" and often "A post shared by Name (@user)", in the reader's
language ("Name(@user)がシェアした投稿"). Only what the markup holds is read.
"""

from __future__ import annotations

import re

from ...model import Embed
from ...scan.dates import parse_date
from ..text import reader_text as lines
from . import urls

# "(@handle)" in an attribution: the last one, names may hold parentheses.
_HANDLE = re.compile(r"\(@(?P<handle>[A-Za-z0-9._]{1,30})\)")
# The English attributions: "A post shared by", "A photo posted by", "A video ...".
_BY = re.compile(r"^\s*an? (?:post|photo|video|reel) (?:shared|posted) by\s+(?P<name>.*?)\s*$",
                 re.IGNORECASE | re.DOTALL)
# The skeleton's own words, no caption: "View this post on Instagram".
_SKELETON = re.compile(r"^\s*view (?:this )?(?:post|photo|video|reel)? ?on instagram\s*$",
                       re.IGNORECASE)


def read(node) -> Embed | None:
    """The post one element of Instagram's embed code names, as far as it tells;
    None for a profile's embed, or an element naming no post."""
    tag = node.tag
    if tag == "blockquote":
        return read_blockquote(node, "oembed")
    if tag == "iframe":
        return _from_url(_attr(node, "src") or _attr(node, "data-src"), "iframe")
    if tag == "amp-instagram":
        code = _attr(node, "data-shortcode") or _attr(node, "shortcode")
        if not code or not urls.SHORTCODE.fullmatch(code.strip()):
            return None
        placeholder = node.css_first("blockquote")
        embed = read_blockquote(placeholder, "amp") if placeholder is not None else None
        if embed is None or embed.id not in (None, code.strip()):
            embed = Embed(platform="instagram", form="amp")
        embed.id = code.strip()
        return complete(embed)
    if tag == "figure":  # WordPress: the rendered blockquote or iframe, or the URL alone
        inner = node.css_first("blockquote.instagram-media, blockquote[data-instgrm-permalink]")
        if inner is not None:
            return read_blockquote(inner, "wordpress")
        frame = node.css_first("iframe")
        if frame is not None:
            return _from_url(_attr(frame, "src") or _attr(frame, "data-src"), "wordpress")
        wrapper = node.css_first(".wp-block-embed__wrapper") or node
        for anchor in wrapper.css("a[href]"):
            embed = _from_url(_attr(anchor, "href"), "wordpress")
            if embed is not None:
                return embed
        return _from_url(wrapper.text().strip(), "wordpress")
    return None


def read_blockquote(bq, form: str) -> Embed | None:
    """The official blockquote: its permalink, and the caption and attribution the
    older versions keep."""
    permalink = _attr(bq, "data-instgrm-permalink")
    found = urls.parse(permalink) if permalink else None
    if permalink and found is None:
        return None  # a profile's embed, or a link to no post
    if found is None:
        for anchor in bq.css("a[href]"):
            found = urls.parse(_attr(anchor, "href"))
            if found is not None:
                break
    paragraphs = bq.css("p")
    attribution = next((p for p in reversed(paragraphs) if _HANDLE.search(p.text())), None)
    handle = author = date = date_text = None
    if attribution is not None:
        said = " ".join(attribution.text().split())
        match = list(_HANDLE.finditer(said))[-1]
        handle = match.group("handle")
        by = _BY.match(said[:match.start()])
        author = (by.group("name").strip() or None) if by else None
        time = attribution.css_first("time")
        if time is not None:
            stamp = _attr(time, "datetime") or ""
            date_text = " ".join(time.text().split()) or None
            date = (stamp[:10] if re.fullmatch(r"\d{4}-\d{2}-\d{2}", stamp[:10])
                    else parse_date(date_text))
    caption = [lines(p) for p in paragraphs
               if attribution is None or p.mem_id != attribution.mem_id]
    text = "\n".join(t for t in caption if t and not _SKELETON.match(t)) or None
    if found is None and not text:
        return None
    code = found[0] if found else None
    embed = Embed(platform="instagram", id=code, handle=handle or (found[1] if found else None),
                  author=author, date=date, date_text=date_text if date else None, text=text,
                  form=form)
    return complete(embed)


# The attribution a flattened embed leaves in plain text, one line: "A post shared by
# City Hall (@cityhall)", and in the older code "A photo posted by Name (@user) on
# Mar 6, 2016 at 7:15pm PST".
_TEXT_ATTRIBUTION = re.compile(
    r"^[ \t]*an? (?:post|photo|video|reel) (?:shared|posted) by[ \t]+(?P<name>[^\n]*?)[ \t]*"
    r"\(@(?P<handle>[A-Za-z0-9._]{1,30})\)(?:[ \t]+on[ \t]+(?P<date>[^\n]*?))?[ \t]*$",
    re.IGNORECASE | re.MULTILINE)


def in_text(text: str) -> list[Embed]:
    """Posts a plain-text article shows by Instagram's attribution: the handle, the
    name and the date it gives. No id survives flattening, and the line before it
    may as well be the article's prose as the caption: the text is not guessed."""
    found = []
    for m in _TEXT_ATTRIBUTION.finditer(text):
        said = m.group("date") or ""
        date = parse_date(said)
        found.append(Embed(platform="instagram", handle=m.group("handle"),
                           author=m.group("name").strip() or None, date=date,
                           date_text=said if date else None, form="text"))
    return found


def _from_url(url: str | None, form: str) -> Embed | None:
    found = urls.parse(url)
    if found is None:
        return None
    return complete(Embed(platform="instagram", id=found[0], handle=found[1], form=form))


def complete(embed: Embed) -> Embed:
    """The post's address, and the date its shortcode holds where the markup gave none
    (date_text stays None: derived, not read)."""
    if embed.id:
        embed.url = f"https://www.instagram.com/p/{embed.id}/"
        if not embed.date:
            embed.date = urls.date_from_shortcode(embed.id)
    return embed


def _attr(node, name: str) -> str | None:
    value = node.attributes.get(name)
    return value if isinstance(value, str) else None
