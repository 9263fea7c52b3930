"""YouTube videos in an article's markup: iframes (youtube.com and
youtube-nocookie.com, lazy-loaded ones too), amp-youtube, lite-youtube,
WordPress's embed block, old <embed>/<object> players and lazy-load anchors.

An embedded video keeps little of itself: at most its title, in the iframe's
title attribute (WordPress writes the video's title there; YouTube's own embed
code writes a generic "YouTube video player"). No author, no date.
"""

from __future__ import annotations

import re

from ...model import Embed
from .. import wordpress
from .urls import VIDEO_ID, video_id, watch_url

# One selector, :is() around the forms: Lexbor returns an element matching two
# forms of a plain list twice.
SELECTOR = ":is(" + ", ".join((
    'iframe[src*="youtu" i]', 'iframe[data-src*="youtu" i]', 'iframe[data-lazy-src*="youtu" i]',
    'embed[src*="youtu" i]', 'object[data*="youtu" i]',
    "amp-youtube", "lite-youtube",
    "figure.is-provider-youtube", "figure.wp-block-embed-youtube",
    "a.lazy-load-youtube", '[data-video-url*="youtu" i]',
)) + ")"
# The titles embed code gives every iframe: they say nothing of the video.
_GENERIC_TITLE = re.compile(r"\s*(?:youtube(?: video)?(?: player)?|video|embedded content"
                            r"|iframe)?\s*", re.IGNORECASE)
_URL = re.compile(r"(?:https?:)?//[^\s<>\"']+|(?:www\.|m\.)?youtu(?:\.be|be\.com)/[^\s<>\"']+",
                  re.IGNORECASE)


def read(node) -> Embed | None:
    tag = node.tag
    if tag == "figure":
        return _from_block(node)
    if tag == "amp-youtube":
        # A channel's live slot (data-live-channelid) is no video.
        if _attr(node, "data-live-channelid"):
            return None
        return _embed(_valid(_attr(node, "data-videoid") or _attr(node, "video-id")),
                      _title(node), "amp")
    if tag == "lite-youtube":
        return _embed(_valid(_attr(node, "videoid")), _title(node), "lite-youtube")
    if tag in ("iframe", "embed"):
        src = _attr(node, "src") or _attr(node, "data-src") or _attr(node, "data-lazy-src")
        if tag == "iframe" and not video_id(src):
            src = _attr(node, "data-src") or _attr(node, "data-lazy-src")
        return _embed(video_id(src), _title(node), "iframe")
    if tag == "object":
        movie = node.css_first('param[name="movie" i]')
        return _embed(video_id(_attr(node, "data")) or video_id(_attr(movie, "value")), None,
                      "object")
    if tag == "a":
        return _embed(video_id(_attr(node, "href")), _title(node), "lazy-load")
    return _embed(video_id(_attr(node, "data-video-url")), _title(node), "data-video-url")


def _from_block(figure) -> Embed | None:
    """WordPress's block: the rendered iframe when the page was saved after
    WordPress asked oEmbed, else only the URL the author pasted."""
    return wordpress.read_block(figure, "iframe, amp-youtube, lite-youtube", read,
                                _from_url, _URL)


def _from_url(url: str) -> Embed | None:
    found = video_id(url)
    return _embed(found, None, "wordpress") if found else None


def _embed(video: str | None, title: str | None, form: str) -> Embed | None:
    if not video:
        return None
    return Embed(platform="youtube", id=video, text=title, url=watch_url(video), form=form)


def _valid(value: str | None) -> str | None:
    value = (value or "").strip()
    return value if VIDEO_ID.fullmatch(value) and value not in ("videoseries", "live_stream") \
        else None


def _title(node) -> str | None:
    title = " ".join((_attr(node, "title") or "").split())
    return None if _GENERIC_TITLE.fullmatch(title) else title


def _attr(node, name: str) -> str | None:
    if node is None:
        return None
    value = node.attributes.get(name)
    return value if isinstance(value, str) else None
