"""Threads: a post's presence read from oEmbed (the one no-login source, which
holds nothing of the post), its content captured from the embed page. Never
called deleted: no answer Threads gives is known to mean a removal."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import quote

from ...model import Embed
from ..base import EmbedPage, Endpoint, Lookup, Platform, PostRef, Verdict
from . import ids, markup

# What the embed page may show instead of a post: Meta's log-in walls and its
# unavailable-content pages. Not verified against the live page: a wrong guess
# makes a capture fail with the page's words, never a post "captured".
GONE = re.compile(
    r"log in (?:to see|or sign up|with (?:your )?instagram)|sign up for threads|"
    r"continue with instagram|this post is unavailable|post unavailable|"
    r"sorry, this page isn[’']t available|page isn[’']t available|"
    r"content isn[’']t available|something went wrong",
    re.IGNORECASE,
)


def rendered(user: str | None) -> str:
    """The embed page's DOM is not documented: it counts as rendered once it is
    laid out with words naming the author (any 40 characters where the author is
    not known), or once it says one of the GONE texts (judged by the capture)."""
    return """() => {
  const body = document.body;
  if (!body) return false;
  const words = (body.innerText || '').trim();
  const box = body.getBoundingClientRect();
  if (new RegExp(%s, 'i').test(words)) return true;
  if (!(box.width > 0 && box.height > 0)) return false;
  const user = %s;
  return user ? words.toLowerCase().includes(user) : words.length >= 40;
}""" % (json.dumps(GONE.pattern), json.dumps(user.lower() if user else ""))


class Threads(Platform):
    name = "threads"
    title = "Threads"
    endpoints: ClassVar[Mapping[str, Endpoint]] = {
        "oembed_url": Endpoint("https://graph.threads.net/v1.0/oembed?url={url}", ("url",)),
        "embed_url": Endpoint("https://www.threads.com/@{user}/post/{code}/embed",
                              ("user", "code")),
        "short_embed_url": Endpoint("https://www.threads.com/t/{code}/embed", ("code",)),
        "post_url": Endpoint("https://www.threads.com/@{user}/post/{code}", ("user", "code")),
        "short_post_url": Endpoint("https://www.threads.com/t/{code}", ("code",)),
    }

    hosts = ("threads.net", "threads.com")
    markers = (b"threads.net", b"threads.com", b"text-post-media")
    embed_selector = markup.SELECTOR

    def read_embed(self, node) -> Embed | None:
        return markup.read_embed(node)

    def post_ref(self, url: str | None) -> PostRef | None:
        ref = ids.parse_url(url)
        return PostRef(self.name, ref[0], ref[1]) if ref else None

    def _url(self, name: str, code: str, handle: str | None, settings=None) -> str:
        user = handle.lstrip("@").lower() if handle and ids.USER.fullmatch(
            handle.lstrip("@")) else None
        name = name if user else f"short_{name}"
        template = (self.endpoints[name].default if settings is None
                    else settings.endpoint(self.name, name))
        return template.format(user=user, code=code)

    def post_url(self, post_id: str, handle: str | None, settings=None) -> str:
        if settings is None:
            return ids.public_url(post_id, (handle or "").lstrip("@").lower() or None)
        return self._url("post_url", post_id, handle, settings)

    def valid_id(self, post_id: str) -> bool:
        return ids.valid_id(post_id)

    def folder_name(self, post_id: str) -> str:
        return ids.folder_name(post_id)

    def date_from_id(self, post_id: str) -> str | None:
        return ids.shortcode_date(post_id)

    def lookups(self, post: Mapping, settings) -> list[Lookup]:
        # oEmbed is asked about the public permalink, whatever the article wrote.
        permalink = self.post_url(post["id"], post.get("handle"))
        return [Lookup("oembed", settings.endpoint(self.name, "oembed_url").format(
            url=quote(permalink, safe="")), "oembed.json")]

    def classify(self, answers: Mapping, post: Mapping) -> Verdict:
        from . import oembed

        found = oembed.read(answers["oembed"], post["id"], post.get("handle"))
        if found.kind == "found":
            return Verdict("archived", found.reason, found.data)
        if found.kind == "unavailable":
            return Verdict("unavailable", found.reason)
        return Verdict("failed", found.reason, retry=True)

    def embed_page(self, post: Mapping, settings) -> EmbedPage:
        handle = post.get("handle")
        url = self._url("embed_url", post["id"], handle, settings)
        user = handle.lstrip("@") if handle and ids.USER.fullmatch(handle.lstrip("@")) else None
        return EmbedPage(url, rendered=rendered(user), gone=GONE)


PLATFORM = Threads()
