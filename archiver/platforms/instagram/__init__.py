"""Instagram: posts read from their embed page (/p/CODE/embed/captioned/, no login)
with Graph oEmbed as a second opinion, and captured from that embed page.

Neither source tells a deleted post from a private one, an age-restricted one or
one whose account turned embedding off: a post Instagram no longer shows is
recorded unavailable, never deleted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import quote

from ...model import Embed
from ..base import EmbedPage, Endpoint, Finding, Lookup, Platform, PostRef, Verdict
from . import markup, urls

# The embed page is built by script: the post is there once its media has a size
# (an image loaded) or its caption has words. A page holding neither but saying
# something (a restriction, a login wall) is done too, for GONE to read.
RENDERED = """() => {
  const shown = (el) => {
    if (!el) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const media = document.querySelector('.EmbeddedMediaImage, .EmbeddedMediaVideo');
  if (shown(media) && (media.tagName !== 'IMG' || (media.complete && media.naturalWidth > 0)))
    return true;
  const caption = document.querySelector('.Caption, .UsernameText');
  if (shown(caption) && (caption.innerText || '').trim().length > 0) return true;
  if (media || caption) return false;
  const words = document.body ? (document.body.innerText || '').trim() : '';
  return words.length > 0 && document.readyState === 'complete';
}"""
# What the embed page says where it shows no post (a restriction, a login wall, the
# empty box of a post whose account turned embedding off).
GONE = re.compile(
    r"restricted (?:video|photo|post|profile|content)|this (?:post|content|page) (?:is|isn[’']t) "
    r"(?:unavailable|available)|may have been removed|page isn[’']t available|"
    r"log ?in to (?:instagram|see|continue)|log into instagram|sign up to see|"
    r"couldn[’']t load|something went wrong|view this post on instagram",
    re.IGNORECASE)
PRESENT = ".EmbeddedMediaImage, .EmbeddedMediaVideo, .Caption"
CANNOT_TELL = ("Instagram answers a deleted post as it answers a private one, an"
               " age-restricted one, or one whose account turned embedding off")


class Instagram(Platform):
    name = "instagram"
    title = "Instagram"
    endpoints: ClassVar[Mapping[str, Endpoint]] = {
        # The embed page captured in the browser, and the same page read by the fetcher.
        "embed_url": Endpoint("https://www.instagram.com/p/{code}/embed/captioned/", ("code",)),
        "embed_html_url": Endpoint("https://www.instagram.com/p/{code}/embed/captioned/",
                                   ("code",)),
        # Tokenless since 15 June 2026 by Meta's reference pages (not tried live):
        # refused, it is a failure with Graph's reason, never a verdict on the post.
        "oembed_url": Endpoint(
            "https://graph.facebook.com/v26.0/instagram_oembed?url={url}&omitscript=true",
            ("url",)),
        "post_url": Endpoint("https://www.instagram.com/p/{code}/", ("code",)),
        # A share link's first hop: "https://www.instagram.com/" + "share/p/BAcdEf123".
        "short_url": Endpoint("https://www.instagram.com/{path}", ("path",)),
    }

    # -- finding posts in articles ---------------------------------------------
    hosts = ("instagram.com", "instagr.am")
    markers = (b"instagram.com", b"instagr.am", b"instagram-media", b"amp-instagram",
               b"data-instgrm", b"shared by", b"posted by")  # a flattened embed's words
    # One selector per element kind (:is): Lexbor lists an element once per selector
    # of a list it matches.
    embed_selector = (
        "blockquote:is(.instagram-media, [data-instgrm-permalink]), "
        "iframe:is(.instagram-media, [src*='instagram.com/' i], [data-src*='instagram.com/' i],"
        " [src*='instagr.am/' i]), "
        "amp-instagram, "
        "figure:is(.is-provider-instagram, .wp-block-embed-instagram)")

    def read_embed(self, node) -> Embed | None:
        return markup.read(node)

    def find_in_text(self, text: str) -> list[Embed]:
        return markup.in_text(text)

    # -- naming posts -----------------------------------------------------------
    def post_ref(self, url: str | None) -> PostRef | None:
        found = urls.parse(url)
        return PostRef(self.name, found[0], found[1]) if found else None

    def link_key(self, url: str) -> str | None:
        return urls.short_key(url)

    def link_request(self, key: str, settings) -> str | None:
        m = urls.SHORT_KEY.fullmatch(key or "")
        if m is None:
            return None
        return settings.endpoint(self.name, "short_url").format(
            path=f"share/{m.group('kind')}/{m.group('code')}/")

    def post_url(self, post_id: str, handle: str | None, settings=None) -> str:
        if settings is None:
            return f"https://www.instagram.com/p/{post_id}/"
        return settings.endpoint(self.name, "post_url").format(code=post_id)

    def valid_id(self, post_id: str) -> bool:
        return bool(post_id) and urls.SHORTCODE.fullmatch(post_id) is not None

    def date_from_id(self, post_id: str) -> str | None:
        return urls.date_from_shortcode(post_id)

    def folder_name(self, post_id: str) -> str:
        # A folder may not start with "-"; "." is in no shortcode, so this names one post.
        return f"ig.{post_id}" if post_id.startswith("-") else post_id

    # -- reading it live --------------------------------------------------------
    def lookups(self, post: Mapping, settings) -> list[Lookup]:
        code = post["id"]
        public = quote(f"https://www.instagram.com/p/{code}/", safe="")
        return [
            Lookup("embed", settings.endpoint(self.name, "embed_html_url").format(code=code),
                   "embed.html"),
            Lookup("oembed", settings.endpoint(self.name, "oembed_url").format(url=public),
                   "oembed.json"),
        ]

    def classify(self, answers: Mapping, post: Mapping) -> Verdict:
        from . import embed, oembed

        return classify(embed.read(answers["embed"], post["id"]),
                        oembed.read(answers["oembed"], post["id"]))

    def embed_page(self, post: Mapping, settings) -> EmbedPage:
        return EmbedPage(settings.endpoint(self.name, "embed_url").format(code=post["id"]),
                         rendered=RENDERED, gone=GONE, present=PRESENT)

    def fallback_markup(self, answers: Mapping, verdict: Verdict) -> str | None:
        # Only for a post the embed page did not show the fetcher: where the page did,
        # its failing in the browser is the failure to record.
        from . import oembed

        if verdict.data is None or verdict.data.endpoint != "oembed":
            return None
        return oembed.markup(answers["oembed"])


def classify(embed: Finding, oembed: Finding) -> Verdict:
    """Both answers weighed: the embed page's data first (it has the media and the
    time), oEmbed's where the page showed nothing; never `deleted`."""
    both = f"{embed.reason}; {oembed.reason}"
    if embed.kind == "found":
        data = embed.data
        if oembed.kind == "found":
            data.text = data.text or oembed.data.text
            data.author = data.author or oembed.data.author
            data.handle = data.handle or oembed.data.handle
            data.created_at = data.created_at or oembed.data.created_at
        return Verdict("archived", both if oembed.kind == "found" else embed.reason, data)
    if oembed.kind == "found":
        return Verdict("archived", f"{both} (data from oEmbed)", oembed.data)
    if {embed.kind, oembed.kind} & {"not_found", "unavailable"}:
        return Verdict("unavailable", f"{both}: {CANNOT_TELL}")
    return Verdict("failed", both, retry=True)


PLATFORM = Instagram()
