"""YouTube's two no-login answers about a video -> Findings.

oEmbed says whether the video can be embedded (401: embedding disabled; 403:
private; 404, or 400 in older reports: no such video, removed or never there).
The watch page's player response (ytInitialPlayerResponse) says why it cannot
be played (playabilityStatus) and holds the video's own fields. Pure functions
over Answers: the requests are the fetch stage's.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from ...clean import storable_json
from ..base import Finding, PostData

if TYPE_CHECKING:
    from ...net import Answer

_PLAYER = re.compile(r"ytInitialPlayerResponse\s*=\s*(?=\{)")
_HANDLE = re.compile(r"/@([\w.\-·]{3,30})/?$")
# Answers that are YouTube holding the session back, not the video's state: the
# bot check ("Sign in to confirm you're not a bot"), the rate limit ("This content
# isn't available, try again later"), the captcha page.
_HELD_BACK = re.compile(r"not a bot|try again later|unusual traffic|captcha", re.IGNORECASE)
_AGE = re.compile(r"confirm your age|age-restricted|inappropriate for some users", re.IGNORECASE)
_GEO = re.compile(r"in your country|in your region|not available in your location",
                  re.IGNORECASE)
_TERMINATED = re.compile(r"terminated|suspended", re.IGNORECASE)
_AGE_STATUSES = {"AGE_VERIFICATION_REQUIRED", "AGE_CHECK_REQUIRED", "CONTENT_CHECK_REQUIRED"}


def read_oembed(answer: Answer, video: str) -> Finding:
    if answer.error:
        return Finding("error", f"oEmbed: {answer.error}")
    status = answer.status
    if status == 401:
        return Finding("unavailable", "oEmbed: HTTP 401: embedding disabled by the owner")
    if status == 403:
        return Finding("unavailable", "oEmbed: HTTP 403: private video")
    if status in (400, 404):
        return Finding("not_found", f"oEmbed: HTTP {status}: no such video (removed, or"
                                    " never there)")
    if status != 200:
        return Finding("error", f"oEmbed: HTTP {status}")
    word = answer.body.strip()[:32].lower()
    if word == b"forbidden":  # a private video, as oEmbed answered it in December 2020
        return Finding("unavailable", "oEmbed: answered 200 'Forbidden': private video")
    if word == b"unauthorized":
        return Finding("unavailable", "oEmbed: answered 200 'Unauthorized': embedding disabled")
    data = _json_object(answer.body)
    if data is None:
        return Finding("error", f"oEmbed: answered {_what(answer.body)} where JSON was expected")
    fragment = _str(data.get("html")) or ""
    named = re.findall(r"/embed/([0-9A-Za-z_-]{11})", fragment)
    if named and video not in named:
        return Finding("error", f"oEmbed: answered for another video ({named[0]})")
    title = _str(data.get("title"))
    if title is None and not named:
        return Finding("error", "oEmbed: the answer names no video (no title, no player)")
    thumbnail = _str(data.get("thumbnail_url"))
    return Finding("found", "oEmbed: found", PostData(
        id=video,
        handle=_handle(_str(data.get("author_url"))),
        author=_str(data.get("author_name")),
        text=title,
        media=[_media(thumbnail, video)] if thumbnail else [],
        endpoint="oembed",
    ))


def read_watch(answer: Answer, video: str) -> Finding:
    if answer.error:
        return Finding("error", f"watch page: {answer.error}")
    status = answer.status
    if status in (301, 302, 303, 307, 308):
        where = answer.headers.get("location", "")
        host = (urlsplit(where).hostname or "") if where else ""
        why = ("a consent page" if host.startswith("consent.")
               else "a bot check" if "/sorry" in where else where[:120] or "nowhere")
        return Finding("error", f"watch page: redirected to {why}")
    if status != 200:
        return Finding("error", f"watch page: HTTP {status}")
    player = player_response(answer.body)
    if player is None:
        text = answer.body[:200_000].decode("utf-8", "replace")
        if _HELD_BACK.search(text):
            return Finding("error", "watch page: a bot check or rate limit instead of the video")
        return Finding("error", "watch page: no player response in the page (changed markup?)")
    playability = _dict(player.get("playabilityStatus"))
    details = _dict(player.get("videoDetails"))
    answered = _str(details.get("videoId"))
    if answered and answered != video:
        return Finding("error", f"watch page: answered for another video ({answered})")
    state = _str(playability.get("status")) or ""
    words = reason_text(playability)
    said = f"watch page: {state or 'no status'}" + (f": {words}" if words else "")
    if state in ("OK", "LIVE_STREAM_OFFLINE") and answered:
        data = transform(player, video)
        if playability.get("playableInEmbed") is False:
            return Finding("unavailable", f"{said}; playable on YouTube only: embedding"
                                          " disabled", data)
        return Finding("found", said, data)
    if _HELD_BACK.search(words):
        return Finding("error", f"{said} (YouTube holding this session back)")
    if state in _AGE_STATUSES or _AGE.search(words):
        return Finding("unavailable", f"{said} (age-restricted)")
    if "private" in words.lower():
        return Finding("unavailable", f"{said} (private video)")
    if _TERMINATED.search(words):
        # A terminated channel can be reinstated: its videos are withheld, not gone.
        return Finding("unavailable", f"{said} (channel terminated)")
    if _GEO.search(words):
        return Finding("unavailable", f"{said} (blocked in this region)")
    if state in ("LOGIN_REQUIRED", "UNPLAYABLE"):
        return Finding("unavailable", said)
    if state == "ERROR":
        # "Video unavailable", "This video has been removed by the uploader", "... for
        # violating YouTube's Terms of Service": YouTube's word that it is gone.
        return Finding("not_found", said)
    return Finding("error", f"{said} (a state archiver does not know)")


def player_response(body: bytes) -> dict | None:
    """The watch page's ytInitialPlayerResponse object, or None."""
    text = body.decode("utf-8", "replace")
    m = _PLAYER.search(text)
    if not m:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text, m.end())
    except (ValueError, RecursionError):
        return None
    return storable_json(value) if isinstance(value, dict) else None


