"""Reddit: posts and comments read from the .json listing and oEmbed, captured
from the embed page (embed.reddit.com)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import quote

from ...model import Embed
from ..base import EmbedPage, Endpoint, Lookup, Platform, PostRef, Verdict
from . import markup
from .urls import KEY, SHARE_KEY, RedditRef, from_key, parse, path, permalink, share_key

# The embed shows the post (or comment): laid out with a size and words. Its
# elements are not known for sure: Reddit's own (shreddit-*) or any article.
RENDERED = """() => {
  const el = document.querySelector(
    'shreddit-embed, shreddit-post, shreddit-comment, [data-testid="post-container"], article');
  if (!el) return false;
  const box = el.getBoundingClientRect();
  const words = (el.innerText || (el.shadowRoot && el.shadowRoot.textContent) || '').trim();
  return box.width > 0 && box.height > 0 && words.length > 0;
}"""
# What the embed page says instead of a post: removed, private or banned
# communities, the over-18 gate, a block page, a login wall.
GONE = re.compile(
    r"(this|sorry, this) (post|comment) (was|has been) (deleted|removed)|"
    r"removed by (the )?moderators|\[removed\]|this community is (private|banned)|"
    r"private community|quarantined|you must be 18|mature content|over 18|"
    r"blocked by network security|whoa there, pardner|log in to (reddit|continue)|"
    r"page not found|something went wrong",
    re.IGNORECASE,
)


class Reddit(Platform):
    name = "reddit"
    title = "Reddit"
    endpoints: ClassVar[Mapping[str, Endpoint]] = {
        "json_url": Endpoint("https://www.reddit.com/{path}.json?raw_json=1", ("path",)),
        "oembed_url": Endpoint("https://www.reddit.com/oembed?url={url}", ("url",)),
        "embed_url": Endpoint("https://embed.reddit.com/{path}?embed=true", ("path",)),
        "post_url": Endpoint("https://www.reddit.com/{path}", ("path",)),
        "share_url": Endpoint("https://www.reddit.com/r/{subreddit}/s/{code}",
                              ("subreddit", "code")),
    }
    hosts = ("reddit.com", "redd.it", "redditmedia.com")
    markers = (b"reddit", b"redd.it", b"amp-reddit")
    embed_selector = markup.SELECTOR

    def read_embed(self, node) -> Embed | None:
        return markup.read(node)

    def link_key(self, url: str) -> str | None:
        return share_key(url)

    def link_request(self, key: str, settings) -> str | None:
        m = SHARE_KEY.fullmatch(key or "")
        if not m:
            return None
        return settings.endpoint(self.name, "share_url").format(subreddit=m.group("sub"),
                                                                code=m.group("code"))

    def post_ref(self, url: str | None) -> PostRef | None:
        ref = parse(url)
        return PostRef(self.name, ref.key, ref.user) if ref else None

    def post_url(self, post_id: str, handle: str | None, settings=None) -> str:
        ref = from_key(post_id) or RedditRef(post_id)
        if settings is None:
            return permalink(ref)
        return settings.endpoint(self.name, "post_url").format(path=path(ref))

    def valid_id(self, post_id: str) -> bool:
        return bool(post_id) and KEY.fullmatch(post_id) is not None

    def folder_name(self, post_id: str) -> str:
        return post_id.replace("/", "+")  # "post+comment", as Telegram names "channel+id"

    def lookups(self, post: Mapping, settings) -> list[Lookup]:
        ref = _ref(post)
        return [
            Lookup("json", settings.endpoint(self.name, "json_url").format(path=path(ref)),
                   "listing.json"),
            Lookup("oembed", settings.endpoint(self.name, "oembed_url").format(
                url=quote(permalink(ref), safe="")), "oembed.json"),
        ]

    def classify(self, answers: Mapping, post: Mapping) -> Verdict:
        from .answers import read_json, read_oembed
        from .classify import classify

        ref = _ref(post)
        listing, removed = read_json(answers["json"], ref)
        return classify(listing, removed, read_oembed(answers["oembed"], ref))

    def embed_page(self, post: Mapping, settings) -> EmbedPage:
        return EmbedPage(settings.endpoint(self.name, "embed_url").format(path=path(_ref(post))),
                         rendered=RENDERED, gone=GONE)

    def texts_differ(self, preserved: str | None, live: str | None,
                     live_truncated: bool = False) -> bool:
        # An embed keeps the title alone; the live text is the title, then the body.
        if preserved and live and "\n" not in preserved.strip():
            live = live.split("\n", 1)[0]
        return super().texts_differ(preserved, live, live_truncated)


def _ref(post: Mapping) -> RedditRef:
    """The post's reference, with its community when the post's URL names it
    (the fetch stage may pass the URL the article wrote)."""
    ref = from_key(post["id"]) or RedditRef(post["id"])
    written = parse(post.get("url")) if isinstance(post.get("url"), str) else None
    if written is not None and written.key == ref.key:
        return written
    return ref


PLATFORM = Reddit()
