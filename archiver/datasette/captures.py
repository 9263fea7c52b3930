"""Which capture file a URL may reach, and how it is sent. Pure: no Datasette here.

Capture files are served from `/-/captures/<path inside ARCHIVE/snapshots>`. A
captured page is hostile content: its scripts must never run on the archive's
origin, so HTML and MHTML are sent as plain-text attachments (MHTML sent as
`multipart/related` would be rendered by Chromium as a web page), every answer
carries `nosniff` and a sandboxing Content-Security-Policy, and only a path that
stays inside the snapshots folder after symlinks are followed is opened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote

SNAPSHOTS = "snapshots"
ROUTE = "/-/captures/"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class Delivery:
    content_type: str
    attachment: bool


# By snapshots.kind, as the fetcher records it.
DELIVERIES = {
    "png": Delivery("image/png", attachment=False),
    "syndication": Delivery("application/json; charset=utf-8", attachment=False),
    "oembed": Delivery("application/json; charset=utf-8", attachment=False),
    "manifest": Delivery("application/json; charset=utf-8", attachment=False),
    "html": Delivery("text/plain; charset=utf-8", attachment=True),
    "mhtml": Delivery("text/plain; charset=utf-8", attachment=True),
    # Every HTTP exchange of the capture: to open in ReplayWeb.page, never here.
    "wacz": Delivery("application/zip", attachment=True),
    "media": Delivery("application/octet-stream", attachment=True),  # see MEDIA_TYPES
}
# A post's media go out as what their extension names, to show inline (an <img>, a
# <video>); a file of any other name (an SVG, a page) downloads as bytes.
MEDIA_TYPES = {
    ".jpg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp",
    ".avif": "image/avif", ".mp4": "video/mp4", ".m4v": "video/mp4", ".webm": "video/webm",
    ".mov": "video/quicktime",
}

# Sent with every capture file: no sniffing into HTML, no scripts, plugins, forms
# or requests even if a browser were to render one, no referrer to elsewhere.
SAFETY_HEADERS = {
    "x-content-type-options": "nosniff",
    "content-security-policy": "sandbox; default-src 'none'; img-src 'self'",
    "referrer-policy": "no-referrer",
    "cross-origin-resource-policy": "same-origin",
}

_UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9._-]+")


def url_path(stored: str | None) -> str | None:
    """The route path for a `snapshots.path` value (relative to the archive), or None
    when the value does not name a file inside the snapshots folder."""
    prefix = SNAPSHOTS + "/"
    if not isinstance(stored, str) or not stored.startswith(prefix):
        return None
    inside = stored[len(prefix):]
    # Stored paths are not percent-encoded: a '%' in one is a character of its name.
    if "%" in inside or safe_relative(inside) is None:
        return None
    return ROUTE + quote(inside, safe="/")


def request_path(raw: str) -> str | None:
    """The decoded path below the snapshots folder that a request names, or None when
    it could step outside it or is not a plain relative path (`..`, `.`, empty or
    hidden segments, an absolute path, backslashes, NUL or control characters)."""
    try:
        return safe_relative(unquote(raw, errors="strict"))
    except UnicodeDecodeError:
        return None


def safe_relative(path: str) -> str | None:
    """`path` when it is a plain relative path of visible names, else None."""
    if not path or any(ord(c) < 32 or c in "\\\x7f" for c in path):
        return None
    if any(part in ("", ".", "..") or part.startswith(".") for part in path.split("/")):
        return None
    return path


def locate(snapshots_root: str | Path, relative: str) -> Path | None:
    """The real file `relative` names inside `snapshots_root`, or None when it is not
    a regular file there, or when a symlink on the way leads outside the folder."""
    checked = safe_relative(relative)
    if checked is None:
        return None
    root = Path(snapshots_root).resolve()
    try:
        target = (root / checked).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, unreadable, a symlink loop
        return None
    if not target.is_relative_to(root) or not target.is_file():
        return None
    return target


def stored_path(relative: str) -> str:
    """The `snapshots.path` value (relative to the archive) of a route path."""
    return f"{SNAPSHOTS}/{relative}"


def media_kind(path: str) -> str | None:
    """image or video, for a media file shown inline; None for one that downloads."""
    shown = MEDIA_TYPES.get(PurePosixPath(path).suffix.lower(), "")
    return shown.split("/", 1)[0] if shown else None


def manifest_folder(relative: str) -> str | None:
    """The capture folder (as stored, relative to the archive) whose manifest this is."""
    folder, name = PurePosixPath(relative).parent, PurePosixPath(relative).name
    return f"{SNAPSHOTS}/{folder.as_posix()}" if name == MANIFEST and str(folder) != "." else None


def headers(kind: str, relative: str) -> tuple[str, dict[str, str]]:
    """Content type and headers for a capture file of this kind."""
    delivery = DELIVERIES[kind]
    shown = MEDIA_TYPES.get(PurePosixPath(relative).suffix.lower()) if kind == "media" else None
    if shown:
        delivery = Delivery(shown, attachment=False)
    sent = dict(SAFETY_HEADERS)
    if delivery.attachment:
        # platform/id/stamp/page.html -> twitter-1479070000000000000-20260301T000000Z-page.html
        name = _UNSAFE_FILENAME.sub("_", "-".join(PurePosixPath(relative).parts)) or "capture"
        sent["content-disposition"] = f'attachment; filename="{name}"'
    return delivery.content_type, sent
