"""Facebook: public posts, photos and videos read from Graph oEmbed (oembed_post,
oembed_video) with the embedded-post plugin page as a second opinion, and
captured from that plugin page (plugins/post.php, plugins/video.php).

Facebook answers a deleted post as it answers one only friends, a group's
members or a logged-in reader may see: a post it no longer shows is recorded
unavailable, never deleted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import ClassVar
from urllib.parse import quote

from ...model import Embed
from ..base import EmbedPage, Endpoint, Finding, Lookup, Platform, PostRef, Verdict
from . import markup, urls

# The plugin page's post markup is not verified: it is there once an element
# holding the post's words (or a playable video) has a size, or once the page,
# loaded, says why it shows none, for GONE to read. A page showing neither never
# counts as rendered: the capture fails with what the page shows.
RENDERED = """() => {
  const shown = (el) => {
    if (!el) return false;
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0;
  };
  const post = document.querySelector('[data-testid="post_message"], .userContent, ._5pbx');
  if (shown(post) && (post.innerText || '').trim().length > 0) return true;
  const video = document.querySelector('video');
  if (shown(video) && (video.readyState > 0 || video.poster)) return true;
  const words = document.body ? (document.body.innerText || '') : '';
  return document.readyState === 'complete'
    && /log ?in|isn[’']t available|not available|blocked/i.test(words);
}"""
GONE = re.compile(
    r"this content isn[’']t available|content not found|you must log in|log ?in to facebook|"
    r"log into facebook|log ?in to continue|page isn[’']t available|"
    r"this video (?:is )?(?:isn[’']t |not )?available|temporarily blocked",
    re.IGNORECASE)
PRESENT = '[data-testid="post_message"], .userContent, ._5pbx'
CANNOT_TELL = ("Facebook answers a deleted post as it answers one that only friends, a"
               " group's members or a logged-in reader may see")


class Facebook(Platform):
    name = "facebook"
    title = "Facebook"
    endpoints: ClassVar[Mapping[str, Endpoint]] = {
        # Tokenless since 15 June 2026 by Meta's reference pages (not tried live):
        # refused, it is a failure with Graph's reason, never a verdict on the post.
        "oembed_post_url": Endpoint(
            "https://graph.facebook.com/v26.0/oembed_post?url={url}&omitscript=true", ("url",)),
        "oembed_video_url": Endpoint(
            "https://graph.facebook.com/v26.0/oembed_video?url={url}&omitscript=true",
            ("url",)),
        # The plugin page captured in the browser, and the same page read by the fetcher;
        # kind is "post" or "video".
        "plugin_url": Endpoint(
            "https://www.facebook.com/plugins/{kind}.php?href={url}&show_text=true&width=500",
            ("kind", "url")),
        "plugin_html_url": Endpoint(
            "https://www.facebook.com/plugins/{kind}.php?href={url}&show_text=true&width=500",
            ("kind", "url")),
        "post_url": Endpoint("https://www.facebook.com/{path}", ("path",)),
        # A short link's first hop: "https://" + "fb.watch" + "/" + "q1W2e3R4t5", or
        # www.facebook.com and "share/p/1AbCdEfGhI".
        "short_url": Endpoint("https://{host}/{code}", ("host", "code")),
    }

    # -- finding posts in articles ---------------------------------------------
    hosts = ("facebook.com", "fb.watch", "fb.com")
    markers = (b"facebook.com", b"fb-post", b"fb-video", b"fb:post", b"fb:video",
               b"amp-facebook", b"fb-xfbml-parse-ignore")
    # One selector per element kind (:is): Lexbor lists an element once per selector
    # of a list it matches.
    embed_selector = (
        "div:is(.fb-post, .fb-video), fb\\:post, fb\\:video, "
        "blockquote.fb-xfbml-parse-ignore, "
        "iframe:is([src*='/plugins/post.php' i], [src*='/plugins/video.php' i], "
        "[src*='facebook.com/video/embed' i], [data-src*='/plugins/post.php' i], "
        "[data-src*='/plugins/video.php' i]), "
        "amp-facebook, "
        "figure:is(.is-provider-facebook, .wp-block-embed-facebook)")

    def read_embed(self, node) -> Embed | None:
        return markup.read(node)

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
        host, code = (("fb.watch", m.group("code")) if m.group("code")
                      else ("www.facebook.com", f"share/{m.group('kind')}/{m.group('share')}"))
        return settings.endpoint(self.name, "short_url").format(host=host, code=code)

    def post_url(self, post_id: str, handle: str | None, settings=None) -> str:
        template = ("https://www.facebook.com/{path}" if settings is None
                    else settings.endpoint(self.name, "post_url"))
        return template.format(path=urls.path(post_id))

    def valid_id(self, post_id: str) -> bool:
        return urls.valid(post_id)

    def folder_name(self, post_id: str) -> str:
        return post_id.replace("/", "+")  # no part of a key holds "+"

    # -- reading it live --------------------------------------------------------
    def lookups(self, post: Mapping, settings) -> list[Lookup]:
        key = post["id"]
        video = key.startswith("videos/")
        public = quote(self.post_url(key, None), safe="")
        oembed = "oembed_video_url" if video else "oembed_post_url"
        return [
            Lookup("oembed", settings.endpoint(self.name, oembed).format(url=public),
                   "oembed.json"),
            Lookup("plugin", settings.endpoint(self.name, "plugin_html_url").format(
                kind="video" if video else "post", url=public), "plugin.html"),
        ]

    def classify(self, answers: Mapping, post: Mapping) -> Verdict:
        from . import oembed, plugin

        return classify(oembed.read(answers["oembed"], post["id"]),
                        plugin.read(answers["plugin"], post["id"]))

    def embed_page(self, post: Mapping, settings) -> EmbedPage:
        key = post["id"]
        return EmbedPage(settings.endpoint(self.name, "plugin_url").format(
            kind="video" if key.startswith("videos/") else "post",
            url=quote(self.post_url(key, None), safe="")),
            rendered=RENDERED, gone=GONE, present=PRESENT)

    def fallback_markup(self, answers: Mapping, verdict: Verdict) -> str | None:
        # The plugin page's layout is not verified: where it cannot be captured,
        # oEmbed's code, rendered, is the evidence of what Facebook said.
        from . import oembed

        if verdict.data is None or verdict.data.endpoint != "oembed":
            return None
        return oembed.markup(answers["oembed"])


def classify(oembed: Finding, plugin: Finding) -> Verdict:
    """Both answers weighed, never `deleted`: oEmbed's code first (text, author, day),
    the plugin page's words where oEmbed's are cut short and its exact time."""
    both = f"{oembed.reason}; {plugin.reason}"
    if oembed.kind == "found":
        data = oembed.data
        if plugin.kind == "found":
            live = plugin.data.text or ""
            cut = (data.text or "").rstrip().rstrip(".…").rstrip()
            if data.truncated and live.startswith(cut):
                data.text, data.truncated = live, False
            data.created_at = plugin.data.created_at or data.created_at
        return Verdict("archived", both, data)
    if plugin.kind == "found":
        return Verdict("archived", f"{both} (data from the plugin page)", plugin.data)
    if {oembed.kind, plugin.kind} & {"not_found", "unavailable"}:
        return Verdict("unavailable", f"{both}: {CANNOT_TELL}")
    return Verdict("failed", both, retry=True)


PLATFORM = Facebook()