def reason_text(playability: dict) -> str:
    """What the player says instead of playing: reason and subreason, as text."""
    screen = _dict(_dict(playability.get("errorScreen")).get("playerErrorMessageRenderer"))
    parts = [_str(playability.get("reason")), _runs(screen.get("reason")),
             _runs(screen.get("subreason"))]
    seen: list[str] = []
    for part in parts:
        if part and part not in seen:
            seen.append(part)
    return " — ".join(seen)


def transform(player: dict, video: str) -> PostData:
    details = _dict(player.get("videoDetails"))
    micro = _dict(_dict(player.get("microformat")).get("playerMicroformatRenderer"))
    thumbnails = [t for source in (details, micro)
                  for t in _list(_dict(source.get("thumbnail")).get("thumbnails"))
                  if isinstance(t, dict) and _str(t.get("url"))]
    best = max(thumbnails, key=lambda t: _number(t.get("width")), default=None)
    return PostData(
        id=video,
        handle=_handle(_str(micro.get("ownerProfileUrl"))),
        author=_str(details.get("author")) or _str(micro.get("ownerChannelName")),
        created_at=_str(micro.get("publishDate")) or _str(micro.get("uploadDate")),
        text=_str(details.get("title")) or _runs(micro.get("title")),
        media=[_media(_original(best["url"]), video)] if best else [],
        endpoint="watch",
    )


def _media(url: str, video: str) -> dict:
    # Streams need YouTube's own player (signatures, tokens): only the poster here.
    return {"type": "video", "url": url, "alt": None, "video": None, "key": video}


def _original(url: str) -> str:
    """A thumbnail without the resizing parameters YouTube's image host adds (sqp,
    rs): whatever host serves it (a mirror too), the path names the full image."""
    parts = urlsplit(url)
    if "/vi/" in parts.path or "/vi_webp/" in parts.path:
        return url.split("?", 1)[0]
    return url


def _handle(url: str | None) -> str | None:
    if not url:
        return None
    m = _HANDLE.search(unquote(urlsplit(url).path))
    return m.group(1) if m else None


def _runs(value) -> str | None:
    """YouTube's text objects: {"simpleText": ...} or {"runs": [{"text": ...}]}."""
    value = _dict(value)
    simple = _str(value.get("simpleText"))
    if simple:
        return simple
    runs = [_str(_dict(r).get("text")) or "" for r in _list(value.get("runs"))]
    return "".join(runs) or None


def _json_object(body: bytes) -> dict | None:
    try:
        data = storable_json(json.loads(body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _what(body: bytes) -> str:
    return "an HTML page" if body.lstrip()[:1] == b"<" else "something else"


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _str(value) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _number(value) -> float:
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else 0
