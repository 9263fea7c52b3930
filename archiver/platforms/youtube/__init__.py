"""YouTube: videos read from oEmbed and the watch page's player response, captured
from the privacy-enhanced embed player (youtube-nocookie.com)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import quote

from ...model import Embed
from ..base import EmbedPage, Endpoint, Lookup, Platform, PostRef, Verdict
from . import markup
from .urls import VIDEO_ID, video_id, watch_url

# The player is laid out, shows no error, and shows the video: its title and a
# poster or a video element. A player with an error overlay, or blank, is not.
RENDERED = """() => {
  const player = document.querySelector('#movie_player, .html5-video-player');
  if (!player) return false;
  const box = player.getBoundingClientRect();
  if (box.width <= 0 || box.height <= 0) return false;
  const error = player.querySelector('.ytp-error');
  if (error && error.getBoundingClientRect().height > 0) return false;
  const title = player.querySelector('.ytp-title-link, .ytp-title-text');
  const poster = player.querySelector('.ytp-cued-thumbnail-overlay-image');
  const shown = player.querySelector('video')
    || (poster && getComputedStyle(poster).backgroundImage.includes('url('));
  return !!(title && (title.innerText || '').trim() && shown);
}"""
# What the player shows instead of a video. Error 153 is an embed opened without a
# Referer (since July 2025).
GONE = re.compile(
    r"video unavailable|this video is (private|unavailable|no longer available)|"
    r"has been removed|error 153|video player configuration error|sign in to confirm|"
    r"playback on other websites has been disabled|an error occurred",
    re.IGNORECASE,
)
# Who embeds the player: YouTube's own site, for which every embeddable video plays.
EMBEDDER = "https://www.youtube.com/"
# The watch page in English (the player's reasons are matched as words) and past
# the EU consent interstitial (SOCS=CAI: optional cookies declined).
_WATCH_HEADERS = {"Accept-Language": "en-US,en;q=0.9", "Cookie": "SOCS=CAI"}


class YouTube(Platform):
    name = "youtube"
    title = "YouTube"
    endpoints: ClassVar[Mapping[str, Endpoint]] = {
        "oembed_url": Endpoint("https://www.youtube.com/oembed?url={url}&format=json", ("url",)),
        "watch_url": Endpoint("https://www.youtube.com/watch?v={id}", ("id",)),
        "embed_url": Endpoint("https://www.youtube-nocookie.com/embed/{id}", ("id",)),
    }
    hosts = ("youtube.com", "youtu.be", "youtube-nocookie.com")
    markers = (b"youtube", b"youtu.be", b"lite-youtube", b"amp-youtube")
    embed_selector = markup.SELECTOR

    def read_embed(self, node) -> Embed | None:
        return markup.read(node)

    def post_ref(self, url: str | None) -> PostRef | None:
        found = video_id(url)
        return PostRef(self.name, found) if found else None

    def post_url(self, post_id: str, handle: str | None, settings=None) -> str:
        if settings is None:
            return watch_url(post_id)
        return settings.endpoint(self.name, "watch_url").format(id=post_id)

    def valid_id(self, post_id: str) -> bool:
        return bool(post_id) and VIDEO_ID.fullmatch(post_id) is not None

    def folder_name(self, post_id: str) -> str:
        # An id may begin with "-", which no folder may: those get a "_" first (12
        # characters, so never another video's 11).
        return "_" + post_id if post_id.startswith("-") else post_id

    def lookups(self, post: Mapping, settings) -> list[Lookup]:
        video = post["id"]
        return [
            Lookup("watch", settings.endpoint(self.name, "watch_url").format(id=video),
                   "watch.html", _WATCH_HEADERS),
            Lookup("oembed", settings.endpoint(self.name, "oembed_url").format(
                url=quote(watch_url(video), safe="")), "oembed.json"),
        ]

    def classify(self, answers: Mapping, post: Mapping) -> Verdict:
        from .answers import read_oembed, read_watch
        from .classify import classify

        return classify(read_watch(answers["watch"], post["id"]),
                        read_oembed(answers["oembed"], post["id"]))

    def embed_page(self, post: Mapping, settings) -> EmbedPage:
        return EmbedPage(settings.endpoint(self.name, "embed_url").format(id=post["id"]),
                         rendered=RENDERED, gone=GONE, headers={"Referer": EMBEDDER})


PLATFORM = YouTube()
