"""Instagram's embed page (/p/CODE/embed/captioned/) as the fetcher reads it,
answer -> Finding. The page needs no login: it holds the post's media
(.EmbeddedMediaImage, .EmbeddedMediaVideo), its author (.UsernameText), its
caption (.Caption, less .CaptionUsername and .CaptionComments) and, in a script,
the post's own data as a JSON string ("gql_data": {"shortcode_media": ...}) with
the exact time, every item of a carousel and the video files.

Pure functions over an Answer; the request is made by the fetch stage.
"""

from __future__ import annotations

import json
import re
from collections import deque
from datetime import datetime, timezone
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from ...clean import storable_json
from ..base import Finding, PostData
from ..text import reader_text as lines
from . import urls

if TYPE_CHECKING:
    from ...net import Answer

# A JavaScript string literal: the post's data is JSON inside one.
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"', re.DOTALL)
# A login page where the embed was expected: the anonymous limit, not the post's state.
_LOGIN = re.compile(r"log ?in to (?:instagram|continue|see)|log into instagram|sign up to see|"
                    r"login_and_signup|loginform", re.IGNORECASE)
_RESTRICTED = re.compile(r"restricted (?:video|photo|post|profile|content)|"
                         r"content isn[’']t available in your (?:country|region)|"
                         r"may be inappropriate for some users", re.IGNORECASE)
_MEDIA_KEYS = ("shortcode_media", "xdt_shortcode_media")


def read(answer: Answer, code: str) -> Finding:
    if answer.error:
        return Finding("error", f"embed page: {answer.error}")
    status = answer.status
    if status in (301, 302, 303, 307, 308):
        where = (answer.headers.get("location") or "")[:200]
        if "/accounts/login" in where or _path(where) in ("", "/"):
            return Finding("error", f"embed page: redirected to {where or '?'}: Instagram's"
                           " limit for anonymous callers, not a sign the post is gone")
        return Finding("error", f"embed page: redirected to {where or '?'}")
    if status == 429 or (status in (401, 403) and _asks_login(answer.body)):
        return Finding("error", f"embed page: HTTP {status}: rate limited (it asks to log in)")
    if status == 404:
        return Finding("not_found", "embed page: HTTP 404")
    if status != 200:
        return Finding("error", f"embed page: HTTP {status}")
    if answer.body.lstrip()[:1] in (b"{", b"["):
        if _asks_login(answer.body):
            return Finding("error", "embed page: rate limited (answered JSON asking to log in)")
        return Finding("error", "embed page: answered JSON where an HTML page was expected")
    text = answer.body.decode("utf-8", "replace")
    doc = LexborHTMLParser(text)
    media = _shortcode_media(doc)
    if media is not None:
        named = media.get("shortcode")
        if isinstance(named, str) and named != code:
            return Finding("error", f"embed page: answered for another post ({named[:40]!r})")
        return Finding("found", "embed page: found", transform(media, code))
    found = _from_page(doc, code)
    if isinstance(found, Finding):
        return found
    if found is not None:
        return Finding("found", "embed page: found (from its markup)", found)
    body = doc.body.text(separator=" ") if doc.body is not None else ""
    if _LOGIN.search(text) and not doc.css_first(".EmbeddedMedia, .Embed"):
        return Finding("error", "embed page: a login page instead of the post")
    if _RESTRICTED.search(body):
        return Finding("unavailable", f"embed page: {_said(body)}")
    return Finding("not_found", "embed page: shows no post (removed, private, or its account"
                   f" turned embedding off){': ' + _said(body) if body.strip() else ''}")


def _path(url: str) -> str:
    try:
        return urlsplit(url).path
    except ValueError:
        return "?"


def _said(text: str) -> str:
    return repr(" ".join(text.split())[:120])


def _asks_login(body: bytes) -> bool:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return False
    return isinstance(data, dict) and (data.get("require_login") is True
                                       or data.get("status") == "fail")


def _shortcode_media(doc) -> dict | None:
    """The post's data from the page's scripts: a JSON string holding
    gql_data.shortcode_media (or xdt_shortcode_media)."""
    for script in doc.css("script"):
        source = script.text() or ""
        if "shortcode_media" not in source:
            continue
        for m in _STRING.finditer(source):
            if "shortcode_media" not in m.group(1):
                continue
            try:
                inner = json.loads(f'"{m.group(1)}"')
                data = storable_json(json.loads(inner))
            except (ValueError, RecursionError):
                continue
            found = _find_media(data)
            if found is not None:
                return found
    return None


