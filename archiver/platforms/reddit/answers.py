"""Reddit's two no-login answers about a post or comment -> Findings.

The .json listing holds the post itself ([0].data.children[0].data) and, asked at
a comment's permalink, that comment first in [1]; a removed post still answers,
marked (removed_by_category, "[deleted]", "[removed]"). Unauthenticated .json is
often refused ("Blocked", 403) now. oEmbed gives the title and the author; it
answers 200 for deleted posts too (author_name empty). Pure functions over Answers.
"""

from __future__ import annotations

import html
import json
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ...clean import storable_json
from ..base import Finding, PostData
from .urls import NAME, RedditRef

if TYPE_CHECKING:
    from ...net import Answer

# removed_by_category -> who removed it. "automod_filtered" is a post held for the
# moderators' review: withheld, not (yet) removed.
_REMOVED_BY = {
    "deleted": "deleted by its author",
    "author": "deleted by its author",
    "moderator": "removed by the community's moderators",
    "reddit": "removed by Reddit",
    "anti_evil_ops": "removed by Reddit",
    "community_ops": "removed by Reddit",
    "copyright_takedown": "removed after a copyright notice",
    "content_takedown": "removed after a legal notice",
}
_BLOCK_PAGE = re.compile(rb"blocked by network security|whoa there, pardner|too many requests",
                         re.IGNORECASE)


def read_json(answer: Answer, ref: RedditRef) -> tuple[Finding, bool]:
    """The finding, and whether a not_found is Reddit's positive word that the post
    was removed (True) or only that nothing answers at that id (False)."""
    if answer.error:
        return Finding("error", f"JSON: {answer.error}"), False
    status = answer.status
    data = _parse(answer.body)
    if status in (301, 302, 303, 307, 308):
        where = answer.headers.get("location", "")
        if "over18" in where:
            return Finding("unavailable", "JSON: redirected to the over-18 gate"), False
        if "login" in where:
            return Finding("unavailable", "JSON: redirected to log in"), False
        return Finding("error", f"JSON: redirected to {where[:120] or 'nowhere'}"), False
    if status == 403:
        reason = _str(_dict(data).get("reason"))
        if reason in ("private", "quarantined", "gold_only", "gated"):
            return Finding("unavailable", f"JSON: HTTP 403: {reason} community"), False
        if reason:
            return Finding("unavailable", f"JSON: HTTP 403: {reason}"), False
        return Finding("error", "JSON: HTTP 403: blocked (Reddit refuses this client or"
                                " address)"), False
    if status == 404:
        reason = _str(_dict(data).get("reason"))
        if reason:  # "banned": the community is banned
            return Finding("unavailable", f"JSON: HTTP 404: {reason} community"), False
        return Finding("not_found", "JSON: HTTP 404: nothing at that id"), False
    if status == 451:
        return Finding("unavailable", "JSON: HTTP 451: unavailable for legal reasons"), False
    if status != 200:
        return Finding("error", f"JSON: HTTP {status}"), False
    if data is None:
        what = ("a block page" if _BLOCK_PAGE.search(answer.body[:20000])
                else "an HTML page" if answer.body.lstrip()[:1] == b"<" else "something else")
        return Finding("error", f"JSON: answered {what} where JSON was expected"), False
    listings = data if isinstance(data, list) else []
    post = _thing(listings, 0, "t3")
    if post is None:
        return Finding("error", "JSON: no post in the answer"), False
    if _str(post.get("id")) != ref.post:
        return Finding("error", f"JSON: answered for another post ({post.get('id')!r})"), False
    if ref.comment:
        comment = _thing(listings, 1, "t1")
        if comment is None:
            return Finding("not_found", "JSON: the comment is not in its thread"), False
        if _str(comment.get("id")) != ref.comment:
            return Finding("error", f"JSON: answered for another comment"
                                    f" ({comment.get('id')!r})"), False
        return _judge_comment(comment, ref)
    return _judge_post(post, ref)


def _judge_post(post: dict, ref: RedditRef) -> tuple[Finding, bool]:
    category = _str(post.get("removed_by_category"))
    body = _str(post.get("selftext"))
    author = _str(post.get("author"))
    if category == "automod_filtered":
        return Finding("unavailable", "JSON: held for the moderators' review"), False
    if category:
        return Finding("not_found", f"JSON: {_REMOVED_BY.get(category, 'removed')}"
                                    f" (removed_by_category {category})"), True
    if body == "[deleted]" and author == "[deleted]":
        return Finding("not_found", "JSON: deleted by its author ([deleted])"), True
    if body == "[removed]":
        return Finding("not_found", "JSON: removed by the community's moderators"
                                    " ([removed])"), True
    data = transform_post(post, ref)
    if post.get("over_18") is True:
        # Reddit shows posts marked NSFW to logged-in adults only.
        return Finding("unavailable", "JSON: marked NSFW (over 18): behind a login", data), False
    return Finding("found", "JSON: found", data), False


def _judge_comment(comment: dict, ref: RedditRef) -> tuple[Finding, bool]:
    body = _str(comment.get("body"))
    if body == "[deleted]":
        return Finding("not_found", "JSON: comment deleted by its author ([deleted])"), True
    if body == "[removed]":
        return Finding("not_found", "JSON: comment removed by the moderators ([removed])"), True
    author = _author(comment.get("author"))
    return Finding("found", "JSON: found", PostData(
        id=ref.key, handle=author, author=author, created_at=_time(comment.get("created_utc")),
        text=body, endpoint="json")), False


