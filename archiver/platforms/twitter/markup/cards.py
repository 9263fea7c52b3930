"""Posts a publisher's CMS renders itself, and post fields in a page's own data.

A card is an element whose class names a tweet; the CMS writes the post's id in
a data attribute or in JSON (data-attrs, data-tweet, a <script type="text/x-config">
beside it) and its byline, handle, text and time in the card's parts. Newsletter
cards often carry no id, only handle, text and date: such a card is kept as a
plain-text tweet is (no id; the fetcher recovers it through its links).

A tweet found only by its rendered iframe has no text; a page built by a script
framework often holds the post's fields in its content data (__NEXT_DATA__ and
other JSON): they are taken from there when the id matches.
"""

from __future__ import annotations

import html as htmllib
import json
import re
from datetime import datetime, timezone

from ....clean import storable_json
from ....model import Embed
from ....scan.dates import parse_date
from ....scan.html import element_lines, unique
from ....scan.prose import button_names
from .embeds import complete, digits
from .placeholders import names_of, status_in
from .urls import HANDLE, find_links

# A class token that names a tweet card ("tweet", "tweet-card", "embedded-tweet",
# "c-twitter-card"), not one of its parts ("tweet-card__text", "tweet-author").
_CARD_TOKEN = re.compile(
    r"(?:[a-z0-9]+[-_])*(?:tweet|twitter|x-post)(?:[-_](?:card|embed|embedded|block|box|post"
    r"|container|wrapper|quote|static|fallback|placeholder))*",
    re.IGNORECASE,
)
# Where a page lists tweets of its own (a sidebar feed), not the article's.
_NOT_ARTICLE = re.compile(r"sidebar|widget|timeline|feed|footer|header|menu|nav|promo|related",
                          re.IGNORECASE)
# A part's class names one field; the first that matches, in this order, is the
# part's ("tweet-author-handle" is the handle, "tweet-author-name" the name).
_PART = {
    "handle": re.compile(r"(?:^|[-_])(?:handle|screen-?name|username|user-?handle)(?:$|[-_])",
                         re.IGNORECASE),
    "date": re.compile(r"(?:^|[-_])(?:date|time|timestamp|published|created)(?:$|[-_])",
                       re.IGNORECASE),
    "text": re.compile(r"(?:^|[-_])(?:text|body|message)(?:$|[-_])", re.IGNORECASE),
    "author": re.compile(r"(?:^|[-_])(?:author|name|display-?name|byline|user-?name|fullname)"
                         r"(?:$|[-_])", re.IGNORECASE),
}
_AT_HANDLE = re.compile(r"@(" + HANDLE + r")\b")
MAX_JSON = 1 << 20  # a card's JSON is a few kilobytes; a page's data, up to this


def is_card(el) -> bool:
    if el.tag in (None, "a", "button", "script", "iframe", "meta"):
        return False
    attributes = el.attributes
    if button_names().search(names_of(attributes)):
        return False
    tokens = (attributes.get("class") or "").split()
    if attributes.get("data-twitter") or attributes.get("data-tweet"):
        tokens.append("tweet")
    return any(_CARD_TOKEN.fullmatch(t) and "__" not in t for t in tokens)


def in_article(el) -> bool:
    """Not inside a sidebar, menu or footer of the page."""
    node = el.parent
    depth = 0
    while node is not None and depth < 12:
        if node.tag in ("aside", "nav", "footer", "header") and depth:
            return False
        if _NOT_ARTICLE.search(node.attributes.get("class") or ""):
            return False
        node, depth = node.parent, depth + 1
    return True


def card(el) -> Embed | None:
    """The post a publisher's card shows, from its JSON or its parts."""
    data = _card_json(el)
    fields = fields_of(data) if data is not None else {}
    parts = _parts(el)
    for name, value in parts.items():
        fields.setdefault(name, value)
    tweet_id, handle = fields.get("id"), fields.get("handle")
    text = fields.get("text")
    if not tweet_id and not (handle and text):
        return None
    author = fields.get("author")
    if author and handle:  # a byline that holds the handle too: "Name @handle"
        author = re.sub(r"\s*\(?@" + re.escape(handle) + r"\)?\s*", " ", author,
                        flags=re.IGNORECASE).strip() or None
    embed = Embed(platform="twitter", id=tweet_id, handle=handle, author=author,
                  text=text, form="card")
    for date_text in (fields.get("date"), parts.get("date")):
        iso = _iso(date_text) if date_text else None
        embed.date = iso or (parse_date(date_text) if date_text else None)
        if embed.date:
            embed.date_text = None if iso else date_text
            break
    embed.links = find_links(text or "")
    complete(embed)
    return embed


