"""A stand-in for Telegram's public pages: the post widget (t.me/CH/ID?embed=1) as
the fetcher reads it, the same widget as a browser sees it (its message built
late by script), and the channel's web preview (t.me/s/CH).

    with TelegramStandIn() as tg:
        tg.add_channel("newsroom", title="The Newsroom")
        tg.add_message(Message("newsroom", 43, text="Bridge closed"))
        env = tg.env()   # ARCHIVER_TELEGRAM_WIDGET_URL=http://127.0.0.1:PORT/widget/...

Message behaviours (what the widget shows in place of the message):
  ok          the message
  deleted     "Post not found" (its channel still public)
  blocked     "This channel can't be displayed ..." (a channel taken down)
  sensitive   "This channel can't be displayed ..." (sensitive content, shown to no one
              logged out)
  app_wall    no widget: a page asking for the Telegram app
  other_post  the widget of another message of the channel
Channel states: public (its preview lists it), private (t.me/s/CH redirects to t.me/CH,
as for any channel without a public preview).
"""

from __future__ import annotations

import html
import re
import struct
import zlib
from dataclasses import dataclass, field

from .platform import PlatformStandIn, Reply

_NAME = r"(?P<channel>[A-Za-z0-9_]+)"
_MESSAGE = r"(?P<message>[0-9]+)"


@dataclass
class Message:
    channel: str
    id: int
    text: str = "A message"
    date: str = "2024-03-01T10:20:30+00:00"
    photos: list[str] = field(default_factory=list)  # image paths on the stand-in
    video: str | None = None  # a video path on the stand-in
    behaviour: str = "ok"
    edited: bool = False
    reply_to: str | None = None  # the text of the message it answers


@dataclass
class Channel:
    name: str
    title: str = "A Channel"
    state: str = "public"  # public | private


