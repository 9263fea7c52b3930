"""Bluesky posts in an article's markup and in its flattened text.

The embed code (bsky.app's "Embed post") is a blockquote that keeps the whole
post: its text in <p lang> (its line breaks as written, "[image or embed]"
after two <br> where it has media), then "— Name (<a>@handle</a>) <a>date</a>",
the date as the embedder's browser wrote it ("November 25, 2024 at 12:58 AM"),
and the post's AT-URI, with the author's DID, in data-bluesky-uri. oEmbed's
copy differs: "— <a>Name (@handle)</a> <a>2024-11-25T00:58:51.890Z</a>". embed.js swaps
it for div.bluesky-embed > iframe[data-bluesky-id] whose src is
embed.bsky.app/embed/<did>/app.bsky.feed.post/<rkey>; a page saved after the
script ran keeps only that. Bluesky has no AMP component; WordPress has no core
block for it, but an oEmbed-aware plugin names its wrapper after the provider
("Bluesky Social"), with the URL alone inside until the page is served.
"""

from __future__ import annotations

import re

from ...model import Embed
from ...scan.dates import parse_date
from . import ids

# Each element matches one of these at most: Lexbor lists an element once for
# every selector of a list it matches.
SELECTOR = ", ".join((
    "[data-bluesky-uri]",
    "div.bluesky-embed:not([data-bluesky-uri])",
    "iframe[data-bluesky-id]:not([data-bluesky-uri])",
    'iframe[src*="embed.bsky.app/embed/"]:not([data-bluesky-id]):not([data-bluesky-uri])',
    "figure.is-provider-bluesky:not([data-bluesky-uri])",
    "figure.is-provider-bluesky-social:not(.is-provider-bluesky):not([data-bluesky-uri])",
))
_MEDIA_LINK = re.compile(r"\[\s*image or embed\s*\]", re.IGNORECASE)
# The author's link: "@handle" in the app's code, "Name (@handle)" in oEmbed's.
_CREDIT = re.compile(r"(?:(?P<name>.*\S)\s*\()?@(?P<handle>[^\s()@]+)\)?")
_DASHES = "\u2014\u2013\u2015-"


def read_embed(node) -> Embed | None:
    if node.tag == "figure":
        return _wordpress(node)
    if node.tag == "iframe":
        return _iframe(node, "iframe")
    if node.attributes.get("data-bluesky-uri") is not None:
        return _blockquote(node)
    inner = node.css_first("iframe")  # div.bluesky-embed: embed.js's container
    return _iframe(inner, "iframe") if inner is not None else None


def _wordpress(node) -> Embed | None:
    inner = node.css_first("[data-bluesky-uri]")
    if inner is not None:
        return _blockquote(inner)
    inner = node.css_first("iframe")
    if inner is not None:
        return _iframe(inner, "wordpress")
    # Only the URL, as the block was saved.
    for candidate in [a.attributes.get("href") for a in node.css("a")] + node.text(
            separator=" ").split():
        ref = ids.parse_url(candidate)
        if ref:
            return _known(ref, "wordpress")
    return None


def _iframe(node, form: str) -> Embed | None:
    src = node.attributes.get("src") or node.attributes.get("data-src") or ""
    ref = ids.parse_url(src)
    return _known(ref, form) if ref else None


def _known(ref: tuple[str, str | None], form: str) -> Embed:
    post_id, handle = ref
    return Embed("bluesky", id=post_id, handle=handle,
                 date=ids.tid_date(ids.split_id(post_id)[1]), url=ids.public_url(post_id),
                 form=form)


