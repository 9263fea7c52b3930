"""TikTok's URL forms -> the post's numeric id (and its author's handle where the
URL names it).

A post is /@user/video/ID or /@user/photo/ID; its player and embed pages are
/embed/ID, /embed/v2/ID and /player/v1/ID; /share/video/ID and m.tiktok.com's
/v/ID.html are older forms, tiktokv.com the apps' host. vm.tiktok.com/CODE,
vt.tiktok.com/CODE and /t/CODE hold no id (a redirect tells it): None here.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import urlsplit

_ID = re.compile(r"[0-9]{1,20}")
HANDLE = re.compile(r"[A-Za-z0-9_.]{2,24}")
_POST = re.compile(
    r"/@(?P<handle>[^/?#]*)/(?:video|photo)/(?P<id>[0-9]{1,20})/?"
    r"|/(?:share/video|embed/v2|embed|player/v1|v)/(?P<id2>[0-9]{1,20})(?:\.html)?/?",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# TikTok began in September 2016; its ids carry their second in the top 32 bits.
_FIRST_YEAR = 2016


def valid_id(value: str | None) -> bool:
    return bool(value) and _ID.fullmatch(value) is not None and int(value) < 2**64


def parse(url: str | None) -> tuple[str, str | None] | None:
    """(id, handle) for any URL of one TikTok post, else None."""
    if not url:
        return None
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    elif not _SCHEME.match(url):
        url = "https://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    if not any(host == h or host.endswith("." + h) for h in ("tiktok.com", "tiktokv.com")):
        return None
    m = _POST.fullmatch(parts.path)
    if not m:
        return None
    post_id = (m.group("id") or m.group("id2")).lstrip("0") or "0"
    if not valid_id(post_id):
        return None
    handle = m.group("handle")
    return post_id, handle if handle and HANDLE.fullmatch(handle) else None


# Short links: vm.tiktok.com/CODE and vt.tiktok.com/CODE (the apps' share links) and
# www.tiktok.com/t/CODE (the site's). The code is case-sensitive.
_SHORT = re.compile(
    r"(?:https?://)?(?P<host>vm\.tiktok\.com|vt\.tiktok\.com|(?:www\.|m\.)?tiktok\.com/t)"
    r"/(?P<code>[A-Za-z0-9]{5,16})/?", re.IGNORECASE)
SHORT_KEY = re.compile(r"(?P<where>vm\.tiktok\.com|vt\.tiktok\.com|tiktok\.com/t)"
                       r"/(?P<code>[A-Za-z0-9]{5,16})")


def short_key(url: str) -> str | None:
    """"vm.tiktok.com/CODE" (or vt.tiktok.com/CODE, tiktok.com/t/CODE) for a short link."""
    m = _SHORT.fullmatch((url or "").strip().split("?", 1)[0].split("#", 1)[0])
    if not m:
        return None
    host = m.group("host").lower()
    where = "tiktok.com/t" if host.endswith("/t") else host
    return f"{where}/{m.group('code')}"


def date_from_id(post_id: str) -> str | None:
    if not valid_id(post_id):
        return None
    when = datetime.fromtimestamp(int(post_id) >> 32, tz=timezone.utc)
    return when.strftime("%Y-%m-%d") if _FIRST_YEAR <= when.year <= 2100 else None


def post_url(post_id: str, handle: str | None) -> str:
    # Without the handle, "_" stands in for it: the page answers for the id alone.
    return f"https://www.tiktok.com/@{handle or '_'}/video/{post_id}"
