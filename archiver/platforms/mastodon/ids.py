"""Mastodon's names for a post (a status): the id archiver keeps is
"<instance host>/<status id>", e.g. "mastodon.social/113805114250504687".

A status id is only meaningful on the instance that gave it: the same post
seen from another instance (https://OTHER/@user@HOME/ID) has OTHER's id for
its copy there. Such a URL names OTHER's copy, and is kept as such.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import unquote, urlsplit

# A public host name: dotted labels, the last alphabetic (no ports, no IP literals).
_HOST = (r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
         r"[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?")
_STATUS = r"[0-9]{1,20}"
_USER = r"[A-Za-z0-9_]{1,64}"  # Mastodon usernames; other servers allow a little more
_ACCT = rf"{_USER}(?:@{_HOST})?"
HOST = re.compile(_HOST)
USER = re.compile(_USER)
_ID = re.compile(rf"(?P<host>{_HOST})/(?P<status>{_STATUS})")
# Paths naming one status: the home form, a remote copy, the ActivityPub URI,
# the embed page, the web app's deep links; the pages about it (who boosted it).
_PATHS = [
    re.compile(rf"/@(?P<acct>{_ACCT})/(?P<status>{_STATUS})"
               r"(?:/(?:embed|reblogs|favourites|quotes))?/?"),
    re.compile(rf"/users/(?P<acct>{_USER})/statuses/(?P<status>{_STATUS})(?:/activity)?/?"),
    re.compile(rf"/(?:web|deck)/@(?P<acct>{_ACCT})/(?P<status>{_STATUS})/?"),
    re.compile(rf"/(?:web|deck)/statuses/(?P<status>{_STATUS})/?"),
]
# Hosts where "/@name/123" means something else, or that archiver reads as
# another platform.
NOT_MASTODON = {
    "twitter.com", "x.com", "threads.net", "threads.com", "instagram.com", "tiktok.com",
    "youtube.com", "medium.com", "bsky.app", "facebook.com", "reddit.com", "t.me",
    "substack.com", "vimeo.com", "github.com",
}
_EARLIEST = 1_456_790_400  # 2016-03-01: before Mastodon, an id's top bits are no time


def parse_url(url: str | None) -> tuple[str, str | None] | None:
    """(id, handle) of any URL form of one status; the handle is "user@host" of its
    account as far as the URL tells. None for profiles, tags, share links."""
    if not url:
        return None
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or port is not None:
        return None
    if not HOST.fullmatch(host) or _not_mastodon(host):
        return None
    path = unquote(parts.path)
    for pattern in _PATHS:
        m = pattern.fullmatch(path)
        if m:
            status = m.group("status")
            acct = m.groupdict().get("acct")
            post_id = f"{host}/{status}"
            if not valid_id(post_id):
                return None
            return post_id, full_acct(acct, host) if acct else None
    return None


def _not_mastodon(host: str) -> bool:
    return any(host == h or host.endswith("." + h) for h in NOT_MASTODON)


def full_acct(acct: str, host: str) -> str:
    """user@domain: a bare username is the host's own account."""
    user, _, domain = acct.partition("@")
    return f"{user}@{(domain or host).lower()}"


def valid_id(post_id: str) -> bool:
    m = _ID.fullmatch(post_id or "")
    return bool(m) and not _not_mastodon(m.group("host")) and len(post_id) <= 160


def split_id(post_id: str) -> tuple[str, str]:
    host, _, status = post_id.partition("/")
    return host, status


def split_handle(handle: str | None, host: str) -> tuple[str | None, str]:
    """(username, its domain) of a handle; a bare username is the host's."""
    if not handle:
        return None, host
    user, _, domain = handle.lstrip("@").partition("@")
    if not USER.fullmatch(user):
        return None, host
    return user, (domain or host).lower()


def public_url(post_id: str, handle: str | None) -> str:
    """The status's page on its instance: /@user/ID for the instance's own
    accounts, /@user@domain/ID for a copy of another's, /web/statuses/ID when the
    account is not known."""
    host, status = split_id(post_id)
    user, domain = split_handle(handle, host)
    if not user:
        return f"https://{host}/web/statuses/{status}"
    return f"https://{host}/@{user if domain == host else f'{user}@{domain}'}/{status}"


def folder_name(post_id: str) -> str:
    return post_id.replace("/", "+")


def snowflake_date(status: str) -> str | None:
    """The UTC date a status id encodes: milliseconds since 1970 above its low 16 bits
    (ids since Mastodon 2.0; older ids are a counter, and say nothing)."""
    if not re.fullmatch(_STATUS, status or ""):
        return None
    seconds = (int(status) >> 16) / 1000
    if not _EARLIEST <= seconds <= 4_102_444_800:
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d")
