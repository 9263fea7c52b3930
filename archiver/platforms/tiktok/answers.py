"""TikTok's two no-login answers about a post -> Findings.

The web page carries the post as JSON in a script (#__UNIVERSAL_DATA_FOR_REHYDRATION__,
"webapp.video-detail": statusCode and itemInfo.itemStruct; SIGI_STATE in older
pages). oEmbed gives the caption, the author and a thumbnail, no date, no video.
Pure functions over Answers: the requests are the fetch stage's.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ...clean import storable_json
from ..base import Finding, PostData
from .urls import HANDLE

if TYPE_CHECKING:
    from ...net import Answer

_SCRIPT = re.compile(
    r'<script[^>]+\bid="(?P<name>__UNIVERSAL_DATA_FOR_REHYDRATION__|SIGI_STATE)"[^>]*>'
    r"(?P<json>.*?)</script>", re.DOTALL)
# webapp.video-detail's statusCode: what it means for the post.
_UNAVAILABLE = {
    10216: "private post",
    10222: "private account",
    10231: "not available in this region",
}
# "not available": TikTok answers it for removed posts and for requests from an IP
# it blocks alike, so from one place it says neither.
_AMBIGUOUS = 10204
_USER_GONE = 10221


def read_page(answer: Answer, post_id: str) -> Finding:
    if answer.error:
        return Finding("error", f"web page: {answer.error}")
    status = answer.status
    if status in (301, 302, 303, 307, 308):
        where = answer.headers.get("location", "")
        try:
            path = urlsplit(where).path
        except ValueError:
            path = ""
        if path.rstrip("/").endswith("/login"):
            return Finding("unavailable", "web page: redirected to log in (login required)")
        return Finding("error", f"web page: redirected to {where[:120] or 'nowhere'}")
    if status != 200:
        return Finding("error", f"web page: HTTP {status}")
    state = page_state(answer.body, post_id)
    if state is None:
        return Finding("error", "web page: no post data in the page (a challenge page?)")
    code, item = state
    if code == 0 and item:
        answered = _id(item.get("id"))
        if answered != post_id:
            return Finding("error", f"web page: answered for another post ({answered})")
        if item.get("isContentClassified") is True and not _dict(item.get("video")):
            return Finding("unavailable", "web page: age or sensitivity gate (login required)")
        return Finding("found", "web page: found", transform(item, post_id))
    if code == 0:
        return Finding("error", "web page: statusCode 0 and no post")
    if code in _UNAVAILABLE:
        return Finding("unavailable", f"web page: statusCode {code}: {_UNAVAILABLE[code]}")
    if code == _AMBIGUOUS:
        return Finding("error", f"web page: statusCode {code}: not available (said of removed"
                                " posts and of blocked IPs alike: it tells neither)")
    if code == _USER_GONE:
        return Finding("not_found", f"web page: statusCode {code}: user not found")
    return Finding("error", f"web page: statusCode {code} (a code archiver does not know)")


def page_state(body: bytes, post_id: str) -> tuple[int, dict] | None:
    """(statusCode, itemStruct) from the page's data script, or None."""
    text = body.decode("utf-8", "replace")
    for m in _SCRIPT.finditer(text):
        try:
            data = storable_json(json.loads(m.group("json")))
        except (ValueError, RecursionError):
            continue
        data = _dict(data)
        if m.group("name") == "SIGI_STATE":
            code = _dict(data.get("VideoPage")).get("statusCode")
            items = _dict(data.get("ItemModule"))
            item = _dict(items.get(post_id)) or next(
                (v for v in items.values() if isinstance(v, dict)), {})
        else:
            detail = _dict(_dict(data.get("__DEFAULT_SCOPE__")).get("webapp.video-detail"))
            if not detail:
                continue
            code = detail.get("statusCode")
            item = _dict(_dict(detail.get("itemInfo")).get("itemStruct"))
        code = code if isinstance(code, int) and not isinstance(code, bool) else 0
        return code, item
    return None


