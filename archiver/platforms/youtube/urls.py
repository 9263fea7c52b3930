"""YouTube's URL forms -> the video's id.

A video is named by 11 characters of [0-9A-Za-z_-] in every form: watch?v=,
youtu.be/ID, /shorts/, /live/, /embed/, /v/, /e/, on the m., music. and
youtube-nocookie.com hosts as much as on www. Playlists, channels, handles and
buttons name no video.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

VIDEO_ID = re.compile(r"[0-9A-Za-z_-]{11}")

_HOSTS = frozenset({
    "youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com",
    "gaming.youtube.com", "youtube-nocookie.com", "www.youtube-nocookie.com",
    "youtube.googleapis.com",
})
_SHORT_HOSTS = frozenset({"youtu.be", "www.youtu.be"})
# /embed/videoseries (a playlist) and /embed/live_stream (a channel's live slot)
# are 11 characters long too: they name no video.
_NOT_IDS = frozenset({"videoseries", "live_stream"})
_PATH = re.compile(r"/(?:shorts|live|embed|v|e|watch)/(?P<id>[0-9A-Za-z_-]{11})(?:[/;&?]|$)")
_SHORT_PATH = re.compile(r"/(?P<id>[0-9A-Za-z_-]{11})/?")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")


def video_id(url: str | None) -> str | None:
    """The id of the video any YouTube URL names, or None."""
    if not url:
        return None
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url  # protocol-relative, as iframes write it
    elif not _SCHEME.match(url):
        url = "https://" + url  # written without its scheme ("youtu.be/ID")
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower().rstrip(".")
    except ValueError:  # a malformed host ("http://[::1")
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    if host in _SHORT_HOSTS:
        m = _SHORT_PATH.fullmatch(parts.path)
        found = m.group("id") if m else None
    elif host in _HOSTS:
        m = _PATH.match(parts.path)
        if m:
            found = m.group("id")
        elif parts.path.rstrip("/") == "/watch":
            found = next((v for v in parse_qs(parts.query).get("v", [])
                          if VIDEO_ID.fullmatch(v)), None)
        else:
            found = None
    else:
        return None
    return found if found and found not in _NOT_IDS else None


def watch_url(video: str) -> str:
    return f"https://www.youtube.com/watch?v={video}"
