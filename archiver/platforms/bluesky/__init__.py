"""Bluesky: posts read from the public AppView (no login), their author's account
asked before a post is called deleted, captured from embed.bsky.app's page."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import urlencode

from ...model import Embed
from ..base import EmbedPage, Endpoint, Lookup, Platform, PostRef, Verdict
from . import ids, markup

# What embed.bsky.app shows instead of a post: its one error text (for any failed
# fetch, not only a deleted post) and the notice for authors who opted out of
# logged-out viewing.
GONE = re.compile(
    r"post not found|it may have been deleted|not be displayed on external sites|"
    r"this post is unavailable|account (?:has been )?(?:suspended|deactivated|taken down)",
    re.IGNORECASE,
)
# The page builds the post by script into #app: rendered once it is laid out with
# words and the post's date link, or shows one of the texts above (then judged by
# the capture, not waited for until the timeout).
RENDERED = """() => {
  const root = document.getElementById('app') || document.body;
  if (!root) return false;
  const box = root.getBoundingClientRect();
  const words = (root.innerText || '').trim();
  if (!(box.width > 0 && box.height > 0 && words.length > 0)) return false;
  return !!root.querySelector('time[datetime]') || new RegExp(%s, 'i').test(words);
}""" % json.dumps(GONE.pattern)


class Bluesky(Platform):
    name = "bluesky"
    title = "Bluesky"
    short_names = ("bsky",)
    endpoints: ClassVar[Mapping[str, Endpoint]] = {
        # The AppView's XRPC methods: getPostThread, getProfile.
        "api_url": Endpoint("https://public.api.bsky.app/xrpc/{method}?{query}",
                            ("method", "query")),
        # The DID document of a did:plc, naming the author's PDS (media originals).
        "plc_url": Endpoint("https://plc.directory/{did}", ("did",)),
        "embed_url": Endpoint(
            "https://embed.bsky.app/embed/{actor}/app.bsky.feed.post/{rkey}", ("actor", "rkey")),
        "post_url": Endpoint("https://bsky.app/profile/{actor}/post/{rkey}", ("actor", "rkey")),
    }

    hosts = ("bsky.app",)
    uri_prefixes = ("at://did:",)
    markers = (b"bsky.app", b"bluesky")
    embed_selector = markup.SELECTOR

    def read_embed(self, node) -> Embed | None:
        return markup.read_embed(node)

    def find_in_text(self, text: str) -> list[Embed]:
        return markup.find_in_text(text)

    def post_ref(self, url: str | None) -> PostRef | None:
        ref = ids.parse_url(url)
        return PostRef(self.name, ref[0], ref[1]) if ref else None

    def post_url(self, post_id: str, handle: str | None, settings=None) -> str:
        if settings is None:
            return ids.public_url(post_id)
        actor, rkey = ids.split_id(post_id)
        return settings.endpoint(self.name, "post_url").format(actor=actor, rkey=rkey)

    def valid_id(self, post_id: str) -> bool:
        return ids.valid_id(post_id)

    def folder_name(self, post_id: str) -> str:
        return ids.folder_name(post_id)

    def other_ids(self, post_id: str, handle: str | None) -> tuple[str, ...]:
        # A link names the post by its author's handle where the embed names the
        # DID: the record key is the same, and the handle is the DID's (as the embed
        # said). A handle-keyed id alone tells no DID: nothing to add.
        actor, rkey = ids.split_id(post_id)
        if not (ids.is_did(actor) and handle and handle.lower() != "handle.invalid"):
            return ()
        other = f"{handle.lower().lstrip('@')}/{rkey}"
        return (other,) if ids.valid_id(other) else ()

    def date_from_id(self, post_id: str) -> str | None:
        return ids.tid_date(ids.split_id(post_id)[1]) if ids.valid_id(post_id) else None

    def lookups(self, post: Mapping, settings) -> list[Lookup]:
        post_id = post["id"]
        actor = ids.split_id(post_id)[0]
        api = settings.endpoint(self.name, "api_url")
        found = [
            Lookup("thread", api.format(method="app.bsky.feed.getPostThread", query=urlencode(
                {"uri": ids.at_uri(post_id), "depth": 0, "parentHeight": 0})),
                "getPostThread.json"),
            Lookup("profile", api.format(method="app.bsky.actor.getProfile",
                                         query=urlencode({"actor": actor})), "getProfile.json"),
        ]
        if actor.startswith("did:plc:"):
            found.append(Lookup("did", settings.endpoint(self.name, "plc_url").format(did=actor),
                                "did.json"))
        return found

    def classify(self, answers: Mapping, post: Mapping) -> Verdict:
        from . import api
        from .classify import classify

        pds = api.read_pds(answers.get("did"))
        return classify(api.read_thread(answers["thread"], post["id"], pds),
                        api.read_profile(answers["profile"], post["id"]), post["id"])

    def embed_page(self, post: Mapping, settings) -> EmbedPage:
        actor, rkey = ids.split_id(post["id"])
        url = settings.endpoint(self.name, "embed_url").format(actor=actor, rkey=rkey)
        return EmbedPage(url, rendered=RENDERED, gone=GONE, present="#app time[datetime]")


PLATFORM = Bluesky()