def _card_json(el):
    """JSON the CMS left with the card: a data attribute, or a script inside or beside it."""
    for name, value in el.attributes.items():
        if name.startswith("data-") and value and value.lstrip()[:1] in ("{", "["):
            found = _loads(value)
            if found is not None:
                return found
    # The next sibling element only (text between is skipped), not all that follow.
    scripts = [child for child in el.iter() if child.tag == "script"] + [_next_element(el)]
    for script in scripts:
        if script is None or script.tag != "script":
            continue
        kind = (script.attributes.get("type") or "").lower()
        if "json" in kind or "config" in kind:
            found = _loads(script.text())
            if found is not None:
                return found
    return None


def _next_element(el):
    """The next sibling that is not text (an element or a comment), or None."""
    node = el.next
    while node is not None and node.tag == "-text":
        node = node.next
    return node


def _loads(text: str):
    if len(text) > MAX_JSON:
        return None
    try:
        # JSON may escape half a surrogate pair ("\ud800") alone, which no encoder
        # writes: every string is mended as it is read.
        return storable_json(json.loads(text))
    except (ValueError, RecursionError):
        return None


_ID_KEYS = ("id_str", "tweet_id", "tweetId", "tweetID", "status_id", "statusId", "id")
_URL_KEYS = ("url", "href", "permalink", "tweet_url", "tweetUrl", "link", "expanded_url",
             "embedUrl", "embed_url", "originalUrl", "original_url", "src")
_TEXT_KEYS = ("full_text", "text", "tweet_text", "tweetText", "body", "content")
_HANDLE_KEYS = ("screen_name", "screenName", "username", "userName", "handle", "user_handle",
                "author_handle", "authorHandle")
_NAME_KEYS = ("name", "display_name", "displayName", "author_name", "authorName", "author",
              "user_name", "fullname")
_DATE_KEYS = ("created_at", "createdAt", "date", "datetime", "timestamp", "published_at",
              "publishedAt", "published", "time")
_USER_KEYS = ("user", "author", "core", "account")


def fields_of(data, depth: int = 0) -> dict:
    """A post's fields from a JSON object in any of the shapes CMSes write."""
    if isinstance(data, list):
        data = next((d for d in data if isinstance(d, dict)), None)
    if not isinstance(data, dict) or depth > 3:
        return {}
    fields: dict = {}
    for key in _URL_KEYS:
        found = status_in(data.get(key)) if isinstance(data.get(key), str) else None
        if found:
            fields["id"] = found[1]
            if found[0]:
                fields["handle"] = found[0]
            break
    for key in _ID_KEYS:
        value = data.get(key)
        if "id" not in fields and isinstance(value, (str, int)) and not isinstance(value, bool):
            tweet_id = digits(str(value))
            if tweet_id:
                fields["id"] = tweet_id
    for key in _TEXT_KEYS:
        if isinstance(data.get(key), str) and data[key].strip():
            fields["text"] = _plain(data[key])
            break
    for key in _HANDLE_KEYS:
        value = data.get(key)
        if isinstance(value, str) and re.fullmatch("@?" + HANDLE, value.strip()):
            fields["handle"] = value.strip().lstrip("@")
            break
    for key in _NAME_KEYS:
        if isinstance(data.get(key), str) and data[key].strip():
            fields["author"] = " ".join(data[key].split())
            break
    for key in _DATE_KEYS:
        if isinstance(data.get(key), str) and data[key].strip():
            fields["date"] = data[key].strip()
            break
    for key in (*_USER_KEYS, "tweet", "data", "attrs", "post", "legacy", "result"):
        nested = data.get(key)
        if isinstance(nested, dict):
            inner = fields_of(nested, depth + 1)
            if key in _USER_KEYS:
                inner.pop("id", None)
                inner.pop("date", None)
                inner.pop("text", None)
            for name, value in inner.items():
                fields.setdefault(name, value)
    return fields


