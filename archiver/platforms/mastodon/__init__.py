"""Mastodon: statuses read from their own instance's public API (no login), the
account and its public posts asked before a 404 is called a deletion, captured
from the instance's embed page."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import quote

from ...model import Embed
from ..base import EmbedPage, Endpoint, Lookup, Platform, PostRef, Verdict
from . import ids, markup

# What an instance shows instead of a post: its 404 and 410 pages, a sign-in wall
# (instances that show posts to signed-in users only), a suspended account.
GONE = re.compile(
    r"the page you are looking for (?:isn[’']t here|is no longer here)|"
    r"could not be found|record not found|(?:sign|log) in to (?:see|view|continue)|"
    r"(?:account|user) (?:has been|is) suspended|this post is (?:unavailable|no longer)",
    re.IGNORECASE,
)
# React renders the status into div.embed > .detailed-status (the server-rendered
# embed of older versions used the same class): rendered once it is laid out with
# words, or once the page says one of the above (judged by the capture).
RENDERED = """() => {
  const el = document.querySelector('.detailed-status');
  if (el) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && (el.innerText || '').trim().length > 0) return true;
  }
  const words = document.body ? (document.body.innerText || '') : '';
  return new RegExp(%s, 'i').test(words);
}""" % json.dumps(GONE.pattern)


class Mastodon(Platform):
    name = "mastodon"
    title = "Mastodon"
    short_names = ("masto", "toot")
    # Every URL is on the status's own instance: {host} is part of each template.
    endpoints: ClassVar[Mapping[str, Endpoint]] = {
        "status_api_url": Endpoint("https://{host}/api/v1/statuses/{id}", ("host", "id")),
        "account_lookup_url": Endpoint("https://{host}/api/v1/accounts/lookup?acct={acct}",
                                       ("host", "acct")),
        "feed_url": Endpoint("https://{host}/@{user}.rss", ("host", "user")),
        "embed_url": Endpoint("https://{host}/@{user}/{id}/embed", ("host", "user", "id")),
        "status_url": Endpoint("https://{host}/@{acct}/{id}", ("host", "acct", "id")),
        "web_status_url": Endpoint("https://{host}/web/statuses/{id}", ("host", "id")),
    }

    # Its embed code's class, and the path shapes of status URLs on any instance.
    hosts = ()  # any instance: its posts are known by their paths
    paths = ("/@", "/users/", "/web/statuses/", "/web/@")
    markers = (b"mastodon", b"/@", b"/statuses/")
    embed_selector = markup.SELECTOR

    def read_embed(self, node) -> Embed | None:
        return markup.read_embed(node)

    def post_ref(self, url: str | None) -> PostRef | None:
        ref = ids.parse_url(url)
        return PostRef(self.name, ref[0], ref[1]) if ref else None

    def post_url(self, post_id: str, handle: str | None, settings=None) -> str:
        if settings is None:
            return ids.public_url(post_id, handle)
        host, status = ids.split_id(post_id)
        user, domain = ids.split_handle(handle, host)
        name = "status_url" if user else "web_status_url"
        acct = user if domain == host else f"{user}@{domain}"
        return settings.endpoint(self.name, name).format(host=host, id=status, acct=acct)

    def valid_id(self, post_id: str) -> bool:
        return ids.valid_id(post_id)

    def folder_name(self, post_id: str) -> str:
        return ids.folder_name(post_id)

    def date_from_id(self, post_id: str) -> str | None:
        return ids.snowflake_date(ids.split_id(post_id)[1]) if ids.valid_id(post_id) else None

    def lookups(self, post: Mapping, settings) -> list[Lookup]:
        host, status = ids.split_id(post["id"])
        found = [Lookup("status", settings.endpoint(self.name, "status_api_url").format(
            host=host, id=status), "status.json")]
        user, domain = ids.split_handle(post.get("handle"), host)
        if user:
            acct = user if domain == host else f"{user}@{domain}"
            found += [
                Lookup("account", settings.endpoint(self.name, "account_lookup_url").format(
                    host=host, acct=quote(acct, safe="@")), "account.json"),
                Lookup("feed", settings.endpoint(self.name, "feed_url").format(
                    host=host, user=user), "account.rss"),
            ]
        return found

    def classify(self, answers: Mapping, post: Mapping) -> Verdict:
        from . import api
        from .classify import classify

        host = ids.split_id(post["id"])[0]
        return classify(api.read_status(answers["status"], post["id"]),
                        api.read_account(answers.get("account"), post.get("handle"), host),
                        api.read_feed(answers.get("feed")))

    def embed_page(self, post: Mapping, settings) -> EmbedPage | None:
        host, status = ids.split_id(post["id"])
        user, _ = ids.split_handle(post.get("handle"), host)
        if not user:
            return None  # the embed page's address names the account
        url = settings.endpoint(self.name, "embed_url").format(host=host, user=user, id=status)
        return EmbedPage(url, rendered=RENDERED, gone=GONE, present=".detailed-status")

    def fallback_markup(self, answers: Mapping, verdict: Verdict) -> str | None:
        """Where the embed page shows nothing (a copy held by another instance has
        none), the status as its instance's API gave it, in plain markup."""
        data = verdict.data
        if data is None or data.endpoint != "statuses":
            return None
        paragraphs = "".join(f"<p>{html.escape(line)}</p>" for line in
                             (data.text or "").split("\n") if line.strip())
        media = "".join(f"<li>{html.escape(_media_line(m))}</li>" for m in data.media)
        return (f'<article class="mastodon-status"><header><b>{html.escape(data.author or "")}'
                f"</b> @{html.escape(data.handle or '')}</header>{paragraphs}"
                + (f"<ul>{media}</ul>" if media else "")
                + f"<footer>{html.escape(data.created_at or '')} · {html.escape(data.id)}"
                "</footer></article>")


def _media_line(item: dict) -> str:
    line = f"{item.get('type') or ''}: {item.get('video') or item.get('url') or ''}"
    return line + (f" ({item['alt']})" if item.get("alt") else "")


PLATFORM = Mastodon()
