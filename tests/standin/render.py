"""Bodies the stand-in sends: t.co pages, oEmbed markup, embed page, login wall, images."""

from __future__ import annotations

import hashlib
import html
import json
import re
import struct
import zlib
from functools import lru_cache

from .data import HASHTAG_RE, MENTION_RE, TCO_RE, Tweet, parse_iso, twitter_escape

MONTHS = "January February March April May June July August September October November December"
RTL = {"ar", "fa", "he", "iw", "ur", "ps", "sd", "ug", "yi", "dv"}


def tco_html(dest: str) -> str:
    """t.co's answer to a browser: meta refresh in noscript, title, location.replace."""
    h = html.escape(dest, quote=True)
    js = dest.replace("\\", "\\\\").replace('"', '\\"').replace("/", "\\/")
    return (
        f'<head><meta name="referrer" content="always"><noscript><META http-equiv="refresh" '
        f'content="0;URL={h}"></noscript><title>{h}</title></head>'
        f'<script>window.opener = null; location.replace("{js}")</script>'
    )


def unsafe_link_html(dest: str) -> str:
    d = html.escape(dest, quote=True)
    return (
        "<!DOCTYPE html><html><head><title>Warning: this link may be unsafe</title></head><body>"
        "<h1>Warning: this link may be unsafe</h1><p>The link you are trying to access has been "
        f"identified by X or our partners as being potentially spammy or unsafe.</p>"
        f'<p><a href="{d}">{d}</a></p><a href="javascript:history.back()">Back to previous page'
        "</a></body></html>"
    )


def login_wall_html() -> str:
    """X's logged-out shell: no tweet text, just the log-in prompts."""
    return (
        '<!DOCTYPE html><html dir="ltr" lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        "<title>X</title><style>body{font-family:sans-serif;margin:0;background:#fff}"
        ".bar{position:fixed;bottom:0;left:0;right:0;background:#1d9bf0;color:#fff;padding:12px}"
        ".bar a{color:#fff;margin-right:12px;font-weight:bold}</style></head><body>"
        "<noscript>JavaScript is not available. We’ve detected that JavaScript is disabled in "
        "this browser.</noscript><div id=\"react-root\"><main><h1>X</h1>"
        "<h2>Don’t miss what’s happening</h2><p>People on X are the first to know.</p>"
        '<div class="bar"><a href="/i/flow/login">Log in</a><a href="/i/flow/signup">Sign up</a>'
        "</div></main></div></body></html>"
    )


def long_date(tweet: Tweet) -> str:
    dt = parse_iso(tweet.created_at)
    return f"{MONTHS.split()[dt.month - 1]} {dt.day}, {dt.year}"


def oembed_html(tweet: Tweet, status_base: str, params: dict) -> str:
    """The blockquote.twitter-tweet markup publish.twitter.com returns."""
    media_codes = {m.code for m in tweet.media}
    text = twitter_escape(tweet.full_text())
    pattern = re.compile(f"{TCO_RE.pattern}|{HASHTAG_RE.pattern}|{MENTION_RE.pattern}")

    def link(m: re.Match) -> str:
        code, tag, user = m.group(1), m.group(2), m.group(3)
        if code:
            shown = f"pic.twitter.com/{code}" if code in media_codes else m.group(0)
            return f'<a href="{m.group(0)}">{shown}</a>'
        if tag:
            return (
                f'<a href="{status_base}/hashtag/{tag}?src=hash&amp;ref_src=twsrc%5Etfw">#{tag}</a>'
            )
        return f'<a href="{status_base}/{user}?ref_src=twsrc%5Etfw">@{user}</a>'

    body = pattern.sub(link, text).replace("\n", "<br>")
    attrs = ""
    for param, attr, value in (
        ("hide_media", "data-cards", "hidden"),
        ("hide_thread", "data-conversation", "none"),
    ):
        if params.get(param) in ("1", "true"):
            attrs += f' {attr}="{value}"'
    for param, attr in (("lang", "data-lang"), ("theme", "data-theme"), ("align", "data-align")):
        if params.get(param):
            attrs += f' {attr}="{html.escape(params[param])}"'
    if params.get("dnt") in ("1", "true"):
        attrs += ' data-dnt="true"'
    kind = "twitter-video" if params.get("widget_type") == "video" else "twitter-tweet"
    direction = "rtl" if tweet.lang in RTL else "ltr"
    status = f"{status_base}/{tweet.handle}/status/{tweet.id}?ref_src=twsrc%5Etfw"
    markup = (
        f'<blockquote class="{kind}"{attrs}><p lang="{tweet.lang}" dir="{direction}">{body}</p>'
        f"&mdash; {html.escape(tweet.name, quote=False)} (@{tweet.handle}) "
        f'<a href="{status}">{long_date(tweet)}</a></blockquote>'
    )
    if params.get("omit_script") not in ("1", "true"):
        markup += '\n<script async src="https://platform.twitter.com/widgets.js" charset="utf-8">'
        markup += "</script>\n"
    return markup + "\n"


