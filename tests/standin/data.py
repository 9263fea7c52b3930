"""What the stand-in serves: tweets, t.co links, articles, faults; and the syndication JSON.

Tests set plain dataclasses (or dicts / strings, normalised on lookup) in
`StandIn.tweets`, `.links` and `.articles`, before or during a run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

# Availability: how the tweet itself is (every endpoint agrees).
AVAILABILITY = {"ok", "deleted", "tombstone", "protected", "suspended", "age_restricted"}
# Transport faults: how an endpoint answers (only on Tweet.fault_endpoints, or via Fault).
TRANSPORT = {"rate_limited", "flaky", "reset", "slow", "empty", "html_instead_of_json",
             "invalid_json", "huge", "truncated", "drip"}
BEHAVIOURS = AVAILABILITY | TRANSPORT
ENDPOINTS = {"tco", "syndication", "oembed", "embed", "status", "article", "safety", "media"}

TWEPOCH_MS = 1288834974657
TCO_RE = re.compile(r"https?://t\.co/([A-Za-z0-9]+)")
HASHTAG_RE = re.compile(r"(?<![\w&])#(\w+)")
MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{1,15})")
SYMBOL_RE = re.compile(r"(?<![\w$])\$([A-Za-z]{1,6})(?![\w])")

TOMBSTONE_TEXTS = {
    "tombstone": "This Post is unavailable. Learn more",
    "protected": "You’re unable to view this Post because this account owner limits who "
    "can view their Posts. Learn more",
    "suspended": "This Post is from a suspended account. Learn more",
    "age_restricted": "Age-restricted adult content. This content might not be appropriate "
    "for people under 18 years old. To view this media, you’ll need to log in to X. Learn more",
}
# Hostile answers for a media original: a body that never ends, an HTML page, a redirect
# to a loopback name the guard refuses, a 5 GB Content-Length, a server error.
MEDIA_ANSWERS = {"ok", "endless", "wrong_type", "redirect_private", "huge_length", "flaky"}
# The video variants the stand-in lists, highest bitrate not first, the playlist first.
VIDEO_BITRATES = (256000, 2176000, 832000)

# How syndication answers for unavailable tweets unless Tweet.unavailable_as says otherwise.
SYNDICATION_DEFAULT = {"protected": "404", "suspended": "404", "age_restricted": "tombstone"}


@dataclass
class Media:
    type: str = "photo"  # photo | video | animated_gif
    code: str | None = None  # t.co code of its pic.twitter.com link (generated when None)
    alt: str | None = None  # ext_alt_text
    width: int = 1200
    height: int = 675
    color: str = "#3b7dd8"  # colour of the generated image the stand-in serves
    url: str | None = None  # media_url_https override (default: served by the stand-in)
    # How the stand-in answers for the original (a photo asked with name=orig, a video's
    # or GIF's MP4s): ok, or a hostile answer (see MEDIA_ANSWERS).
    answer: str = "ok"

    def __post_init__(self):
        if self.answer not in MEDIA_ANSWERS:
            raise ValueError(f"unknown media answer {self.answer!r}; one of {sorted(MEDIA_ANSWERS)}")


@dataclass
class Tweet:
    id: str
    handle: str = "example"
    name: str = "Example Person"
    text: str = ""  # raw (unescaped) text; t.co links as https://t.co/<code>
    created_at: str | None = None  # ISO-8601; default derived from the snowflake id
    media: list[Media] = field(default_factory=list)
    quoted_id: str | None = None  # nested as quoted_tweet
    quote_code: str | None = None  # t.co code appended to text, expanding to the quoted status
    reply_to: str | None = None  # in_reply_to_* (and parent when that tweet is known)
    edit_ids: list[str] = field(default_factory=list)  # edit history incl. this id; >1 = edited
    lang: str = "en"
    behaviour: str = "ok"
    fail_times: int | None = None  # faults hit the first N requests per endpoint (None: see doc)
    fault_endpoints: tuple[str, ...] = ("syndication", "oembed")
    retry_after: int | str = 1  # seconds, for rate_limited (a string: any header value, "nan")
    delay: float = 30.0  # seconds, for slow (above the archiver's default 20 s timeout)
    # Markup appended to the embed page's body: a hostile page (a busy loop, requests to
    # other addresses, popups) served where the archiver expects the platform's widget.
    embed_extra: str = ""
    unavailable_as: str | None = None  # syndication for protected/suspended/age_restricted
    tombstone_text: str | None = None
    urls: dict[str, str] = field(default_factory=dict)  # t.co code -> expanded_url override
    user_id: str | None = None
    verified: bool = False
    is_blue_verified: bool = False
    favorite_count: int = 42
    conversation_count: int = 3
    possibly_sensitive: bool = False
    # Requests seen per endpoint, and fault budget used per (behaviour, endpoint).
    hits: dict[str, int] = field(default_factory=dict, repr=False, compare=False)
    fault_hits: dict[tuple[str, str], int] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        self.id = str(self.id)
        if self.behaviour not in BEHAVIOURS:
            raise ValueError(f"unknown behaviour {self.behaviour!r}; one of {sorted(BEHAVIOURS)}")
        self.media = [m if isinstance(m, Media) else Media(**m) for m in self.media]
        for i, m in enumerate(self.media):
            if m.code is None:
                m.code = "m" + hashlib.sha1(f"{self.id}/{i}".encode()).hexdigest()[:9]
        if self.created_at is None:
            self.created_at = snowflake_time(self.id)
        self.created_at = iso_ms(self.created_at)
        if self.user_id is None:
            self.user_id = str(int(hashlib.sha1(self.handle.lower().encode()).hexdigest()[:12], 16))

    # What the endpoints see -------------------------------------------------

    def availability(self) -> str:
        """The availability part of the behaviour ("ok" for transport faults)."""
        return self.behaviour if self.behaviour in AVAILABILITY else "ok"

    def fault_budget(self) -> int | None:
        """How many requests per endpoint the transport fault hits (None = all)."""
        if self.fail_times is not None:
            return self.fail_times
        return 2 if self.behaviour in ("rate_limited", "flaky") else None

    def syndication_outcome(self) -> str:
        """'ok', '404' or 'tombstone'."""
        a = self.availability()
        if a == "ok":
            return "ok"
        if a == "deleted":
            return "404"
        if a == "tombstone":
            return "tombstone"
        return self.unavailable_as or SYNDICATION_DEFAULT[a]

    def oembed_outcome(self) -> str:
        """'ok', '404' or '403'."""
        a = self.availability()
        return {"ok": "ok", "tombstone": "ok", "deleted": "404"}.get(a, "403")

    def notice(self) -> str:
        """What the embed page shows instead of an unavailable tweet."""
        a = self.availability()
        if a == "deleted":
            return "This Post is unavailable."
        return self.tombstone_text or TOMBSTONE_TEXTS.get(a, "This Post is unavailable.")

    def full_text(self) -> str:
        """Text with the quote link and media links appended as Twitter does."""
        text = self.text
        for code in ([self.quote_code] if self.quote_code else []) + [m.code for m in self.media]:
            if f"t.co/{code}" not in text:
                text = f"{text} https://t.co/{code}" if text else f"https://t.co/{code}"
        return text


@dataclass
class Link:
    target: str  # absolute URL, or "/path" on the stand-in ("{base}" is also replaced)
    slow: float = 0.0  # seconds to sleep before answering
    flagged: bool = False  # lands on /safety/unsafe_link_warning?unsafe_link=<target>


@dataclass
class Article:
    html: str | bytes
    delay: float = 0.0  # seconds before the headers
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    pad_to: int = 0  # pad the body with an HTML comment up to this many bytes ("huge")
    chunk_delay: float = 0.0  # seconds between 64 KiB chunks of the body ("trickle")
    send_length: bool = True  # False: no Content-Length, connection closed at the end
    headers: dict[str, str] = field(default_factory=dict)

    def body(self) -> bytes:
        raw = self.html.encode("utf-8") if isinstance(self.html, str) else self.html
        if self.pad_to > len(raw):
            filler = self.pad_to - len(raw) - len(b"<!--  -->")
            raw += b"<!-- " + b"x" * max(filler, 0) + b" -->"
        return raw


@dataclass
class Fault:
    """A fault switched on at runtime for one endpoint ("*" = all) via StandIn.fault()."""

    kind: str  # a TRANSPORT behaviour
    endpoint: str = "*"
    times: int | None = None  # None: until cleared
    retry_after: int | str = 1  # a string: any header value, "nan"
    delay: float = 30.0
    hits: int = 0

    def __post_init__(self):
        if self.kind not in TRANSPORT:
            raise ValueError(f"unknown fault {self.kind!r}; one of {sorted(TRANSPORT)}")
        if self.endpoint != "*" and self.endpoint not in ENDPOINTS:
            raise ValueError(f"unknown endpoint {self.endpoint!r}; one of {sorted(ENDPOINTS)}")


def as_tweet(tweet_id: str, value) -> Tweet:
    if isinstance(value, Tweet):
        return value
    return Tweet(**{"id": tweet_id, **value})


def as_link(value) -> Link:
    if isinstance(value, Link):
        return value
    return Link(value) if isinstance(value, str) else Link(**value)


def as_article(value) -> Article:
    if isinstance(value, Article):
        return value
    return Article(value) if isinstance(value, (str, bytes)) else Article(**value)


# Times ------------------------------------------------------------------------


def snowflake_time(tweet_id: str) -> str:
    n = int(tweet_id)
    ms = (n >> 22) + TWEPOCH_MS if n > 2**32 else 1142974214000 + n * 1000  # 2006 for tiny ids
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def iso_ms(value: str) -> str:
    """Any ISO-8601 form -> 2021-05-25T14:03:11.000Z (UTC, milliseconds, Z)."""
    dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    dt = dt.astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse_iso(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


# Syndication JSON -----------------------------------------------------------------


def twitter_escape(text: str) -> str:
    """Twitter escapes only &, < and > in tweet text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def display_url(url: str) -> str:
    shown = re.sub(r"^https?://(www\.)?", "", url)
    return shown if len(shown) <= 26 else shown[:25] + "…"


