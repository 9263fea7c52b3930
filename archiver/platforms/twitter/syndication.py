"""The syndication endpoint (the embed widget's own data): answer -> post fields.

Pure functions over an Answer; the request itself is made by the fetch stage.
"""

from __future__ import annotations

import html
import json
import re
from typing import TYPE_CHECKING

from ...clean import storable_json
from ..base import Finding, PostData

if TYPE_CHECKING:
    from ...net import Answer

# Tweet ids are unsigned 64-bit snowflakes: at most 20 ASCII digits ("¹²³" and
# other Unicode digits pass str.isdigit() and are not ids).
_ID = re.compile(r"[0-9]{1,20}")
_HANDLE = re.compile(r"[A-Za-z0-9_]{1,15}")


def numeric_id(value) -> str | None:
    """A tweet id as the archive keeps it, or None for anything else."""
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else ""
    return text if _ID.fullmatch(text) and int(text) < 2**64 else None


def valid_handle(value) -> str | None:
    return value if isinstance(value, str) and _HANDLE.fullmatch(value) else None


_DELETED_BY_AUTHOR = re.compile(r"deleted by the (?:post|tweet)(?:'s)? author", re.IGNORECASE)


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


def read(answer: Answer, post_id: str) -> Finding:
    """What the syndication answer for post_id says; an answer about another post is an
    error, never that post's data."""
    if answer.error:
        return Finding("error", f"syndication: {answer.error}")
    if answer.status == 404:
        return Finding("not_found", "syndication: HTTP 404")
    if answer.status != 200:
        return Finding("error", f"syndication: HTTP {answer.status}")
    try:
        data = storable_json(json.loads(answer.body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError):
        looks_html = answer.body.lstrip()[:1] == b"<"
        what = "an HTML page (login wall?)" if looks_html else "invalid JSON"
        return Finding("error", f"syndication: answered {what} where JSON was expected")
    if not isinstance(data, dict):
        return Finding("error", "syndication: answer is not a JSON object")
    if not data:
        # What the endpoint sends for a missing or wrong token and for some withheld
        # posts, as much as for missing ones: it cannot tell that a post is gone.
        return Finding("error", "syndication: empty answer {} (token refused, or the post"
                       " withheld: it says nothing of the post)")
    kind = _str(data.get("__typename"))
    if kind in ("TweetTombstone", "TweetUnavailable") or "tombstone" in data:
        text = _str(_dict(_dict(data.get("tombstone")).get("text")).get("text")) or ""
        reason = _str(data.get("reason")) or _unavailable_reason(text)
        said = f"syndication: {kind or 'tombstone'}: {text or reason}".rstrip(": ")
        if _DELETED_BY_AUTHOR.search(text):
            return Finding("not_found", said)  # a removal, said in so many words
        return Finding("unavailable", said, None)
    if "user" not in data and numeric_id(data.get("id_str")):
        # A post whose account is suspended or gone comes back tweet-shaped, userless.
        return Finding("unavailable", "syndication: the answer has no author: the account"
                       " is suspended or gone")
    try:
        found = transform(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return Finding("error", f"syndication: unexpected JSON ({type(exc).__name__}: {exc})")
    if found.id != str(post_id):
        return Finding("error", f"syndication: answered for another post ({found.id})")
    return Finding("found", "syndication: found", found)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value) -> str | None:
    return value if isinstance(value, str) else None


def transform(data: dict) -> PostData:
    """A syndication tweet-result as post fields (react-tweet's field names).

    Shapes are checked, not trusted: a field of the wrong type counts as absent.
    """
    tweet_id = numeric_id(data.get("id_str"))
    if tweet_id is None:
        raise ValueError("no numeric id_str")
    user = _dict(data.get("user"))
    text = _str(data.get("text"))
    note = data.get("note_tweet")
    note_text = _str(_dict(_dict(_dict(note).get("note_tweet_results")).get("result"))
                     .get("text"))
    if note_text:
        text = note_text  # "text" is truncated for long posts
    # A long post's answer cuts "text" (at display_text_range) and its note_tweet holds
    # only an id: the full text is not in the answer.
    truncated = note is not None and not note_text
    quoted = _dict(data.get("quoted_tweet"))
    details = data.get("mediaDetails")
    edit = data.get("edit_control")
    return PostData(
        id=tweet_id,
        handle=valid_handle(user.get("screen_name")),
        author=_str(user.get("name")),
        created_at=_str(data.get("created_at")),
        text=html.unescape(text) if text is not None else None,
        media=[_media(m) for m in (details if isinstance(details, list) else [])
               if isinstance(m, dict)],
        quoted_id=numeric_id(quoted.get("id_str")),
        quoted_handle=valid_handle(_dict(quoted.get("user")).get("screen_name")),
        edit_info=edit if isinstance(edit, dict) else None,
        is_edited=data.get("isEdited") is True,
        truncated=truncated,
        endpoint="syndication",
    )


def _media(item: dict) -> dict:
    variants = _dict(item.get("video_info")).get("variants")
    mp4 = [v for v in (variants if isinstance(variants, list) else [])
           if isinstance(v, dict) and v.get("content_type") == "video/mp4"]
    rate = lambda v: v.get("bitrate") if isinstance(v.get("bitrate"), (int, float)) else 0  # noqa: E731
    best = max(mp4, key=rate, default=None)
    return {
        "type": _str(item.get("type")),
        "url": _str(item.get("media_url_https")),
        "alt": _str(item.get("ext_alt_text")),
        "video": _str(best.get("url")) if best else None,
        "key": _str(item.get("media_key")),  # "3_1479…" where the answer names it
    }
