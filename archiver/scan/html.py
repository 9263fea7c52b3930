"""Embedded tweets in HTML markup: oEmbed blockquotes, WordPress figures, AMP,
rendered widget iframes and CNN-style placeholders (reference §1.1-1.3)."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import parse_qs, urlsplit

import lxml.html
from lxml import etree

from ..model import Embed
from .attributions import ending_attribution, last_attribution
from .dates import parse_date
from .urls import HANDLE, find_links, parse_status_url, snowflake_date, status_url

# Cheap byte-level test: markup that can hold a structural embed. Articles
# without any of these are never parsed. Substring tests run at memory speed,
# where one regex over a whole article would not.
_BEFORE_TWITTER = (b"amp-", b"embed-", b"provider-")  # amp-twitter, wp-block-embed-twitter, ...
_AFTER_TWITTER = (b"twitter-tweet", b"twitter-video", b"twitter.com/embed/")
# What follows "twitter-" in a class that holds a post (not twitter-share, twitter-follow).
_TWITTER_PARTS = (b"embed", b"card", b"post", b"status", b"placeholder", b"block", b"container",
                  b"wrapper", b"quote", b"consent", b"lazy", b"content", b"media")


def may_hold_embed(data: bytes) -> bool:
    """Whether the bytes hold the markup of a structural embed. Class and
    attribute names are written in lower case in the wild. Most markers hold
    "twitter": one pass finds its few occurrences and their neighbours are read,
    rather than a pass per marker."""
    at = data.find(b"twitter")
    while at >= 0:
        if data.endswith(_BEFORE_TWITTER, max(0, at - 9), at):
            return True
        # Most occurrences are "twitter:" and "twitter.com/": one byte tells.
        if data[at + 7:at + 8] in (b"-", b"_", b".") and (
                data.startswith(_AFTER_TWITTER, at)
                or data.startswith(_TWITTER_PARTS, at + 8)  # twitter-embed, twitter_card
                # a status URL percent-encoded in an embed service's query (embedly)
                or (data.startswith(b".com%2", at + 7)
                    and data.find(b"status%2", at, at + 48) > 0)):
            return True
        at = data.find(b"twitter", at + 7)
    if b"is-provider-x" in data or b"wp-block-embed-x" in data or b"x.com/embed/" in data:
        return True
    return links_a_status(data) or _names_a_tweet(data)


def links_a_status(data: bytes) -> bool:
    """A status link anywhere (JSON's escaped slashes too): a placeholder's
    attribute, a quote block's link, a post the prose cites."""
    return b"/status" in data


# What may stand either side of "tweet" in a class name that names a post card
# ("tweet-card", "embedded_tweet", class="tweet") or a [tweet] shortcode: a share
# button's "intent/tweet" and a "Tweet" label do not.
_NAME_EDGES = frozenset(b' "\'-_[')
_NAME_ENDS = frozenset(b' "\'-_')


def _names_a_tweet(data: bytes) -> bool:
    """A class naming a tweet, a data-tweet* attribute or a [tweet] shortcode: one
    pass over the few occurrences of "tweet"."""
    at = data.find(b"tweet")
    end = len(data) - 5
    while at >= 0:
        if at and data[at - 1] in _NAME_EDGES and (
                (at < end and data[at + 5] in _NAME_ENDS) or data.endswith(b"data-", 0, at)):
            return True
        at = data.find(b"tweet", at + 5)
    return False

_CLASS = "contains(concat(' ', normalize-space(@class), ' '), ' {} ')"
_TWEET_QUOTE = "self::blockquote[{} or {}]".format(
    _CLASS.format("twitter-tweet"), _CLASS.format("twitter-video")
)
_BLOCK_TAGS = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote",
    "figure", "figcaption", "section", "article", "header", "footer", "tr", "table", "pre",
    "aside", "main", "nav", "dd", "dt", "hr",
}
_TIMELINE = re.compile(r"timeline|/srv/timeline-profile|twitter-timeline", re.IGNORECASE)


# huge_tree lifts libxml2's nesting limit (256), past which it silently drops content.
_PARSER = lxml.html.HTMLParser(huge_tree=True)
_UTF8_PARSER = lxml.html.HTMLParser(huge_tree=True, encoding="utf-8")


def parse(text: str, warnings: list[str] | None = None):
    """The document, or None; what the parser had to leave out is added to warnings."""
    parser = _PARSER
    try:
        doc = lxml.html.document_fromstring(text, parser=parser)
    except ValueError:
        # XHTML with an <?xml encoding=...?> declaration: lxml refuses it as str.
        parser = _UTF8_PARSER
        try:
            doc = lxml.html.document_fromstring(text.encode("utf-8"), parser=parser)
        except (etree.ParserError, ValueError):
            return None
    except etree.ParserError:
        return None
    if warnings is not None:
        warnings.extend(_cuts(parser.error_log))
    return doc