def entities(tweet: Tweet, text: str, resolve, status_base: str) -> dict:
    """Entities of `text` (the escaped text as served); indices in code points of that text.

    resolve(code) gives the expanded_url of a t.co code (or None).
    """
    media_codes = {m.code: (i, m) for i, m in enumerate(tweet.media)}
    urls, media = [], []
    spans = []
    for match in TCO_RE.finditer(text):
        code = match.group(1)
        spans.append(match.span())
        indices = [match.start(), match.end()]
        if code in media_codes:
            i, m = media_codes[code]
            kind = "video" if m.type in ("video", "animated_gif") else "photo"
            expanded = f"{status_base}/{tweet.handle}/status/{tweet.id}/{kind}/{i + 1}"
            media.append(
                {
                    "display_url": f"pic.twitter.com/{code}",
                    "expanded_url": expanded,
                    "indices": indices,
                    "url": match.group(0),
                }
            )
        else:
            expanded = tweet.urls.get(code) or resolve(code) or match.group(0)
            urls.append(
                {
                    "display_url": display_url(expanded),
                    "expanded_url": expanded,
                    "indices": indices,
                    "url": match.group(0),
                }
            )

    def outside(m):
        return not any(a <= m.start() < b for a, b in spans)

    hashtags = [
        {"indices": [m.start(), m.end()], "text": m.group(1)}
        for m in HASHTAG_RE.finditer(text)
        if outside(m)
    ]
    mentions = [
        {
            "id_str": str(int(hashlib.sha1(m.group(1).lower().encode()).hexdigest()[:12], 16)),
            "indices": [m.start(), m.end()],
            "name": m.group(1),
            "screen_name": m.group(1),
        }
        for m in MENTION_RE.finditer(text)
        if outside(m)
    ]
    symbols = [
        {"indices": [m.start(), m.end()], "text": m.group(1)}
        for m in SYMBOL_RE.finditer(text)
        if outside(m)
    ]
    out = {"hashtags": hashtags, "urls": urls, "user_mentions": mentions, "symbols": symbols}
    if media:
        out["media"] = media
    return out