def _blockquote(node) -> Embed | None:
    ref = ids.parse_url(node.attributes.get("data-bluesky-uri") or "")
    anchors = node.css("a")
    if ref is None:  # hand-written code: the post's own link may still name it
        ref = next((r for r in (ids.parse_url(a.attributes.get("href")) for a in anchors)
                    if r), None)
    if ref is None:
        return None
    post_id, handle = ref
    paragraphs = [p for p in node.css("p") if _own(p, node)]
    text = "\n".join(t for t in (_paragraph_text(p) for p in paragraphs) if t) or None
    in_text = {a.mem_id for p in paragraphs for a in p.css("a")}
    author, author_handle, date_text = None, None, None
    for a in anchors:
        if a.mem_id in in_text:
            continue
        words = " ".join(a.text().split())
        credit = _CREDIT.fullmatch(words)
        if credit and ids.HANDLE.fullmatch(credit.group("handle").lower()):
            author_handle = credit.group("handle").lower()
            author = credit.group("name") or author
        elif ids.parse_url(a.attributes.get("href")) and parse_date(words):
            date_text = words
    date = parse_date(date_text) if date_text else ids.tid_date(ids.split_id(post_id)[1])
    return Embed("bluesky", id=post_id, handle=author_handle or handle,
                 author=author or _author(node, paragraphs), date=date, text=text,
                 url=ids.public_url(post_id), date_text=date_text, form="oembed")


def _own(p, blockquote) -> bool:
    """A paragraph of this blockquote, not of one nested in it."""
    parent = p.parent
    while parent is not None and parent.mem_id != blockquote.mem_id:
        if parent.attributes.get("data-bluesky-uri") is not None:
            return False
        parent = parent.parent
    return True


def _paragraph_text(p) -> str:
    """The post's words as the reader saw them: <br> as a line break, the
    "[image or embed]" link (standing for the media) left out."""
    parts: list[str] = []
    skip: set[int] = set()
    for node in p.traverse(include_text=True):
        if node.tag == "a" and _MEDIA_LINK.fullmatch(node.text().strip()):
            skip.update(n.mem_id for n in node.traverse(include_text=True))
        if node.mem_id in skip:
            continue
        if node.tag == "-text":
            parts.append(node.text_content or "")
        elif node.tag == "br":
            parts.append("\n")
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    return "\n".join(lines).strip()


def _author(node, paragraphs) -> str | None:
    """The name in "— Name (@handle)": the blockquote's own text after its
    paragraphs, up to the parenthesis before the handle's link."""
    inside = {n.mem_id for p in paragraphs for n in p.traverse(include_text=True)}
    words = []
    for child in node.iter(include_text=True):
        if child.mem_id in inside:
            continue
        if child.tag == "a":
            break
        if child.tag == "-text":
            words.append(child.text_content or "")
    line = " ".join("".join(words).split()).lstrip(_DASHES + " ")
    name = line[:-1].strip() if line.endswith("(") else ""
    return name or None


# -- plain text ------------------------------------------------------------------
# "— Name (@handle.bsky.social) Nov 27, 2024 at 9:42 AM": a handle holds dots (a
# tweet's cannot) and the date a time of day (a tweet's has none).
_ATTRIBUTION = re.compile(
    r"(?P<pre>.*?)(?:^|\s)[\u2014\u2013\u2015]\s*(?P<name>[^\u2014\u2013\u2015]*?)\s*"
    r"\(@(?P<handle>" + ids.HANDLE.pattern + r")\)\s*(?P<date>[^()]{6,60}?)\s*\.?\s*$",
    re.IGNORECASE)
_TIME = re.compile(r"\d{1,2}[:.h]\d{2}")
MAX_POST_CHARS = 3000  # 300 graphemes allowed; longer is the article's own prose


def find_in_text(text: str) -> list[Embed]:
    found: list[Embed] = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if "(@" not in line or len(line) > MAX_POST_CHARS + 400:
            continue
        m = _ATTRIBUTION.match(" ".join(line.split()))
        if not m or not _TIME.search(m.group("date")) or not parse_date(m.group("date")):
            continue
        words = m.group("pre").strip() or _paragraph_before(lines, i)
        found.append(Embed(
            "bluesky", handle=m.group("handle").lower(), author=m.group("name") or None,
            date=parse_date(m.group("date")), date_text=m.group("date"),
            text=words if words and len(words) <= MAX_POST_CHARS else None, form="plaintext"))
    return found


def _paragraph_before(lines: list[str], i: int) -> str | None:
    """The lines of the paragraph just above line i (blank lines between allowed)."""
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    block: list[str] = []
    while j >= 0 and lines[j].strip():
        block.insert(0, " ".join(lines[j].split()))
        j -= 1
    return "\n".join(block) or None
