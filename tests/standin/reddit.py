"""A stand-in for Reddit's no-login pages: the .json listing of a post (and of a
comment's thread), oEmbed, and the embed page (embed.reddit.com), which builds the
post late by script.

    with RedditStandIn() as rd:
        rd.add_post(RedditPost("1abc2de", subreddit="pics", title="A bridge at dawn"))
        env = rd.env()   # ARCHIVER_REDDIT_JSON_URL=http://127.0.0.1:PORT/{path}.json ...

Post behaviours (what each endpoint answers):
  ok          the listing; oEmbed 200; the embed
  deleted     the listing, marked removed_by_category "deleted", author and selftext
              "[deleted]"; oEmbed 200 with an empty author_name
  removed     the listing, removed_by_category "moderator", selftext "[removed]"
  private     the listing 403 {"reason": "private"}; oEmbed 403
  banned      the listing 404 {"reason": "banned"} (the community is banned); oEmbed 404
  missing     404 from both: nothing at that id
  nsfw        the listing, over_18; the embed page asks for a login
  blocked     the listing 403 "Blocked" (a network-security page); oEmbed 200
  other_post  the listing and oEmbed answer about another post
A post nobody added answers as `missing`. Rate limits are faults
(fault("listing", "rate_limited")). Share links (add_share_link) answer 301 to
their post's URL.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from .platform import PlatformStandIn, Reply
from .youtube import PICTURE

OTHER_POST = "9zzzzzz"


@dataclass
class RedditComment:
    id: str
    body: str = "A comment"
    author: str = "commenter"
    created_utc: float = 1700000500.0


@dataclass
class RedditPost:
    id: str
    subreddit: str = "pics"
    title: str = "A title"
    author: str = "someone"
    selftext: str = ""
    created_utc: float = 1700000000.0
    behaviour: str = "ok"
    image: str | None = None  # an i.redd.it name ("abc123.jpg")
    video: bool = False
    # A gallery's items: (media id, caption, "Image" or "AnimatedImage"), in its order.
    gallery: list[tuple[str, str | None, str]] = field(default_factory=list)
    comments: list[RedditComment] = field(default_factory=list)


_REFUSED = {
    "private": (403, {"reason": "private", "message": "Forbidden", "error": 403}),
    "banned": (404, {"reason": "banned", "message": "Not Found", "error": 404}),
    "missing": (404, {"message": "Not Found", "error": 404}),
}
_EMBED_SAYS = {
    "deleted": "Sorry, this post was deleted by the person who originally posted it.",
    "removed": "Sorry, this post has been removed by the moderators of r/pics.",
    "private": "This community is private",
    "banned": "This community is banned",
    "missing": "Page not found",
    "nsfw": "You must be 18+ to view this community. Log in to continue.",
}


class RedditStandIn(PlatformStandIn):
    platform = "reddit"

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.posts: dict[str, RedditPost] = {}
        self.share_links: dict[str, str] = {}

    def add_post(self, post: RedditPost) -> RedditPost:
        self.posts[post.id] = post
        return post

    def add_share_link(self, code: str, post_id: str) -> None:
        """reddit.com/r/SUB/s/CODE leading to a post."""
        self.share_links[code] = post_id

    def endpoints(self) -> dict[str, str]:
        return {
            "json_url": f"{self.url}/{{path}}.json?raw_json=1",
            "oembed_url": f"{self.url}/oembed?url={{url}}",
            "embed_url": f"{self.url}/embed/{{path}}?embed=true",
            "post_url": f"{self.url}/{{path}}",
            "share_url": f"{self.url}/r/{{subreddit}}/s/{{code}}",
        }

    def routes(self):
        thread = (r"(?:r/(?P<sub>[A-Za-z0-9_]+)/)?comments/(?P<id>[0-9a-z]+)/"
                  r"(?:[^/]+/(?P<comment>[0-9a-z]+)/)?")
        return [
            (re.compile(rf"^/{thread}\.json$"), self.listing),
            (re.compile(r"^/oembed$"), self.oembed),
            (re.compile(rf"^/embed/{thread}$"), self.embed),
            (re.compile(r"^/r/(?P<sub>[A-Za-z0-9_]+)/s/(?P<code>[A-Za-z0-9]+)$"), self.share),
        ]

    def _post(self, post_id: str) -> RedditPost:
        return self.posts.get(post_id) or RedditPost(post_id, behaviour="missing")

    # -- the .json listing -------------------------------------------------------------
    def listing(self, request, match) -> Reply:
        post = self._post(match.group("id"))
        if post.behaviour in _REFUSED:
            status, body = _REFUSED[post.behaviour]
            return Reply(status, body)
        if post.behaviour == "blocked":
            return Reply(403, "<!doctype html><html><body><h1>whoa there, pardner!</h1><p>"
                              "You've been blocked by network security.</p></body></html>")
        comments = post.comments
        wanted = match.group("comment")
        if wanted:
            comments = [c for c in comments if c.id == wanted]
        return Reply(200, [
            {"kind": "Listing", "data": {"children": [{"kind": "t3", "data": self.post_data(post)}],
                                         "after": None, "before": None}},
            {"kind": "Listing", "data": {"children": [
                {"kind": "t1", "data": {"id": c.id, "name": f"t1_{c.id}", "body": c.body,
                                        "author": c.author, "created_utc": c.created_utc,
                                        "link_id": f"t3_{post.id}"}} for c in comments]}},
        ])

    def post_data(self, post: RedditPost) -> dict:
        shown = OTHER_POST if post.behaviour == "other_post" else post.id
        data = {
            "id": shown, "name": f"t3_{shown}", "subreddit": post.subreddit,
            "subreddit_name_prefixed": f"r/{post.subreddit}", "title": post.title,
            "selftext": post.selftext, "author": post.author, "created_utc": post.created_utc,
            "permalink": f"/r/{post.subreddit}/comments/{shown}/a_title/",
            "url": f"https://www.reddit.com/r/{post.subreddit}/comments/{shown}/a_title/",
            "over_18": post.behaviour == "nsfw", "removed_by_category": None,
            "is_video": post.video,
        }
        if post.behaviour == "deleted":
            data.update(author="[deleted]", selftext="[deleted]", removed_by_category="deleted")
        elif post.behaviour == "removed":
            data.update(selftext="[removed]", removed_by_category="moderator")
        if post.image:
            data.update(post_hint="image", url=f"https://i.redd.it/{post.image}",
                        preview={"images": [{"source": {
                            "url": f"https://preview.redd.it/{post.image}?width=1080&amp;s=abc",
                            "width": 1080, "height": 720}}]})
        if post.gallery:
            # media_metadata is an object: its own order says nothing; gallery_data's does.
            data.update(is_gallery=True, gallery_data={"items": [
                {"media_id": key, "id": n, **({"caption": caption} if caption else {})}
                for n, (key, caption, _) in enumerate(post.gallery)]},
                media_metadata={key: _metadata(key, kind)
                                for key, _, kind in reversed(post.gallery)})
        if post.video:
            data.update(secure_media={"reddit_video": {
                "fallback_url": "https://v.redd.it/vid123/DASH_1080.mp4?source=fallback",
                "dash_url": "https://v.redd.it/vid123/DASHPlaylist.mpd",
                "hls_url": "https://v.redd.it/vid123/HLSPlaylist.m3u8", "is_gif": False}},
                preview={"images": [{"source": {
                    "url": "https://external-preview.redd.it/poster.jpg?s=abc"}}]})
        return data

    # -- oEmbed -------------------------------------------------------------------------
    def oembed(self, request, match) -> Reply:
        m = re.search(r"/comments/([0-9a-z]+)", unquote(request.query.get("url", "")))
        if not m:
            return Reply(404, "Not Found", "text/plain")
        post = self._post(m.group(1))
        if post.behaviour == "private":
            return Reply(403, "Forbidden", "text/plain")
        if post.behaviour in ("banned", "missing"):
            return Reply(404, "Not Found", "text/plain")
        shown = OTHER_POST if post.behaviour == "other_post" else post.id
        author = "" if post.behaviour == "deleted" else post.author
        link = f"https://www.reddit.com/r/{post.subreddit}/comments/{shown}/a_title/"
        return Reply(200, {
            "provider_url": "https://www.reddit.com/", "version": "1.0",
            "title": post.title, "provider_name": "reddit", "type": "rich",
            "author_name": author,
            "html": f'<blockquote class="reddit-embed-bq" style="height:316px" '
                    f'data-embed-height="316"><a href="{link}">{html.escape(post.title)}</a>'
                    f'<br> by <a href="https://www.reddit.com/user/{author}/">u/{author}</a>'
                    f' in <a href="https://www.reddit.com/r/{post.subreddit}/">{post.subreddit}'
                    '</a></blockquote><script async src="https://embed.reddit.com/widgets.js" '
                    'charset="UTF-8"></script>',
        })

    # -- share links ----------------------------------------------------------------------
    def share(self, request, match) -> Reply:
        post_id = self.share_links.get(match.group("code"))
        if post_id is None:
            return Reply(404, "Not Found", "text/plain")
        post = self._post(post_id)
        return Reply(301, "", "text/html", headers={
            "Location": f"https://www.reddit.com/r/{post.subreddit}/comments/{post.id}/a_title/"
                        "?share_id=AbCdEf&utm_content=1&utm_medium=android_app"})

    # -- the embed page -----------------------------------------------------------------
    def embed(self, request, match) -> Reply:
        post = self._post(match.group("id"))
        if post.behaviour in _EMBED_SAYS:
            said = f"<main><p>{html.escape(_EMBED_SAYS[post.behaviour])}</p></main>"
            return Reply(200, self.late_page("Reddit", said, ready_class="embed"))
        body = f"<p>{html.escape(post.selftext)}</p>" if post.selftext else ""
        picture = (f'<img src="{PICTURE}" alt="" style="width:480px;height:270px">'
                   if post.image or post.video else "")
        inner = (f'<article style="width:560px;padding:12px;border:1px solid #ccc">'
                 f"<p>r/{html.escape(post.subreddit)} · u/{html.escape(post.author)}</p>"
                 f"<h2>{html.escape(post.title)}</h2>{body}{picture}</article>")
        return Reply(200, self.late_page("Reddit", inner, ready_class="embed"))


def _metadata(key: str, kind: str) -> dict:
    if kind == "AnimatedImage":
        return {"status": "valid", "e": kind, "m": "image/gif", "id": key,
                "s": {"x": 480, "y": 270, "gif": f"https://i.redd.it/{key}.gif",
                      "mp4": f"https://preview.redd.it/{key}.gif?format=mp4&s=abc"}}
    return {"status": "valid", "e": kind, "m": "image/jpg", "id": key,
            "s": {"x": 1920, "y": 1080,
                  "u": f"https://preview.redd.it/{key}.jpg?width=1920&format=pjpg&s=abc"}}