def media_details(tweet: Tweet, ents: dict, media_url) -> list[dict]:
    by_code = {e["url"].rsplit("/", 1)[-1]: e for e in ents.get("media", [])}
    details = []
    for i, m in enumerate(tweet.media):
        ent = by_code.get(m.code, {})
        item = {
            "display_url": f"pic.twitter.com/{m.code}",
            "expanded_url": ent.get("expanded_url", ""),
            "ext_media_availability": {"status": "Available"},
            "indices": ent.get("indices", [0, 0]),
            "media_url_https": m.url or media_url(tweet, i, "png"),
            "original_info": {"height": m.height, "width": m.width},
            "sizes": {
                "large": {"h": m.height, "resize": "fit", "w": m.width},
                "medium": {"h": m.height, "resize": "fit", "w": m.width},
                "small": {"h": m.height // 2, "resize": "fit", "w": m.width // 2},
                "thumb": {"h": 150, "resize": "crop", "w": 150},
            },
            "type": m.type,
            "url": f"https://t.co/{m.code}",
        }
        if m.alt is not None:
            item["ext_alt_text"] = m.alt
        if m.type == "video":
            mp4 = media_url(tweet, i, "mp4")
            item["video_info"] = {
                "aspect_ratio": [16, 9],
                "duration_millis": 12000,
                "variants": [
                    {"content_type": "application/x-mpegURL", "url": mp4[:-4] + ".m3u8"},
                    *({"bitrate": rate, "content_type": "video/mp4", "url": f"{mp4}?bitrate={rate}"}
                      for rate in VIDEO_BITRATES),
                ],
            }
        elif m.type == "animated_gif":  # one MP4, bitrate 0, as Twitter lists a GIF
            mp4 = media_url(tweet, i, "mp4")
            item["video_info"] = {"aspect_ratio": [16, 9], "variants": [
                {"bitrate": 0, "content_type": "video/mp4", "url": mp4}]}
        details.append(item)
    return details


def tweet_json(tweet: Tweet, *, lookup, resolve, status_base, media_url, avatar_url, nested=0):
    """The syndication tweet-result body for an available tweet (react-tweet's Tweet type).

    lookup(id) -> Tweet | None; nested > 0 builds a QuotedTweet/parent (no further nesting).
    """
    raw = tweet.full_text()
    text = twitter_escape(raw)
    ents = entities(tweet, text, resolve, status_base)
    end = len(text)
    if ents.get("media"):
        end = min(e["indices"][0] for e in ents["media"])
        while end > 0 and text[end - 1] == " ":
            end -= 1
    created_ms = int(parse_iso(tweet.created_at).timestamp() * 1000)
    edit_ids = tweet.edit_ids or [tweet.id]
    data = {
        "lang": tweet.lang,
        "favorite_count": tweet.favorite_count,
        "possibly_sensitive": tweet.possibly_sensitive,
        "created_at": tweet.created_at,
        "display_text_range": [0, end],
        "entities": ents,
        "id_str": tweet.id,
        "text": text,
        "user": {
            "id_str": tweet.user_id,
            "name": tweet.name,
            "profile_image_url_https": avatar_url(tweet),
            "screen_name": tweet.handle,
            "verified": tweet.verified,
            "is_blue_verified": tweet.is_blue_verified,
            "profile_image_shape": "Circle",
        },
        "edit_control": {
            "edit_tweet_ids": list(edit_ids),
            "editable_until_msecs": str(created_ms + 3600_000),
            "is_edit_eligible": True,
            "edits_remaining": str(max(0, 6 - len(edit_ids))),
        },
        "isEdited": len(edit_ids) > 1,
        "isStaleEdit": edit_ids[-1] != tweet.id,
    }
    if tweet.media:
        data["mediaDetails"] = media_details(tweet, ents, media_url)
    if nested:
        data.update({"reply_count": tweet.conversation_count, "retweet_count": 7})
        data["self_thread"] = {"id_str": tweet.id}
        return data
    data["__typename"] = "Tweet"
    data["conversation_count"] = tweet.conversation_count
    data["news_action_type"] = "conversation"
    photos = [
        {
            "backgroundColor": {"red": 204, "green": 214, "blue": 221},
            "cropCandidates": [{"x": 0, "y": 0, "w": m.width, "h": m.height}],
            "expandedUrl": d["expanded_url"],
            "url": d["media_url_https"],
            "width": m.width,
            "height": m.height,
        }
        for m, d in zip(tweet.media, data.get("mediaDetails", []), strict=False)
        if m.type == "photo"
    ]
    if photos:
        data["photos"] = photos
    videos = [d for d in data.get("mediaDetails", []) if d["type"] != "photo"]
    if videos:
        v = videos[0]
        data["video"] = {
            "aspectRatio": [16, 9],
            "contentType": "media_entity",
            "durationMs": v["video_info"]["duration_millis"],
            "mediaAvailability": {"status": "available"},
            "poster": v["media_url_https"],
            "variants": [{"type": x["content_type"], "src": x["url"]} for x in v["video_info"]["variants"]],
            "videoId": {"type": "tweet", "id": tweet.id},
            "viewCount": 0,
        }
    kwargs = {
        "lookup": lookup, "resolve": resolve, "status_base": status_base,
        "media_url": media_url, "avatar_url": avatar_url, "nested": 1,
    }
    if tweet.quoted_id:
        quoted = lookup(tweet.quoted_id)
        if quoted is not None and quoted.syndication_outcome() == "ok":
            data["quoted_tweet"] = tweet_json(quoted, **kwargs)
        elif quoted is not None and quoted.syndication_outcome() == "tombstone":
            data["quoted_tweet"] = tombstone_json(quoted)
    if tweet.reply_to:
        parent = lookup(tweet.reply_to)
        data["in_reply_to_status_id_str"] = tweet.reply_to
        if parent is not None:
            data["in_reply_to_screen_name"] = parent.handle
            data["in_reply_to_user_id_str"] = parent.user_id
            if parent.syndication_outcome() == "ok":
                data["parent"] = tweet_json(parent, **kwargs)
    return data


def tombstone_json(tweet: Tweet) -> dict:
    text = tweet.notice()
    start = text.rfind("Learn more")
    ents = []
    if start >= 0:
        ents.append(
            {
                "from_index": start,
                "to_index": start + len("Learn more"),
                "ref": {
                    "__typename": "TimelineUrl",
                    "url": "https://help.twitter.com/rules-and-policies/notices-on-twitter",
                    "url_type": "ExternalUrl",
                },
            }
        )
    return {"__typename": "TweetTombstone", "tombstone": {"text": {"text": text, "entities": ents, "rtl": False}}}