def transform_post(post: dict, ref: RedditRef) -> PostData:
    title = _str(post.get("title"))
    body = _str(post.get("selftext"))
    author = _author(post.get("author"))
    return PostData(
        id=ref.key,
        handle=author,
        author=author,
        created_at=_time(post.get("created_utc")),
        # The title first, then the body: an embed keeps the title alone.
        text="\n".join(part for part in (title, body) if part) or None,
        media=media(post),
        endpoint="json",
    )


def media(post: dict) -> list[dict]:
    """The post's own media, originals where Reddit keeps them (i.redd.it for
    pictures, v.redd.it's best single-file stream for video); a crosspost's are its
    parent's."""
    parents = [p for p in _list(post.get("crosspost_parent_list")) if isinstance(p, dict)]
    if parents and not _own_media(post):
        post = parents[0]
    found = _gallery(post)
    video = _dict(_dict(post.get("secure_media") or post.get("media")).get("reddit_video"))
    images = _list(_dict(post.get("preview")).get("images"))
    poster = _original(_str(_dict(_dict(images[0] if images else None).get("source"))
                            .get("url")))
    if video:
        stream = _str(video.get("fallback_url"))
        found.append({"type": "gif" if video.get("is_gif") is True else "video",
                      "url": poster, "alt": None, "video": stream,
                      "key": _first_segment(stream)})
    elif not found and post.get("post_hint") == "image":
        url = _str(post.get("url_overridden_by_dest")) or _str(post.get("url"))
        found.append({"type": "photo", "url": _original(url) or poster, "alt": None,
                      "video": None})
    return [m for m in found if m["url"] or m["video"]]


def _gallery(post: dict) -> list[dict]:
    """A gallery's items in its own order (gallery_data, with their captions), each
    from media_metadata; a post with media_metadata and no gallery_data (pictures in
    a text post) in media_metadata's order."""
    items = _dict(post.get("media_metadata"))
    listed = [(_str(_dict(i).get("media_id")), _str(_dict(i).get("caption")))
              for i in _list(_dict(post.get("gallery_data")).get("items"))]
    found = []
    for key, caption in [(k, c) for k, c in listed if k] or [(k, None) for k in items]:
        item = _dict(items.get(key))
        source = _dict(item.get("s"))
        if item.get("e") == "AnimatedImage":
            found.append({"type": "gif", "url": _original(_str(source.get("gif"))),
                          "alt": caption, "video": _str(source.get("mp4")), "key": key})
        elif item.get("e") == "Image":
            found.append({"type": "photo", "url": _original(_str(source.get("u"))),
                          "alt": caption, "video": None, "key": key})
    return found


def _first_segment(url: str | None) -> str | None:
    """v.redd.it/ID/DASH_1080.mp4 -> ID: the video's own name."""
    parts = urlsplit(url or "")
    if parts.hostname != "v.redd.it":
        return None
    return parts.path.strip("/").split("/", 1)[0] or None


def _own_media(post: dict) -> bool:
    return bool(post.get("media_metadata") or post.get("secure_media") or post.get("media")
                or post.get("post_hint") == "image")


def _original(url: str | None) -> str | None:
    """preview.redd.it/NAME.EXT?width=...&s=... is a resized copy of i.redd.it/NAME.EXT."""
    if not url:
        return None
    url = html.unescape(url)
    parts = urlsplit(url)
    if parts.hostname == "preview.redd.it":
        return f"https://i.redd.it{parts.path}"
    if parts.hostname == "i.redd.it":
        return f"https://i.redd.it{parts.path}"
    return url


def read_oembed(answer: Answer, ref: RedditRef) -> Finding:
    if answer.error:
        return Finding("error", f"oEmbed: {answer.error}")
    status = answer.status
    if status == 404:
        return Finding("not_found", "oEmbed: HTTP 404: nothing at that URL")
    if status == 403:
        return Finding("unavailable", "oEmbed: HTTP 403: private community")
    if status != 200:
        return Finding("error", f"oEmbed: HTTP {status}")
    data = _parse(answer.body)
    if not isinstance(data, dict):
        what = ("a block page" if _BLOCK_PAGE.search(answer.body[:20000])
                else "an HTML page" if answer.body.lstrip()[:1] == b"<" else "something else")
        return Finding("error", f"oEmbed: answered {what} where JSON was expected")
    fragment = _str(data.get("html")) or ""
    named = re.findall(r"/comments/([0-9a-z]{1,13})", fragment, re.IGNORECASE)
    if named and ref.post not in (n.lower() for n in named):
        return Finding("error", f"oEmbed: answered for another post ({named[0]})")
    if not named:
        return Finding("error", "oEmbed: the answer names no post")
    author = data.get("author_name")
    if not isinstance(author, str) or not author.strip():
        # What Reddit's oEmbed answers for a deleted post or comment.
        return Finding("not_found", "oEmbed: no author (how it answers for a deleted post)")
    return Finding("found", "oEmbed: found", PostData(
        id=ref.key, handle=_author(author), author=_author(author),
        text=None if ref.comment else _str(data.get("title")), endpoint="oembed"))


def _thing(listings: list, index: int, kind: str) -> dict | None:
    if len(listings) <= index:
        return None
    children = _list(_dict(_dict(listings[index]).get("data")).get("children"))
    first = _dict(children[0]) if children else {}
    return _dict(first.get("data")) if first.get("kind") == kind else None


def _author(value) -> str | None:
    # "[deleted]" and "[account deleted]": the account is gone, the post may not be.
    return value if isinstance(value, str) and NAME.fullmatch(value) else None


def _time(value) -> str | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 < value < 2**33:
        return datetime.fromtimestamp(value, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return None


def _parse(body: bytes):
    try:
        return storable_json(json.loads(body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _str(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