# libxml2 stops reading, even with huge_tree, where elements nest this deep.
MAX_DEPTH = 2048
DEPTH_WARNING = (f"markup nested deeper than {MAX_DEPTH} levels: the parser stopped there, "
                 "so embeds after that point were not read (links were)")


def _cuts(error_log) -> list[str]:
    """What the parser left out, in words: it stops without raising."""
    for error in error_log:
        if "Excessive depth" in error.message:
            return [DEPTH_WARNING]
        if error.type_name == "ERR_RESOURCE_LIMIT":
            return [f"the parser stopped early ({error.message.strip()}), so embeds after "
                    "that point were not read (links were)"]
    return []


def find_embeds(doc) -> tuple[list[Embed], list]:
    """Structural embeds in document order, and the elements they came from.

    Time stays linear in the size of the document however deep its markup nests:
    no element's subtree is searched once per ancestor (a tweet's blockquote
    inside two thousand others is read once, not two thousand times).
    """
    found: list[tuple[int, Embed, object]] = []
    order = {el: i for i, el in enumerate(doc.iter())}
    quotes = doc.xpath("//blockquote")
    enclosing_quote = _Nearest(lambda el: el.tag == "blockquote")
    enclosing_amp = _Nearest(lambda el: el.tag == "amp-twitter" and el.get("data-tweetid"))

    def add(el, embed: Embed | None) -> None:
        if embed is not None and (embed.id or embed.text or embed.handle):
            found.append((order.get(el, 0), embed, el))

    # An amp-twitter reads the first blockquote inside it; every blockquote inside
    # one is its, not an embed of its own.
    first_quote: dict = {}
    handled: set = set()
    amps = doc.xpath("//amp-twitter[@data-tweetid]")
    for bq in quotes if amps else ():
        amp = enclosing_amp.above(bq)
        if amp is not None:
            handled.add(bq)
        while amp is not None and amp not in first_quote:
            first_quote[amp] = bq
            amp = enclosing_amp.above(amp)
    read: dict = {}
    for el in amps:
        tweet_id = _digits(el.get("data-tweetid"))
        inner = first_quote.get(el)
        embed = None
        if inner is not None:
            if inner not in read:
                read[inner] = _from_blockquote(inner, "amp")
            embed = dataclasses.replace(read[inner], links=list(read[inner].links))
        if tweet_id:
            embed = embed or Embed(platform="twitter", form="amp")
            embed.id = tweet_id
            _complete(embed)
        add(el, embed)

    # Outermost blockquotes only: a blockquote inside a tweet's markup is the
    # quoted tweet, which is not an embed of the article (its t.co link leads to it).
    # An ordinary quote may still wrap a tweet's markup (a CMS pull quote): the
    # outermost tweets inside it are embeds.
    in_tweet: dict = {}
    for bq in quotes:
        if bq in handled:
            in_tweet[bq] = True
            continue
        parent = enclosing_quote.above(bq)
        is_tweet = bool(bq.xpath(_TWEET_QUOTE))
        if parent is None:
            in_tweet[bq] = is_tweet
            if is_tweet:
                add(bq, _from_blockquote(bq, "oembed"))
            elif _looks_like_tweet(bq):
                in_tweet[bq] = True  # read whole, like a tweet
                add(bq, _from_blockquote(bq, "blockquote"))
            continue
        in_tweet[bq] = in_tweet[parent] or is_tweet
        if is_tweet and not in_tweet[parent]:
            add(bq, _from_blockquote(bq, "oembed"))

    figures = doc.xpath(
        "//figure[{} or {} or {} or {}]".format(
            _CLASS.format("is-provider-twitter"), _CLASS.format("wp-block-embed-twitter"),
            _CLASS.format("is-provider-x"), _CLASS.format("wp-block-embed-x"),
        )
    )
    wanted = set(figures)
    inside_figure = _Nearest(lambda el: el.tag == "figure" and el in wanted)
    for fig in figures:
        if inside_figure.above(fig) is not None:
            continue  # read with the figure around it
        if fig.find(".//blockquote") is not None:
            continue  # the blockquote inside was read above
        urls = [a.get("href") for a in fig.xpath(".//a[@href]")] + [fig.text_content()]
        embed = _from_urls(urls, "wordpress")
        add(fig, embed)

    for el in doc.xpath("//*[@data-tweet-id or @data-embed-id or self::iframe[@src]]"):
        if el.tag in ("a", "button") or _TIMELINE.search(el.get("class", "") + el.get("src", "")):
            continue
        tweet_id = _digits(el.get("data-tweet-id"))
        form = "iframe"
        if not tweet_id and el.get("data-embed-id") and "embed-twitter" in el.get("class", ""):
            tweet_id, form = _digits(el.get("data-embed-id")), "div"
        if not tweet_id and el.tag == "iframe":
            tweet_id = _iframe_id(el.get("src", ""))
        if tweet_id:
            embed = Embed(platform="twitter", id=tweet_id, form=form)
            _complete(embed)
            add(el, embed)

    found.sort(key=lambda item: item[0])
    return [embed for _, embed, _ in found], [el for _, _, el in found]


