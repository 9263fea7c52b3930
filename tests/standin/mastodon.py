"""A stand-in for Mastodon instances: every instance's public API, RSS feeds and
embed pages, each under /<host>/ of one local server.

    with MastodonStandIn() as s:
        s.add_account("mastodon.social", "alice", "Alice")
        s.add_status("mastodon.social", "113805114250504687", "alice", content="<p>Hi</p>")
        env = s.env()   # ARCHIVER_MASTODON_STATUS_API_URL=http://127.0.0.1:P/{host}/api/...

Answers as the API documents them: a status, or 404 {"error": "Record not
found"} for a deleted and for a followers-only one alike; 401 {"error": "This
API requires an authenticated user"} on an instance in authorized-fetch mode;
an account with suspended: true; the embed page renders the status late.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from .platform import PlatformStandIn, Reply, Request
from .render import solid_png

NOT_FOUND = {"error": "Record not found"}
AUTH_REQUIRED = {"error": "This API requires an authenticated user"}


@dataclass
class MastoAccount:
    home: str  # its own instance
    username: str
    name: str = ""
    state: str = "ok"  # ok | suspended | gone
    id: str = "109000000000000001"


@dataclass
class MastoStatus:
    host: str  # the instance serving it (its home, or one holding a copy)
    id: str
    author: str  # username@home
    content: str = "<p>Words of the status</p>"
    created_at: str = "2025-01-10T16:57:12.000Z"
    visibility: str = "public"
    state: str = "ok"  # ok | deleted | private
    spoiler_text: str = ""
    edited_at: str | None = None
    media: list[dict] = field(default_factory=list)  # type, name, description
    embed: str = "ok"  # ok | login_wall | missing
    answer_id: str | None = None  # answer with another id (a wrong answer)


class MastodonStandIn(PlatformStandIn):
    platform = "mastodon"

    def __init__(self, **kwargs):
        self.accounts: dict[str, MastoAccount] = {}  # username@home -> account
        self.statuses: dict[tuple[str, str], MastoStatus] = {}
        self.signed_in_only: set[str] = set()  # instances in authorized-fetch mode
        super().__init__(**kwargs)

    def add_account(self, home: str, username: str, name: str = "", **fields) -> MastoAccount:
        account = MastoAccount(home, username, name or username.title(), **fields)
        self.accounts[f"{username}@{home}"] = account
        return account

    def add_status(self, host: str, status_id: str, author: str, **fields) -> MastoStatus:
        """author: "user" (the host's own) or "user@home"."""
        if "@" not in author:
            author = f"{author}@{host}"
        status = MastoStatus(host, status_id, author, **fields)
        self.statuses[(host, status_id)] = status
        return status

    def routes(self):
        host = r"^/(?P<host>[a-z0-9.-]+)"
        return [
            (re.compile(host + r"/api/v1/statuses/(?P<id>\d+)$"), self.status),
            (re.compile(host + r"/api/v1/accounts/lookup$"), self.account_lookup),
            (re.compile(host + r"/@(?P<user>\w+)\.rss$"), self.feed),
            (re.compile(host + r"/@(?P<user>\w+)/(?P<id>\d+)/embed$"), self.embed),
            (re.compile(host + r"/media/(?P<name>[\w.-]+)$"), self.media),
        ]

    def endpoints(self) -> dict[str, str]:
        base = f"{self.url}/{{host}}"
        return {
            "status_api_url": f"{base}/api/v1/statuses/{{id}}",
            "account_lookup_url": f"{base}/api/v1/accounts/lookup?acct={{acct}}",
            "feed_url": f"{base}/@{{user}}.rss",
            "embed_url": f"{base}/@{{user}}/{{id}}/embed",
            "status_url": f"{base}/@{{acct}}/{{id}}",
            "web_status_url": f"{base}/web/statuses/{{id}}",
        }

    # -- the API ---------------------------------------------------------------------
    def account_json(self, account: MastoAccount, host: str) -> dict:
        local = account.home == host
        found = {
            "id": account.id, "username": account.username,
            "acct": account.username if local else f"{account.username}@{account.home}",
            "display_name": account.name, "locked": False, "bot": False,
            "created_at": "2022-11-01T00:00:00.000Z", "note": "<p>bio</p>",
            "url": f"https://{account.home}/@{account.username}",
            "avatar": f"{self.url}/{host}/media/avatar.png", "followers_count": 10,
            "following_count": 5, "statuses_count": 3,
        }
        if account.state == "suspended":
            found["suspended"] = True
        return found

    def status(self, request: Request, match) -> Reply:
        host = match.group("host")
        if host in self.signed_in_only:
            return Reply(401, AUTH_REQUIRED)
        status = self.statuses.get((host, match.group("id")))
        account = self.accounts.get(status.author) if status else None
        if status is None or status.state != "ok" or account is None or account.state != "ok":
            return Reply(404, NOT_FOUND)
        return Reply(200, self.status_json(status, account))

    def status_json(self, status: MastoStatus, account: MastoAccount) -> dict:
        user, home = account.username, account.home
        return {
            "id": status.answer_id or status.id, "created_at": status.created_at,
            "in_reply_to_id": None, "in_reply_to_account_id": None,
            "sensitive": bool(status.spoiler_text), "spoiler_text": status.spoiler_text,
            "visibility": status.visibility, "language": "en",
            "uri": f"https://{home}/users/{user}/statuses/{status.id}",
            "url": f"https://{home}/@{user}/{status.id}",
            "replies_count": 0, "reblogs_count": 1, "favourites_count": 2,
            "edited_at": status.edited_at, "content": status.content, "reblog": None,
            "account": self.account_json(account, status.host),
            "media_attachments": [
                {"id": str(i), "type": m["type"],
                 "url": f"{self.url}/{status.host}/media/{m['name']}",
                 "preview_url": f"{self.url}/{status.host}/media/small-{m['name']}.png",
                 "remote_url": (None if home == status.host
                                else f"https://{home}/system/media/{m['name']}"),
                 "description": m.get("description"), "blurhash": "UABC"}
                for i, m in enumerate(status.media)],
            "mentions": [], "tags": [], "emojis": [], "card": None, "poll": None,
        }

    def account_lookup(self, request: Request, match) -> Reply:
        host = match.group("host")
        if host in self.signed_in_only:
            return Reply(401, AUTH_REQUIRED)
        acct = request.query.get("acct", "")
        if "@" not in acct:
            acct = f"{acct}@{host}"
        account = self.accounts.get(acct)
        if account is None or account.state == "gone":
            return Reply(404, NOT_FOUND)
        return Reply(200, self.account_json(account, host))

    def feed(self, request: Request, match) -> Reply:
        host = match.group("host")
        account = self.accounts.get(f"{match.group('user')}@{host}")
        if account is None or account.state == "gone":
            return Reply(404, "<h1>The page you are looking for isn't here.</h1>")
        if account.state == "suspended":
            return Reply(410, "<h1>The page you are looking for is no longer here.</h1>")
        items = "".join(
            f"<item><guid isPermaLink=\"true\">https://{host}/@{account.username}/{s.id}</guid>"
            f"<description>{html.escape(s.content)}</description></item>"
            for s in self.statuses.values()
            if s.host == host and s.author == f"{account.username}@{host}" and s.state == "ok")
        return Reply(200, '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
                     f"<title>{html.escape(account.name)}</title>{items}</channel></rss>",
                     "application/rss+xml; charset=utf-8")

    # -- the embed page ------------------------------------------------------------------
    def embed(self, request: Request, match) -> Reply:
        host = match.group("host")
        status = self.statuses.get((host, match.group("id")))
        account = self.accounts.get(status.author) if status else None
        local = account is not None and account.home == host
        if (status is None or status.state != "ok" or not local or account.state != "ok"
                or status.embed == "missing"):
            return Reply(404, "<!doctype html><title>The page you are looking for isn't here."
                              "</title><h1>The page you are looking for isn't here.</h1>")
        if status.embed == "login_wall":
            return Reply(200, self.late_page("Mastodon", "<div class=\"sign-in\"><h1>Sign in to"
                                             " see this post</h1><a href=\"/auth/sign_in\">"
                                             "Sign in</a></div>"))
        images = "".join(f'<img src="{self.url}/{host}/media/{m["name"]}" width="320"'
                         ' height="180">' for m in status.media)
        post = (
            '<div class="embed"><div class="detailed-status" style="padding:16px;'
            'font:15px sans-serif;border:1px solid #ccc">'
            f'<div class="detailed-status__display-name"><b>{html.escape(account.name)}</b>'
            f" @{html.escape(account.username)}@{html.escape(host)}</div>"
            f'<div class="status__content">{status.content}</div>{images}'
            f'<div class="detailed-status__meta"><time datetime="{status.created_at}">'
            f"{status.created_at[:10]}</time></div></div></div>")
        return Reply(200, self.late_page("Mastodon", post, ready_class="mastodon-status"))

    def media(self, request: Request, match) -> Reply:
        return Reply(200, solid_png("#6364ff", 64, 36), "image/png")
