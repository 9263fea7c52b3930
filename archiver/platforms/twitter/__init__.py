"""Twitter/X: tweets read from the embed widget's own data (syndication), with
oEmbed as a second opinion, captured from platform.twitter.com's embed page."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import parse_qs, parse_qsl, quote, urlencode, urlsplit, urlunsplit

from ...model import Embed
from ..base import EmbedPage, Endpoint, Finding, Lookup, Platform, PostRef, Verdict
from .markup import page, placeholders
from .markup.urls import parse_status_url, snowflake_date, status_url

# The embed page builds the post by script after load: its card (the article
# holding author, text and media) is laid out with a size and words.
RENDERED = """() => {
  const el = document.querySelector('article')
    || document.querySelector('[data-testid="tweetText"]');
  if (!el) return false;
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && (el.innerText || '').trim().length > 0;
}"""
# What the embed page says where it shows no post (gone, withheld, a login wall).
GONE = re.compile(
    r"this (post|tweet) is unavailable|this (post|tweet) (was|has been) deleted|"
    r"doesn[’']t exist|something went wrong|log in to x|sign up for x",
    re.IGNORECASE,
)
_ID = re.compile(r"[0-9]{1,20}")
_LINK = re.compile(r"(?:https?://)?(?:t\.co|pic\.(?:twitter|x)\.com)/([A-Za-z0-9]+)/?",
                   re.IGNORECASE)
_PIC = re.compile(r"(?:https?://)?pic\.(?:twitter|x)\.com/", re.IGNORECASE)
_CODE = re.compile(r"[A-Za-z0-9]{1,64}")


class Twitter(Platform):
    name = "twitter"
    title = "Twitter/X"
    short_names = ("x", "tw")
    endpoints: ClassVar[Mapping[str, Endpoint]] = {
        "tco_url": Endpoint("https://t.co/{code}", ("code",)),
        "embed_url": Endpoint("https://platform.twitter.com/embed/Tweet.html?id={id}", ("id",)),
        "syndication_url": Endpoint(
            "https://cdn.syndication.twimg.com/tweet-result?id={id}&token={token}",
            ("id", "token")),
        "oembed_url": Endpoint("https://publish.twitter.com/oembed?url={url}", ("url",)),
        "status_url": Endpoint("https://x.com/{handle}/status/{id}", ("handle", "id")),
    }
    # Its endpoints were top-level settings before there were other platforms.
    top_level_settings = ("tco_url", "embed_url", "syndication_url", "oembed_url", "status_url")
    # An article shows pic.twitter.com/X where the post has https://t.co/X: one link.
    link_codes = re.compile(
        r"(?:https?://)?(?:t\.co|pic\.(?:twitter|x)\.com)/([A-Za-z0-9]+)", re.IGNORECASE)

    button_names = placeholders.OWN_BUTTON_WORDS

    # Its posts take more forms in a page than a selector names: it reads the page.
    reads_page = True
    page_marks = page.MARKS

    def asks(self, found) -> bool:
        return page.asks(found)

    def holds_markup(self, found) -> bool:
        return page.holds_markup(found)

    def read_page(self, doc, text: str, found, pairs: list) -> tuple[list, list[Embed]]:
        return page.read_page(doc, text, found, pairs)

    def read_loose(self, doc, text: str, found, skip: list) -> list[Embed]:
        return page.read_loose(doc, text, found, skip)

    def find_in_text(self, text: str) -> list[Embed]:
        return page.find_in_text(text)

    def cited_in_text(self, text: str) -> list[Embed]:
        return page.cited_in_text(text)

    def writes_links(self, found) -> bool:
        return page.SHORT_LINK in found

    def links_in(self, text: str) -> list[str]:
        return page.links_in(text)

    def link_key(self, url: str) -> str | None:
        # Its links are stored by their bare code: pic.twitter.com/X is t.co/X.
        m = _LINK.fullmatch(url.strip())
        return m.group(1) if m else None

    def link_request(self, key: str, settings) -> str | None:
        if not _CODE.fullmatch(key):
            return None
        return settings.endpoint(self.name, "tco_url").format(code=key)

    def unwrap(self, url: str) -> str:
        # A flagged link lands on twitter.com/safety/unsafe_link_warning?unsafe_link=<dest>.
        try:
            parts = urlsplit(url)
        except ValueError:
            return url
        if parts.path.rstrip("/").endswith("/safety/unsafe_link_warning"):
            dest = parse_qs(parts.query).get("unsafe_link")
            if dest:
                return dest[0]
        return url

    def is_media_link(self, url: str) -> bool:
        return _PIC.match(url.strip()) is not None

    def post_ref(self, url: str | None) -> PostRef | None:
        parsed = parse_status_url(url)
        return PostRef(self.name, parsed[1], parsed[0]) if parsed else None

    def post_url(self, post_id: str, handle: str | None, settings=None) -> str:
        if settings is None:
            return status_url(handle, post_id)  # the form articles link to
        return settings.endpoint(self.name, "status_url").format(handle=handle or "i",
                                                                 id=post_id)

    def valid_id(self, post_id: str) -> bool:
        return bool(post_id) and _ID.fullmatch(post_id) is not None and int(post_id) < 2**64

    def date_from_id(self, post_id: str) -> str | None:
        return snowflake_date(post_id) if self.valid_id(post_id) else None

    def lookups(self, post: Mapping, settings) -> list[Lookup]:
        from .token import syndication_token

        post_id = post["id"]
        # oEmbed is asked with twitter.com's form of the URL, whatever the article wrote.
        status = f"https://twitter.com/{post.get('handle') or 'i/web'}/status/{post_id}"
        return [
            Lookup("syndication", settings.endpoint(self.name, "syndication_url").format(
                id=post_id, token=syndication_token(post_id)), "syndication.json"),
            Lookup("oembed", settings.endpoint(self.name, "oembed_url").format(
                url=quote(status, safe="")), "oembed.json"),
        ]

    def classify(self, answers: Mapping, post: Mapping) -> Verdict:
        from . import oembed, syndication
        from .classify import classify

        return classify(syndication.read(answers["syndication"], post["id"]),
                        oembed.read(answers["oembed"], post["id"]))

    def embed_page(self, post: Mapping, settings) -> EmbedPage:
        return EmbedPage(settings.endpoint(self.name, "embed_url").format(id=post["id"]),
                         rendered=RENDERED, gone=GONE, present='[data-testid="tweetText"]')

    def fallback_markup(self, answers: Mapping, verdict: Verdict) -> str | None:
        # The embed page reads syndication, which may withhold a post oEmbed shows.
        from . import oembed

        if verdict.data is None or verdict.data.endpoint != "oembed":
            return None
        return oembed.markup(answers["oembed"])

    # oEmbed gives the text, not the media nor the exact time: syndication may, later.
    partial_endpoints = ("oembed",)

    def refresh_lookup(self, post: Mapping, settings) -> Lookup | None:
        return self.lookups(post, settings)[0]

    def read_refresh(self, answer, post: Mapping) -> Finding:
        from . import syndication

        return syndication.read(answer, post["id"])

    def original_media_url(self, item: Mapping) -> str | None:
        # A photo's URL serves a resized copy unless asked for name=orig, whatever host
        # serves it; a video's `video` is already its highest-bitrate MP4 (syndication).
        url = super().original_media_url(item)
        if url is None or item.get("type") != "photo":
            return url
        parts = urlsplit(url)
        query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                 if k != "name"]
        return urlunsplit(parts._replace(query=urlencode([*query, ("name", "orig")])))


PLATFORM = Twitter()
