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


def exact_status_url(value: str | None) -> tuple[str | None, str] | None:
    """(handle, id) when the value, spaces aside, is itself a status URL; a share
    or intent URL that carries one in its query is not."""
    value = (value or "").strip()
    if not value or len(value) > 2000:
        return None
    m = STATUS_RE.match(value)
    return parse_status_url(m.group(0)) if m else None


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
    (r"(?:(?P<tco>t\.co)|pic\.(?:twitter|x)\.com)" + _SLASH + r"(?P<code>[A-Za-z0-9]+)").encode(),
    re.IGNORECASE,
)
# Where links start. bytes.find runs at memory speed; a regex over the whole page
# would not, so candidates are found by these in the page's lower-cased bytes
# (T.CO and PIC.TWITTER.COM too) and read with an anchored match in its own.
_NEEDLES = (b"t.co", b"pic.twitter.com", b"pic.x.com")
_GLUED = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@")


def find_links(text: str) -> list[str]:
    """Every t.co and pic link in text, normalised, once per code, in order.

    A media link is written pic.twitter.com/CODE with the href https://t.co/CODE:
    one link, listed in its pic form. Links whose slashes are escaped (JSON,
    percent-encoding, entities) count too, and so do links written in capitals;
    "abt.co/x" does not.
    """
    # Searched as UTF-8 bytes: lower-casing bytes keeps every position (a str's
    # lower() may not), and costs less than a search per spelling.
    data = text.encode("utf-8", "surrogatepass")
    lowered = data.lower()
    found: list[tuple[int, str, bool]] = []
    for needle in _NEEDLES:
        at = lowered.find(needle)
        while at >= 0:
            m = _LINK_AT.match(data, at)
            glued = at and data[at - 1] in _GLUED and data[at - 3:at] not in (b"%2F", b"%2f")
            if m and not glued:
                found.append((at, m.group("code").decode("ascii"), m.group("tco") is None))
            at = lowered.find(needle, at + len(needle))
    seen: dict[str, bool] = {}
    for _, code, pic in sorted(found):
        seen[code] = seen.get(code, False) or pic
    return [
        f"https://pic.twitter.com/{code}" if pic else f"https://t.co/{code}"
        for code, pic in seen.items()
    ]