class TelegramStandIn(PlatformStandIn):
    platform = "telegram"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.messages: dict[tuple[str, int], Message] = {}
        self.channels: dict[str, Channel] = {}

    def add_channel(self, name: str, title: str = "A Channel", state: str = "public") -> Channel:
        channel = self.channels[name.lower()] = Channel(name, title, state)
        return channel

    def add_message(self, message: Message) -> Message:
        self.channels.setdefault(message.channel.lower(), Channel(message.channel))
        self.messages[(message.channel.lower(), message.id)] = message
        return message

    # -- the contract ------------------------------------------------------------
    def endpoints(self) -> dict[str, str]:
        return {
            "widget_url": f"{self.url}/widget/{{channel}}/{{message}}?embed=1&mode=tme",
            "embed_url": f"{self.url}/embed/{{channel}}/{{message}}?embed=1&mode=tme",
            "channel_url": f"{self.url}/s/{{channel}}",
            "post_url": f"{self.url}/{{channel}}/{{message}}",
        }

    def routes(self):
        return [
            (re.compile(rf"^/widget/{_NAME}/{_MESSAGE}$"), self.widget),
            (re.compile(rf"^/embed/{_NAME}/{_MESSAGE}$"), self.embed),
            (re.compile(rf"^/s/{_NAME}/?$"), self.channel_preview),
            (re.compile(r"^/media/(?P<name>[A-Za-z0-9_.-]+)$"), self.media),
            (re.compile(rf"^/{_NAME}/?$"), self.channel_page),
        ]

    # -- handlers ---------------------------------------------------------------
    def widget(self, request, m) -> Reply:
        """The widget as t.me serves it: the message already in the page."""
        message = self.messages.get((m["channel"].lower(), int(m["message"])))
        return Reply(200, self._page(self._widget_body(m["channel"], int(m["message"]), message)))

    def embed(self, request, m) -> Reply:
        """The widget as a browser ends up showing it: the message appears late."""
        message = self.messages.get((m["channel"].lower(), int(m["message"])))
        if message is None or message.behaviour != "ok":
            return self.widget(request, m)
        return Reply(200, self.late_page(f"Telegram Widget: {message.channel}",
                                         self._message_html(message),
                                         ready_class="tgme_widget_message_wrap"))

    def channel_preview(self, request, m) -> Reply:
        channel = self.channels.get(m["channel"].lower())
        if channel is None or channel.state != "public":
            # t.me sends a channel without a public preview to its plain page.
            return Reply(302, "", headers={"Location": f"{self.url}/{m['channel']}"})
        listed = "".join(self._message_html(msg) for (name, _), msg in sorted(
            self.messages.items()) if name == channel.name.lower() and msg.behaviour == "ok")
        return Reply(200, self._page(
            '<div class="tgme_channel_info"><div class="tgme_channel_info_header">'
            f'<div class="tgme_channel_info_header_title"><span dir="auto">'
            f"{html.escape(channel.title)}</span></div>"
            '<div class="tgme_channel_info_header_username">'
            f'<a href="https://t.me/{channel.name}">@{channel.name}</a></div></div></div>'
            f'<section class="tgme_channel_history js-message_history">{listed}</section>'))

    def channel_page(self, request, m) -> Reply:
        return Reply(200, self._page(
            '<div class="tgme_page"><div class="tgme_page_title">'
            f"{html.escape(m['channel'])}</div><div class=\"tgme_page_description\">"
            "If you have <strong>Telegram</strong>, you can contact "
            f"@{html.escape(m['channel'])} right away.</div></div>"))

    def media(self, request, m) -> Reply:
        if m["name"].endswith(".mp4"):
            return Reply(200, b"\x00\x00\x00\x18ftypmp42", "video/mp4")
        return Reply(200, _PNG, "image/png")

    # -- markup -----------------------------------------------------------------
    def _page(self, body: str) -> str:
        return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Telegram Widget"
                f"</title></head><body class=\"widget_frame_base\">{body}</body></html>")

    def _widget_body(self, channel: str, number: int, message: Message | None) -> str:
        behaviour = message.behaviour if message else "deleted"
        if behaviour == "ok":
            return self._message_html(message)
        if behaviour == "other_post":
            other = Message(message.channel, message.id + 1, text="Another message")
            return self._message_html(other)
        if behaviour == "app_wall":
            return ('<div class="tgme_page"><div class="tgme_page_description">If you have '
                    "<strong>Telegram</strong>, you can view this post right away.</div>"
                    '<a class="tgme_action_button_new" href="tg://resolve">View in Telegram'
                    "</a></div>")
        said = {
            "deleted": "Post not found",
            "blocked": "This channel can’t be displayed because it was used to spread"
                       " illegal content.",
            "sensitive": "This channel can’t be displayed because it may contain sensitive"
                         " content.",
        }[behaviour]
        return (f'<div class="tgme_widget_message_wrap js-widget_message_wrap">'
                f'<div class="tgme_widget_message js-widget_message" data-post="{channel}/'
                f'{number}"><div class="tgme_widget_message_bubble">'
                f'<div class="tgme_widget_message_error">{html.escape(said)}</div>'
                "</div></div></div>")

    def _message_html(self, message: Message) -> str:
        channel = self.channels.get(message.channel.lower()) or Channel(message.channel)
        post = f"{message.channel}/{message.id}"
        photos = "".join(
            f'<a class="tgme_widget_message_photo_wrap" href="https://t.me/{post}" '
            f"style=\"width:320px;height:200px;display:block;background-size:cover;"
            f"background-image:url('{self.url}{path}')\"></a>" for path in message.photos)
        video = ""
        if message.video:
            video = (
                f'<a class="tgme_widget_message_video_player js-message_video_player" '
                f'href="https://t.me/{post}"><i class="tgme_widget_message_video_thumb" '
                f"style=\"background-image:url('{self.url}/media/poster.png')\"></i>"
                f'<div class="tgme_widget_message_video_wrap"><video src="{self.url}'
                f'{message.video}" class="tgme_widget_message_video js-message_video" '
                'width="100%" height="100%"></video></div>'
                '<time class="message_video_duration js-message_video_duration">0:12</time>'
                "</a>")
        reply = ""
        if message.reply_to:
            reply = (f'<a class="tgme_widget_message_reply" href="https://t.me/{message.channel}'
                     f'/1"><div class="tgme_widget_message_author accent_color">'
                     f'<span class="tgme_widget_message_author_name">{html.escape(channel.title)}'
                     '</span></div><div class="tgme_widget_message_text js-message_reply_text">'
                     f"{html.escape(message.reply_to)}</div></a>")
        text = "<br/>".join(html.escape(line) for line in message.text.split("\n"))
        edited = "edited " if message.edited else ""
        return (
            '<div class="tgme_widget_message_wrap js-widget_message_wrap">'
            f'<div class="tgme_widget_message text_not_supported_wrap js-widget_message" '
            f'data-post="{post}" data-post-id="{message.id}">'
            '<div class="tgme_widget_message_bubble">'
            '<div class="tgme_widget_message_author accent_color">'
            f'<a class="tgme_widget_message_owner_name" href="https://t.me/{message.channel}">'
            f'<span dir="auto">{html.escape(channel.title)}</span></a></div>'
            f"{reply}{photos}{video}"
            f'<div class="tgme_widget_message_text js-message_text" dir="auto">{text}</div>'
            '<div class="tgme_widget_message_footer compact js-message_footer">'
            '<div class="tgme_widget_message_info short js-message_info">'
            '<span class="tgme_widget_message_views">1.2K</span>'
            f'<span class="tgme_widget_message_meta">{edited}<a class="tgme_widget_message_date" '
            f'href="https://t.me/{post}"><time datetime="{message.date}" class="time">'
            "Mar 1</time></a></span></div></div></div></div></div>")


def png(width: int = 32, height: int = 20, rgb: tuple = (200, 40, 40)) -> bytes:
    """A small PNG of one colour: something for media URLs to answer with."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


_PNG = png()
