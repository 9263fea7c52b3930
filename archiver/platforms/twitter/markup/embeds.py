"""Embedded tweets in HTML markup: oEmbed blockquotes, WordPress figures, AMP,
rendered widget iframes and CNN-style placeholders."""

from __future__ import annotations

import dataclasses
import re
from urllib.parse import parse_qs, urlsplit

from ....model import Embed
from ....scan.dates import parse_date
from ....scan.html import HIDDEN_TAGS, Nearest, classes, element_lines, unique
from ....scan.marks import Mark
from .attributions import ending_attribution, last_attribution
from .plaintext import QUICK
from .urls import HANDLE, find_links, parse_status_url, snowflake_date, status_url

# Markup that can hold a structural embed, as marks on the bytes (scan/marks.py
# finds them all in one pass): articles without any are never parsed for it. Class and
# attribute names are written in lower case in the wild.
TWEET_MARKUP = "tweet-markup"
STATUS_LINK = "status-link"
# Each mark is one literal or starts with one where it can: where Hyperscan has no
# build, Python's re finds a mark that starts with a literal at memory speed, and
# tries every byte of the page for one that does not.
MARKS = (
    # amp-twitter, wp-block-embed-twitter, is-provider-twitter
    Mark(TWEET_MARKUP, rb"amp-twitter"),
    Mark(TWEET_MARKUP, rb"embed-twitter"),
    Mark(TWEET_MARKUP, rb"provider-twitter"),
    Mark(TWEET_MARKUP, rb"twitter(?:-tweet|-video|\.com/embed/)"),
    # A class naming a part that holds a post (not twitter-share, twitter-follow).
    Mark(TWEET_MARKUP, rb"twitter[-_.](?:embed|card|post|status|placeholder|block|container"
                       rb"|wrapper|quote|consent|lazy|content|media)"),
    # A status URL percent-encoded in an embed service's query (embedly).
    Mark(TWEET_MARKUP, rb"twitter\.com%2.{0,27}status%2"),
    Mark(TWEET_MARKUP, rb"is-provider-x"),
    Mark(TWEET_MARKUP, rb"wp-block-embed-x"),
    Mark(TWEET_MARKUP, rb"x\.com/embed/"),
    # A class naming a tweet ("tweet-card", "embedded_tweet", class="tweet"), a
    # data-tweet* attribute or a [tweet] shortcode: a share button's "intent/tweet"
    # and a "Tweet" label are not.
    *(Mark(TWEET_MARKUP, re.escape(bytes([edge])) + rb"tweet[ \"'\-_]") for edge in b" \"'-_["),
    Mark(TWEET_MARKUP, rb"data-tweet"),
    # A status link anywhere (JSON's escaped slashes too): a placeholder's
    # attribute, a quote block's link, a post the prose cites.
    Mark(STATUS_LINK, rb"/status"),
)


_TIMELINE = re.compile(r"timeline|/srv/timeline-profile|twitter-timeline", re.IGNORECASE)

_TWEET_CLASSES = frozenset(("twitter-tweet", "twitter-video"))
_FIGURE_CLASSES = frozenset(("is-provider-twitter", "wp-block-embed-twitter", "is-provider-x",
                             "wp-block-embed-x"))
_FIGURES = ", ".join(f"figure.{name}" for name in sorted(_FIGURE_CLASSES))
_NAMED = "[data-tweet-id], [data-embed-id], iframe[src]"
_AMPS = "amp-twitter[data-tweetid]"
# Every element find_embeds reads, in one query (its matches come in document order).
_CANDIDATES = f"blockquote, {_AMPS}, {_FIGURES}, {_NAMED}"


