"""A stand-in for YouTube's no-login pages: oEmbed, the watch page (its
ytInitialPlayerResponse) and the embed player, which builds the video late by
script, as the real one does, and shows Error 153 when opened without a Referer.

    with YouTubeStandIn() as yt:
        yt.add_video(Video("dQw4w9WgXcQ", title="A bridge at dawn"))
        env = yt.env()   # ARCHIVER_YOUTUBE_WATCH_URL=http://127.0.0.1:PORT/watch?v={id} ...

Video behaviours (what each endpoint answers):
  ok                  oEmbed 200; watch OK; the player
  deleted             oEmbed 404; watch ERROR "This video has been removed by the uploader"
  private             oEmbed 403; watch LOGIN_REQUIRED "Private video"
  terminated          oEmbed 404; watch ERROR naming the channel's termination (suspended)
  age_restricted      oEmbed 200; watch LOGIN_REQUIRED "Sign in to confirm your age"
  embedding_disabled  oEmbed 401; watch OK with playableInEmbed false
  geo_blocked         oEmbed 200; watch UNPLAYABLE "... not made this video available in
                      your country"
  bot_check           oEmbed 200; watch LOGIN_REQUIRED "Sign in to confirm you're not a bot"
  consent             oEmbed 200; watch 302 to consent.youtube.com
  other_video         oEmbed and watch answer about another video
A video nobody added answers as `deleted`. Rate limits and server errors are faults
(fault("watch", "rate_limited")).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from urllib.parse import quote, unquote

from .platform import PlatformStandIn, Reply

OTHER_VIDEO = "zzzzzzzzzzz"
# A picture for posters and thumbnails that needs no request: several colours, so
# a screenshot holding it is plainly not blank.
PICTURE = "data:image/svg+xml," + quote(
    "<svg xmlns='http://www.w3.org/2000/svg' width='480' height='270'>"
    "<rect width='480' height='270' fill='#1d4e89'/><circle cx='240' cy='135' r='80' "
    "fill='#f2a541'/><rect x='40' y='200' width='400' height='40' fill='#3f7d20'/></svg>")


@dataclass
class Video:
    id: str
    title: str = "A video"
    channel: str = "A Channel"
    handle: str = "achannel"
    description: str = "What the video shows."
    published: str = "2024-03-01T10:20:30-08:00"
    behaviour: str = "ok"


_WATCH_STATES = {
    "deleted": ("ERROR", "Video unavailable", "This video has been removed by the uploader"),
    "private": ("LOGIN_REQUIRED", "Private video",
                "If the owner of this video has granted you access, please sign in."),
    "terminated": ("ERROR", "Video unavailable",
                   "This video is no longer available because the YouTube account associated"
                   " with this video has been terminated."),
    "age_restricted": ("LOGIN_REQUIRED", "Sign in to confirm your age",
                       "This video may be inappropriate for some users."),
    "geo_blocked": ("UNPLAYABLE", "Video unavailable",
                    "The uploader has not made this video available in your country"),
    "bot_check": ("LOGIN_REQUIRED", "Sign in to confirm you’re not a bot",
                  "This helps protect our community. Learn more"),
}
_OEMBED_REFUSALS = {"deleted": (404, "Not Found"), "terminated": (404, "Not Found"),
                    "private": (403, "Forbidden"), "embedding_disabled": (401, "Unauthorized")}
_PLAYER_ERRORS = {
    "deleted": "Video unavailable. This video has been removed by the uploader",
    "private": "Video unavailable. This video is private",
    "terminated": "Video unavailable. This video is no longer available because the YouTube"
                  " account associated with this video has been terminated.",
    "age_restricted": "Video unavailable. This video is age-restricted and only available on"
                      " YouTube.",
    "embedding_disabled": "Video unavailable. Playback on other websites has been disabled by"
                          " the video owner.",
    "geo_blocked": "Video unavailable. The uploader has not made this video available in your"
                   " country",
}


class YouTubeStandIn(PlatformStandIn):
    platform = "youtube"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.videos: dict[str, Video] = {}

    def add_video(self, video: Video) -> Video:
        self.videos[video.id] = video
        return video

    # -- the contract ------------------------------------------------------------
    def endpoints(self) -> dict[str, str]:
        return {
            "oembed_url": f"{self.url}/oembed?url={{url}}&format=json",
            "watch_url": f"{self.url}/watch?v={{id}}",
            "embed_url": f"{self.url}/embed/{{id}}",
        }

    def routes(self):
        return [
            (re.compile(r"^/oembed$"), self.oembed),
            (re.compile(r"^/watch$"), self.watch),
            (re.compile(r"^/embed/(?P<id>[0-9A-Za-z_-]{11})$"), self.embed),
            (re.compile(r"^/vi/(?P<id>[0-9A-Za-z_-]{11})/(?P<name>\w+)\.jpg$"), self.thumbnail),
        ]

    def thumbnail(self, request, match) -> Reply:
        # A JPEG's first bytes and the size its name says: enough to be kept as one.
        body = b"\xff\xd8\xff\xe0" + match.group("name").encode() * 64 + b"\xff\xd9"
        return Reply(200, body, "image/jpeg")

    def _video(self, video_id: str) -> Video:
        return self.videos.get(video_id) or Video(video_id, behaviour="deleted")

    # -- oEmbed ------------------------------------------------------------------
    def oembed(self, request, match) -> Reply:
        url = unquote(request.query.get("url", ""))
        m = re.search(r"[?&]v=([0-9A-Za-z_-]{11})", url)
        if not m or request.query.get("format") != "json":
            return Reply(400, "Bad Request", "text/plain")
        video = self._video(m.group(1))
        if video.behaviour in _OEMBED_REFUSALS:
            status, word = _OEMBED_REFUSALS[video.behaviour]
            return Reply(status, word, "text/plain")
        shown = OTHER_VIDEO if video.behaviour == "other_video" else video.id
        return Reply(200, {
            "title": video.title, "author_name": video.channel,
            "author_url": f"https://www.youtube.com/@{video.handle}",
            "type": "video", "height": 113, "width": 200, "version": "1.0",
            "provider_name": "YouTube", "provider_url": "https://www.youtube.com/",
            "thumbnail_height": 360, "thumbnail_width": 480,
            "thumbnail_url": f"{self.url}/vi/{shown}/hqdefault.jpg",
            "html": f'<iframe width="200" height="113" src="https://www.youtube.com/embed/'
                    f'{shown}?feature=oembed" frameborder="0" allow="accelerometer; autoplay;'
                    f' clipboard-write; encrypted-media; gyroscope; picture-in-picture;'
                    f' web-share" referrerpolicy="strict-origin-when-cross-origin"'
                    f' allowfullscreen title="{html.escape(video.title)}"></iframe>',
        })

    # -- the watch page ------------------------------------------------------------
    def watch(self, request, match) -> Reply:
        video = self._video(request.query.get("v", ""))
        if video.behaviour == "consent":
            return Reply(302, "", "text/html", headers={
                "Location": "https://consent.youtube.com/m?continue=https%3A%2F%2Fwww.youtube"
                            f".com%2Fwatch%3Fv%3D{video.id}"})
        player = self.player_response(video)
        page = ("<!DOCTYPE html><html><head><title>"
                f"{html.escape(video.title)} - YouTube</title></head><body>"
                "<script nonce=\"x\">var ytInitialPlayerResponse = "
                f"{json.dumps(player)};var meta = document.createElement('meta');</script>"
                "<div id=\"player\"></div></body></html>")
        return Reply(200, page)

    def player_response(self, video: Video) -> dict:
        shown = OTHER_VIDEO if video.behaviour == "other_video" else video.id
        if video.behaviour in _WATCH_STATES:
            status, reason, subreason = _WATCH_STATES[video.behaviour]
            playability = {
                "status": status, "reason": reason,
                "errorScreen": {"playerErrorMessageRenderer": {
                    "reason": {"simpleText": reason},
                    "subreason": {"runs": [{"text": subreason}]}}},
            }
            if video.behaviour in ("deleted", "terminated"):
                return {"playabilityStatus": playability}  # no videoDetails for a gone video
        else:
            playability = {"status": "OK", "playableInEmbed":
                           video.behaviour != "embedding_disabled"}
        # Served by the stand-in itself, as i.ytimg.com serves them.
        thumbnails = [{"url": f"{self.url}/vi/{shown}/{name}.jpg?sqp=-oaymw&rs=AOn4",
                       "width": width, "height": width * 9 // 16}
                      for name, width in (("default", 120), ("hqdefault", 480),
                                          ("maxresdefault", 1920))]
        return {
            "playabilityStatus": playability,
            "videoDetails": {
                "videoId": shown, "title": video.title, "lengthSeconds": "61",
                "channelId": "UCabcdefghijklmnopqrstuv", "shortDescription": video.description,
                "thumbnail": {"thumbnails": thumbnails[:2]}, "author": video.channel,
                "isLiveContent": False,
            },
            "microformat": {"playerMicroformatRenderer": {
                "thumbnail": {"thumbnails": thumbnails[2:]},
                "title": {"simpleText": video.title},
                "description": {"simpleText": video.description},
                "ownerProfileUrl": f"http://www.youtube.com/@{video.handle}",
                "ownerChannelName": video.channel,
                "publishDate": video.published, "uploadDate": video.published,
            }},
        }

    # -- the embed player --------------------------------------------------------------
    def embed(self, request, match) -> Reply:
        video = self._video(match.group("id"))
        if not _header(request, "referer"):
            # Since July 2025 the player refuses to start without knowing its embedder.
            return Reply(200, self._player(video, error="Error 153 Video player configuration"
                                                         " error"))
        if video.behaviour in _PLAYER_ERRORS:
            return Reply(200, self._player(video, error=_PLAYER_ERRORS[video.behaviour]))
        return Reply(200, self._player(video))

    def _player(self, video: Video, error: str | None = None) -> str:
        box = "width:600px;height:338px;position:relative;background:#000;color:#fff"
        if error:
            inner = (f'<div id="movie_player" class="html5-video-player" style="{box}">'
                     f'<div class="ytp-error" role="alert" style="display:block;padding:40px">'
                     f'<div class="ytp-error-content-wrap-reason">{html.escape(error)}</div>'
                     "</div></div>")
        else:
            inner = (f'<div id="movie_player" class="html5-video-player" style="{box}">'
                     '<div class="ytp-cued-thumbnail-overlay" style="position:absolute;inset:0">'
                     '<div class="ytp-cued-thumbnail-overlay-image" style="position:absolute;'
                     f"inset:0;background-size:cover;background-image:url(&quot;{PICTURE}&quot;)"
                     '"></div></div><div class="ytp-title" style="position:absolute;top:8px;'
                     'left:12px"><a class="ytp-title-link" href="https://www.youtube.com/watch'
                     f'?v={video.id}">{html.escape(video.title)}</a></div>'
                     "<video style=\"display:none\"></video></div>")
        return self.late_page(f"{video.title} - YouTube", inner, ready_class="player")


def _header(request, name: str) -> str:
    return next((v for k, v in request.headers.items() if k.lower() == name), "")
