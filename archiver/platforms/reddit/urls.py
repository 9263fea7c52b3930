"""Reddit's URL forms -> the post's (or comment's) base-36 id.

A post is /r/SUB/comments/ID/slug/, /user/NAME/comments/ID/..., /comments/ID,
/gallery/ID or redd.it/ID, on www., old., new., np., sh., m., i., amp. and
embed.reddit.com and on redditmedia.com (old embeds); a comment adds its own id
after the slug (/comments/ID/slug/CID/, or /comments/ID/comment/CID/). The
archive keys a post by its id ("1abc2de") and a comment by the post's and its
own ("1abc2de/kx9f3zq"). Share links (/r/SUB/s/CODE) hold no id: a redirect
tells it.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

POST_ID = re.compile(r"[0-9a-z]{1,13}")
KEY = re.compile(r"(?P<post>[0-9a-z]{1,13})(?:/(?P<comment>[0-9a-z]{1,13}))?")
NAME = re.compile(r"[A-Za-z0-9_-]{2,32}")
_PATH = re.compile(
    r"/(?:(?P<kind>r|u|user)/(?P<owner>[^/]+)/)?comments/(?P<post>[0-9a-z]{1,13})"
    r"(?:/(?P<slug>[^/]*)(?:/(?P<comment>[0-9a-z]{1,13}))?)?/?"
    r"|/gallery/(?P<gallery>[0-9a-z]{1,13})/?",
    re.IGNORECASE,
)
_SHORT = re.compile(r"/(?P<post>[0-9a-z]{1,13})/?", re.IGNORECASE)
_SLUG = re.compile(r"[\w%-]{1,120}")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


class RedditRef(NamedTuple):
    post: str
    comment: str | None = None
    subreddit: str | None = None
    user: str | None = None  # the author, where the URL is a user's own post
    slug: str | None = None

    @property
    def key(self) -> str:
        return f"{self.post}/{self.comment}" if self.comment else self.post


def parse(url: str | None) -> RedditRef | None:
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
    if host in ("redd.it", "www.redd.it"):
        m = _SHORT.fullmatch(parts.path)
        return RedditRef(m.group("post").lower()) if m else None
    if not any(host == h or host.endswith("." + h) for h in ("reddit.com", "redditmedia.com")):
        return None
    m = _PATH.fullmatch(parts.path)
    if not m:
        return None
    if m.group("gallery"):
        return RedditRef(m.group("gallery").lower())
    owner = m.group("owner") if m.group("owner") and NAME.fullmatch(m.group("owner")) else None
    subreddit = owner if m.group("kind") == "r" else None
    user = owner if m.group("kind") in ("u", "user") else None
    slug = m.group("slug") if m.group("slug") and _SLUG.fullmatch(m.group("slug")) else None
    comment = m.group("comment").lower() if m.group("comment") else None
    return RedditRef(m.group("post").lower(), comment, subreddit, user,
                     None if slug in ("_", "comment") else slug)


_SHARE = re.compile(
    r"(?:https?://)?(?:(?:www|old|new|m|sh|np)\.)?reddit\.com/r/(?P<sub>[A-Za-z0-9_]{2,21})"
    r"/s/(?P<code>[A-Za-z0-9]{6,16})/?", re.IGNORECASE)
SHARE_KEY = re.compile(r"reddit\.com/r/(?P<sub>[A-Za-z0-9_]{2,21})/s/(?P<code>[A-Za-z0-9]{6,16})")


def share_key(url: str) -> str | None:
    """"reddit.com/r/SUB/s/CODE" for a share link (the apps' "Share" button)."""
    m = _SHARE.fullmatch((url or "").strip().split("?", 1)[0].split("#", 1)[0])
    return f"reddit.com/r/{m.group('sub')}/s/{m.group('code')}" if m else None


def from_key(key: str) -> RedditRef | None:
    m = KEY.fullmatch(key or "")
    return RedditRef(m.group("post"), m.group("comment")) if m else None


def path(ref: RedditRef) -> str:
    """The post's path on reddit.com, with its community when known:
    "r/SUB/comments/ID/_/" (a comment adds "CID/")."""
    where = f"r/{ref.subreddit}/" if ref.subreddit else ""
    tail = f"{ref.slug or '_'}/{ref.comment}/" if ref.comment else ""
    return f"{where}comments/{ref.post}/{tail}"


def permalink(ref: RedditRef) -> str:
    return f"https://www.reddit.com/{path(ref)}"
