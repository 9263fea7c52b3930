"""The contract every platform keeps, and the plain values it hands the stages.

The stages (scan, resolve, fetch, capture, lookup) only ever talk to a Platform:
what differs from one platform to the next (its URL forms, its endpoints and
what their answers mean, its embed page) lives in that platform's package.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from ..model import Embed

if TYPE_CHECKING:
    from ..net import Answer


@dataclass(frozen=True)
class Endpoint:
    """A URL template a platform reads, and the fields it must hold. Every endpoint
    is a setting ([platform] NAME in archiver.toml, ARCHIVER_PLATFORM_NAME in the
    environment) so a mirror, or the tests' stand-in, can take its place."""

    default: str
    fields: tuple[str, ...]


@dataclass(frozen=True)
class PostRef:
    """A post as any of its URLs names it: the platform's own stable identifier."""

    platform: str
    id: str
    handle: str | None = None


@dataclass
class PostData:
    """What a live source says about a post."""

    id: str
    handle: str | None = None
    author: str | None = None
    created_at: str | None = None  # ISO 8601 as the source gives it
    text: str | None = None
    media: list = field(default_factory=list)
    quoted_id: str | None = None
    quoted_handle: str | None = None
    edit_info: dict | None = None
    is_edited: bool = False
    truncated: bool = False  # the live text is the start of a longer post
    endpoint: str = ""  # the endpoint that said it ("syndication", "oembed")


@dataclass
class Finding:
    """One endpoint's word on a post: found, gone, withheld, or could not tell."""

    kind: str  # found | not_found | unavailable | error
    reason: str
    data: PostData | None = None


@dataclass
class Verdict:
    """A post's status once its platform has weighed every answer."""

    status: str  # archived | deleted | unavailable | failed
    reason: str
    data: PostData | None = None
    retry: bool = False


@dataclass(frozen=True)
class Lookup:
    """One request for a post's data: the answer is kept as evidence under `file`."""

    name: str  # what the platform calls it when classifying: "syndication", "oembed"
    url: str
    file: str  # the capture's file name for the raw answer ("syndication.json")
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EmbedPage:
    """The page a reader's browser showed for the post, and how to tell that it did.

    `rendered` is a JavaScript function (as text) true once the post is laid out;
    `gone` matches the words a page shows instead of a post (removed, login wall);
    `present` is a selector whose presence proves a post is shown despite them.
    """

    url: str
    rendered: str
    gone: re.Pattern | None = None
    present: str | None = None
    headers: Mapping[str, str] = field(default_factory=dict)  # YouTube wants a Referer


# How a cut text ends: an ellipsis, then perhaps a link standing for the whole post.
_CUT_END = re.compile(r"\s*(?:\.\.\.|…)?\s*(?:<[A-Za-z0-9]+>)?\s*$")


