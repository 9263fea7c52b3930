"""A stand-in for Threads: the Graph API's oEmbed and the post embed page.

    with ThreadsStandIn() as s:
        s.add_post("C8H5FiCtESk", "zuck", text="Hello")
        env = s.env()

oEmbed answers {"type": "rich", "version": "1.0", "html": <blockquote
class="text-post-media" ...>, "provider_name": "Threads", ...} and nothing of the
post, or a Graph API error {"error": {"message", "type": "OAuthException",
"code"}}; the embed page renders the post late by script, or shows a log-in
wall or Meta's "Sorry, this page isn't available".
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .platform import PlatformStandIn, Reply, Request
from .render import solid_png

# How the oEmbed refuses: deleted, private, age-restricted posts get the same
# invalid-parameter error (their bodies are not documented); a missing token,
# and the application's rate limit, have their own codes.
REFUSALS = {
    "deleted": (400, 100, "Invalid parameter"),
    "private": (400, 100, "Invalid parameter"),
    "age_restricted": (400, 100, "Invalid parameter"),
    "token_required": (400, 104, "An access token is required to request this resource."),
    "app_rate_limited": (403, 4, "Application request limit reached"),
}


@dataclass
class ThreadsPost:
    code: str
    user: str
    text: str = "Words of the thread"
    name: str = ""
    state: str = "ok"  # ok, or one of REFUSALS
    embed: str = "ok"  # ok | login_wall | unavailable | blank
    answer_code: str | None = None  # oEmbed answers for this code instead (a wrong answer)


def blockquote(code: str, user: str, host: str = "www.threads.com") -> str:
    link = f"https://{host}/@{user}/post/{code}"
    return (
        f'<blockquote class="text-post-media" data-text-post-permalink="{link}" '
        f'data-text-post-version="0" id="ig-tp-{code}" style="background:#FFF; max-width:540px;">'
        f'<a href="{link}" style="display:block" target="_blank"><div><svg aria-label="Threads"'
        ' height="17px" role="img" viewBox="0 0 192 192" width="17px"></svg></div>'
        '<div style="font-size:15px">View on Threads</div></a></blockquote>'
        f'<script async src="https://{host}/embed.js"></script>')


class ThreadsStandIn(PlatformStandIn):
    platform = "threads"

    def __init__(self, **kwargs):
        self.posts: dict[str, ThreadsPost] = {}
        super().__init__(**kwargs)

    def add_post(self, code: str, user: str, **fields) -> ThreadsPost:
        post = ThreadsPost(code, user, **fields)
        self.posts[code] = post
        return post

    def routes(self):
        code = r"(?P<code>[A-Za-z0-9_-]+)"
        return [
            (re.compile(r"^/graph/v1\.0/oembed$"), self.oembed),
            (re.compile(r"^/@(?P<user>[\w.]+)/post/" + code + r"/embed$"), self.embed),
            (re.compile(r"^/t/" + code + r"/embed$"), self.embed),
            (re.compile(r"^/img/(?P<name>[\w.-]+)$"), self.image),
        ]

    def endpoints(self) -> dict[str, str]:
        return {
            "oembed_url": f"{self.url}/graph/v1.0/oembed?url={{url}}",
            "embed_url": f"{self.url}/@{{user}}/post/{{code}}/embed",
            "short_embed_url": f"{self.url}/t/{{code}}/embed",
            "post_url": f"{self.url}/@{{user}}/post/{{code}}",
            "short_post_url": f"{self.url}/t/{{code}}",
        }

    def oembed(self, request: Request, match) -> Reply:
        url = request.query.get("url", "")
        m = re.match(r"https://www\.threads\.(?:com|net)/(?:@[\w.]+/post|t)/([A-Za-z0-9_-]+)",
                     url)
        post = self.posts.get(m.group(1)) if m else None
        if post is None or post.state != "ok":
            status, number, message = REFUSALS[post.state if post else "deleted"]
            return Reply(status, {"error": {"message": message, "type": "OAuthException",
                                            "code": number, "fbtrace_id": "AbCdEf123"}})
        return Reply(200, {"type": "rich", "version": "1.0",
                           "html": blockquote(post.answer_code or post.code, post.user),
                           "provider_name": "Threads",
                           "provider_url": "https://www.threads.com/", "width": 658})

    def embed(self, request: Request, match) -> Reply:
        post = self.posts.get(match.group("code"))
        if post is None or post.state != "ok" or post.embed == "unavailable":
            return Reply(200, self.late_page(
                "Threads", "<h2>Sorry, this page isn't available.</h2><p>The link you followed"
                " may be broken, or the page may have been removed.</p>"))
        if post.embed == "login_wall":
            return Reply(200, self.late_page(
                "Threads", "<h2>Log in or sign up for Threads</h2><p>See what people are"
                " talking about and join the conversation.</p><button>Continue with"
                " Instagram</button>"))
        if post.embed == "blank":
            return Reply(200, "<!doctype html><html><body><div id=root></div></body></html>")
        body = (
            '<div style="padding:16px;font:15px sans-serif;border:1px solid #ddd">'
            f'<a href="https://www.threads.com/@{post.user}"><img src="{self.url}/img/a.png"'
            f' width="36" height="36"> <b>{html.escape(post.user)}</b></a>'
            f"<p>{html.escape(post.text)}</p>"
            f'<img src="{self.url}/img/photo.png" width="320" height="240">'
            f'<a href="https://www.threads.com/@{post.user}/post/{post.code}">View on Threads</a>'
            "</div>")
        return Reply(200, self.late_page("Threads", body, ready_class="post"))

    def image(self, request: Request, match) -> Reply:
        return Reply(200, solid_png("#101010", 48, 48), "image/png")
