"""Publishers' own embed markup that names a post in an attribute or quotes it.

Lazy-loading and consent-gated embeds keep only a placeholder until the reader
scrolls or agrees: an element whose data-* attribute holds the post's status URL
or id (data-oembed-url, data-href, data-url, data-tweet-id, data-id, ...). And a
quote block (<q>, a pull quote, a classless blockquote) that gives a post's words
with a link to that post shows that post.

What is not an embed: a status URL in a share button or an intent link, an id on
an element that says nothing of a post.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from ....model import Embed
from ....scan.html import element_lines
from ....scan.prose import button_names
from .embeds import complete, digits
from .urls import exact_status_url, find_links

# Its own share buttons' names ("Click to Tweet", "Tweet this"), beside every site's.
OWN_BUTTON_WORDS = ("retweet", "click-to-tweet", "tweet-?this", "tweetable")

# Class, id and module names that say an element embeds a post; a status URL
# on such an element is its post. "embed" alone is enough for a URL, which
# names its platform itself.
EMBED_NAMES = re.compile(r"tweet|twitter|embed|social|x-post|xpost|oembed|post-card|lazy",
                         re.IGNORECASE)
# Names that say an element is about a post only: an id alone needs these.
TWEET_NAMES = re.compile(r"tweet|twitter|x-post|xpost", re.IGNORECASE)
# Attributes that name the element's kind (a CMS's module, component or provider).
_KIND_ATTRS = ("class", "id", "data-module", "data-component", "data-type", "data-provider",
               "data-embed-type", "data-platform", "data-twitter", "data-service",
               "data-embed", "data-block", "data-source", "data-testid", "data-embed-provider",
               "data-provider-name", "data-component-name", "data-kind")
# Attributes whose value is an id only where the attribute's own name says so.
_ID_ATTRS = {"data-tweet-id", "data-tweetid", "data-tweet", "data-status-id", "data-statusid",
             "data-twitter-id", "data-embed-id", "data-id", "data-post-id", "data-postid"}
_TWEET_ID_ATTRS = {"data-tweet-id", "data-tweetid", "data-tweet", "data-status-id",
                   "data-statusid", "data-twitter-id"}


def kind_of(el) -> str:
    """What an element's names say it is: its class, id and module attributes."""
    return names_of(el.attributes)


def names_of(attributes: dict) -> str:
    """kind_of, from an element's attributes."""
    return " ".join(value for name in _KIND_ATTRS if (value := attributes.get(name)))[:2000]


def status_in(value: str | None) -> tuple[str | None, str] | None:
    """(handle, id) when the value is a status URL (stray spaces allowed), else None."""
    return exact_status_url(value)


def placeholder(el) -> Embed | None:
    """The post an element names in a data-* attribute, when its names say embed."""
    if el.tag in (None, "a", "button", "meta", "link", "iframe"):
        return None
    attributes = el.attributes
    kind = names_of(attributes)
    if button_names().search(kind):
        return None
    parent = el.parent
    parent_kind = kind_of(parent) if parent is not None else ""
    for name, value in attributes.items():
        name = name.lower()
        if not name.startswith("data-") or name in ("data-embed",) or value is None:
            continue
        found = status_in(value)
        if found and (EMBED_NAMES.search(kind) or EMBED_NAMES.search(parent_kind)
                      or name.startswith(("data-tweet", "data-twitter", "data-oembed"))):
            handle, tweet_id = found
            return _known(tweet_id, handle)
        if name in _ID_ATTRS:
            tweet_id = digits(value)
            if tweet_id and (name in _TWEET_ID_ATTRS or TWEET_NAMES.search(kind)
                             or (name == "data-id" and TWEET_NAMES.search(parent_kind))):
                return _known(tweet_id, None)
    return None


def _known(tweet_id: str, handle: str | None, form: str = "placeholder") -> Embed:
    embed = Embed(platform="twitter", id=tweet_id, handle=handle, form=form)
    complete(embed)
    return embed


def empty_status_quote(bq) -> Embed | None:
    """A blockquote without the oEmbed class whose only content is a status link
    with no text: what the oEmbed markup leaves when its text is stripped."""
    if " ".join(bq.text().split()):
        return None
    anchors = bq.css("a[href]")
    found = [status_in(a.attributes.get("href")) for a in anchors]
    ids = {f[1] for f in found if f}
    if len(ids) != 1 or not all(found):
        return None
    handle, tweet_id = next(f for f in found if f)
    return _known(tweet_id, handle, "blockquote")


QUOTE_NAMES = re.compile(r"quote", re.IGNORECASE)


