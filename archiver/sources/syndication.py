"""The syndication endpoint (the embed widget's own data): answer -> post fields.

Pure functions over an Answer; the request itself is made by the runner.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field

from ..net import Answer


@dataclass
class PostData:
    """What a live source says about a post."""

    id: str
    handle: str | None = None
    author: str | None = None
    created_at: str | None = None  # ISO 8601 as the source gives it
    text: str | None = None
    media: list = field(default_factory=list)
    quoted_id: str | None = None
    quoted_handle: str | None = None
    edit_info: dict | None = None
    is_edited: bool = False
    source: str = "syndication"


@dataclass
class Finding:
    """One source's word on a post: found, gone, withheld, or could not tell."""

    kind: str  # found | not_found | unavailable | error
    reason: str
    data: PostData | None = None


def _unavailable_reason(text: str) -> str:
    lowered = text.lower()
    if "suspend" in lowered:
        return "account suspended"
    if "age-restricted" in lowered or "adult content" in lowered or "sensitive" in lowered:
        return "age-restricted"
    if "protected" in lowered or "authorized" in lowered:
        return "protected account"
    if "withheld" in lowered:
        return "withheld"
    return "unavailable"


def read(answer: Answer) -> Finding:
    if answer.error:
        return Finding("error", f"syndication: {answer.error}")
    if answer.status == 404:
        return Finding("not_found", "syndication: HTTP 404")
    if answer.status != 200:
        return Finding("error", f"syndication: HTTP {answer.status}")
    try:
        data = json.loads(answer.body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        looks_html = answer.body.lstrip()[:1] == b"<"
        what = "an HTML page (login wall?)" if looks_html else "invalid JSON"
        return Finding("error", f"syndication: answered {what} where JSON was expected")
    if not isinstance(data, dict):
        return Finding("error", "syndication: answer is not a JSON object")
    if not data:
        return Finding("not_found", "syndication: empty answer {}")
    kind = data.get("__typename")
    if kind in ("TweetTombstone", "TweetUnavailable") or "tombstone" in data:
        tomb = data.get("tombstone") or {}
        text = ((tomb.get("text") or {}).get("text") if isinstance(tomb, dict) else None) or ""
        reason = data.get("reason") or _unavailable_reason(text)
        return Finding("unavailable", f"syndication: {kind or 'tombstone'}: {text or reason}"
                       .rstrip(": "), None)
    try:
        return Finding("found", "syndication: found", transform(data))
    except (KeyError, TypeError, ValueError) as exc:
        return Finding("error", f"syndication: unexpected JSON ({type(exc).__name__}: {exc})")


def transform(data: dict) -> PostData:
    """A syndication tweet-result as post fields (react-tweet's field names)."""
    user = data.get("user") or {}
    text = data.get("text")
    note = data.get("note_tweet") or {}
    note_text = (((note.get("note_tweet_results") or {}).get("result") or {}).get("text")
                 if isinstance(note, dict) else None)
    if note_text:
        text = note_text  # "text" is truncated for long posts
    quoted = data.get("quoted_tweet") or {}
    return PostData(
        id=str(data["id_str"]),
        handle=user.get("screen_name"),
        author=user.get("name"),
        created_at=data.get("created_at"),
        text=html.unescape(text) if isinstance(text, str) else None,
        media=[_media(m) for m in data.get("mediaDetails") or [] if isinstance(m, dict)],
        quoted_id=str(quoted["id_str"]) if quoted.get("id_str") else None,
        quoted_handle=(quoted.get("user") or {}).get("screen_name"),
        edit_info=data.get("edit_control"),
        is_edited=bool(data.get("isEdited")),
    )


def _media(item: dict) -> dict:
    variants = ((item.get("video_info") or {}).get("variants")) or []
    mp4 = [v for v in variants if isinstance(v, dict) and v.get("content_type") == "video/mp4"]
    best = max(mp4, key=lambda v: v.get("bitrate") or 0, default=None)
    return {
        "type": item.get("type"),
        "url": item.get("media_url_https"),
        "alt": item.get("ext_alt_text"),
        "video": best.get("url") if best else None,
    }