def avatar_color(handle: str) -> str:
    digest = hashlib.sha1(handle.lower().encode()).digest()
    return "#" + "".join(f"{b // 2 + 40:02x}" for b in digest[:3])


def card_model(tweet: Tweet, status_base: str, media_src, resolve) -> dict:
    """A small view model the embed page's script renders (segments keep links apart)."""
    media_codes = {m.code for m in tweet.media}
    raw = tweet.full_text()
    segments, pos = [], 0
    for m in TCO_RE.finditer(raw):
        segments.append({"text": raw[pos : m.start()]})
        if m.group(1) not in media_codes:
            target = tweet.urls.get(m.group(1)) or resolve(m.group(1)) or m.group(0)
            shown = re.sub(r"^https?://(www\.)?", "", target)
            segments.append({"text": shown if len(shown) <= 26 else shown[:25] + "…",
                             "href": m.group(0)})
        pos = m.end()
    segments.append({"text": raw[pos:]})
    while segments and not segments[-1].get("href") and not segments[-1]["text"].strip():
        segments.pop()
    if segments and not segments[-1].get("href"):
        segments[-1]["text"] = segments[-1]["text"].rstrip()
    dt = parse_iso(tweet.created_at)
    hour = dt.hour % 12 or 12
    return {
        "id": tweet.id,
        "name": tweet.name,
        "handle": tweet.handle,
        "verified": tweet.verified or tweet.is_blue_verified,
        "avatar_color": avatar_color(tweet.handle),
        "segments": segments,
        "date_iso": tweet.created_at,
        "date_text": f"{hour}:{dt.minute:02d} {'AM' if dt.hour < 12 else 'PM'} · "
        f"{MONTHS.split()[dt.month - 1][:3]} {dt.day}, {dt.year}",
        "url": f"{status_base}/{tweet.handle}/status/{tweet.id}",
        "media": [
            {"src": media_src(tweet, i), "alt": m.alt or "Image", "type": m.type,
             "color": m.color, "ratio": m.height / m.width if m.width else 0.5625}
            for i, m in enumerate(tweet.media)
        ],
        "lang": tweet.lang,
    }


EMBED_SCRIPT = r"""
(function () {
  var root = document.getElementById("app");
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs || {}) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }
  function card(t, quoted) {
    var a = el("article", {"data-testid": quoted ? "quotedTweet" : "tweet", "class": "card"});
    var head = el("div", {"class": "head"});
    head.appendChild(el("div", {"class": "avatar", "style": "background:" + t.avatar_color,
                                "data-testid": "Tweet-User-Avatar"}, t.name.charAt(0)));
    var who = el("div", {"data-testid": "User-Name", "class": "who"});
    who.appendChild(el("span", {"class": "name"}, t.name + (t.verified ? " \u2714" : "")));
    who.appendChild(el("span", {"class": "handle"}, "@" + t.handle));
    head.appendChild(who);
    a.appendChild(head);
    var body = el("div", {"data-testid": "tweetText", "lang": t.lang, "class": "text"});
    t.segments.forEach(function (s) {
      body.appendChild(s.href ? el("a", {"href": s.href}, s.text) : document.createTextNode(s.text));
    });
    a.appendChild(body);
    t.media.forEach(function (m) {
      var box = el("div", {"class": "media", "data-testid": m.type === "photo" ? "tweetPhoto" : "videoPlayer",
                           "style": "background:" + m.color + ";padding-top:" + (m.ratio * 100) + "%"});
      var img = el("img", {"src": m.src, "alt": m.alt});
      box.appendChild(img);
      a.appendChild(box);
    });
    if (t.quoted) a.appendChild(card(t.quoted, true));
    else if (t.quoted_notice) a.appendChild(el("div", {"class": "notice"}, t.quoted_notice));
    var when = el("a", {"href": t.url, "class": "date"});
    when.appendChild(el("time", {"datetime": t.date_iso}, t.date_text));
    a.appendChild(when);
    return a;
  }
  function notice(text) {
    var n = el("div", {"data-testid": "tweetUnavailable", "class": "card notice"});
    n.appendChild(el("span", null, text));
    return n;
  }
  function show(data) {
    root.textContent = "";
    if (data && data.status === "ok") { root.appendChild(card(data.tweet, false)); }
    else { root.appendChild(notice((data && data.notice) || "This Post is unavailable.")); }
    document.body.setAttribute("data-rendered", data && data.status === "ok" ? "tweet" : "unavailable");
  }
  window.addEventListener("load", function () {
    setTimeout(function () {
      fetch(DATA_URL).then(function (r) { return r.json(); }).then(show, function () { show(null); });
    }, RENDER_DELAY_MS);
  });
})();
"""

