"""Telegram's URL forms for one channel message: t.me/CHANNEL/ID and its variants.

A message is named by its channel's public username and its id in that channel
(message ids count up per chat, so the pair is the key): "durov/43". Usernames
are case-insensitive (t.me/Durov/43 is t.me/durov/43), so the key is lower-case.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

HOSTS = frozenset({"t.me", "telegram.me", "telegram.dog"})
# Public usernames: 5 to 32 of letters, digits and underscores, starting with a
# letter; a few older ones are 4 long.
CHANNEL = re.compile(r"[A-Za-z][A-Za-z0-9_]{3,31}")
MESSAGE = re.compile(r"[0-9]{1,12}")
# Paths of t.me that are not channels: invitations, sticker sets, share and
# proxy links, instant view, login, folders, boosts and the like.
RESERVED = frozenset({
    "joinchat", "addstickers", "addemoji", "addtheme", "addlist", "setlanguage", "share",
    "proxy", "socks", "login", "confirmphone", "invoice", "boost", "giftcode", "contact",
    "iv", "bg", "s", "c", "m", "k", "z", "a", "web", "dl", "apps", "blog", "faq",
})
KEY = re.compile(r"(?P<channel>[a-z][a-z0-9_]{3,31})/(?P<message>[1-9][0-9]{0,11})")


def post_key(channel: str, message: str) -> str | None:
    """The archive's id of message `message` in `channel`, or None when either is
    not what Telegram allows (t.me/c/... private chats, invitations, ids 0)."""
    if not CHANNEL.fullmatch(channel or "") or channel.lower() in RESERVED:
        return None
    if not MESSAGE.fullmatch(message or "") or int(message) == 0:
        return None
    return f"{channel.lower()}/{int(message)}"


def parse(url: str | None) -> tuple[str, str] | None:
    """(key, channel as written) for any URL form of one channel message:
    t.me/CH/ID, telegram.me and telegram.dog, the web preview t.me/s/CH/ID, a
    forum topic's t.me/CH/TOPIC/ID, ?single, ?embed=1, ?comment=N, and
    tg://resolve?domain=CH&post=ID. None for channels, private chats
    (t.me/c/...), invitations and every other t.me link."""
    if not url or not isinstance(url, str):
        return None
    text = url.strip()
    if text.startswith("//"):
        text = "https:" + text
    elif "://" not in text[:12]:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme == "tg" and host == "resolve":
        query = parse_qs(parts.query)
        channel = (query.get("domain") or [""])[0]
        message = (query.get("post") or [""])[0]
    else:
        if parts.scheme not in ("http", "https"):
            return None
        if host.startswith("www."):
            host = host[4:]
        if host not in HOSTS:
            return None
        segments = [s for s in parts.path.split("/") if s]
        if segments[:1] == ["s"]:  # the web preview of a channel around one message
            segments = segments[1:]
        if len(segments) == 3 and MESSAGE.fullmatch(segments[1]):
            segments = [segments[0], segments[2]]  # a forum topic: CH/TOPIC/ID
        if len(segments) != 2:
            return None
        channel, message = segments
    key = post_key(channel, message)
    return (key, channel) if key else None