def find_embeds(doc) -> tuple[list[Embed], list]:
    """Structural embeds in document order, and the elements they came from.

    Time stays linear in the size of the document however deep its markup nests:
    no element's subtree is searched once per ancestor (a tweet's blockquote
    inside two thousand others is read once, not two thousand times).
    """
    found: list[tuple[int, Embed, object]] = []
    # An element matching several of the selectors comes once for each.
    candidates = unique(doc.css(_CANDIDATES))
    if not candidates:
        return [], []
    order = {n.mem_id: i for i, n in enumerate(candidates)}
    quotes, amps, figures, named = [], [], [], []
    tweet_quotes: set = set()
    for el in candidates:
        tag = el.tag
        attributes = el.attributes
        if tag == "blockquote":
            quotes.append(el)
            if not _TWEET_CLASSES.isdisjoint(classes(attributes)):
                tweet_quotes.add(el.mem_id)
        elif tag == "amp-twitter" and "data-tweetid" in attributes:
            amps.append(el)
        elif tag == "figure" and not _FIGURE_CLASSES.isdisjoint(classes(attributes)):
            figures.append(el)
        if "data-tweet-id" in attributes or "data-embed-id" in attributes or (
                tag == "iframe" and "src" in attributes):
            named.append(el)
    enclosing_quote = Nearest(lambda el: el.tag == "blockquote")
    enclosing_amp = Nearest(lambda el: el.tag == "amp-twitter"
                             and bool(el.attributes.get("data-tweetid")))

    def add(el, embed: Embed | None) -> None:
        if embed is not None and (embed.id or embed.text or embed.handle):
            found.append((order.get(el.mem_id, 0), embed, el))

    # An amp-twitter reads the first blockquote inside it; every blockquote inside
    # one is its, not an embed of its own.
    first_quote: dict = {}
    handled: set = set()
    for bq in quotes if amps else ():
        amp = enclosing_amp.above(bq)
        if amp is not None:
            handled.add(bq.mem_id)
        while amp is not None and amp.mem_id not in first_quote:
            first_quote[amp.mem_id] = bq
            amp = enclosing_amp.above(amp)
    read: dict = {}
    for el in amps:
        tweet_id = digits(el.attributes.get("data-tweetid"))
        inner = first_quote.get(el.mem_id)
        embed = None
        if inner is not None:
            if inner.mem_id not in read:
                read[inner.mem_id] = from_blockquote(inner, "amp")
            kept = read[inner.mem_id]
            embed = dataclasses.replace(kept, links=list(kept.links))
        if tweet_id:
            embed = embed or Embed(platform="twitter", form="amp")
            embed.id = tweet_id
            complete(embed)
        add(el, embed)

    # Outermost blockquotes only: a blockquote inside a tweet's markup is the
    # quoted tweet, which is not an embed of the article (its t.co link leads to it).
    # An ordinary quote may still wrap a tweet's markup (a CMS pull quote): the
    # outermost tweets inside it are embeds.
    in_tweet: dict = {}
    for bq in quotes:
        key = bq.mem_id
        if key in handled:
            in_tweet[key] = True
            continue
        parent = enclosing_quote.above(bq)
        is_tweet = key in tweet_quotes
        if parent is None:
            in_tweet[key] = is_tweet
            if is_tweet:
                add(bq, from_blockquote(bq, "oembed"))
            elif _looks_like_tweet(bq):
                in_tweet[key] = True  # read whole, like a tweet
                add(bq, from_blockquote(bq, "blockquote"))
            continue
        in_tweet[key] = in_tweet[parent.mem_id] or is_tweet
        if is_tweet and not in_tweet[parent.mem_id]:
            add(bq, from_blockquote(bq, "oembed"))

    wanted = {fig.mem_id for fig in figures}
    inside_figure = Nearest(lambda el: el.tag == "figure" and el.mem_id in wanted)
    for fig in figures:
        if inside_figure.above(fig) is not None:
            continue  # read with the figure around it
        if fig.css_first("blockquote") is not None:
            continue  # the blockquote inside was read above
        urls = [a.attributes.get("href") for a in fig.css("a[href]")] + [fig.text()]
        add(fig, from_urls(urls, "wordpress"))

    for el in named:
        tag = el.tag
        attributes = el.attributes
        if tag in ("a", "button") or _TIMELINE.search(
                (attributes.get("class") or "") + (attributes.get("src") or "")):
            continue
        tweet_id = digits(attributes.get("data-tweet-id"))
        form = "iframe"
        if not tweet_id and attributes.get("data-embed-id") and "embed-twitter" in (
                attributes.get("class") or ""):
            tweet_id, form = digits(attributes.get("data-embed-id")), "div"
        if not tweet_id and tag == "iframe":
            tweet_id = _iframe_id(attributes.get("src") or "")
        if tweet_id:
            embed = Embed(platform="twitter", id=tweet_id, form=form)
            complete(embed)
            add(el, embed)

    found.sort(key=lambda item: item[0])
    return [embed for _, embed, _ in found], [el for _, _, el in found]


_TWEET_ID = re.compile(r"[0-9]{1,20}")


def digits(value: str | None) -> str | None:
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
    return digits((parse_qs(parts.query).get("id") or [None])[0])


def from_urls(candidates, form: str) -> Embed | None:
    for url in candidates:
        parsed = parse_status_url(url)
        if parsed:
            handle, tweet_id = parsed
            embed = Embed(platform="twitter", id=tweet_id, handle=handle, form=form)
            complete(embed)
            return embed
    return None


def complete(embed: Embed) -> None:
    """Fill what an id implies: the canonical URL and, lacking an attribution, its date."""
    if embed.id:
        embed.url = status_url(embed.handle, embed.id)
        if not embed.date:
            embed.date = snowflake_date(embed.id)


def _looks_like_tweet(bq) -> bool:
    """A blockquote stripped of its class that still carries a tweet's attribution."""
    anchors = [a for a in bq.css("a[href]") if parse_status_url(a.attributes.get("href"))]
    return bool(anchors) and bool(re.search(r"\(@" + HANDLE + r"\)", bq.text()))