EMBED_STYLE = """
body{margin:0;font:15px/1.35 -apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;
background:BG;color:FG}
#app{padding:8px;max-width:550px}
.card{border:1px solid #cfd9de;border-radius:12px;padding:12px 16px;background:BG}
.card .card{margin-top:10px}
.head{display:flex;align-items:center;margin-bottom:8px}
.avatar{width:48px;height:48px;border-radius:50%;margin-right:10px;color:#fff;font-size:22px;
font-weight:bold;display:flex;align-items:center;justify-content:center}
.who{display:flex;flex-direction:column}.name{font-weight:bold}.handle{color:#536471}
.text{white-space:pre-wrap;font-size:18px;margin:4px 0 10px}
.text a{color:#1d9bf0;text-decoration:none}
.media{position:relative;border-radius:12px;overflow:hidden;margin:6px 0}
.media img{position:absolute;top:0;left:0;width:100%;height:100%;object-fit:cover}
.date{color:#536471;text-decoration:none;display:block;margin-top:8px}
.notice{background:#f7f9f9;color:#536471;padding:16px}
"""


def embed_page(tweet_id: str, data_url: str, render_delay: float, theme: str = "light",
               extra: str = "") -> str:
    """platform.twitter.com/embed/Tweet.html: no tweet in the HTML; a script builds it later."""
    dark = theme == "dark"
    style = EMBED_STYLE.replace("BG", "#15202b" if dark else "#ffffff")
    style = style.replace("FG", "#f7f9f9" if dark else "#0f1419")
    script = EMBED_SCRIPT.replace("DATA_URL", json.dumps(data_url)).replace(
        "RENDER_DELAY_MS", str(int(render_delay * 1000))
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>X Post</title><style>{style}</style></head>"
        f'<body data-tweet-id="{html.escape(tweet_id)}"><div id="app"></div>'
        f"<script>{script}</script>{extra}</body></html>"
    )


# The sizes a photo is served at, as fractions of the original (Twitter's name=).
PHOTO_SIZES = {"orig": 1.0, "large": 1.0, "medium": 0.6, "small": 0.4, "thumb": 0.1}


def photo(color: str, width: int, height: int, name: str | None) -> bytes:
    """A photo at the size `name` asks for (medium when it names none): the original's
    bytes differ from every smaller copy's."""
    scale = PHOTO_SIZES.get(name or "medium", 0.6)
    return solid_png(color, max(1, int(width * scale)), max(1, int(height * scale)))


def mp4(variant: str) -> bytes:
    """A video file whose bytes tell which variant (bitrate) was asked for."""
    return (b"\x00\x00\x00\x18ftypmp42" + f"variant={variant};".encode()
            + bytes(4096 + (int(variant) // 64 if variant.isdigit() else 0)))


@lru_cache(maxsize=64)
def solid_png(color: str, width: int, height: int) -> bytes:
    """A solid-colour PNG (no image library needed)."""
    width, height = max(1, min(width, 2048)), max(1, min(height, 2048))
    rgb = bytes.fromhex(color.lstrip("#")[:6].ljust(6, "0"))
    raw = (b"\x00" + rgb * width) * height

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
    )
