"""A stand-in for Facebook's no-login endpoints: Graph's oembed_post and
oembed_video, and the embedded-post plugin page (plugins/post.php, video.php),
once as the fetcher reads it and once as a browser sees it (the post built late
by script).

    with FacebookStandIn() as fb:
        fb.add_post(FbPost("cityhall/10150000000000001", text="Bridge closed"))
        env = fb.env()   # ARCHIVER_FACEBOOK_OEMBED_POST_URL=http://127.0.0.1:PORT/...

Posts are keyed as the archive keys them. Behaviours:
  ok             the post, from both endpoints
  deleted        oEmbed's "(#100) ... does not exist, cannot be loaded due to missing
                 permissions" (which private posts get too); the plugin page's "This
                 content isn't available right now"
  private        the same two answers
  suspended      the same two answers
  age_restricted the same oEmbed error; the plugin page asks to log in to see it
  login_wall     the plugin page is a login form; oEmbed shows the post
  rate_limited   oEmbed code 4; the plugin page {"__dr":"CometErrorRoot.react"}
  token_refused  oEmbed wants a token (code 104); the plugin page shows the post
  other_post     both answer with another post
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import unquote

from .platform import PlatformStandIn, Reply
from .telegram import png

GRAPH_NOT_FOUND = {"error": {
    "message": "(#100) Unsupported get request. Object with ID 'oembed_post' does not exist,"
               " cannot be loaded due to missing permissions, or does not support this"
               " operation",
    "type": "OAuthException", "code": 100, "error_subcode": 33, "fbtrace_id": "AbCdEf200"}}
_KEY = re.compile(r"facebook\.com/(?:watch/\?v=(?P<video>\d+)|photo\.php\?fbid=(?P<photo>\d+)|"
                  r"groups/(?P<group>[^/]+)/posts/(?P<gpost>[^/?]+)|"
                  r"(?P<owner>[^/]+)/posts/(?P<post>[^/?]+))")


@dataclass
class FbPost:
    key: str  # as the archive keys it: "cityhall/1015...", "videos/123", "groups/g/123"
    text: str = "A post"
    page: str = "City Hall"  # the page's name in the byline
    page_path: str = "cityhall"
    day: str = "Thursday, August 27, 2015"  # the byline's date, as the code writes it
    utime: int = 1440694800  # 2015-08-27T17:00:00Z, on the plugin page
    cut: bool = False  # oEmbed's text cut with "…"
    behaviour: str = "ok"

    @property
    def url(self) -> str:
        if self.key.startswith("videos/"):
            return f"https://www.facebook.com/{self.page_path}/videos/{self.key.split('/')[1]}/"
        if self.key.startswith("groups/"):
            _, group, post = self.key.split("/")
            return f"https://www.facebook.com/groups/{group}/posts/{post}/"
        owner, post = self.key.split("/")
        return f"https://www.facebook.com/{owner}/posts/{post}"


class FacebookStandIn(PlatformStandIn):
    platform = "facebook"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.posts: dict[str, FbPost] = {}
        self.shorts: dict[str, str] = {}  # "fb.watch/CODE" -> where it redirects

    def add_short(self, key: str, target: str) -> None:
        """A short link (fb.watch/CODE, www.facebook.com/share/p/CODE) and its redirect."""
        self.shorts[key] = target

    def add_post(self, post: FbPost) -> FbPost:
        self.posts[post.key] = post
        return post

    # -- the contract ------------------------------------------------------------
    def endpoints(self) -> dict[str, str]:
        return {
            "oembed_post_url": f"{self.url}/v26.0/oembed_post?url={{url}}&omitscript=true",
            "oembed_video_url": f"{self.url}/v26.0/oembed_video?url={{url}}&omitscript=true",
            "plugin_url": f"{self.url}/plugins/{{kind}}.php?href={{url}}&show_text=true&width=500",
            "plugin_html_url": (f"{self.url}/html/plugins/{{kind}}.php?href={{url}}"
                                "&show_text=true&width=500"),
            "post_url": f"{self.url}/{{path}}",
            "short_url": f"{self.url}/short/{{host}}/{{code}}",
        }

    def routes(self):
        return [
            (re.compile(r"^/v[0-9.]+/oembed_(?:post|video)$"), self.oembed),
            (re.compile(r"^/html/plugins/(?:post|video)\.php$"), self.plugin_html),
            (re.compile(r"^/plugins/(?:post|video)\.php$"), self.plugin_page),
            (re.compile(r"^/media/(?P<name>[A-Za-z0-9_.-]+)$"), self.media),
            (re.compile(r"^/short/(?P<host>[^/]+)/(?P<code>.+?)/?$"), self.short),
            (re.compile(r"^/login/?$"), self.login),
        ]

    # -- handlers ---------------------------------------------------------------
    def _post(self, request, name: str) -> FbPost | None:
        m = _KEY.search(unquote(request.query.get(name, "")))
        if m is None:
            return None
        if m["video"]:
            key = f"videos/{m['video']}"
        elif m["photo"]:
            key = f"photos/{m['photo']}"
        elif m["group"]:
            key = f"groups/{m['group']}/{m['gpost']}"
        else:
            key = f"{m['owner']}/{m['post']}"
        return self.posts.get(key)

    def oembed(self, request, m) -> Reply:
        post = self._post(request, "url")
        behaviour = post.behaviour if post else "deleted"
        if behaviour == "rate_limited":
            return Reply(400, {"error": {"message": "(#4) Application request limit reached",
                                         "type": "OAuthException", "is_transient": True,
                                         "code": 4, "fbtrace_id": "AbCdEf201"}})
        if behaviour == "token_refused":
            return Reply(400, {"error": {"message": "(#104) An access token is required to"
                                         " request this resource.", "type": "OAuthException",
                                         "code": 104, "fbtrace_id": "AbCdEf202"}})
        if behaviour == "other_post":
            post = FbPost(post.key.rsplit("/", 1)[0] + "/99999999999", text="Someone else's")
        elif behaviour not in ("ok", "login_wall"):
            return Reply(400, GRAPH_NOT_FOUND)
        return Reply(200, {"author_name": post.page,
                           "author_url": f"https://www.facebook.com/{post.page_path}",
                           "provider_url": "https://www.facebook.com", "provider_name": "Facebook",
                           "success": True, "height": None, "html": self._code(post),
                           "type": "rich", "version": "1.0", "url": post.url, "width": 552})

    def plugin_html(self, request, m) -> Reply:
        """The plugin page as Facebook serves it to the fetcher."""
        post = self._post(request, "href")
        behaviour = post.behaviour if post else "deleted"
        if behaviour in ("ok", "token_refused"):
            return Reply(200, self._page(self._plugin_post(post)))
        if behaviour == "other_post":
            other = FbPost(post.key.rsplit("/", 1)[0] + "/99999999999", text="Someone else's")
            return Reply(200, self._page(self._plugin_post(other)))
        return self._failure(behaviour)

    def plugin_page(self, request, m) -> Reply:
        """The plugin page as a browser ends up showing it: the post appears late."""
        post = self._post(request, "href")
        if post is None or post.behaviour not in ("ok", "token_refused"):
            return self._failure(post.behaviour if post else "deleted")
        return Reply(200, self.late_page(f"Facebook post by {post.page}",
                                         self._plugin_post(post), ready_class="_li"))

    def media(self, request, m) -> Reply:
        return Reply(200, png(48, 32, (60, 90, 150)), "image/png")

    def short(self, request, m) -> Reply:
        host = "fb.watch" if m["host"] == "fb.watch" else "facebook.com"
        target = self.shorts.get(f"{host}/{m['code']}")
        if target is None:
            return Reply(404, self._page("<h2>This content isn't available right now</h2>"))
        return Reply(302, "", headers={"Location": target})

    def login(self, request, m) -> Reply:
        return Reply(200, self._page('<form id="login_form"><h2>Log in to Facebook</h2></form>'))

    # -- answers ----------------------------------------------------------------
    def _failure(self, behaviour: str) -> Reply:
        if behaviour in ("deleted", "private", "suspended"):
            return Reply(200, self._page(
                '<div class="_4-u2"><h2>This content isn\'t available right now</h2>'
                "<p>When this happens, it's usually because the owner only shared it with a"
                " small group of people, changed who can see it or it's been deleted.</p></div>"))
        if behaviour in ("login_wall", "age_restricted"):
            return Reply(200, self._page(
                '<form id="login_form" action="/login/device-based/regular/login/">'
                "<h2>You must log in to continue.</h2><input name=\"email\">"
                '<input name="pass" type="password"><button>Log In</button></form>'))
        if behaviour == "rate_limited":
            return Reply(200, '{"__dr":"CometErrorRoot.react"}', "text/html; charset=utf-8")
        raise ValueError(behaviour)

    def _page(self, body: str) -> str:
        return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Facebook</title>"
                f"</head><body>{body}</body></html>")

    def _code(self, post: FbPost) -> str:
        """The SDK's code, as oEmbed answers with it."""
        text = html.escape(post.text.split("\n")[0][:40] + "…" if post.cut else post.text)
        text = text.replace("\n", "<br />")
        page = f"https://www.facebook.com/{post.page_path}"
        kind = "fb-video" if post.key.startswith("videos/") else "fb-post"
        return (f'<div id="fb-root"></div><div class="{kind}" data-href="{post.url}" '
                f'data-width="552"><blockquote cite="{post.url}" class="fb-xfbml-parse-ignore">'
                f"<p>{text}</p>Posted by <a href=\"{page}\">{html.escape(post.page)}</a> on&nbsp;"
                f'<a href="{post.url}">{html.escape(post.day)}</a></blockquote></div>')

    def _plugin_post(self, post: FbPost) -> str:
        """A guess at the plugin page's post markup: Facebook's classic classes."""
        text = "<br>".join(html.escape(line) for line in post.text.split("\n"))
        return (
            '<div role="article" class="_li" style="width:480px">'
            f'<div class="_5pb8"><img src="{self.url}/media/avatar.png" width="40" height="40">'
            f'<span class="fwb"><a href="https://www.facebook.com/{post.page_path}">'
            f"{html.escape(post.page)}</a></span>"
            f'<a href="{post.url}"><abbr data-utime="{post.utime}" class="_5ptz">'
            f"{html.escape(post.day)}</abbr></a></div>"
            f'<div data-testid="post_message" class="_5pbx userContent"><p>{text}</p></div>'
            f'<img src="{self.url}/media/photo.png" width="480" height="320"></div>')
