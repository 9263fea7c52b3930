"""A stand-in for Instagram's no-login endpoints: the embed page as the fetcher
reads it (the post's data in a script, as a JSON string, and in the markup), the
same page as a browser sees it (the post built late by script), and Graph's
instagram_oembed.

    with InstagramStandIn() as ig:
        ig.add_post(Post("CvuNg5mSYc0", username="cityhall", caption="Bridge closed"))
        env = ig.env()   # ARCHIVER_INSTAGRAM_EMBED_URL=http://127.0.0.1:PORT/p/...

Post behaviours:
  ok             the post, from both endpoints
  markup_only    the embed page without its script data (its markup alone)
  deleted        embed page 404; oEmbed's "(#100) ... does not exist" (which private
                 posts get too)
  private        embed page with an empty box; the same oEmbed error
  suspended      embed page "Sorry, this page isn't available."; the same oEmbed error
  age_restricted embed page "Restricted video"; the same oEmbed error
  rate_limited   embed page redirects to /accounts/login/; oEmbed code 4
  require_login  embed page 401 {"require_login": true, "status": "fail"}; oEmbed code 613
  login_wall     embed page is a login page; oEmbed shows the post
  token_refused  embed page shows the post; oEmbed wants a token (code 104)
  other_post     both answer with another post
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from .platform import PlatformStandIn, Reply
from .telegram import png

_CODE = r"(?P<code>[A-Za-z0-9_-]+)"
GRAPH_NOT_FOUND = {"error": {
    "message": "(#100) Unsupported get request. Object with ID 'instagram_oembed' does not"
               " exist, cannot be loaded due to missing permissions, or does not support this"
               " operation",
    "type": "OAuthException", "code": 100, "error_subcode": 33, "fbtrace_id": "AbCdEf123"}}


@dataclass
class Post:
    code: str
    username: str = "cityhall"
    full_name: str = "City Hall"
    caption: str = "A post"
    taken_at: int = 1691600000  # 2023-08-09T16:53:20Z
    media: list[tuple[str, str]] = field(default_factory=lambda: [("photo", "/media/one.png")])
    behaviour: str = "ok"


class InstagramStandIn(PlatformStandIn):
    platform = "instagram"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.posts: dict[str, Post] = {}
        self.shares: dict[str, str] = {}  # a share link's code -> where it redirects

    def add_share(self, code: str, target: str) -> None:
        """A share link (instagram.com/share/p/CODE) and its redirect."""
        self.shares[code] = target

    def add_post(self, post: Post) -> Post:
        self.posts[post.code] = post
        return post

    # -- the contract ------------------------------------------------------------
    def endpoints(self) -> dict[str, str]:
        return {
            "embed_url": f"{self.url}/p/{{code}}/embed/captioned/",
            "embed_html_url": f"{self.url}/html/p/{{code}}/embed/captioned/",
            "oembed_url": f"{self.url}/v26.0/instagram_oembed?url={{url}}&omitscript=true",
            "post_url": f"{self.url}/p/{{code}}/",
            "short_url": f"{self.url}/{{path}}",
        }

    def routes(self):
        return [
            (re.compile(rf"^/html/p/{_CODE}/embed/captioned/?$"), self.embed_html),
            (re.compile(rf"^/p/{_CODE}/embed/captioned/?$"), self.embed_page),
            (re.compile(r"^/v[0-9.]+/instagram_oembed$"), self.oembed),
            (re.compile(r"^/media/(?P<name>[A-Za-z0-9_.-]+)$"), self.media),
            (re.compile(r"^/accounts/login/?$"), self.login),
            (re.compile(r"^/share/(?:p|reel|reels|tv)/(?P<code>[A-Za-z0-9_-]+)/?$"), self.share),
        ]

    # -- handlers ---------------------------------------------------------------
    def embed_html(self, request, m) -> Reply:
        """The embed page as Instagram serves it, before any script runs."""
        post = self.posts.get(m["code"])
        behaviour = post.behaviour if post else "deleted"
        if behaviour in ("ok", "token_refused"):
            return Reply(200, self._page(self._markup(post), self._script(post)))
        if behaviour == "markup_only":
            return Reply(200, self._page(self._markup(post)))
        if behaviour == "other_post":
            other = Post("B" + post.code[1:], caption="Someone else's post")
            return Reply(200, self._page(self._markup(other), self._script(other)))
        return self._failure(behaviour)

    def embed_page(self, request, m) -> Reply:
        """The embed page as a browser ends up showing it: the post appears late."""
        post = self.posts.get(m["code"])
        if post is None or post.behaviour not in ("ok", "markup_only", "token_refused"):
            return self._failure(post.behaviour if post else "deleted")
        return Reply(200, self.late_page(f"Instagram post by {post.username}", self._markup(post),
                                         ready_class="Embed"))

    def oembed(self, request, m) -> Reply:
        url = unquote(request.query.get("url", ""))
        found = re.search(r"/(?:p|reel|tv)/([A-Za-z0-9_-]+)", url)
        post = self.posts.get(found.group(1)) if found else None
        behaviour = post.behaviour if post else "deleted"
        if behaviour == "rate_limited":
            return Reply(400, {"error": {"message": "(#4) Application request limit reached",
                                         "type": "OAuthException", "is_transient": True,
                                         "code": 4, "fbtrace_id": "AbCdEf124"}})
        if behaviour == "token_refused":
            return Reply(400, {"error": {"message": "(#104) An access token is required to"
                                         " request this resource.", "type": "OAuthException",
                                         "code": 104, "fbtrace_id": "AbCdEf125"}})
        if behaviour == "require_login":
            return Reply(400, {"error": {"message": "(#613) Calls to this api have exceeded the"
                                         " rate limit.", "type": "OAuthException",
                                         "code": 613, "fbtrace_id": "AbCdEf126"}})
        if behaviour == "other_post":
            post = Post("B" + post.code[1:], caption="Someone else's post")
        elif behaviour not in ("ok", "markup_only", "login_wall"):
            return Reply(400, GRAPH_NOT_FOUND)
        return Reply(200, {"version": "1.0", "provider_name": "Instagram",
                           "provider_url": "https://www.instagram.com/", "type": "rich",
                           "width": 658, "html": self._blockquote(post)})

    def media(self, request, m) -> Reply:
        if m["name"].endswith(".mp4"):
            return Reply(200, b"\x00\x00\x00\x18ftypmp42", "video/mp4")
        return Reply(200, png(64, 48, (30, 120, 200)), "image/png")

    def login(self, request, m) -> Reply:
        return Reply(200, self._login_page())

    def share(self, request, m) -> Reply:
        target = self.shares.get(m["code"])
        if target is None:
            return Reply(404, self._page("Sorry, this page isn't available."))
        return Reply(302, "", headers={"Location": target})

    # -- answers ----------------------------------------------------------------
    def _failure(self, behaviour: str) -> Reply:
        if behaviour == "deleted":
            return Reply(404, self._page('<div class="Error">Sorry, this page isn\'t available.'
                                         "</div>"))
        if behaviour == "suspended":
            return Reply(200, self._page('<div class="Error">Sorry, this page isn\'t available.'
                                         " The link you followed may be broken, or the page"
                                         " may have been removed.</div>"))
        if behaviour == "private":
            return Reply(200, self._page('<div class="Embed"><div class="EmbedFrame">'
                                         '<a class="ViewPost">View this post on Instagram</a>'
                                         "</div></div>"))
        if behaviour == "age_restricted":
            return Reply(200, self._page('<div class="Embed"><div class="EmbedRestricted">'
                                         "<h2>Restricted video</h2><p>You must be 18 years old"
                                         " or over to see this video.</p></div></div>"))
        if behaviour == "rate_limited":
            return Reply(302, "", headers={"Location": f"{self.url}/accounts/login/"})
        if behaviour == "require_login":
            return Reply(401, {"message": "Please wait a few minutes before you try again.",
                               "require_login": True, "status": "fail"})
        if behaviour == "login_wall":
            return Reply(200, self._login_page())
        raise ValueError(behaviour)

    def _page(self, body: str, script: str = "") -> str:
        return ("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Instagram</title>"
                f"</head><body>{body}{script}</body></html>")

    def _login_page(self) -> str:
        return self._page('<form id="loginForm"><h1>Log in to Instagram</h1>'
                          '<input name="username"><input name="password" type="password">'
                          "<button>Log in</button></form>")

    def _markup(self, post: Post) -> str:
        media = []
        for kind, path in post.media:
            if kind == "video":
                media.append(f'<video class="EmbeddedMediaVideo" src="{self.url}{path}" '
                             f'poster="{self.url}/media/poster.png" width="400" height="300">'
                             "</video>")
            else:
                media.append(f'<img class="EmbeddedMediaImage" alt="Photo by {post.full_name}" '
                             f'src="{self.url}{path}" style="width:400px;height:300px">')
        caption = "<br>".join(html.escape(line) for line in post.caption.split("\n"))
        return (
            '<div class="Embed"><div class="Header">'
            f'<a class="UsernameText" href="https://www.instagram.com/{post.username}/">'
            f"{post.username}</a></div>"
            f'<a class="EmbeddedMedia" href="https://www.instagram.com/p/{post.code}/">'
            f'{"".join(media[:1])}</a>'
            f'<div class="Caption"><a class="CaptionUsername" href="https://www.instagram.com/'
            f'{post.username}/">{post.username}</a> {caption}'
            f'<div class="CaptionComments"><a href="https://www.instagram.com/p/{post.code}/">'
            "View all 12 comments</a></div></div>"
            f'<a class="ViewPost" href="https://www.instagram.com/p/{post.code}/">'
            "View this post on Instagram</a></div>")

    def _script(self, post: Post) -> str:
        nodes = [{"__typename": "GraphVideo" if kind == "video" else "GraphImage",
                  "is_video": kind == "video",
                  "display_url": f"{self.url}/media/{i}-small.png",
                  "display_resources": [
                      {"src": f"{self.url}/media/{i}-small.png", "config_width": 320},
                      {"src": f"{self.url}{path if kind == 'photo' else '/media/poster.png'}",
                       "config_width": 1080}],
                  "accessibility_caption": f"Photo {i + 1} by {post.full_name}",
                  **({"video_url": f"{self.url}{path}"} if kind == "video" else {})}
                 for i, (kind, path) in enumerate(post.media)]
        media = {"__typename": "GraphSidecar" if len(nodes) > 1 else nodes[0]["__typename"],
                 "id": "3165527023561574196", "shortcode": post.code,
                 "owner": {"id": "123", "username": post.username, "full_name": post.full_name},
                 "edge_media_to_caption": {"edges": [{"node": {"text": post.caption}}]},
                 "taken_at_timestamp": post.taken_at}
        if len(nodes) > 1:
            media["edge_sidecar_to_children"] = {"edges": [{"node": n} for n in nodes]}
        else:
            media.update(nodes[0])
        context = json.dumps({"context": {"type": "captioned"},
                              "gql_data": {"shortcode_media": media}})
        handle = json.dumps({"require": [["PolarisEmbedSimple", "init", [],
                                          [{"contextJSON": context}]]]})
        return ('<script type="text/javascript">requireLazy(["TimeSliceImpl","ServerJS"],'
                f"function(TimeSlice,ServerJS){{var s=new ServerJS();s.handle({handle});}});"
                "</script>")

    def _blockquote(self, post: Post) -> str:
        link = f"https://www.instagram.com/p/{post.code}/?utm_source=ig_embed&amp;utm_campaign=loading"
        caption = html.escape(post.caption.split("\n")[0])
        return (
            f'<blockquote class="instagram-media" data-instgrm-captioned data-instgrm-permalink='
            f'"{link}" data-instgrm-version="14" style="background:#FFF; max-width:540px;">'
            f'<div style="padding:16px;"><a href="{link}" target="_blank">'
            '<div style="padding-top: 8px;"><div>View this post on Instagram</div></div></a>'
            f'<p style="margin:8px 0 0 0;"><a href="{link}" target="_blank">{caption}</a></p>'
            f'<p style="color:#c9c8cd;"><a href="{link}" target="_blank">A post shared by '
            f"{html.escape(post.full_name)} (@{post.username})</a></p></div></blockquote>")