class _Nearest:
    """The nearest ancestor of an element that passes a test, remembered for every
    element on the way up: asked for many elements, the tree is climbed once."""

    def __init__(self, test):
        self.test = test
        self.known: dict = {}  # element -> nearest passing element, itself included

    def above(self, el):
        path = []
        node = el.getparent()
        while node is not None and node not in self.known:
            if self.test(node):
                self.known[node] = node
                break
            path.append(node)
            node = node.getparent()
        found = None if node is None else self.known[node]
        for passed in path:
            self.known[passed] = found
        return found


_TWEET_ID = re.compile(r"[0-9]{1,20}")


def _digits(value: str | None) -> str | None:
    """A tweet id written in an attribute: ASCII digits only ("¹²³" passes isdigit),
    and no more than an unsigned 64-bit number holds."""
    value = (value or "").strip()
    if not _TWEET_ID.fullmatch(value) or int(value) >= 2**64:
        return None
    return value.lstrip("0") or None


def _iframe_id(src: str) -> str | None:
    parts = urlsplit(src)
    if not re.search(r"(?:twitter|x)\.com$", parts.netloc or "", re.IGNORECASE):
        return None
    if not re.search(r"/embed/(?:Tweet|index)\.html$", parts.path):
        return None
    return _digits((parse_qs(parts.query).get("id") or [None])[0])


def _from_urls(candidates, form: str) -> Embed | None:
    for url in candidates:
        parsed = parse_status_url(url)
        if parsed:
            handle, tweet_id = parsed
            embed = Embed(platform="twitter", id=tweet_id, handle=handle, form=form)
            _complete(embed)
            return embed
    return None


def _complete(embed: Embed) -> None:
    """Fill what an id implies: the canonical URL and, lacking an attribution, its date."""
    if embed.id:
        embed.url = status_url(embed.handle, embed.id)
        if not embed.date:
            embed.date = snowflake_date(embed.id)


def _looks_like_tweet(bq) -> bool:
    """A blockquote stripped of its class that still carries a tweet's attribution."""
    anchors = [a for a in bq.xpath(".//a[@href]") if parse_status_url(a.get("href"))]
    return bool(anchors) and bool(re.search(r"\(@" + HANDLE + r"\)", bq.text_content()))


def element_lines(el, br: str = "\n") -> list[str]:
    """The element's text as lines: <br> and block boundaries break lines.

    With br="\v", a <br> stays inside its line as "\n": a block is one unit.

    Iterative, so deeply nested markup cannot exhaust the stack.
    """
    parts: list[str] = []
    skip_depth = 0
    for event, node in etree.iterwalk(el, events=("start", "end")):
        tag = node.tag if isinstance(node.tag, str) else None
        hidden = tag in ("script", "style", "template", "noscript")
        if event == "start":
            if hidden:
                skip_depth += 1
            if tag == "br":
                parts.append(br)
            elif tag in _BLOCK_TAGS:
                parts.append("\n")
            if tag and not skip_depth and node.text:
                parts.append(node.text)
        else:
            if hidden:
                skip_depth -= 1
            if tag in _BLOCK_TAGS and tag != "br":
                parts.append("\n")
            if node is not el and node.tail and not skip_depth:
                parts.append(node.tail)
    lines = []
    for line in "".join(parts).split("\n"):
        sub = [" ".join(x.split()) for x in line.split("\v")]
        joined = "\n".join(x for x in sub if x)
        if joined:
            lines.append(joined)
    return lines


def _own_parts(bq) -> tuple[set, list]:
    """(elements inside a blockquote nested in bq, bq's own outermost paragraphs),
    in one walk of its subtree."""
    nested: set = set()
    paragraphs: list = []
    quotes = paragraph_depth = 0
    for event, node in etree.iterwalk(bq, events=("start", "end")):
        if node is bq:
            continue
        if event == "start":
            if node.tag == "blockquote":
                quotes += 1
            if quotes:
                nested.add(node)
            elif node.tag == "p":
                if not paragraph_depth:  # a <p> inside a <p> is read with it
                    paragraphs.append(node)
                paragraph_depth += 1
        else:
            if node.tag == "blockquote":
                quotes -= 1
            elif node.tag == "p" and not quotes:
                paragraph_depth -= 1
    return nested, paragraphs


