"""Facebook's URL forms for one post, and the key the archive gives it.

Keys, as the URL gives them (a post read through another of its URLs may get
another key: a page's name and its number are not tied without a login):
  OWNER/POST           a page's or a person's post: /OWNER/posts/POST,
                       permalink.php and story.php?story_fbid=POST&id=OWNER
  groups/GROUP/POST    a post in a group
  videos/ID            a video or reel: /OWNER/videos/ID, /watch/?v=ID, /reel/ID,
                       video.php?v=ID
  photos/ID            a photo: photo.php?fbid=ID, /OWNER/photos/ALBUM/ID
OWNER is a page's or person's user name (letters, digits and dots; Facebook does
not tell case apart, so it is kept lower-case) or their number; POST a number or
an opaque pfbid. "groups", "videos" and "photos" are Facebook's own paths, no
user name, so the kinds never meet.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

_NUMBER = r"[0-9]{1,25}"
_PFBID = r"pfbid[0-9A-Za-z]{10,80}"
POST = re.compile(rf"{_NUMBER}|{_PFBID}")
NUMBER = re.compile(_NUMBER)
# Bounded so that a key, as a folder name, stays within the archive's 160 characters.
OWNER = re.compile(r"[A-Za-z0-9][A-Za-z0-9.]{0,49}")
GROUP = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,59}")
KEY = re.compile(
    rf"(?P<kind>videos|photos)/(?P<media>{_NUMBER})"
    rf"|groups/(?P<group>[a-z0-9][a-z0-9._-]{{0,59}})/(?P<gpost>{_NUMBER}|{_PFBID})"
    rf"|(?P<owner>[a-z0-9][a-z0-9.]{{0,49}})/(?P<post>{_NUMBER}|{_PFBID})")
# First path segments that are Facebook's own pages, never a user name.
RESERVED = frozenset({
    "groups", "videos", "photos", "watch", "reel", "reels", "photo", "photo.php", "video",
    "video.php", "permalink.php", "story.php", "share", "sharer", "sharer.php", "dialog",
    "plugins", "events", "hashtag", "pages", "people", "profile.php", "login", "login.php",
    "help", "policies", "privacy", "marketplace", "gaming", "stories", "notes", "media",
    "search", "home.php", "l.php", "watchparty", "live", "fundraisers", "ads", "business",
    "messages", "friends", "settings", "bookmarks", "latest", "checkpoint", "recover",
})
_HOST = re.compile(r"(?:[a-z0-9-]+\.)?(?:facebook\.com|fb\.com)")
_VERSION = re.compile(r"v[0-9]{1,2}\.[0-9]{1,2}")
_NESTING = 3  # plugins/post.php?href=<a plugin URL>...: as deep as is worth following


def parse(url: str | None, _depth: int = 0) -> tuple[str, str | None] | None:
    """(key, user name or None) for any URL form of one post, photo or video, on
    www., m., mbasic., web. and language hosts of facebook.com, and inside the
    plugin URLs (plugins/post.php?href=...). None for pages, profiles, groups,
    events, hashtags, share and like buttons, and for /share/ and fb.watch links
    (they name a post only after a redirect)."""
    if not url or not isinstance(url, str) or _depth > _NESTING:
        return None
    text = url.strip()
    if text.startswith("//"):
        text = "https:" + text
    elif "://" not in text[:12]:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = (parts.hostname or "").lower()
        query = parse_qs(parts.query)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(host):
        return None
    segments = [s for s in parts.path.split("/") if s]
    if segments and _VERSION.fullmatch(segments[0]):
        segments = segments[1:]  # the SDK's iframes: /v2.3/plugins/post.php
    if not segments:
        return None
    first = segments[0].lower()

    def one(name: str) -> str:
        values = query.get(name) or [""]
        return values[0].strip()

    if first == "plugins" and len(segments) == 2 and segments[1] in ("post.php", "video.php"):
        return parse(one("href"), _depth + 1)
    if first in ("permalink.php", "story.php"):
        post, owner = one("story_fbid"), one("id")
        return _post(owner, post)
    if first in ("photo.php", "photo"):
        return _media("photos", one("fbid"), None)
    if first in ("video.php", "watch") or (first == "video" and segments[1:2] in (
            ["video.php"], ["embed"])):
        return _media("videos", one("v") or one("video_id"), None)
    if first in ("reel", "reels") and len(segments) >= 2:
        return _media("videos", segments[1], None)
    if first == "groups" and len(segments) >= 4 and segments[2] in ("posts", "permalink"):
        group, post = segments[1], segments[3]
        if not GROUP.fullmatch(group) or not POST.fullmatch(post):
            return None
        return f"groups/{group.lower()}/{post}", None
    if first in RESERVED or len(segments) < 3 or not OWNER.fullmatch(segments[0]):
        return None
    owner, kind, rest = segments[0], segments[1], segments[2:]
    handle = None if NUMBER.fullmatch(owner) else owner
    if kind == "posts":
        # /OWNER/posts/POST, and older /OWNER/posts/SLUG/POST
        post = next((s for s in rest[:2] if POST.fullmatch(s)), None)
        return _post(owner, post or "")
    if kind == "videos":
        # /OWNER/videos/ID, /OWNER/videos/vb.OWNERID/ID, /OWNER/videos/SLUG/ID
        number = next((s for s in reversed(rest[:2]) if NUMBER.fullmatch(s)), "")
        return _media("videos", number, handle)
    if kind == "photos":
        number = next((s for s in reversed(rest[:2]) if NUMBER.fullmatch(s)), "")
        return _media("photos", number, handle)
    return None


def _post(owner: str, post: str) -> tuple[str, str | None] | None:
    if not OWNER.fullmatch(owner or "") or owner.lower() in RESERVED or not POST.fullmatch(
            post or ""):
        return None
    return f"{owner.lower()}/{post}", None if NUMBER.fullmatch(owner) else owner


def _media(kind: str, number: str, handle: str | None) -> tuple[str, str | None] | None:
    return (f"{kind}/{number}", handle) if NUMBER.fullmatch(number or "") else None


# Links that name a post only once followed: fb.watch/CODE and facebook.com/share/
# (p|v|r)/CODE. Kept under "fb.watch/CODE" and "facebook.com/share/p/CODE".
_SHORT = re.compile(r"(?:https?:)?(?://)?(?:www\.)?(?P<watch>fb\.watch)/(?P<code>[A-Za-z0-9_-]{4,40})/?"
                    r"|(?:https?:)?(?://)?(?:[a-z0-9-]+\.)?facebook\.com/share/(?P<kind>[pvr])/"
                    r"(?P<share>[A-Za-z0-9_-]{4,40})/?", re.IGNORECASE)
SHORT_KEY = re.compile(r"fb\.watch/(?P<code>[A-Za-z0-9_-]{4,40})"
                       r"|facebook\.com/share/(?P<kind>[pvr])/(?P<share>[A-Za-z0-9_-]{4,40})")


def short_key(url: str | None) -> str | None:
    """The key a short link is kept and resolved under, or None for any other URL."""
    m = _SHORT.fullmatch((url or "").strip().split("?", 1)[0].split("#", 1)[0])
    if m is None:
        return None
    if m.group("watch"):
        return f"fb.watch/{m.group('code')}"
    return f"facebook.com/share/{m.group('kind').lower()}/{m.group('share')}"


def valid(key: str) -> bool:
    m = KEY.fullmatch(key or "")
    return m is not None and (m.group("owner") is None or m.group("owner") not in RESERVED)


def path(key: str) -> str:
    """The post's public path on www.facebook.com, from its key."""
    m = KEY.fullmatch(key)
    if m is None:
        raise ValueError(f"not a Facebook key: {key!r}")
    if m.group("kind") == "videos":
        return f"watch/?v={m.group('media')}"
    if m.group("kind") == "photos":
        return f"photo.php?fbid={m.group('media')}"
    if m.group("group"):
        return f"groups/{m.group('group')}/posts/{m.group('gpost')}/"
    return f"{m.group('owner')}/posts/{m.group('post')}"


def same_post(asked: str, answered: str) -> bool:
    """Whether an answer naming `answered` is about the post `asked`: the same key,
    or the same post number under another name of its owner (a page's name and
    its number), or forms that cannot be compared (a number and a pfbid)."""
    if asked == answered:
        return True
    mine, theirs = asked.rsplit("/", 1)[1], answered.rsplit("/", 1)[1]
    if mine.startswith("pfbid") != theirs.startswith("pfbid"):
        return True
    return mine == theirs