def _own_parts(bq) -> tuple[set, list]:
    """(mem_ids of the elements inside a blockquote nested in bq, bq's own outermost
    paragraphs): what a nested quote holds is its, not bq's."""
    nested: set = set()
    inner = [q for q in bq.css("blockquote") if q.mem_id != bq.mem_id]
    for q in inner:
        if q.mem_id not in nested:
            nested.update(n.mem_id for n in q.css("*"))
    if not nested:
        paragraphs = bq.css("p")
        if len(paragraphs) < 2 or not bq.css_matches("p p"):
            return nested, paragraphs
    else:
        paragraphs = [p for p in bq.css("p") if p.mem_id not in nested]
    own = []
    outer = Nearest(lambda el: el.tag == "p" or el.mem_id == bq.mem_id)
    for p in paragraphs:
        above = outer.above(p)
        if above is None or above.mem_id == bq.mem_id:  # a <p> inside a <p> is read with it
            own.append(p)
    return nested, own


def from_blockquote(bq, form: str) -> Embed:
    nested, own_paragraphs = _own_parts(bq)
    paragraphs: list[str] = []
    attribution_text = ""
    text_anchors: set = set()
    text_hrefs: list[str] = []
    for p in own_paragraphs:
        lines = element_lines(p)
        joined = " ".join(lines)
        if _is_attribution_paragraph(joined) or _is_date_paragraph(p):
            attribution_text += " " + joined
            continue
        paragraphs.extend(lines)
        for a in p.css("a"):
            if a.mem_id not in text_anchors:
                text_anchors.add(a.mem_id)
                text_hrefs.append(a.attributes.get("href") or "")

    # The attribution: bare text nodes and inline elements outside the tweet's <p>.
    if not paragraphs:
        own = element_lines(bq)
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
        attribution_text = _outside_text(bq) + " " + attribution_text

    name = handle = None
    m = last_attribution(" ".join(attribution_text.split()))
    if m:
        name = m.name or None
        handle = m.handle

    anchors = [
        a for a in bq.css("a[href]")
        if a.mem_id not in nested and a.mem_id not in text_anchors
        and parse_status_url(a.attributes.get("href"))
    ]
    tweet_id = url_handle = date_text = None
    if anchors:
        date_anchor = anchors[-1]
        url_handle, tweet_id = parse_status_url(date_anchor.attributes.get("href"))
        date_text = " ".join(date_anchor.text().split()) or None
        iso = parse_date(date_text) or _datetime_attr(date_anchor)
    else:
        iso = parse_date(attribution_text)
    text = "\n".join(paragraphs) or None
    embed = Embed(
        platform="twitter",
        id=tweet_id,
        handle=handle or url_handle,
        author=name,
        date=iso,
        text=text,
        links=find_links((text or "") + " " + " ".join(text_hrefs)),
        date_text=date_text if iso and date_text else None,
        form=form,
    )
    complete(embed)
    return embed


def _is_attribution_paragraph(text: str) -> bool:
    """wpautop wraps the attribution in its own <p>: '— Name (@handle) <a>date</a>'."""
    return ending_attribution(text) is not None or (
        _LEADING_DASH.match(text) is not None and last_attribution(text) is not None
    )


_LEADING_DASH = re.compile(r"\s*(?:[\u2014\u2013\u2015\u2012\u2212]|&mdash;|--?)\s*\S")


def _is_date_paragraph(p) -> bool:
    anchors = p.css("a[href]")
    return (
        len(anchors) == 1
        and parse_status_url(anchors[0].attributes.get("href")) is not None
        and " ".join(p.text().split()) == " ".join(anchors[0].text().split())
    )


def _outside_text(bq) -> str:
    """Text of the blockquote that is not inside one of its paragraphs or nested quotes."""
    parts = []
    for child in bq.iter(include_text=True):
        tag = child.tag
        if tag == "-text":
            parts.append(child.text_content or "")  # the attribution may follow a nested quote
        elif tag not in ("p", "blockquote", "-comment") and tag is not None:
            parts.append(child.text())
    return " ".join(" ".join(parts).split())


def _datetime_attr(anchor) -> str | None:
    value = anchor.attributes.get("data-datetime") or ""
    return value[:10] if re.match(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) else None


def page_lines(doc, skip) -> list[str]:
    """The visible text of the page as lines, leaving out the given elements.

    Read for the attributions of tweets flattened into the page's paragraphs: when
    the text left holds no "(@handle)", no line can hold one, and there are none.
    """
    body = doc.body or doc.root
    if body is None:
        return []
    for el in skip:
        el.decompose(recursive=False)  # unlinked with all it holds
    for el in body.css(HIDDEN_TAGS):  # a script's data often quotes the tweets
        el.decompose(recursive=False)
    if not QUICK.search(body.text()):
        return []
    return element_lines(body, br="\v")