def transform(item: dict, post_id: str) -> PostData:
    author = item.get("author")
    author = author if isinstance(author, dict) else {"uniqueId": author}
    handle = _str(author.get("uniqueId"))
    created = _seconds(item.get("createTime"))
    return PostData(
        id=post_id,
        handle=handle if handle and HANDLE.fullmatch(handle) else None,
        author=_str(author.get("nickname")),
        created_at=(datetime.fromtimestamp(created, tz=timezone.utc)
                    .strftime("%Y-%m-%dT%H:%M:%SZ") if created else None),
        text=_str(item.get("desc")),
        media=_media(item, post_id),
        endpoint="page",
    )


def _media(item: dict, post_id: str) -> list[dict]:
    images = _list(_dict(item.get("imagePost")).get("images"))
    if images:  # a photo post (/photo/ID): its pictures, in order
        return [{"type": "photo", "url": _first(_dict(i.get("imageURL")).get("urlList")),
                 "alt": None, "video": None}
                for i in images if isinstance(i, dict)
                and _first(_dict(i.get("imageURL")).get("urlList"))]
    video = _dict(item.get("video"))
    if not video:
        return []
    # The best stream: bitrateInfo's highest, else playAddr, else the watermarked
    # download. These addresses only play with the session's cookies (tt_chain_token).
    ranked = sorted((b for b in _list(video.get("bitrateInfo")) if isinstance(b, dict)),
                    key=lambda b: _number(b.get("Bitrate")), reverse=True)
    streams = [_first(_dict(b.get("PlayAddr")).get("UrlList")) for b in ranked]
    play = video.get("playAddr")
    streams.append(play if isinstance(play, str) else
                   next((_str(_dict(p).get("src")) for p in _list(play)), None))
    streams.append(_str(video.get("downloadAddr")))
    return [{"type": "video",
             "url": _str(video.get("originCover")) or _str(video.get("cover")),
             "alt": None,
             "video": next((s for s in streams if s), None),
             "key": post_id}]


def read_oembed(answer: Answer, post_id: str) -> Finding:
    if answer.error:
        return Finding("error", f"oEmbed: {answer.error}")
    status = answer.status
    if status in (400, 404):
        # What the body says is not known; the web page has to say why.
        return Finding("not_found", f"oEmbed: HTTP {status}: no embeddable post")
    if status in (401, 403):
        return Finding("unavailable", f"oEmbed: HTTP {status}: refused")
    if status != 200:
        return Finding("error", f"oEmbed: HTTP {status}")
    try:
        data = storable_json(json.loads(answer.body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError):
        data = None
    if not isinstance(data, dict):
        what = "an HTML page" if answer.body.lstrip()[:1] == b"<" else "something else"
        return Finding("error", f"oEmbed: answered {what} where JSON was expected")
    named = _id(data.get("embed_product_id"))
    fragment = _str(data.get("html")) or ""
    if named is None:
        m = re.search(r'data-video-id="([0-9]{1,20})"', fragment)
        named = m.group(1) if m else None
    if named is None:
        return Finding("error", "oEmbed: the answer names no post")
    if named != post_id:
        return Finding("error", f"oEmbed: answered for another post ({named})")
    handle = _str(data.get("author_unique_id"))
    if not handle:
        m = re.search(r"/@([A-Za-z0-9_.]{2,24})", _str(data.get("author_url")) or "")
        handle = m.group(1) if m else None
    thumbnail = _str(data.get("thumbnail_url"))
    return Finding("found", "oEmbed: found", PostData(
        id=post_id,
        handle=handle if handle and HANDLE.fullmatch(handle) else None,
        author=_str(data.get("author_name")),
        text=_str(data.get("title")),
        # The thumbnail is signed (x-expires) and stops answering after a while.
        media=[{"type": "video", "url": thumbnail, "alt": None, "video": None, "key": post_id}]
        if thumbnail else [],
        endpoint="oembed",
    ))


def _id(value) -> str | None:
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return text if re.fullmatch(r"[0-9]{1,20}", text) else None


def _seconds(value) -> int | None:
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**33:
        return value
    return None


def _first(value) -> str | None:
    return next((v for v in _list(value) if _str(v)), None)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _str(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _number(value) -> float:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
