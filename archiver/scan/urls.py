"""Status URLs, t.co and pic links, and what a tweet id encodes."""

from __future__ import annotations

import re
from datetime import datetime, timezone

HANDLE = r"[A-Za-z0-9_]{1,15}"

# twitter.com and x.com are the same site; mirrors are read as the same too.
_HOSTS = (
    r"(?:(?:www|mobile|m)\.)?(?:twitter|x)\.com"
    r"|(?:fxtwitter|fixupx|vxtwitter|fixvx)\.com"
)
STATUS_RE = re.compile(
    r"(?:https?:)?//(?:" + _HOSTS + r")/"
    r"(?:\#!/)?"
    r"(?:(?P<handle>" + HANDLE + r")/status(?:es)?/|statuses/|i/web/status/|i/status/)"
    r"(?P<id>[0-9]{1,20})(?![0-9])",
    re.IGNORECASE,
)
# Paths under the site root that are not handles.
_NOT_HANDLES = {"i", "intent", "search", "hashtag", "home", "share", "statuses"}

# A t.co link, not preceded by a letter, digit, dot or hyphen unless it is the
# "//" of a scheme ("abt.co/x" is not t.co).
TCO_RE = re.compile(r"(?:(?:https?:)?//|(?<![\w.\-/@]))t\.co/([A-Za-z0-9]+)", re.IGNORECASE)
PIC_RE = re.compile(
    r"(?:(?:https?:)?//|(?<![\w.\-/@]))pic\.(?:twitter|x)\.com/([A-Za-z0-9]+)", re.IGNORECASE
)
LINK_RE = re.compile(TCO_RE.pattern + "|" + PIC_RE.pattern, re.IGNORECASE)

TWITTER_EPOCH_MS = 1288834974657
# Ids below this were issued before snowflakes (November 2010) and encode no time.
FIRST_SNOWFLAKE = 29_700_859_247


def parse_status_url(url: str | None) -> tuple[str | None, str] | None:
    """Return (handle, id) for any form of a tweet's status URL, else None."""
    if not url:
        return None
    m = STATUS_RE.search(url)
    if not m:
        return None
    handle = m.group("handle")
    if handle and handle.lower() in _NOT_HANDLES:
        handle = None
    tweet_id = m.group("id").lstrip("0") or "0"
    return handle, tweet_id


def status_url(handle: str | None, tweet_id: str) -> str:
    if handle:
        return f"https://twitter.com/{handle}/status/{tweet_id}"
    return f"https://twitter.com/i/web/status/{tweet_id}"


def snowflake_date(tweet_id: str | int | None) -> str | None:
    """The UTC date a snowflake id encodes, or None for pre-snowflake ids."""
    if tweet_id is None:
        return None
    n = int(tweet_id)
    if n < FIRST_SNOWFLAKE or n >= 1 << 63:
        return None
    ms = (n >> 22) + TWITTER_EPOCH_MS
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc).strftime("%Y-%m-%d")


# A slash as written in HTML, JSON (\\/), percent-encoding or an entity.
_SLASH = r"(?:/|\\/|%2[fF]|&#x0*2[fF];|&#0*47;|&sol;)"
_LINK_AT = re.compile(
    r"(?:(?P<tco>t\.co)|pic\.(?:twitter|x)\.com)" + _SLASH + r"(?P<code>[A-Za-z0-9]+)",
    re.IGNORECASE,
)
# Where links start. str.find runs at memory speed; a regex over the whole page
# would not, so candidates are found by these and read with an anchored match.
_NEEDLES = ("t.co", "T.CO", "T.co", "pic.twitter.com", "pic.x.com")
_GLUED = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@")


def find_links(text: str) -> list[str]:
    """Every t.co and pic link in text, normalised, once per code, in order.

    A media link is written pic.twitter.com/CODE with the href https://t.co/CODE:
    one link, listed in its pic form. Links whose slashes are escaped (JSON,
    percent-encoding, entities) count too; "abt.co/x" does not.
    """
    found: list[tuple[int, str, bool]] = []
    for needle in _NEEDLES:
        at = text.find(needle)
        while at >= 0:
            m = _LINK_AT.match(text, at)
            glued = at and text[at - 1] in _GLUED and text[at - 3:at] not in ("%2F", "%2f")
            if m and not glued:
                found.append((at, m.group("code"), m.group("tco") is None))
            at = text.find(needle, at + len(needle))
    seen: dict[str, bool] = {}
    for _, code, pic in sorted(found):
        seen[code] = seen.get(code, False) or pic
    return [
        f"https://pic.twitter.com/{code}" if pic else f"https://t.co/{code}"
        for code, pic in seen.items()
    ]
