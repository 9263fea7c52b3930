"""Telegram's public pages, answer -> Finding: the post widget (t.me/CH/ID?embed=1)
that shows one message, and the channel's web preview (t.me/s/CH) that says
whether the channel itself is still public.

Pure functions over an Answer; the requests are made by the fetch stage.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from selectolax.lexbor import LexborHTMLParser

from ..base import Finding, PostData, Verdict
from ..text import reader_text as lines
from . import urls

if TYPE_CHECKING:
    from ...net import Answer

# A background-image:url('...') in a style attribute: photos and video posters.
_BACKGROUND = re.compile(r"background-image\s*:\s*url\(\s*(['\"]?)(?P<url>[^'\")]+)\1\s*\)",
                         re.IGNORECASE)
# What the widget's error element says for a message that is not there.
_NOT_FOUND = re.compile(r"post not found|message not found|message doesn[’']t exist",
                        re.IGNORECASE)
# Pages that show no message and ask for the app instead (a wall, not an answer).
_APP_WALL = re.compile(r"if you have telegram, you can|open (?:in )?telegram to view|"
                       r"log ?in to telegram|view in telegram", re.IGNORECASE)


def _parse(answer: Answer, what: str):
    """The answer's document, or a Finding saying why there is none to read."""
    if answer.error:
        return None, Finding("error", f"{what}: {answer.error}")
    if answer.status == 429:
        return None, Finding("error", f"{what}: HTTP 429 (rate limited)")
    if answer.status is None or answer.status >= 500:
        return None, Finding("error", f"{what}: HTTP {answer.status}")
    if answer.status in (301, 302, 303, 307, 308):
        return None, Finding("redirect", f"{what}: redirected to "
                             f"{(answer.headers.get('location') or '?')[:200]}")
    if answer.status != 200:
        return None, Finding("error", f"{what}: HTTP {answer.status}")
    body = answer.body.lstrip()
    if body[:1] in (b"{", b"["):
        return None, Finding("error", f"{what}: answered JSON where an HTML page was expected")
    return LexborHTMLParser(answer.body.decode("utf-8", "replace")), None


def read_widget(answer: Answer, key: str) -> Finding:
    """What the post widget says of the message `key` ("channel/id")."""
    doc, failure = _parse(answer, "widget")
    if failure is not None:
        if failure.kind == "redirect":  # not seen from the widget: say so, decide nothing
            return Finding("error", failure.reason)
        return failure
    error = doc.css_first(".tgme_widget_message_error")
    if error is not None:
        said = " ".join(error.text().split())[:200] or "an error"
        if _NOT_FOUND.search(said):
            return Finding("not_found", f"widget: {said!r}")
        # A private or blocked channel, sensitive content: shown to nobody logged out.
        return Finding("unavailable", f"widget: {said!r}")
    messages = doc.css(".tgme_widget_message[data-post]")
    if not messages:
        body = doc.body.text() if doc.body is not None else ""
        if _APP_WALL.search(body):
            return Finding("unavailable", "widget: no message shown, the page asks for the"
                           " Telegram app")
        return Finding("error", "widget: no message in the answer (not a widget page)")
    for message in messages:
        named = urls.parse(f"https://t.me/{message.attributes.get('data-post') or ''}")
        if named is not None and named[0] == key:
            return Finding("found", "widget: found", _transform(message, key))
    named = messages[0].attributes.get("data-post")
    return Finding("error", f"widget: answered for another post ({str(named)[:80]!r})")


def _transform(message, key: str) -> PostData:
    channel = (message.attributes.get("data-post") or key).split("/")[0]
    bubble = message.css_first(".tgme_widget_message_bubble") or message
    text_node = None
    for candidate in bubble.css(".tgme_widget_message_text"):
        # A reply shows the text it answers in the same class, inside its own link.
        if not _inside(candidate, "tgme_widget_message_reply", bubble):
            text_node = candidate
            break
    author = message.css_first(".tgme_widget_message_owner_name") or message.css_first(
        ".tgme_widget_message_author")
    when = None
    for time in message.css("time[datetime]"):
        when = time.attributes.get("datetime") or None
        if when:
            break
    meta = message.css_first(".tgme_widget_message_meta")
    return PostData(
        id=key,
        handle=channel,
        author=(" ".join(author.text().split()) or None) if author is not None else None,
        created_at=when,
        text=lines(text_node) if text_node is not None else None,
        media=_media(message),
        is_edited=meta is not None and "edited" in meta.text().lower(),
        endpoint="widget",
    )


def _inside(node, class_name: str, stop) -> bool:
    parent = node.parent
    while parent is not None and parent.mem_id != stop.mem_id:
        if class_name in (parent.attributes.get("class") or "").split():
            return True
        parent = parent.parent
    return False


def _background(node) -> str | None:
    m = _BACKGROUND.search((node.attributes.get("style") or "") if node is not None else "")
    return m.group("url") if m else None


def _media(message) -> list[dict]:
    media = []
    for item in message.css(".tgme_widget_message_photo_wrap, .tgme_widget_message_video_player"):
        classes = (item.attributes.get("class") or "").split()
        if "tgme_widget_message_photo_wrap" in classes:
            url = _background(item)
            if url:
                media.append({"type": "photo", "url": url, "alt": None, "video": None})
            continue
        video = item.css_first("video[src]")
        poster = _background(item.css_first(".tgme_widget_message_video_thumb"))
        source = video.attributes.get("src") if video is not None else None
        if source or poster:
            media.append({"type": "video", "url": poster, "alt": None, "video": source})
    return media


def read_channel(answer: Answer, channel: str) -> Finding:
    """Whether the channel's web preview still shows the channel: `found` when it
    lists it under that username, `unavailable` when t.me has no public preview of
    it (private, renamed, deleted or not a channel: t.me sends those elsewhere)."""
    doc, failure = _parse(answer, "channel preview")
    if failure is not None:
        if failure.kind == "redirect":
            return Finding("unavailable", f"{failure.reason} (no public preview of @{channel})")
        return failure
    info = doc.css_first(".tgme_channel_info")
    if info is None:
        return Finding("error", "channel preview: no channel in the answer")
    shown = info.css_first(".tgme_channel_info_header_username")
    name = " ".join(shown.text().split()).lstrip("@") if shown is not None else ""
    if name.lower() != channel.lower():
        return Finding("error", f"channel preview: shows another channel ({name[:40]!r})")
    return Finding("found", f"channel preview: @{channel} is public")


def classify(widget: Finding, channel: Finding) -> Verdict:
    """The widget's "Post not found" is a removal only while the channel is still
    public: a channel made private or renamed gives the same answer."""
    both = f"{widget.reason}; {channel.reason}"
    if widget.kind == "found":
        return Verdict("archived", widget.reason, widget.data)
    if widget.kind == "not_found":
        if channel.kind == "found":
            return Verdict("deleted", both)
        if channel.kind == "unavailable":
            return Verdict("unavailable", f"{both}: the channel is not public, so the post"
                           " may be hidden rather than deleted")
        return Verdict("failed", both, retry=True)
    if widget.kind == "unavailable":
        return Verdict("unavailable", both)
    return Verdict("failed", both, retry=True)
