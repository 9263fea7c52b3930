"""Threads' names for a post: the shortcode in /@user/post/CODE and /t/CODE, on
threads.com or threads.net (threads.net became threads.com in 2025 and now
redirects there: both hosts name the same post)."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import unquote, urlsplit

HOSTS = {"threads.com", "www.threads.com", "threads.net", "www.threads.net"}
_CODE = r"[A-Za-z0-9_-]{5,64}"
_USER = r"[A-Za-z0-9._]{1,30}"  # Instagram's usernames
CODE = re.compile(_CODE)
USER = re.compile(_USER)
_PATHS = [
    re.compile(rf"/@(?P<user>{_USER})/post/(?P<code>{_CODE})(?:/(?:embed|media))?/?"),
    re.compile(rf"/t/(?P<code>{_CODE})(?:/embed)?/?"),
]
# Shortcodes are written in Instagram's URL-safe base 64; the number they stand
# for keeps milliseconds since Instagram's epoch above its low 23 bits.
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_INSTAGRAM_EPOCH_MS = 1_314_220_021_721
_THREADS_LAUNCH = 1_688_169_600  # 2023-07-01: no Threads post is older


def parse_url(url: str | None) -> tuple[str, str | None] | None:
    """(code, username) of any URL form of one post; None for profiles, search,
    tags and the share intent (threads.com/intent/post?text=)."""
    if not url:
        return None
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or host not in HOSTS:
        return None
    path = unquote(parts.path)
    for pattern in _PATHS:
        m = pattern.fullmatch(path)
        if m:
            user = m.groupdict().get("user")
            return m.group("code"), user.lower() if user else None
    return None


def public_url(code: str, user: str | None) -> str:
    return (f"https://www.threads.com/@{user}/post/{code}" if user and USER.fullmatch(user)
            else f"https://www.threads.com/t/{code}")


def valid_id(code: str) -> bool:
    return CODE.fullmatch(code or "") is not None


def folder_name(code: str) -> str:
    # A code may start with "-", which no folder name may: "c=" cannot start a code.
    return f"c={code}" if code.startswith("-") else code


def shortcode_date(code: str) -> str | None:
    """The UTC date the code's media id encodes, if it is one: Threads posts are
    Instagram media, so this is Instagram's scheme (its bounds checked: a code
    that decodes to no Threads-era time gives no date)."""
    if not valid_id(code) or len(code) > 12:
        return None
    value = 0
    for char in code:
        value = value * 64 + _B64.index(char)
    seconds = ((value >> 23) + _INSTAGRAM_EPOCH_MS) / 1000
    if not _THREADS_LAUNCH <= seconds <= 4_102_444_800:
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d")