def quote_block(el) -> Embed | None:
    """A <q>, blockquote or pull quote that gives a post's words and links that one
    post (its cite attribute, or a link inside): that post, with the words as text."""
    found = [status_in(el.attributes.get("cite"))] + [status_in(a.attributes.get("href"))
                                                      for a in el.css("a[href]")]
    found = [f for f in found if f]
    if not found or len({f[1] for f in found}) != 1:
        return None  # no post linked, or several: a quote of something else
    handle = next((f[0] for f in found if f[0]), None)
    tweet_id = found[0][1]
    words = _quoted_words(el)
    if not words:
        return None
    embed = _known(tweet_id, handle, "quote")
    embed.text = words
    embed.links = find_links(words)
    return embed


def _quoted_words(el) -> str | None:
    """The block's words without its credit line: a cite, footer or figcaption,
    and a status link standing as a credit ("@name", "— Name on X", a bare link).
    A status link inside the words ("she wrote in a post") keeps its words."""
    block = el.clone()  # a copy outside the document, to take the credit out of
    for node in block.css("cite, footer, figcaption, a[href]"):
        if node.mem_id != block.mem_id and (node.tag != "a" or (
                status_in(node.attributes.get("href")) and _is_credit(node))):
            node.decompose(recursive=False)  # unlinked with all it holds
    text = "\n".join(element_lines(block)).strip()
    text = _CREDIT_DASH.sub("", text).strip()
    if len(text) > 1 and text[0] in _OPENING and text[-1] in _CLOSING and not any(
            q in text[1:-1] for q in _OPENING + _CLOSING):
        text = text[1:-1].strip()  # the quote marks around the words are the page's
    return text or None


_OPENING = "\u201c\u2018\"'\u00ab"
_CLOSING = "\u201d\u2019\"'\u00bb"
_CREDIT_DASH = re.compile(r"\s*(?:[\u2014\u2013]|--?)\s*$")


def _is_credit(anchor) -> bool:
    """A link that credits the post rather than being part of the words: empty,
    a handle, a dash, or the whole of its own line."""
    text = " ".join(anchor.text().split())
    parent = anchor.parent
    whole = parent is not None and " ".join(parent.text().split()) == text
    return not text or whole or text.startswith("@") or bool(re.match(r"[\u2014\u2013-]", text))


# Elements a consent placeholder is not: prose, and the page's own sections.
_NOT_PLACEHOLDER = {"p", "li", "span", "a", "body", "html", "article", "main", "section", "ul",
                    "ol", "em", "strong", "b", "i", "h1", "h2", "h3", "h4", "h5", "h6"}
# A placeholder says a line or two ("Allow X content? ... View original post on X").
MAX_PLACEHOLDER_TEXT = 1000
LINK_CLIMB = 4  # levels from a link up to the placeholder around it


def named_container(anchor):
    """The nearest element within a few levels above a link whose names say it
    embeds a post (a consent or lazy placeholder's fallback link), or None."""
    node = anchor.parent
    for _ in range(LINK_CLIMB):
        if node is None or node.tag in ("body", "html", "-document", None):
            return None
        if node.tag not in _NOT_PLACEHOLDER:
            kind = kind_of(node)
            if (kind and EMBED_NAMES.search(kind) and not button_names().search(kind)
                    and "quote" not in kind.lower()):
                return node
        node = node.parent
    return None


_SOCIAL_NAMES = re.compile(TWEET_NAMES.pattern + r"|social", re.IGNORECASE)
# How a consent placeholder names the platform it holds back ("Allow X content?").
_NAMES_PLATFORM = re.compile(r"\bX\b|[Tt]witter|[Tt]weet")


def fallback_link(container, ids: set, handle: str | None) -> Embed | None:
    """The post of a placeholder that holds one status link and a line or two
    naming the platform; an embed of something else (a video player) with a link
    in its caption is not one."""
    if len(ids) != 1 or any(n.mem_id != container.mem_id
                            for n in container.css("iframe, video")):
        return None
    text = " ".join(container.text().split())
    if len(text) > MAX_PLACEHOLDER_TEXT:
        return None
    if not (_SOCIAL_NAMES.search(kind_of(container)) or _NAMES_PLATFORM.search(text)):
        return None
    return _known(next(iter(ids)), handle)


# An embed service's player (embedly, iframely) names the post in its query.
_QUERY_KEYS = ("url", "src", "u", "link", "uri")


def service_iframe(el) -> Embed | None:
    """The post an embed service's iframe shows: a status URL in its src's query.
    Twitter's own buttons (tweet_button, follow_button) carry URLs to share, not posts."""
    src = el.attributes.get("src") or el.attributes.get("data-src") or ""
    parts = urlsplit(src.strip())
    if re.search(r"button|share|intent", parts.path, re.IGNORECASE):
        return None
    query = parse_qs(parts.query)
    for key in _QUERY_KEYS:
        for value in query.get(key, ()):
            found = status_in(value)
            if found:
                return _known(found[1], found[0], "iframe")
    return None