class Platform:
    """What one platform tells the stages. Subclasses set the attributes and
    override what their platform does differently."""

    name: str = ""  # key prefix, capture folder, settings section: "twitter", "bluesky"
    title: str = ""  # as people write it: "Twitter/X"
    short_names: tuple[str, ...] = ()  # what `lookup x:@jack` may call it
    endpoints: ClassVar[Mapping[str, Endpoint]] = {}
    # Endpoints that were top-level settings before there were platforms (TCO_URL):
    # those names still set them, the platform's own section winning.
    top_level_settings: tuple[str, ...] = ()
    # Links in a post's text standing for something else (t.co for Twitter):
    # compared by their code, so the same link written two ways is one.
    link_codes: re.Pattern | None = None

    # -- finding posts in articles ---------------------------------------------
    # Lower-case byte strings one of which every page holding this platform's
    # embeds or post links contains ("instagram.com", "instagram-media"): pages
    # without any are not searched for them.
    markers: tuple[bytes, ...] = ()
    # The hosts its post and short-link URLs are on (subdomains included), and for
    # a platform on any host (Mastodon's instances) the path parts its post URLs
    # hold: an HTML page is read for its posts only where a URL of these names one,
    # or its URL-less embed code stands in a tag.
    hosts: tuple[str, ...] = ()
    paths: tuple[str, ...] = ()
    # Class-name words (regular expressions) of its own share and intent buttons,
    # whose links name posts by accident ("click-to-tweet"): not the article's prose.
    button_names: tuple[str, ...] = ()
    # URIs of a scheme of its own that name its posts, as the scheme and the start
    # of what follows "//" ("at://did:"): read as its URLs are.
    uri_prefixes: tuple[str, ...] = ()
    # A CSS selector (Lexbor's dialect) matching every element its embeds are read
    # from: official embed code, rendered iframes, AMP components, WordPress blocks.
    embed_selector: str = ""

    def read_embed(self, node) -> Embed | None:
        """The post one element matched by embed_selector embeds, as far as the
        markup tells (the fields it does not hold stay None), or None when it is
        no post (a profile, a timeline, a follow button)."""
        return None

    def find_in_text(self, text: str) -> list[Embed]:
        """Posts a plain-text article shows by the platform's own attribution."""
        return []

    # A platform whose posts take forms a selector cannot name (publishers' own
    # cards, consent placeholders, attributions flattened into the text) reads
    # the page itself: it names the marks that say a page may show its posts
    # (patterns of bytes, searched for in one pass before the page is parsed:
    # archiver/scan/marks.py), and is asked after the platforms that only have a
    # selector, so that none of its looser forms takes their posts for its own.
    reads_page: bool = False
    page_marks: tuple = ()  # archiver.scan.marks.Mark

    def asks(self, found) -> bool:
        """Whether an HTML page whose bytes hold the page_marks in found (a
        marks.Found) may show its posts (reads_page platforms)."""
        return False

    def holds_markup(self, found) -> bool:
        """Whether the marks found are its embed markup: then even a fragment of a
        page without <html> or <body> (raw CMS content) is read as HTML."""
        return False

    def read_page(self, doc, text: str, found, pairs: list) -> tuple[list, list[Embed]]:
        """(pairs with its own embeds added, the posts the page's prose cites):
        pairs are (element, Embed) in document order, the other platforms' found
        so far in the parsed doc; text is the page it was parsed from."""
        return pairs, []

    def read_loose(self, doc, text: str, found, skip: list) -> list[Embed]:
        """Its posts the page shows outside any element of theirs (attributions
        flattened into the page's text, shortcodes), read after every platform's
        embeds and links: it may take the elements in skip out of doc."""
        return []

    def writes_links(self, found) -> bool:
        """Whether the page's marks say its short links may be written in the
        text itself, not only in links (links_in reads them)."""
        return False

    def links_in(self, text: str) -> list[str]:
        """Its short links written anywhere in an article's text, in order."""
        return []

    def cited_in_text(self, text: str) -> list[Embed] | None:
        """The posts a plain-text article's prose names; None: those whose URLs
        post_ref reads, written out in full (the default)."""
        return None

    # -- links that lead to posts only after a redirect ---------------------------
    def link_key(self, url: str) -> str | None:
        """The archive's key for one of this platform's short links (t.co, a
        vm.tiktok.com or fb.watch code): the key the link is stored and resolved
        under, or None when the URL is no such link."""
        return None

    def link_request(self, key: str, settings) -> str | None:
        """The first URL to ask when resolving the link stored under key, or None
        when the key is not one of this platform's."""
        return None

    def unwrap(self, url: str) -> str:
        """Where a hop of a link's redirects really leads when the platform put a
        page of its own in between (a warning before a flagged link); url itself
        otherwise."""
        return url

    def is_media_link(self, url: str) -> bool:
        """A link a post carries to its own media (pic.twitter.com): resolved, it
        names the post it belongs to, so it can give a post found without an id
        its id."""
        return False

    # -- naming posts ------------------------------------------------------
    def post_ref(self, url: str | None) -> PostRef | None:
        """Any URL form of one of this platform's posts, as its stable reference."""
        return None

    def post_url(self, post_id: str, handle: str | None, settings=None) -> str:
        """The post's public address, for people and for records; settings may
        point it elsewhere (a mirror, the tests' stand-in); None: the public one."""
        raise NotImplementedError

    def valid_id(self, post_id: str) -> bool:
        """Whether post_id is a well-formed id on this platform: ids become folder
        names and request parameters, so an id must be safe before it is used."""
        return bool(post_id) and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", post_id) is not None

    def date_from_id(self, post_id: str) -> str | None:
        """The UTC date (YYYY-MM-DD) the id itself encodes, where it encodes one."""
        return None

    def folder_name(self, post_id: str) -> str:
        """The id as one safe path segment of the capture folder."""
        return post_id

    def other_ids(self, post_id: str, handle: str | None) -> tuple[str, ...]:
        """The ids under which articles may name the same post, as far as its id
        and its author's handle tell (Bluesky: HANDLE/RKEY for DID/RKEY): a post
        recorded under one of them and met under another is one post."""
        return ()

    # -- reading it live -----------------------------------------------------
    def lookups(self, post: Mapping, settings) -> list[Lookup]:
        """The requests for a post's data; post holds id, handle and url."""
        raise NotImplementedError

    def classify(self, answers: Mapping[str, Answer], post: Mapping) -> Verdict:
        """Every answer weighed: `deleted` only on a positive removal signal that the
        rest of the chain corroborates, never on one endpoint's silence."""
        raise NotImplementedError

    def embed_page(self, post: Mapping, settings) -> EmbedPage | None:
        """The page to capture, or None where the platform has none without a login."""
        return None

    def fallback_markup(self, answers: Mapping[str, Answer], verdict: Verdict) -> str | None:
        """Markup to render when the embed page cannot show a post that a data
        endpoint found and the page does not read (an oEmbed answer's html):
        evidence of what that endpoint showed."""
        return None

    # Its endpoints whose data is partial (no media, no exact time): a post archived
    # from one of them is asked again by `archiver refresh` (refresh_lookup).
    partial_endpoints: tuple[str, ...] = ()

    def refresh_lookup(self, post: Mapping, settings) -> Lookup | None:
        """For a post archived from a partial endpoint: the request that may now
        fill in what it lacked (media, exact time), or None."""
        return None

    def read_refresh(self, answer: Answer, post: Mapping) -> Finding:
        raise NotImplementedError

    # -- keeping media -------------------------------------------------------
    def original_media_url(self, item: Mapping) -> str | None:
        """Where the best copy of one of PostData.media is: the file itself, at the
        largest size offered, never a streaming playlist; None when the data names
        no such file. By default a video's or GIF's `video` URL and a photo's `url`,
        as given; a platform whose URLs name a size says how to ask for the original."""
        kind = item.get("type")
        url = item.get("video") if kind in ("video", "gif", "animated_gif") else item.get("url")
        if not isinstance(url, str) or not url.startswith(("https://", "http://")):
            return None
        path = url.split("?", 1)[0].split("#", 1)[0].lower()
        return None if path.endswith((".m3u8", ".mpd")) else url

    def media_key(self, item: Mapping) -> str:
        """The platform's name for one of PostData.media, kept in its file name: the
        item's `key` where the data gives one, else the last segment of its URL
        without the extension ("…/media/FxYz12.jpg" -> "FxYz12")."""
        key = item.get("key")
        if isinstance(key, str) and key:
            return key
        url = item.get("url") or item.get("video") or ""
        last = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
        return last.rsplit(".", 1)[0] if "." in last else last

    # -- comparing texts -----------------------------------------------------
    def normalise_text(self, text: str) -> str:
        """Links by code only, whitespace collapsed, typographic quotes made plain."""
        if self.link_codes is not None:
            text = self.link_codes.sub(lambda m: f"<{m.group(1)}>", text)
        text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
        text = text.replace("\u201d", '"').replace("\u2026", "...")
        return " ".join(text.split())

    def texts_differ(self, preserved: str | None, live: str | None,
                     live_truncated: bool = False) -> bool:
        """Whether the post says something else now than the article preserved. A
        live text known to be cut short differs only if the preserved text does not
        begin with it."""
        if not preserved or not live:
            return False
        preserved, live = self.normalise_text(preserved), self.normalise_text(live)
        if live_truncated:
            start = _CUT_END.sub("", live)
            return not (start and preserved.startswith(start))
        return preserved != live

    def __repr__(self) -> str:
        return f"<platform {self.name}>"
