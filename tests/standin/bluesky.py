"""A stand-in for Bluesky's public AppView, plc.directory and embed.bsky.app.

    with BlueskyStandIn() as s:
        s.add_account(DID, "alice.bsky.social", "Alice")
        s.add_post(DID, "3lbq7mxsiek2v", text="Hello", images=["bafkreiaaa"])
        env = s.env()

The answers follow the lexicons: getPostThread gives {"thread": threadViewPost},
or 400 {"error": "NotFound"} for a post that is gone or whose author is
deactivated or taken down; getProfile gives the profile, or 400 AccountTakedown,
AccountDeactivated, or InvalidRequest "Profile not found". The embed page
builds the post by script, late, into #app, or shows embed.bsky.app's notices.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime

from .platform import PlatformStandIn, Reply, Request
from .render import solid_png

ACCOUNT_STATES = ("ok", "takedown", "deactivated", "optout")
POST_STATES = ("ok", "deleted", "blocked")


@dataclass
class BskyAccount:
    did: str
    handle: str
    name: str = ""
    state: str = "ok"  # one of ACCOUNT_STATES


@dataclass
class BskyPost:
    did: str
    rkey: str
    text: str = ""
    created_at: str = "2024-11-25T00:58:51.890Z"
    images: list[str] = field(default_factory=list)  # blob CIDs
    video: str | None = None  # a blob CID
    quoted: str | None = None  # "did/rkey" of a quoted post
    labels: list[str] = field(default_factory=list)  # "porn", "graphic-media"
    state: str = "ok"  # one of POST_STATES
    answer_uri: str | None = None  # answer with this URI instead (a wrong answer)
    embed_gone: bool = False  # the embed page fails to show it (its fetch went wrong)

    @property
    def uri(self) -> str:
        return f"at://{self.did}/app.bsky.feed.post/{self.rkey}"


def nice_date(iso: str) -> str:
    when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    return f"{when:%B} {when.day}, {when.year} at {when:%I:%M %p}".replace(" 0", " ")


class BlueskyStandIn(PlatformStandIn):
    platform = "bluesky"

    def __init__(self, **kwargs):
        self.accounts: dict[str, BskyAccount] = {}
        self.posts: dict[tuple[str, str], BskyPost] = {}
        super().__init__(**kwargs)

    # -- what tests say --------------------------------------------------------------
    def add_account(self, did: str, handle: str, name: str = "", state: str = "ok") -> BskyAccount:
        assert state in ACCOUNT_STATES, state
        account = BskyAccount(did, handle, name or handle.split(".")[0].title(), state)
        self.accounts[did] = account
        return account

    def add_post(self, did: str, rkey: str, **fields) -> BskyPost:
        post = BskyPost(did, rkey, **fields)
        assert post.state in POST_STATES, post.state
        self.posts[(did, rkey)] = post
        return post

    def routes(self):
        return [
            (re.compile(r"^/xrpc/app\.bsky\.feed\.getPostThread$"), self.post_thread),
            (re.compile(r"^/xrpc/app\.bsky\.actor\.getProfile$"), self.profile),
            (re.compile(r"^/plc/(?P<did>did:plc:[a-z2-7]+)$"), self.did_doc),
            (re.compile(r"^/embed/(?P<actor>[^/]+)/app\.bsky\.feed\.post/(?P<rkey>[^/]+)$"),
             self.embed),
            (re.compile(r"^/img/(?P<cid>[a-z0-9]+)\.png$"), self.image),
            (re.compile(r"^/pds/xrpc/com\.atproto\.sync\.getBlob$"), self.blob),
        ]

    def endpoints(self) -> dict[str, str]:
        return {
            "api_url": f"{self.url}/xrpc/{{method}}?{{query}}",
            "plc_url": f"{self.url}/plc/{{did}}",
            "embed_url": f"{self.url}/embed/{{actor}}/app.bsky.feed.post/{{rkey}}",
            "post_url": f"{self.url}/profile/{{actor}}/post/{{rkey}}",
        }

    # -- the AppView -------------------------------------------------------------------
    def _did(self, actor: str) -> str | None:
        if actor.startswith("did:"):
            return actor
        return next((a.did for a in self.accounts.values() if a.handle == actor.lower()), None)

    def _find(self, uri: str) -> tuple[BskyPost | None, BskyAccount | None, str | None]:
        m = re.fullmatch(r"at://([^/]+)/app\.bsky\.feed\.post/([^/]+)", uri or "")
        if not m:
            return None, None, "InvalidRequest"
        did = self._did(m.group(1))
        if did is None:
            return None, None, "HandleNotFound"
        return self.posts.get((did, m.group(2))), self.accounts.get(did), None

    def post_thread(self, request: Request, match) -> Reply:
        uri = request.query.get("uri", "")
        post, account, problem = self._find(uri)
        if problem == "HandleNotFound":
            return Reply(400, {"error": "InvalidRequest", "message": "Unable to resolve handle"})
        if problem:
            return Reply(400, {"error": "InvalidRequest", "message": "Invalid AT-URI"})
        gone = (post is None or post.state == "deleted" or account is None
                or account.state in ("takedown", "deactivated"))
        if gone:
            return Reply(400, {"error": "NotFound", "message": f"Post not found: {uri}"})
        if post.state == "blocked":
            return Reply(200, {"thread": {"$type": "app.bsky.feed.defs#blockedPost", "uri": uri,
                                          "blocked": True,
                                          "author": {"did": post.did, "viewer": {}}}})
        return Reply(200, {"thread": {"$type": "app.bsky.feed.defs#threadViewPost",
                                      "post": self.post_view(post), "replies": []}})

    def post_view(self, post: BskyPost) -> dict:
        account = self.accounts[post.did]
        record: dict = {"$type": "app.bsky.feed.post", "text": post.text,
                        "createdAt": post.created_at, "langs": ["en"]}
        view: dict | None = None
        if post.images:
            record["embed"] = {"$type": "app.bsky.embed.images", "images": [
                {"alt": f"alt {i}", "image": {"$type": "blob", "ref": {"$link": cid},
                                              "mimeType": "image/jpeg", "size": 1000}}
                for i, cid in enumerate(post.images)]}
            view = {"$type": "app.bsky.embed.images#view", "images": [
                {"thumb": f"{self.url}/img/{cid}.png",
                 "fullsize": f"https://cdn.bsky.app/img/feed_fullsize/plain/{post.did}/{cid}@jpeg",
                 "alt": f"alt {i}", "aspectRatio": {"width": 4, "height": 3}}
                for i, cid in enumerate(post.images)]}
        elif post.video:
            record["embed"] = {"$type": "app.bsky.embed.video", "video": {
                "$type": "blob", "ref": {"$link": post.video}, "mimeType": "video/mp4"}}
            view = {"$type": "app.bsky.embed.video#view", "cid": post.video,
                    "playlist": f"https://video.bsky.app/watch/{post.did}/{post.video}/playlist.m3u8",
                    "thumbnail": f"{self.url}/img/{post.video}.png", "alt": "a clip"}
        if post.quoted:
            did, rkey = post.quoted.rsplit("/", 1)
            quoted = self.posts.get((did, rkey))
            quoted_record = {"$type": "app.bsky.embed.record#viewRecord",
                             "uri": f"at://{did}/app.bsky.feed.post/{rkey}", "cid": "bafyq",
                             "author": self._author(self.accounts[did]) if did in self.accounts
                             else {"did": did, "handle": "handle.invalid"},
                             "value": {"text": quoted.text if quoted else ""}}
            record_ref = {"$type": "app.bsky.embed.record", "record": {
                "uri": quoted_record["uri"], "cid": "bafyq"}}
            if view is None:
                record["embed"] = record_ref
                view = {"$type": "app.bsky.embed.record#view", "record": quoted_record}
            else:
                record["embed"] = {"$type": "app.bsky.embed.recordWithMedia",
                                   "record": record_ref, "media": record["embed"]}
                view = {"$type": "app.bsky.embed.recordWithMedia#view",
                        "record": {"record": quoted_record}, "media": view}
        found = {
            "uri": post.answer_uri or post.uri, "cid": "bafyreipost",
            "author": self._author(account), "record": record,
            "replyCount": 0, "repostCount": 1, "likeCount": 2, "quoteCount": 0,
            "indexedAt": post.created_at,
            "labels": [{"src": "did:plc:ar7c4by46qjdydhdevvrndac", "uri": post.uri,
                        "val": v, "cts": post.created_at} for v in post.labels],
        }
        if view is not None:
            found["embed"] = view
        return found

    def _author(self, account: BskyAccount) -> dict:
        labels = ([{"src": account.did, "uri": f"at://{account.did}/app.bsky.actor.profile/self",
                    "val": "!no-unauthenticated", "cts": "2024-01-01T00:00:00.000Z"}]
                  if account.state == "optout" else [])
        return {"did": account.did, "handle": account.handle, "displayName": account.name,
                "avatar": f"{self.url}/img/avatar.png", "labels": labels,
                "createdAt": "2023-05-01T00:00:00.000Z"}

    def profile(self, request: Request, match) -> Reply:
        did = self._did(request.query.get("actor", ""))
        account = self.accounts.get(did or "")
        if account is None:
            return Reply(400, {"error": "InvalidRequest", "message": "Profile not found"})
        if account.state == "takedown":
            return Reply(400, {"error": "AccountTakedown", "message": "Account has been suspended"})
        if account.state == "deactivated":
            return Reply(400, {"error": "AccountDeactivated", "message": "Account is deactivated"})
        return Reply(200, {**self._author(account), "followersCount": 10, "followsCount": 5,
                           "postsCount": len([p for p in self.posts.values()
                                              if p.did == account.did])})

    def did_doc(self, request: Request, match) -> Reply:
        account = self.accounts.get(match.group("did"))
        if account is None:
            return Reply(404, {"message": f"DID not registered: {match.group('did')}"})
        return Reply(200, {
            "@context": ["https://www.w3.org/ns/did/v1"], "id": account.did,
            "alsoKnownAs": [f"at://{account.handle}"],
            "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer",
                         "serviceEndpoint": self.pds}]})

    # -- embed.bsky.app -------------------------------------------------------------------
    def embed(self, request: Request, match) -> Reply:
        post, account, _ = self._find(
            f"at://{match.group('actor')}/app.bsky.feed.post/{match.group('rkey')}")
        if post is None or account is None or post.state != "ok" or post.embed_gone or (
                account.state in ("takedown", "deactivated")):
            body = ('<p class="my-16 text-center">Post not found, it may have been deleted.'
                    "</p>")
        elif account.state == "optout":
            body = ('<p class="text-center">The author of this post has requested their posts'
                    ' not be displayed on external sites.</p><a href="#">View on Bluesky</a>')
        else:
            body = self._post_html(post, account)
        page = self.late_page("Bluesky", f'<div id="app">{body}</div>', ready_class="container")
        return Reply(200, page)

    def _post_html(self, post: BskyPost, account: BskyAccount) -> str:
        images = "".join(f'<img src="{self.url}/img/{cid}.png" width="320" height="240">'
                         for cid in post.images)
        text = html.escape(post.text).replace("\n", "<br>")
        return (
            '<div style="padding:16px;border:1px solid #ccc;font:16px sans-serif">'
            f'<div><img src="{self.url}/img/avatar.png" width="40" height="40">'
            f"<p><b>{html.escape(account.name)}</b></p><p>@{html.escape(account.handle)}</p></div>"
            f'<p lang="en">{text}</p>{images}'
            f'<a href="/profile/{post.did}/post/{post.rkey}"><time datetime="{post.created_at}">'
            f"{nice_date(post.created_at)}</time></a></div>")

    def image(self, request: Request, match) -> Reply:
        return Reply(200, solid_png("#1185fe", 64, 48), "image/png")

    @property
    def pds(self) -> str:
        """The PDS every account's DID document names (real ones are https)."""
        return f"{self.url}/pds"

    def blob(self, request: Request, match) -> Reply:
        cid = request.query.get("cid", "")
        post = next((p for p in self.posts.values()
                     if cid in p.images or cid == p.video), None)
        if post is None or post.did != request.query.get("did"):
            return Reply(400, {"error": "BlobNotFound", "message": "Blob not found"})
        if cid == post.video:
            return Reply(200, b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64, "video/mp4")
        return Reply(200, solid_png("#208bfe", 400, 300), "image/png")