_TAGS = re.compile(r"<[^<>]{0,2000}>")


def _plain(text: str) -> str:
    """A text field as the reader sees it: tags and entities gone, lines kept."""
    if "<" in text:
        text = re.sub(r"<br\s*/?>|</p>", "\n", text, flags=re.IGNORECASE)
        text = _TAGS.sub("", text)
    text = htmllib.unescape(text)
    return "\n".join(" ".join(line.split()) for line in text.splitlines() if line.strip())


def _iso(value: str) -> str | None:
    """The date of a machine-written time: ISO 8601, or the platform's own
    created_at ("Tue Mar 21 20:50:14 +0000 2006")."""
    value = value.strip()
    m = re.match(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:$|[T ])", value)
    if m:
        return m.group(1)
    try:
        return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").astimezone(
            timezone.utc).strftime("%Y-%m-%d")
    except ValueError:
        return None


def _parts(el) -> dict:
    """Fields from the card's own parts: byline, handle, text, time, status link."""
    fields: dict = {}
    for a in el.css("a[href]"):
        found = status_in(a.attributes.get("href"))
        if found:
            fields.setdefault("id", found[1])
            if found[0]:
                fields.setdefault("handle", found[0])
    tried: set = set()  # each field is read from its first part only: linear in the card
    for node in unique(el.css("time, [class]")):  # the parts that can name a field
        if node.mem_id == el.mem_id or node.tag in ("script", "style"):
            continue
        attributes = node.attributes
        if node.tag == "time":
            name = "date"
        else:
            tokens = [t.split("__")[-1] for t in (attributes.get("class") or "").split()]
            name = next((name for name, pattern in _PART.items()
                         if any(pattern.search(t) for t in tokens)), None)
        if name is None or name in tried or name in fields:
            continue
        tried.add(name)
        if name == "text":
            value = "\n".join(element_lines(node)) or None
        elif name == "date" and attributes.get("datetime"):
            value = attributes["datetime"]
        else:
            value = " ".join(node.text().split()) or None
        if name == "handle" and value:
            m = _AT_HANDLE.search(value) or re.fullmatch("(" + HANDLE + ")", value)
            value = m.group(1) if m else None
        if value:
            fields[name] = value
    return fields


def fill_from_page_data(doc, embeds: list[Embed]) -> None:
    """Text and handle of tweets known only by id, from the page's own content data."""
    wanted = {e.id: e for e in embeds if e.id and not e.text}
    if not wanted:
        return
    for script in doc.css("script:not([src])"):
        text = script.text()
        # One pass for the numbers in the script, not one per tweet wanted: a page
        # of many iframes and much data stays linear.
        if wanted.keys().isdisjoint(_NUMBERS.findall(text)):
            continue
        data = (_loads(text) if "json" in (script.attributes.get("type") or "")
                else _assigned(text))
        if data is None:
            continue
        for obj in _objects(data):
            fields = fields_of(obj)
            embed = wanted.get(fields.get("id"))
            if embed is None or not fields.get("text"):
                continue
            embed.text = fields["text"]
            embed.links = find_links(embed.text)
            embed.handle = embed.handle or fields.get("handle")
            embed.author = embed.author or fields.get("author")
            complete(embed)
            del wanted[embed.id]
            if not wanted:
                return


_NUMBERS = re.compile(r"[0-9]{1,20}")


def _assigned(script: str):
    """The JSON a script assigns to a global ("window.__INITIAL_STATE__ = {...};"),
    or the script itself when it is JSON (__NEXT_DATA__ is typed so; others not)."""
    start, end = script.find("{"), script.rfind("}")
    if start < 0 or end < start:
        return None
    return _loads(script[start:end + 1])


def _objects(data):
    """Every object in a JSON value, without recursion (deep data cannot exhaust the stack)."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))
