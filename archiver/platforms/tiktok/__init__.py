"""TikTok: posts read from the web page's data and oEmbed, captured from the
embed player (tiktok.com/player/v1/ID)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import quote

from ...model import Embed
from ..base import EmbedPage, Endpoint, Lookup, Platform, PostRef, Verdict
from . import markup, urls

# The player shows the post: its video laid out with a size, or, for a photo post,
# its pictures loaded at a size no icon has.
RENDERED = """() => {
  const big = el => {
    const box = el.getBoundingClientRect();
    return box.width >= 150 && box.height >= 150;
  };
  const video = document.querySelector('video');
  if (video && big(video)
      && (video.currentSrc || video.src || video.poster || video.querySelector('source[src]'))) {
    return true;
  }
  return Array.from(document.images).some(img => img.complete && img.naturalWidth > 0 && big(img));
}"""
# What the player shows instead of a post: removed, private, region or age gates,
# a login wall.
GONE = re.compile(
    r"video (is )?(currently )?unavailable|this (video|post) (is unavailable|isn[’']t "
    r"available|is private)|couldn[’']t find this (video|post|account)|"
    r"(has been|was) removed|private (video|account)|log in to (tiktok|continue|watch|see)|"
    r"sign up for tiktok|age-restricted|not available in your (country|region)",
    re.IGNORECASE,
)
# The web page answers a browser; anything else is given a challenge.
_PAGE_HEADERS = {"User-Agent": "Mozilla/5.0", "Accept-Language": "en-US,en;q=0.9"}


class TikTok(Platform):
    name = "tiktok"
    title = "TikTok"
    endpoints: ClassVar[Mapping[str, Endpoint]] = {
        "oembed_url": Endpoint("https://www.tiktok.com/oembed?url={url}", ("url",)),
        "page_url": Endpoint("https://www.tiktok.com/@{handle}/video/{id}", ("handle", "id")),
        "embed_url": Endpoint("https://www.tiktok.com/player/v1/{id}", ("id",)),
        # A short link's first hop: "https://vm.tiktok.com/" + "ZMhvqKpXo" (the site's
        # own are "https://www.tiktok.com/" + "t/ZTRvqKpXo").
        "short_url": Endpoint("https://{host}/{code}", ("host", "code")),
    }
    hosts = ("tiktok.com",)
    markers = (b"tiktok", b"amp-tiktok")
    embed_selector = markup.SELECTOR

    def read_embed(self, node) -> Embed | None:
        return markup.read(node)

    def link_key(self, url: str) -> str | None:
        return urls.short_key(url)

    def link_request(self, key: str, settings) -> str | None:
        m = urls.SHORT_KEY.fullmatch(key or "")
        if not m:
            return None
        where, code = m.group("where"), m.group("code")
        host, code = ("www.tiktok.com", f"t/{code}") if where == "tiktok.com/t" else (where, code)
        return settings.endpoint(self.name, "short_url").format(host=host, code=code)

    def post_ref(self, url: str | None) -> PostRef | None:
        parsed = urls.parse(url)
        return PostRef(self.name, parsed[0], parsed[1]) if parsed else None

    def post_url(self, post_id: str, handle: str | None, settings=None) -> str:
        if settings is None:
            return urls.post_url(post_id, handle)
        return settings.endpoint(self.name, "page_url").format(handle=handle or "_",
                                                               id=post_id)

    def valid_id(self, post_id: str) -> bool:
        return urls.valid_id(post_id)

    def date_from_id(self, post_id: str) -> str | None:
        return urls.date_from_id(post_id)

    def lookups(self, post: Mapping, settings) -> list[Lookup]:
        post_id = post["id"]
        handle = post.get("handle")
        handle = handle if isinstance(handle, str) and urls.HANDLE.fullmatch(handle) else "_"
        return [
            # Kept as web_page.html: page.html is the capture's own.
            Lookup("page", settings.endpoint(self.name, "page_url").format(
                handle=handle, id=post_id), "web_page.html", _PAGE_HEADERS),
            Lookup("oembed", settings.endpoint(self.name, "oembed_url").format(
                url=quote(urls.post_url(post_id, handle), safe="")), "oembed.json"),
        ]

    def classify(self, answers: Mapping, post: Mapping) -> Verdict:
        from ...net import RETRY_STATUSES
        from .answers import read_oembed, read_page
        from .classify import classify

        page = answers["page"]
        return classify(read_page(page, post["id"]), read_oembed(answers["oembed"], post["id"]),
                        page_retryable=bool(page.error) or page.status in RETRY_STATUSES)

    def embed_page(self, post: Mapping, settings) -> EmbedPage:
        return EmbedPage(settings.endpoint(self.name, "embed_url").format(id=post["id"]),
                         rendered=RENDERED, gone=GONE)


PLATFORM = TikTok()
