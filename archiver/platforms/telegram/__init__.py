"""Telegram: public channel messages, read from the post widget t.me/CH/ID?embed=1
(no login, no token), corroborated by the channel's web preview t.me/s/CH, and
captured from that same widget page.

An article's embed code keeps only "channel/id": the text, author and date are
read live, so a message deleted before the first fetch leaves nothing but its id.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import parse_qs, urlsplit

from ...model import Embed
from ..base import EmbedPage, Endpoint, Lookup, Platform, PostRef, Verdict
from . import urls

# The widget is laid out once its bubble (or its error) has a size and words or media.
RENDERED = """() => {
  const el = document.querySelector('.tgme_widget_message_error')
    || document.querySelector('.tgme_widget_message_bubble');
  if (!el) return false;
  const box = el.getBoundingClientRect();
  if (!(box.width > 0 && box.height > 0)) return false;
  return (el.innerText || '').trim().length > 0
    || !!el.querySelector('img, video, [style*="background-image"]');
}"""
# What the widget shows where it shows no message: its error element's words.
GONE = re.compile(
    r"post not found|message not found|channel (?:is )?private|can[’']t be displayed|"
    r"channel not found|log ?in to telegram|if you have telegram, you can",
    re.IGNORECASE)
# A message's own parts, proof of a post even if its words match GONE.
PRESENT = (".tgme_widget_message_bubble .tgme_widget_message_text, "
           ".tgme_widget_message_photo_wrap, .tgme_widget_message_video_player")
_IFRAME_ID = re.compile(r"telegram-post-(?P<channel>[A-Za-z0-9_]+)-(?P<message>[0-9]+)")


class Telegram(Platform):
    name = "telegram"
    title = "Telegram"
    endpoints: ClassVar[Mapping[str, Endpoint]] = {
        # The widget read by the fetcher, and the same page captured in the browser.
        "widget_url": Endpoint("https://t.me/{channel}/{message}?embed=1&mode=tme",
                               ("channel", "message")),
        "embed_url": Endpoint("https://t.me/{channel}/{message}?embed=1&mode=tme",
                              ("channel", "message")),
        "channel_url": Endpoint("https://t.me/s/{channel}", ("channel",)),
        "post_url": Endpoint("https://t.me/{channel}/{message}", ("channel", "message")),
    }

    # -- finding posts in articles -------------------------------------------
    hosts = ("t.me", "telegram.me", "telegram.dog")
    markers = (b"t.me/", b"telegram.me/", b"telegram.dog/", b"data-telegram-post",
               b"telegram-post-")
    # The widget script (data-telegram-post="CH/ID"), and the iframe it becomes. One
    # selector per kind of element (:is): Lexbor lists an element once for every
    # selector of a list it matches.
    embed_selector = (
        "[data-telegram-post], iframe:is([id^='telegram-post-'], [src*='t.me/' i], "
        "[src*='telegram.me/' i], [src*='telegram.dog/' i], [data-src*='t.me/' i])")

    def read_embed(self, node) -> Embed | None:
        attrs = node.attributes
        if node.tag == "iframe":
            src = attrs.get("src") or attrs.get("data-src") or ""
            if "discussion" in parse_qs(_query(src)):
                return None  # the comments under a post, not the post
            found = urls.parse(src)
            m = _IFRAME_ID.fullmatch(attrs.get("id") or "")
            if found is None and m:
                key = urls.post_key(m.group("channel"), m.group("message"))
                found = (key, m.group("channel")) if key else None
            form = "iframe"
        else:
            value = (attrs.get("data-telegram-post") or "").strip().strip("/")
            # "channel/id" as the code writes it; some CMSs keep the whole t.me URL.
            found = urls.parse(value if "t.me/" in value or "telegram.me/" in value
                               else f"https://t.me/{value}") if value else None
            form = "widget"
        if found is None:
            return None
        key, channel = found
        return Embed(platform=self.name, id=key, handle=channel,
                     url=self.post_url(key, channel), form=form)

    # -- naming posts -----------------------------------------------------------
    def post_ref(self, url: str | None) -> PostRef | None:
        found = urls.parse(url)
        return PostRef(self.name, found[0], found[1]) if found else None

    def post_url(self, post_id: str, handle: str | None, settings=None) -> str:
        channel, message = post_id.split("/", 1)
        if settings is None:
            written = handle if handle and handle.lower() == channel else channel
            return f"https://t.me/{written}/{message}"
        return settings.endpoint(self.name, "post_url").format(channel=channel, message=message)

    def valid_id(self, post_id: str) -> bool:
        m = urls.KEY.fullmatch(post_id or "")
        return m is not None and m.group("channel") not in urls.RESERVED

    def folder_name(self, post_id: str) -> str:
        return post_id.replace("/", "+")  # usernames hold no "+": one folder per message

    # -- reading it live -----------------------------------------------------------
    def lookups(self, post: Mapping, settings) -> list[Lookup]:
        channel, message = post["id"].split("/", 1)
        return [
            Lookup("widget", settings.endpoint(self.name, "widget_url").format(
                channel=channel, message=message), "widget.html"),
            Lookup("channel", settings.endpoint(self.name, "channel_url").format(
                channel=channel), "channel.html"),
        ]

    def classify(self, answers: Mapping, post: Mapping) -> Verdict:
        from . import widget

        channel = post["id"].split("/", 1)[0]
        return widget.classify(widget.read_widget(answers["widget"], post["id"]),
                               widget.read_channel(answers["channel"], channel))

    def embed_page(self, post: Mapping, settings) -> EmbedPage:
        channel, message = post["id"].split("/", 1)
        return EmbedPage(settings.endpoint(self.name, "embed_url").format(
            channel=channel, message=message), rendered=RENDERED, gone=GONE, present=PRESENT)


def _query(url: str) -> str:
    try:
        return urlsplit(url).query
    except ValueError:
        return ""


PLATFORM = Telegram()
