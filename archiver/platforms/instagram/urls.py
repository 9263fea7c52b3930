"""Instagram's URL forms for one post, its shortcode, and the date a shortcode holds.

A post is named by its shortcode ("CvuNg5mSYc0"): the base64 (A-Z a-z 0-9 - _) of
its numeric media id, the same whether the URL says /p/, /reel/ or /tv/, so it is
the key. Shortcodes are case-sensitive; host names are not.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

HOSTS = frozenset({"instagram.com", "m.instagram.com", "instagr.am"})
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
SHORTCODE = re.compile(r"[A-Za-z0-9_-]{1,64}")
_USERNAME = re.compile(r"[A-Za-z0-9._]{1,30}")
_KINDS = frozenset({"p", "reel", "reels", "tv"})
# First path segments that are Instagram's own pages, never a username.
_NOT_USERS = frozenset({"explore", "stories", "accounts", "direct", "about", "developer",
                        "legal", "web", "share", "s", "api", "graphql", "oauth", "emails",
                        "challenge", "session", "data", "ar", "lite", "privacy"})
# /reels/audio/ID is a sound's page, /reels/videos/ a tab: not posts.
_NOT_REELS = frozenset({"audio", "videos", "create", "trending"})
# A private post's shortcode is its public one with 28 more characters.
PRIVATE_EXTRA = 28
# Media ids since 2011 hold a millisecond time in their top bits, from this epoch.
EPOCH_MS = 1314220021721


def parse(url: str | None) -> tuple[str, str | None] | None:
    """(shortcode, username or None) for any URL form of one post: /p/, /reel/,
    /reels/ and /tv/ with or without a leading /USERNAME/, on instagram.com, its
    www. and m. hosts and instagr.am, with /embed/, /embed/captioned/ or a
    comment after the code. None for profiles, stories, tags, audio pages,
    /share/ links (they name a post only after a redirect) and anything else."""
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
    if parts.scheme not in ("http", "https"):
        return None
    if host.startswith("www."):
        host = host[4:]
    if host not in HOSTS:
        return None
    segments = [s for s in parts.path.split("/") if s]
    username = None
    if len(segments) >= 3 and segments[1] in _KINDS and segments[0] not in _KINDS:
        if segments[0].lower() in _NOT_USERS or not _USERNAME.fullmatch(segments[0]):
            return None
        username, segments = segments[0], segments[1:]
    if len(segments) < 2 or segments[0] not in _KINDS:
        return None
    kind, code = segments[0], segments[1]
    if kind == "reels" and code.lower() in _NOT_REELS:
        return None
    if not SHORTCODE.fullmatch(code):
        return None
    return code, username


# instagram.com/share/(p|reel)/CODE names a post only once followed; kept under
# "instagram.com/share/p/CODE".
_SHORT = re.compile(r"(?:https?:)?(?://)?(?:www\.)?instagram\.com/share/(?P<kind>p|reel|reels|tv)/"
                    r"(?P<code>[A-Za-z0-9_-]{4,40})/?", re.IGNORECASE)
SHORT_KEY = re.compile(r"instagram\.com/share/(?P<kind>p|reel|reels|tv)/"
                       r"(?P<code>[A-Za-z0-9_-]{4,40})")


def short_key(url: str | None) -> str | None:
    """The key a share link is kept and resolved under, or None for any other URL."""
    m = _SHORT.fullmatch((url or "").strip().split("?", 1)[0].split("#", 1)[0])
    return f"instagram.com/share/{m.group('kind').lower()}/{m.group('code')}" if m else None


def media_id(shortcode: str) -> int | None:
    """The numeric media id a shortcode encodes (a private one's public part)."""
    if not SHORTCODE.fullmatch(shortcode or ""):
        return None
    if len(shortcode) > PRIVATE_EXTRA:
        shortcode = shortcode[:-PRIVATE_EXTRA]
    value = 0
    for char in shortcode:
        value = value * 64 + ALPHABET.index(char)
    return value


def date_from_shortcode(shortcode: str) -> str | None:
    """The UTC date a post's shortcode encodes; None for the sequential ids of
    Instagram's first year, which hold no time, and for codes past any real date."""
    value = media_id(shortcode)
    if value is None or value < 2**40 or value >= 2**64:
        return None
    moment = datetime.fromtimestamp(((value >> 23) + EPOCH_MS) / 1000, tz=timezone.utc)
    if not 2011 <= moment.year <= 2100:
        return None
    return moment.strftime("%Y-%m-%d")