def _from_blockquote(bq, form: str) -> Embed:
    nested, own_paragraphs = _own_parts(bq)
    paragraphs: list[str] = []
    attribution_text = ""
    text_anchors: set = set()
    for p in own_paragraphs:
        lines = element_lines(p)
        joined = " ".join(lines)
        if _is_attribution_paragraph(joined) or _is_date_paragraph(p):
            attribution_text += " " + joined
            continue
        paragraphs.extend(lines)
        text_anchors.update(p.xpath(".//a"))

    # The attribution: bare text nodes and inline elements outside the tweet's <p>.
    if not paragraphs:
        own = [line for line in element_lines(bq)]
        text_before: list[str] = []
        for line in own:
            m = ending_attribution(line) or last_attribution(line)
            if m:
                head = line[: m.start].strip()
                if head:
                    text_before.append(head)
                attribution_text += " " + line[m.start:]
                break
            text_before.append(line)
        else:
            text_before = []
        paragraphs = text_before
    else:
        attribution_text = _outside_text(bq, nested) + " " + attribution_text

    name = handle = None
    m = last_attribution(" ".join(attribution_text.split()))
    if m:
        name = m.name or None
        handle = m.handle

    anchors = [
        a for a in bq.xpath(".//a[@href]")
        if a not in nested and a not in text_anchors and parse_status_url(a.get("href"))
    ]
    tweet_id = url_handle = date_text = None
    if anchors:
        date_anchor = anchors[-1]
        url_handle, tweet_id = parse_status_url(date_anchor.get("href"))
        date_text = " ".join(date_anchor.text_content().split()) or None
        iso = parse_date(date_text) or _datetime_attr(date_anchor)
    else:
        iso = parse_date(attribution_text)
    text = "\n".join(paragraphs) or None
    hrefs = [a.get("href", "") for a in text_anchors]
    embed = Embed(
        platform="twitter",
        id=tweet_id,
        handle=handle or url_handle,
        author=name,
        date=iso,
        text=text,
        links=find_links((text or "") + " " + " ".join(hrefs)),
        date_text=date_text if iso and date_text else None,
        form=form,
    )
    _complete(embed)
    return embed


def _is_attribution_paragraph(text: str) -> bool:
    """wpautop wraps the attribution in its own <p>: '— Name (@handle) <a>date</a>'."""
    return ending_attribution(text) is not None or (
        _LEADING_DASH.match(text) is not None and last_attribution(text) is not None
    )


_LEADING_DASH = re.compile(r"\s*(?:[\u2014\u2013\u2015\u2012\u2212]|&mdash;|--?)\s*\S")


def _is_date_paragraph(p) -> bool:
    anchors = p.xpath(".//a[@href]")
    return (
        len(anchors) == 1
        and parse_status_url(anchors[0].get("href")) is not None
        and " ".join(p.text_content().split()) == " ".join(anchors[0].text_content().split())
    )


def _outside_text(bq, nested) -> str:
    """Text of the blockquote that is not inside one of its paragraphs."""
    parts = [bq.text or ""]
    for child in bq:
        if child not in nested and child.tag != "p" and isinstance(child.tag, str):
            parts.append(child.text_content())
        parts.append(child.tail or "")  # the attribution may follow a nested quote
    return " ".join(" ".join(parts).split())


def _datetime_attr(anchor) -> str | None:
    value = anchor.get("data-datetime") or ""
    return value[:10] if re.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) else None


def title_of(doc) -> str | None:
    for xpath in ("//title", "//meta[@property='og:title']/@content", "//h1"):
        found = doc.xpath(xpath)
        if found:
            value = found[0] if isinstance(found[0], str) else found[0].text_content()
            value = clip_title(value)
            if value:
                return value
    return None


# Titles run to a few hundred characters; a page may hold megabytes in its
# <title>, which would then be copied into every listing of the archive.
MAX_TITLE = 1000


def clip_title(text: str) -> str:
    """Whitespace normalised, at most MAX_TITLE characters (an ellipsis says it was cut)."""
    text = " ".join(text[:MAX_TITLE * 8].split())
    return text if len(text) <= MAX_TITLE else text[:MAX_TITLE - 1].rstrip() + "\u2026"


def page_lines(doc, skip) -> list[str]:
    """The visible text of the page as lines, leaving out the given elements."""
    body = doc.body if doc.find("body") is not None else doc
    for el in skip:
        if el.getparent() is not None:
            el.drop_tree()
    for el in body.xpath(".//script|.//style|.//template|.//noscript"):
        el.drop_tree()
    return element_lines(body, br="\v")