def _find_media(data) -> dict | None:
    """The first shortcode_media object anywhere in data (breadth first, no recursion)."""
    queue = deque([data])
    while queue:
        item = queue.popleft()
        if isinstance(item, dict):
            for key in _MEDIA_KEYS:
                if isinstance(item.get(key), dict):
                    return item[key]
            queue.extend(item.values())
        elif isinstance(item, list):
            queue.extend(item)
    return None


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _str(value) -> str | None:
    return value if isinstance(value, str) and value else None


def transform(media: dict, code: str) -> PostData:
    """A shortcode_media object as post fields; wrong types count as absent."""
    owner = _dict(media.get("owner"))
    edges = _dict(media.get("edge_media_to_caption")).get("edges")
    first = edges[0] if isinstance(edges, list) and edges else {}
    caption = _str(_dict(_dict(first).get("node")).get("text"))
    taken = media.get("taken_at_timestamp")
    created = None
    if isinstance(taken, (int, float)) and not isinstance(taken, bool) and 0 < taken < 2**33:
        created = datetime.fromtimestamp(taken, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    children = _dict(media.get("edge_sidecar_to_children")).get("edges")
    nodes = [_dict(_dict(edge).get("node")) for edge in children] if isinstance(
        children, list) else [media]
    username = _str(owner.get("username"))
    return PostData(
        id=code,
        handle=username if username and re.fullmatch(r"[A-Za-z0-9._]{1,30}", username) else None,
        author=_str(owner.get("full_name")),
        created_at=created,
        text=caption,
        media=[item for item in (_media(node) for node in nodes) if item["url"] or item["video"]],
        endpoint="embed",
    )


def _media(node: dict) -> dict:
    video = node.get("is_video") is True or str(node.get("__typename", "")).endswith("Video")
    url = _str(node.get("display_url"))
    resources = node.get("display_resources")
    if isinstance(resources, list):
        sized = [r for r in resources if isinstance(r, dict) and _str(r.get("src"))
                 and isinstance(r.get("config_width"), int)]
        if sized:
            url = max(sized, key=lambda r: r["config_width"])["src"]
    return {"type": "video" if video else "photo", "url": url,
            "alt": _str(node.get("accessibility_caption")),
            "video": _str(node.get("video_url")) if video else None}


def _from_page(doc, code: str) -> PostData | Finding | None:
    """The post as the page's markup shows it, when its script data is not there."""
    image = doc.css_first(".EmbeddedMediaImage")
    video = doc.css_first(".EmbeddedMediaVideo")
    username = doc.css_first(".UsernameText")
    if image is None and video is None and username is None:
        return None
    others = {found[0] for a in doc.css("a[href]")
              if (found := urls.parse(a.attributes.get("href") or "")) is not None}
    if others and code not in others:
        return Finding("error", f"embed page: answered for another post ({sorted(others)[0]!r})")
    caption_node = doc.css_first(".Caption")
    caption = None
    if caption_node is not None:
        for part in caption_node.css(".CaptionUsername, .CaptionComments"):
            part.decompose()
        caption = lines(caption_node) or None
    media = []
    if image is not None:
        media.append({"type": "photo", "url": _largest(image), "alt": image.attributes.get("alt"),
                      "video": None})
    if video is not None:
        source = video.attributes.get("src") or (video.css_first("source[src]").attributes.get(
            "src") if video.css_first("source[src]") is not None else None)
        media.append({"type": "video", "url": video.attributes.get("poster"), "alt": None,
                      "video": source})
    name = " ".join(username.text().split()) if username is not None else ""
    return PostData(id=code, handle=name if re.fullmatch(r"[A-Za-z0-9._]{1,30}", name) else None,
                    text=caption, media=[m for m in media if m["url"] or m["video"]],
                    endpoint="embed")


def _largest(image) -> str | None:
    """The widest candidate of an img's srcset, else its src."""
    best, width = image.attributes.get("src"), 0
    for candidate in (image.attributes.get("srcset") or "").split(","):
        bits = candidate.split()
        if (len(bits) == 2 and bits[1].endswith("w") and bits[1][:-1].isdigit()
                and int(bits[1][:-1]) > width):
            best, width = bits[0], int(bits[1][:-1])
    return best
