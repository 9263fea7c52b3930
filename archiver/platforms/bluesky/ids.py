"""Bluesky's names for a post: AT-URIs, bsky.app URLs and the id archiver keeps.

A post is a record in its author's repository: the repository is named by a
DID (stable for ever) or by a handle (a domain name that can change hands), the
record by its key (rkey, normally a TID: a timestamp in base 32). The id
archiver keeps is "<actor>/<rkey>": "did:plc:abc.../3kxyz..." when the URL or
the embed code names the DID (embed codes always do), or "<handle>/<rkey>"
where a link only names the handle: no URL turns a handle into its DID without
asking the network.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from urllib.parse import unquote, urlsplit

POST_COLLECTION = "app.bsky.feed.post"
# did:plc is 24 characters of base 32; did:web is a host name (a port would be
# "%3A": not taken, it cannot be a folder name).
_DID = r"did:(?:plc:[a-z2-7]{24}|web:[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?)"
# A handle is a domain name: two labels at least, the last not starting with a digit.
_HANDLE = (r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+"
           r"[a-z](?:[a-z0-9-]{0,61}[a-z0-9])?")
# Record keys may hold more (":", "~"), but a post's is a TID; these fit a folder name.
_RKEY = r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}"
DID = re.compile(_DID)
HANDLE = re.compile(_HANDLE)
_ID = re.compile(f"(?P<actor>{_DID}|{_HANDLE})/(?P<rkey>{_RKEY})")
# A TID: 13 characters of base-32-sortable, the first below "k" (the top bit is 0).
_TID = re.compile(r"[2-7a-j][2-7a-z]{12}")
_B32 = "234567abcdefghijklmnopqrstuvwxyz"

# Where bsky.app's post pages are served, and FxEmbed's copy of them for chat previews.
WEB_HOSTS = {"bsky.app", "www.bsky.app", "staging.bsky.app", "main.bsky.dev", "fxbsky.app"}
EMBED_HOSTS = {"embed.bsky.app"}
# /profile/<actor>/post/<rkey>, and the pages about it (/liked-by, /reposted-by, /quotes)
_WEB_PATH = re.compile(r"/profile/([^/]+)/post/([^/]+)(?:/(?:liked-by|reposted-by|quotes))?/?")
_EMBED_PATH = re.compile(r"/embed/([^/]+)/" + re.escape(POST_COLLECTION) + r"/([^/]+)/?")
_AT_URI = re.compile(r"at://([^/?#]+)/" + re.escape(POST_COLLECTION) + r"/([^/?#]+)/?",
                     re.IGNORECASE)


def make_id(actor: str, rkey: str) -> str | None:
    """The kept id of a post, or None when actor or rkey is not well-formed."""
    actor = unquote(actor).strip()
    if not DID.fullmatch(actor):
        actor = actor.lower().lstrip("@")
    post_id = f"{actor}/{unquote(rkey).strip()}"
    return post_id if valid_id(post_id) else None


def valid_id(post_id: str) -> bool:
    m = _ID.fullmatch(post_id or "")
    return bool(m) and ".." not in m.group("rkey") and len(post_id) <= 160


def split_id(post_id: str) -> tuple[str, str]:
    """(actor, rkey) of a kept id."""
    actor, _, rkey = post_id.rpartition("/")
    return actor, rkey


def is_did(actor: str | None) -> bool:
    return bool(actor) and DID.fullmatch(actor) is not None


def at_uri(post_id: str) -> str:
    actor, rkey = split_id(post_id)
    return f"at://{actor}/{POST_COLLECTION}/{rkey}"


def parse_url(url: str | None) -> tuple[str, str | None] | None:
    """(id, handle) of any URL form of one post: an AT-URI, a bsky.app post page
    (or the pages about it), an embed.bsky.app embed page; None for anything else
    (profiles, feeds, lists, hashtags, searches, intent/compose links)."""
    if not url:
        return None
    url = url.strip()
    m = _AT_URI.match(url)
    if m:
        return _ref(m.group(1), m.group(2))
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    if host in WEB_HOSTS:
        m = _WEB_PATH.fullmatch(parts.path)
    elif host in EMBED_HOSTS:
        m = _EMBED_PATH.fullmatch(parts.path)
    else:
        return None
    return _ref(m.group(1), m.group(2)) if m else None


def _ref(actor: str, rkey: str) -> tuple[str, str | None] | None:
    post_id = make_id(actor, rkey)
    if post_id is None:
        return None
    actor = split_id(post_id)[0]
    return post_id, (None if is_did(actor) else actor)


def public_url(post_id: str) -> str:
    """The post's page on bsky.app, under the actor its id names."""
    actor, rkey = split_id(post_id)
    return f"https://bsky.app/profile/{actor}/post/{rkey}"


def folder_name(post_id: str) -> str:
    # "did:plc:abc/3kxyz" -> "did=plc=abc+3kxyz": no ":" or "/" in a path segment.
    return post_id.replace(":", "=").replace("/", "+")


def tid_date(rkey: str) -> str | None:
    """The UTC date a TID record key encodes (microseconds since 1970 in its top bits)."""
    if not _TID.fullmatch(rkey or ""):
        return None
    value = 0
    for char in rkey:
        value = value * 32 + _B32.index(char)
    seconds = (value >> 10) / 1_000_000
    # Before Bluesky's first posts, or far ahead: not a timestamp a client wrote.
    if not 1_640_995_200 <= seconds <= 4_102_444_800:  # 2022-01-01 .. 2100-01-01
        return None
    return datetime.fromtimestamp(seconds, tz=timezone.utc).strftime("%Y-%m-%d")
