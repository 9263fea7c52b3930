"""A stand-in for TikTok's no-login pages: oEmbed, the web page (its
__UNIVERSAL_DATA_FOR_REHYDRATION__ script, "webapp.video-detail") and the embed
player (player/v1/ID), which builds the video late by script.

    with TikTokStandIn() as tt:
        tt.add_post(TikTokPost("7300000000000000001", handle="riverdesk", desc="Flood #news"))
        env = tt.env()   # ARCHIVER_TIKTOK_PAGE_URL=http://127.0.0.1:PORT/@{handle}/video/{id} ...

Post behaviours (what each endpoint answers):
  ok              oEmbed 200; statusCode 0 with the post; the player
  user_gone       oEmbed 400; statusCode 10221 (the account is gone, and its posts)
  not_available   oEmbed 400; statusCode 10204 (removed, or this IP blocked: TikTok does
                  not say which)
  private         oEmbed 400; statusCode 10216
  private_account oEmbed 400; statusCode 10222
  region_locked   oEmbed 200; statusCode 10231
  age_restricted  oEmbed 400; statusCode 0, isContentClassified and no video
  login_wall      oEmbed 400; the page redirects to /login
  challenge       oEmbed 200; the page is a script challenge with no data
  other_post      oEmbed and the page answer about another post
A post nobody added answers as `user_gone`. Rate limits are faults
(fault("page", "rate_limited")). The videos and covers the page lists are served
here (media_needs_cookies = True: refused, as TikTok's CDN refuses a client without
the session's cookies). Short links (add_short_link) answer 301 to their
post's URL, an unknown code 301 to the home page.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from .platform import PlatformStandIn, Reply
from .youtube import PICTURE

OTHER_POST = "7000000000000000009"


@dataclass
class TikTokPost:
    id: str
    handle: str = "someone"
    nickname: str = "Some One"
    desc: str = "A caption #news"
    create_time: int = 1700000000
    behaviour: str = "ok"
    photos: list[str] = field(default_factory=list)  # a photo post's picture URLs


_STATUS = {"user_gone": 10221, "not_available": 10204, "private": 10216,
           "private_account": 10222, "region_locked": 10231}
_OEMBED_OK = {"ok", "region_locked", "challenge", "other_post"}
_PLAYER_SAYS = {
    "user_gone": "Video currently unavailable",
    "not_available": "Video currently unavailable",
    "private": "This video is private",
    "private_account": "This account is private",
    "region_locked": "This video isn't available in your region",
    "age_restricted": "This video is age-restricted. Log in to TikTok to watch it.",
    "login_wall": "Log in to TikTok to continue",
}


class TikTokStandIn(PlatformStandIn):
    platform = "tiktok"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.posts: dict[str, TikTokPost] = {}
        self.short_links: dict[str, str] = {}
        # TikTok's CDN plays a stream only with the session's cookies (tt_chain_token):
        # True makes this one refuse as the real one does to a client without them.
        self.media_needs_cookies = False

    def add_post(self, post: TikTokPost) -> TikTokPost:
        self.posts[post.id] = post
        return post

    def add_short_link(self, code: str, post_id: str) -> None:
        """vm.tiktok.com/CODE (and vt., and tiktok.com/t/CODE) leading to a post."""
        self.short_links[code] = post_id

    def endpoints(self) -> dict[str, str]:
        return {
            "oembed_url": f"{self.url}/oembed?url={{url}}",
            "page_url": f"{self.url}/@{{handle}}/video/{{id}}",
            "embed_url": f"{self.url}/player/v1/{{id}}",
            "short_url": f"{self.url}/short/{{host}}/{{code}}",
        }

    def routes(self):
        return [
            (re.compile(r"^/oembed$"), self.oembed),
            (re.compile(r"^/@(?P<handle>[^/]*)/video/(?P<id>[0-9]+)$"), self.page),
            (re.compile(r"^/player/v1/(?P<id>[0-9]+)$"), self.player),
            (re.compile(r"^/login$"), self.login),
            (re.compile(r"^/media/(?P<id>[0-9]+)/(?P<name>[a-z0-9]+)\.(?P<ext>mp4|jpeg)$"),
             self.media),
            (re.compile(r"^/short/(?P<host>[^/]+)/(?:t/)?(?P<code>[A-Za-z0-9]+)$"), self.short),
        ]

    def _post(self, post_id: str) -> TikTokPost:
        return self.posts.get(post_id) or TikTokPost(post_id, behaviour="user_gone")

    # -- oEmbed ------------------------------------------------------------------
    def oembed(self, request, match) -> Reply:
        m = re.search(r"/video/([0-9]+)", unquote(request.query.get("url", "")))
        if not m:
            return Reply(400, {"code": 400, "message": "Invalid URL"})
        post = self._post(m.group(1))
        if post.behaviour not in _OEMBED_OK:
            # ⚠ The real body is not known; the status is what the archiver reads.
            return Reply(400, {"code": 400, "message": "Something went wrong",
                               "status_msg": "Something went wrong"})
        shown = OTHER_POST if post.behaviour == "other_post" else post.id
        cite = f"https://www.tiktok.com/@{post.handle}/video/{shown}"
        return Reply(200, {
            "version": "1.0", "type": "video", "title": post.desc,
            "author_url": f"https://www.tiktok.com/@{post.handle}",
            "author_name": post.nickname, "author_unique_id": post.handle,
            "width": "100%", "height": "100%",
            "html": f'<blockquote class="tiktok-embed" cite="{cite}" data-video-id="{shown}"'
                    ' data-embed-from="oembed" style="max-width:605px;min-width:325px;">'
                    f'<section><a target="_blank" title="@{post.handle}" href="https://www.'
                    f'tiktok.com/@{post.handle}?refer=embed">@{post.handle}</a>'
                    f"<p>{html.escape(post.desc)}</p></section></blockquote>"
                    ' <script async src="https://www.tiktok.com/embed.js"></script>',
            "thumbnail_width": 576, "thumbnail_height": 1024,
            "thumbnail_url": f"https://p16-sign.tiktokcdn-us.com/obj/{shown}~tplv.jpeg"
                             "?x-expires=1700086400&x-signature=abc",
            "provider_url": "https://www.tiktok.com", "provider_name": "TikTok",
            "embed_product_id": shown, "embed_type": "video",
        })

    # -- the web page --------------------------------------------------------------
    def page(self, request, match) -> Reply:
        post = self._post(match.group("id"))
        if post.behaviour == "login_wall":
            return Reply(302, "", "text/html", headers={
                "Location": f"{self.url}/login?redirect_url=%2Fvideo%2F{post.id}"})
        if post.behaviour == "challenge":
            return Reply(200, "<!doctype html><html><head><title>TikTok</title></head><body>"
                              "<script>window._wafchallengeid='x';</script>Please wait...</body>"
                              "</html>")
        detail: dict = {"statusCode": _STATUS.get(post.behaviour, 0),
                        "statusMsg": "ok" if post.behaviour == "ok" else ""}
        if post.behaviour in ("ok", "age_restricted", "other_post"):
            detail["itemInfo"] = {"itemStruct": self.item(post)}
        data = {"__DEFAULT_SCOPE__": {"webapp.app-context": {"language": "en"},
                                      "webapp.video-detail": detail}}
        return Reply(200, "<!DOCTYPE html><html><head><title>TikTok - Make Your Day</title>"
                          '</head><body><script id="__UNIVERSAL_DATA_FOR_REHYDRATION__" '
                          f'type="application/json">{json.dumps(data)}</script></body></html>')

    def item(self, post: TikTokPost) -> dict:
        shown = OTHER_POST if post.behaviour == "other_post" else post.id
        item = {
            "id": shown, "desc": post.desc, "createTime": str(post.create_time),
            "author": {"id": "6800000000000000001", "uniqueId": post.handle,
                       "nickname": post.nickname, "secUid": "MS4wLjABAAAA-x"},
            "stats": {"playCount": 1000},
        }
        if post.behaviour == "age_restricted":
            item["isContentClassified"] = True
            return item
        if post.photos:
            item["imagePost"] = {"images": [{"imageURL": {"urlList": [url, url + "?alt"]}}
                                            for url in post.photos]}
        media = f"{self.url}/media/{shown}"  # its CDN, played by this stand-in
        item["video"] = {
            "id": shown, "height": 1024, "width": 576, "duration": 15,
            "cover": f"{media}/cover.jpeg", "originCover": f"{media}/origin.jpeg",
            "playAddr": f"{media}/play.mp4", "downloadAddr": f"{media}/download.mp4",
            "bitrateInfo": [
                {"Bitrate": 600000, "PlayAddr": {"UrlList": [f"{media}/540p.mp4"]}},
                {"Bitrate": 1500000, "PlayAddr": {"UrlList": [f"{media}/1080p.mp4"]}},
            ],
        }
        return item

    # -- the embed player ----------------------------------------------------------------
    def player(self, request, match) -> Reply:
        post = self._post(match.group("id"))
        if post.behaviour in _PLAYER_SAYS:
            said = f'<div class="error-page"><p>{html.escape(_PLAYER_SAYS[post.behaviour])}</p></div>'
            return Reply(200, self.late_page("TikTok", said, ready_class="player"))
        if post.photos:  # a photo post's player shows its pictures, one at a time
            shown = f'<img src="{PICTURE}" alt="" style="width:320px;height:568px">'
        else:
            shown = (f'<video src="/media/{post.id}/1080p.mp4" poster="{PICTURE}" playsinline '
                     'style="width:320px;height:568px;background:#000"></video>')
        inner = f'{shown}<div class="caption">@{html.escape(post.handle)} {html.escape(post.desc)}</div>'
        return Reply(200, self.late_page("TikTok", inner, ready_class="player"))

    def media(self, request, match) -> Reply:
        if self.media_needs_cookies and "tt_chain_token" not in request.headers.get("Cookie", ""):
            return Reply(403, "<html><body>Access Denied</body></html>")
        if match.group("ext") == "mp4":
            # The start of an MP4 (its ftyp box), then filler: a file, not a page.
            return Reply(200, b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"
                              + bytes(4096), "video/mp4")
        return Reply(200, b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(512) + b"\xff\xd9",
                     "image/jpeg")

    def short(self, request, match) -> Reply:
        post_id = self.short_links.get(match.group("code"))
        if post_id is None:
            # An unknown code lands on the home page, as TikTok's do.
            return Reply(301, "", "text/html", headers={"Location": "https://www.tiktok.com/?_r=1"})
        post = self._post(post_id)
        return Reply(301, "", "text/html", headers={
            "Location": f"https://www.tiktok.com/@{post.handle}/video/{post.id}"
                        "?_t=8kX&_r=1&is_from_webapp=1&sender_device=pc"})

    def login(self, request, match) -> Reply:
        return Reply(200, "<!doctype html><title>Log in | TikTok</title><h1>Log in to TikTok</h1>")
