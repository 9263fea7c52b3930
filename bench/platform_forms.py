"""The other nine platforms' embed markup for the scan corpus (bench/corpus.py).

Each form writes one post as publishers' pages carry it: the official embed code,
the rendered iframe a page saved after the platform's script ran keeps, WordPress
blocks holding the URL alone, AMP components (tests/fixtures/<platform>/ hold the
same forms, ../shared/reference/platforms.md where they come from). Each is one
embed to the scanner. Also: the same platforms' attributions flattened into plain
text, and their furniture (profile embeds, follow links, posts cited in the prose)
that is no embed.

Everything random comes from the corpus Writer's generator (`w.rng`), so the same
seed gives the same bytes; bench/corpus.py's VERSION covers this file too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import quote

# How often a newsroom's embeds are of each platform, in the articles that embed
# more than tweets (an estimate: X and YouTube first, Instagram next, the newer
# networks rarely).
PLATFORM_WEIGHTS = {
    "twitter": 30, "youtube": 22, "instagram": 15, "facebook": 9, "tiktok": 9, "bluesky": 6,
    "reddit": 3, "telegram": 2, "threads": 2, "mastodon": 2,
}
# The platforms with an AMP component (there is none for Bluesky, Mastodon, Threads
# or Telegram): what an AMP page can embed.
AMP_PLATFORMS = {"twitter", "youtube", "instagram", "facebook", "tiktok", "reddit"}

B32 = "234567abcdefghijklmnopqrstuvwxyz"  # atproto's base32-sortable alphabet
B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
INSTANCES = ["mastodon.social", "mstdn.social", "journa.host", "fosstodon.org", "mas.to",
             "newsie.social", "mastodon.online"]
SUBREDDITS = ["news", "worldnews", "pics", "CityTransit", "weather", "RiverCity", "Harbour",
              "localpolitics", "videos", "AskLocals"]
TOWNS = ["PortEllis", "Millbrook", "Riverside", "Northgate", "Marlow", "ElmCity", "Carver",
         "HarbourPoint", "Westfield", "Oakridge", "Lakeview", "Stonebridge", "Brannock"]
BODIES = ["Police", "Fire", "CityHall", "Transit", "Weather", "News", "Schools", "Council",
          "Ferries", "Water"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


@dataclass
class Post:
    platform: str
    handle: str
    name: str
    text: str
    when: datetime
    parts: dict = field(default_factory=dict)  # what its URLs are made of


def _chars(w, alphabet: str, n: int) -> str:
    return "".join(w.rng.choice(alphabet) for _ in range(n))


def _slug(text: str, words: int = 6) -> str:
    return "_".join("".join(c for c in word.lower() if c.isalnum()) for word in
                    text.split()[:words]).strip("_") or "post"


def _clock(d: datetime) -> str:
    return f"{(d.hour % 12) or 12}:{d.minute:02d} {'AM' if d.hour < 12 else 'PM'}"


def account(w) -> str:
    """A public body's page or channel name: "MillbrookTransit"."""
    return w.rng.choice(TOWNS) + w.rng.choice(BODIES)


def post(w, platform: str) -> Post:
    """A new post of the platform, with an id no other post of the corpus has."""
    r = w.rng
    when = datetime(2016, 1, 1, tzinfo=timezone.utc) + timedelta(
        seconds=r.randrange(9 * 365 * 86400))
    name = w.name()
    first, last = name.lower().split()
    handle = r.choice([f"{first}{last}", f"{first}_{last}", f"{first}.{last}",
                       f"{last}{r.randint(1, 99)}"])
    text = r.choice(w.sentences)[: r.randint(50, 220)].rstrip()
    p = Post(platform, handle, name, text, when)
    if platform == "bluesky":
        micros = int(when.timestamp() * 1_000_000)
        tid = (micros << 10) | r.randrange(1024)
        p.parts = {"did": "did:plc:" + _chars(w, "abcdefghijklmnopqrstuvwxyz234567", 24),
                   "rkey": "".join(B32[(tid >> (5 * i)) & 31] for i in reversed(range(13))),
                   "cid": "bafyrei" + _chars(w, "abcdefghijklmnopqrstuvwxyz234567", 52)}
        p.handle = handle.replace("_", "").replace(".", "") + ".bsky.social"
    elif platform == "mastodon":
        p.parts = {"host": r.choice(INSTANCES),
                   "id": str((int(when.timestamp() * 1000) << 16) | r.randrange(1 << 16))}
        p.handle = handle.replace(".", "_")
    elif platform == "threads":
        p.parts = {"code": r.choice("CD") + _chars(w, B64, 10)}
        p.handle = handle.replace("_", ".")
    elif platform == "youtube":
        p.parts = {"id": _chars(w, B64, 10) + r.choice("AEIMQUYcgkosw048")}
    elif platform == "tiktok":
        p.parts = {"id": str((int(when.timestamp()) << 32) | r.randrange(1 << 32))}
        p.handle = handle.replace("-", "")
    elif platform == "reddit":
        p.parts = {"id": r.choice("1ab") + _chars(w, "0123456789abcdefghijklmnopqrstuvwxyz", 6),
                   "sub": r.choice(SUBREDDITS)}
        p.handle = handle.replace(".", "_")
    elif platform == "instagram":
        p.parts = {"code": r.choice("CD") + _chars(w, B64, 10)}
        p.handle = handle.replace("-", "")
    elif platform == "facebook":
        page = account(w)
        p.parts = {"page": page.lower(), "post": str(r.randrange(10 ** 16, 10 ** 17))}
        p.handle, p.name = page.lower(), page
    elif platform == "telegram":
        p.parts = {"channel": account(w), "id": str(r.randint(10, 90_000))}
        p.handle = p.parts["channel"]
    return p


# -- Bluesky ------------------------------------------------------------------------------

def bluesky_official(w, p: Post) -> str:
    did, rkey = p.parts["did"], p.parts["rkey"]
    return (f'<blockquote class="bluesky-embed" data-bluesky-uri="at://{did}/app.bsky.feed.post/'
            f'{rkey}" data-bluesky-cid="{p.parts["cid"]}" data-bluesky-embed-color-mode="system">'
            f'<p lang="en">{p.text}</p>&mdash; {p.name} (<a href="https://bsky.app/profile/{did}'
            f'?ref_src=embed">@{p.handle}</a>) <a href="https://bsky.app/profile/{did}/post/{rkey}'
            f'?ref_src=embed">{MONTHS[p.when.month - 1]} {p.when.day}, {p.when.year} at '
            f"{_clock(p.when)}</a></blockquote>"
            '<script async src="https://embed.bsky.app/static/embed.js" charset="utf-8"></script>')


def bluesky_iframe(w, p: Post) -> str:
    n = w.rng.randrange(10 ** 15, 10 ** 16)
    return ('<div class="bluesky-embed" style="max-width: 600px; width: 100%; margin-top: 10px; '
            f'margin-bottom: 10px; display: flex;"><iframe data-bluesky-id="{n}" src="https://'
            f'embed.bsky.app/embed/{p.parts["did"]}/app.bsky.feed.post/{p.parts["rkey"]}?id={n}'
            '&amp;colorMode=system" width="100%" style="border: none; display: block; flex-grow:'
            ' 1;" frameborder="0" scrolling="no"></iframe></div>')


def bluesky_wp_url(w, p: Post) -> str:
    return _wp("rich", "bluesky-social",
               f"https://bsky.app/profile/{p.handle}/post/{p.parts['rkey']}")


# -- Mastodon --------------------------------------------------------------------------

def mastodon_blockquote(w, p: Post) -> str:
    host, status = p.parts["host"], p.parts["id"]
    url = f"https://{host}/@{p.handle}/{status}"
    return (f'<blockquote class="mastodon-embed" data-embed-url="{url}/embed" style="max-width: '
            '540px; min-width: 270px; background:#FCF8FF; border: 1px solid #C9C4DA; '
            'border-radius: 8px; overflow: hidden; margin: 0; padding: 0;"> <a href="'
            f'{url}" target="_blank" style="color: #1C1A25; text-decoration: none; display: flex;'
            ' align-items: center; justify-content: center; flex-direction: column; padding: '
            '24px;"> <div style="margin-top: 16px; color: #787588;">Post by '
            f'@{p.handle}@{host}</div> <div style="font-weight: 500;">View on Mastodon</div> </a>'
            f' </blockquote> <script data-allowed-prefixes="https://{host}/" async src="https://'
            f'{host}/embed.js"></script>')


def mastodon_iframe(w, p: Post) -> str:
    host = p.parts["host"]
    return (f'<iframe src="https://{host}/@{p.handle}/{p.parts["id"]}/embed" class="mastodon-'
            'embed" style="max-width: 100%; border: 0" width="400" allowfullscreen="allowfull'
            f'screen"></iframe><script src="https://{host}/embed.js" async="async"></script>')


# -- Threads -----------------------------------------------------------------------------

def threads_blockquote(w, p: Post) -> str:
    host = w.rng.choice(["www.threads.com", "www.threads.com", "www.threads.net"])
    link = f"https://{host}/@{p.handle}/post/{p.parts['code']}"
    return (f'<blockquote class="text-post-media" data-text-post-permalink="{link}" '
            f'data-text-post-version="0" id="ig-tp-{p.parts["code"]}" style=" background:#FFF; '
            'border-width: 1px; border-style: solid; border-color: #00000026; border-radius: '
            f'16px; max-width:540px; margin: 1px; min-width:270px; padding:0;"> <a href="{link}" '
            'style=" background:#FFFFFF; line-height:0; padding:0 0; text-align:center; '
            'text-decoration:none; width:100%; font-family: -apple-system, BlinkMacSystemFont,'
            ' sans-serif;" target="_blank"> <div style=" padding: 40px; display: flex; '
            'flex-direction: column; align-items: center;"><div style=" display:block; height:'
            '32px; width:32px; padding-bottom:20px;"> <svg aria-label="Threads" height="32px" '
            'role="img" viewBox="0 0 192 192" width="32px"></svg></div><div style=" font-size: '
            '15px; line-height: 21px; color: #000000; font-weight: 600; ">View on Threads</div>'
            f'</div></a></blockquote>\n<script async src="https://{host}/embed.js"></script>')


def threads_iframe(w, p: Post) -> str:
    return (f'<iframe class="text-post-media" src="https://www.threads.com/@{p.handle}/post/'
            f'{p.parts["code"]}/embed?hidecaption=false" width="540" height="600" '
            'frameborder="0" scrolling="no" allowtransparency="true"></iframe>')


def threads_wp_url(w, p: Post) -> str:
    return _wp("rich", "threads", f"https://www.threads.net/@{p.handle}/post/{p.parts['code']}")


# -- YouTube -----------------------------------------------------------------------------

def _yt_iframe(src: str, title: str) -> str:
    return (f'<iframe width="560" height="315" src="{src}" title="{title}" frameborder="0" '
            'allow="accelerometer; autoplay; clipboard-write; encrypted-media; gyroscope; '
            'picture-in-picture; web-share" referrerpolicy="strict-origin-when-cross-origin" '
            "allowfullscreen></iframe>")


def youtube_iframe(w, p: Post) -> str:
    return _yt_iframe(f"https://www.youtube.com/embed/{p.parts['id']}?si={w.code(16)}",
                      "YouTube video player")


def youtube_nocookie(w, p: Post) -> str:
    return _yt_iframe(f"https://www.youtube-nocookie.com/embed/{p.parts['id']}?rel=0",
                      p.text[:60])


def youtube_wp_block(w, p: Post) -> str:
    return _wp("video", "youtube", _yt_iframe(
        f"https://www.youtube.com/embed/{p.parts['id']}?feature=oembed", p.text[:60]),
        extra=" wp-embed-aspect-16-9 wp-has-aspect-ratio")


def youtube_wp_url(w, p: Post) -> str:
    return _wp("video", "youtube", f"https://youtu.be/{p.parts['id']}?si={w.code(16)}")


def youtube_lazy(w, p: Post) -> str:
    return ('<iframe class="lazyload" src="about:blank" data-src="https://www.youtube.com/embed/'
            f'{p.parts["id"]}?feature=oembed" title="{p.text[:60]}" width="640" height="360">'
            "</iframe>")


def youtube_amp(w, p: Post) -> str:
    return (f'<amp-youtube data-videoid="{p.parts["id"]}" layout="responsive" width="480" '
            'height="270"></amp-youtube>')


# -- TikTok ------------------------------------------------------------------------------

def tiktok_blockquote(w, p: Post) -> str:
    post_id = p.parts["id"]
    return (f'<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@{p.handle}/video/'
            f'{post_id}" data-video-id="{post_id}" style="max-width: 605px;min-width: 325px;" > '
            f'<section> <a target="_blank" title="@{p.handle}" href="https://www.tiktok.com/@'
            f'{p.handle}?refer=embed">@{p.handle}</a> <p>{p.text}</p> <a target="_blank" '
            f'title="♬ original sound - {p.handle}" href="https://www.tiktok.com/music/original-'
            f'sound-{post_id}?refer=embed">♬ original sound - {p.handle}</a> </section> '
            '</blockquote> <script async src="https://www.tiktok.com/embed.js"></script>')


def tiktok_player(w, p: Post) -> str:
    return (f'<iframe src="https://www.tiktok.com/player/v1/{p.parts["id"]}?music_info=1&amp;'
            'description=1" width="325" height="575" allow="fullscreen" title="TikTok video">'
            "</iframe>")


def tiktok_embed_v2(w, p: Post) -> str:
    return (f'<iframe src="https://www.tiktok.com/embed/v2/{p.parts["id"]}?lang=en-US" '
            'width="325" height="575" frameborder="0"></iframe>')


def tiktok_wp(w, p: Post) -> str:
    return _wp("video", "tiktok", tiktok_blockquote(w, p).replace(
        'data-video-id=', 'data-embed-from="oembed" data-video-id=', 1))


def tiktok_amp(w, p: Post) -> str:
    return (f'<amp-tiktok width="325" height="575" data-src="{p.parts["id"]}"></amp-tiktok>')


# -- Reddit -----------------------------------------------------------------------------

def _thread(p: Post) -> str:
    return f"https://www.reddit.com/r/{p.parts['sub']}/comments/{p.parts['id']}/{_slug(p.text)}/"


def reddit_embed_bq(w, p: Post) -> str:
    return ('<blockquote class="reddit-embed-bq" style="height:500px" data-embed-height="740">'
            f'<a href="{_thread(p)}">{p.text[:90]}</a><br> by<a href="https://www.reddit.com/'
            f'user/{p.handle}/">u/{p.handle}</a> in<a href="https://www.reddit.com/r/'
            f'{p.parts["sub"]}/">{p.parts["sub"]}</a></blockquote><script async="" src="https://'
            'embed.reddit.com/widgets.js" charset="UTF-8"></script>')


def reddit_card(w, p: Post) -> str:
    return (f'<blockquote class="reddit-card" data-card-created="{int(p.when.timestamp())}"><a '
            f'href="{_thread(p)}?ref=share&amp;ref_source=embed">{p.text[:90]}</a> from <a '
            f'href="http://www.reddit.com/r/{p.parts["sub"]}">{p.parts["sub"]}</a></blockquote>\n'
            '<script async src="//embed.redditmedia.com/widgets/platform.js" charset="UTF-8">'
            "</script>")


def reddit_iframe(w, p: Post) -> str:
    src = _thread(p).replace("https://www.reddit.com/", "https://embed.reddit.com/")
    return (f'<iframe id="reddit-embed" src="{src}?embed=true&amp;ref_source=embed&amp;ref='
            'share&amp;showmedia=false&amp;theme=light" sandbox="allow-scripts allow-same-origin'
            ' allow-popups" style="border: none;" height="316" width="640" scrolling="no">'
            "</iframe>")


def reddit_wp_url(w, p: Post) -> str:
    return _wp("rich", "reddit", _thread(p))


def reddit_amp(w, p: Post) -> str:
    return ('<amp-reddit layout="responsive" width="300" height="400" data-embedtype="post" '
            f'data-src="{_thread(p)}?ref=share&amp;ref_source=embed"></amp-reddit>')


# -- Instagram ---------------------------------------------------------------------------

def instagram_v14(w, p: Post) -> str:
    kind = w.rng.choice(["p", "p", "reel"])
    link = f"https://www.instagram.com/{kind}/{p.parts['code']}/?utm_source=ig_embed&amp;" \
           "utm_campaign=loading"
    return (f'<blockquote class="instagram-media" data-instgrm-captioned data-instgrm-permalink='
            f'"{link}" data-instgrm-version="14" style=" background:#FFF; border:0; '
            'border-radius:3px; box-shadow:0 0 1px 0 rgba(0,0,0,0.5),0 1px 10px 0 '
            'rgba(0,0,0,0.15); margin: 1px; max-width:540px; min-width:326px; padding:0; '
            f'width:99.375%;"><div style="padding:16px;"> <a href="{link}" style=" background:'
            '#FFFFFF; line-height:0; padding:0 0; text-align:center; text-decoration:none; '
            'width:100%;" target="_blank"> <div style="padding:19% 0;"></div><div style="padding-'
            'top: 8px;"> <div style=" color:#3897f0; font-family:Arial,sans-serif; font-size:'
            '14px; font-style:normal; font-weight:550; line-height:18px;">View this post on '
            'Instagram</div></div></a><p style=" color:#c9c8cd; font-family:Arial,sans-serif; '
            'font-size:14px; line-height:17px; margin-bottom:0; margin-top:8px; overflow:hidden;'
            ' padding:8px 0 7px; text-align:center; text-overflow:ellipsis; white-space:nowrap;'
            f'"><a href="{link}" style=" color:#c9c8cd; font-family:Arial,sans-serif; font-size:'
            f'14px; font-style:normal; font-weight:normal; line-height:17px; text-decoration:none'
            f';" target="_blank">A post shared by {p.name} (@{p.handle})</a></p></div>'
            '</blockquote>\n<script async src="//www.instagram.com/embed.js"></script>')


def instagram_rendered(w, p: Post) -> str:
    n = w.rng.randint(0, 9)
    return (f'<iframe class="instagram-media instagram-media-rendered" id="instagram-embed-{n}" '
            f'src="https://www.instagram.com/p/{p.parts["code"]}/embed/captioned/?cr=1&amp;v=14'
            '&amp;wp=540" allowtransparency="true" allowfullscreen="true" frameborder="0" '
            f'height="879" data-instgrm-payload-id="instagram-media-payload-{n}" scrolling="no" '
            'style="background: white; max-width: 540px; width: calc(100% - 2px); border-radius:'
            ' 3px; border: 1px solid rgb(219, 219, 219); box-shadow: none; display: block; '
            'margin: 0px 0px 12px; min-width: 326px; padding: 0px;"></iframe>')


def instagram_wp_url(w, p: Post) -> str:
    return _wp("rich", "instagram", f"https://www.instagram.com/p/{p.parts['code']}/")


def instagram_amp(w, p: Post) -> str:
    return (f'<amp-instagram data-shortcode="{p.parts["code"]}" data-captioned width="400" '
            'height="400" layout="responsive"></amp-instagram>')


# -- Facebook ----------------------------------------------------------------------------

def _fb_url(p: Post) -> str:
    return f"https://www.facebook.com/{p.parts['page']}/posts/{p.parts['post']}"


def facebook_post(w, p: Post) -> str:
    url = _fb_url(p)
    day = f"{p.when:%A}, {MONTHS[p.when.month - 1]} {p.when.day}, {p.when.year}"
    return (f'<div class="fb-post" data-href="{url}" data-width="500" data-show-text="true">'
            f'<blockquote cite="{url}" class="fb-xfbml-parse-ignore"><p>{p.text}</p>Posted by '
            f'<a href="https://www.facebook.com/{p.parts["page"]}">{p.name}</a> on&nbsp;<a '
            f'href="{url}">{day}</a></blockquote></div>')


def facebook_video(w, p: Post) -> str:
    url = f"https://www.facebook.com/{p.parts['page']}/videos/{p.parts['post']}/"
    return (f'<div class="fb-video" data-href="{url}" data-width="500" data-show-text="true">'
            f'<blockquote cite="{url}" class="fb-xfbml-parse-ignore"><a href="{url}">'
            f"{p.text[:60]}</a><p>{p.text}</p>Posted by <a href=\"https://www.facebook.com/"
            f'{p.parts["page"]}">{p.name}</a></blockquote></div>')


def facebook_iframe(w, p: Post) -> str:
    return (f'<iframe src="https://www.facebook.com/plugins/post.php?href='
            f'{quote(_fb_url(p), safe="")}&amp;show_text=true&amp;width=500" width="500" '
            'height="487" style="border:none;overflow:hidden" scrolling="no" frameborder="0" '
            'allowfullscreen="true" allow="autoplay; clipboard-write; encrypted-media; '
            'picture-in-picture; web-share"></iframe>')


def facebook_wp_url(w, p: Post) -> str:
    return _wp("rich", "facebook", _fb_url(p))


def facebook_amp(w, p: Post) -> str:
    return (f'<amp-facebook width="552" height="310" layout="responsive" data-href="{_fb_url(p)}"'
            "></amp-facebook>")


# -- Telegram ----------------------------------------------------------------------------

def telegram_script(w, p: Post) -> str:
    return ('<script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-'
            f'post="{p.parts["channel"]}/{p.parts["id"]}" data-width="100%"></script>')


def telegram_iframe(w, p: Post) -> str:
    ch, n = p.parts["channel"], p.parts["id"]
    return (f'<iframe id="telegram-post-{ch}-{n}" src="https://t.me/{ch}/{n}?embed=1&amp;'
            'userpic=true" width="100%" height="" frameborder="0" scrolling="no" style="overflow:'
            ' hidden; color-scheme: light dark; border: medium; min-width: 320px; height: 412px;">'
            "</iframe>")


def _wp(kind: str, slug: str, inner: str, extra: str = "") -> str:
    url = inner if inner.startswith("https://") else ""
    return (f'<!-- wp:embed {{"url":"{url}","type":"{kind}","providerNameSlug":"{slug}",'
            f'"responsive":true}} -->\n<figure class="wp-block-embed is-type-{kind} is-provider-'
            f'{slug} wp-block-embed-{slug}{extra}"><div class="wp-block-embed__wrapper">\n{inner}'
            "\n</div></figure>\n<!-- /wp:embed -->")


# (form, weight) per platform; the AMP page's one form per platform apart.
FORMS = {
    "bluesky": [(bluesky_official, 6), (bluesky_iframe, 2), (bluesky_wp_url, 1)],
    "mastodon": [(mastodon_blockquote, 3), (mastodon_iframe, 2)],
    "threads": [(threads_blockquote, 5), (threads_iframe, 1), (threads_wp_url, 1)],
    "youtube": [(youtube_iframe, 8), (youtube_nocookie, 2), (youtube_wp_block, 4),
                (youtube_wp_url, 2), (youtube_lazy, 2)],
    "tiktok": [(tiktok_blockquote, 6), (tiktok_player, 2), (tiktok_embed_v2, 1), (tiktok_wp, 1)],
    "reddit": [(reddit_embed_bq, 5), (reddit_card, 1), (reddit_iframe, 2), (reddit_wp_url, 1)],
    "instagram": [(instagram_v14, 8), (instagram_rendered, 2), (instagram_wp_url, 2)],
    "facebook": [(facebook_post, 6), (facebook_video, 2), (facebook_iframe, 2),
                 (facebook_wp_url, 1)],
    "telegram": [(telegram_script, 4), (telegram_iframe, 1)],
}
AMP_FORMS = {"youtube": youtube_amp, "tiktok": tiktok_amp, "reddit": reddit_amp,
             "instagram": instagram_amp, "facebook": facebook_amp}


def form_name(gen) -> str:
    return gen.__name__


# -- plain text ----------------------------------------------------------------------------

def text_attribution(w, platform: str) -> tuple[str, str]:
    """(form, text): a Bluesky or Instagram post flattened into a plain-text article,
    as copied from the rendered embed, after a line that names the platform."""
    p = post(w, platform)
    if platform == "bluesky":
        when = f"{MONTHS[p.when.month - 1][:3]} {p.when.day}, {p.when.year} at {_clock(p.when)}"
        return "bluesky_text", (f"{w.name()} wrote on Bluesky:\n\n{p.text}\n\n"
                                f"— {p.name} (@{p.handle}) {when}")
    when = (f"{MONTHS[p.when.month - 1][:3]} {p.when.day}, {p.when.year} at "
            f"{_clock(p.when).replace(' ', '').lower()} PST")
    return "instagram_text", (f"From Instagram:\n\n{p.text}\nA photo posted by {p.name} "
                              f"(@{p.handle}) on {when}")


# -- furniture: no embed --------------------------------------------------------------------

def n_profile_embed(w) -> str:
    """A platform's profile, page, playlist or discussion widget: never a post."""
    h = account(w).lower()
    return w.rng.choice([
        f'<blockquote class="tiktok-embed" cite="https://www.tiktok.com/@{h}" data-unique-id="'
        f'{h}" data-embed-type="creator" style="max-width: 780px; min-width: 288px;" > <section>'
        f' <a target="_blank" href="https://www.tiktok.com/@{h}?refer=creator_embed">@{h}</a> '
        '</section> </blockquote> <script async src="https://www.tiktok.com/embed.js"></script>',
        f'<div class="fb-page" data-href="https://www.facebook.com/{h}" data-tabs="timeline" '
        f'data-width="500"><blockquote cite="https://www.facebook.com/{h}" class="fb-xfbml-parse'
        f'-ignore"><a href="https://www.facebook.com/{h}">{h}</a></blockquote></div>',
        f'<iframe width="560" height="315" src="https://www.youtube.com/embed/videoseries?list=PL'
        f'{w.code(32)}" frameborder="0" allowfullscreen></iframe>',
        f'<blockquote class="instagram-media" data-instgrm-permalink="https://www.instagram.com/'
        f'{h}/?utm_source=ig_embed&amp;utm_campaign=loading" data-instgrm-version="14"><div><a '
        f'href="https://www.instagram.com/{h}/?utm_source=ig_embed">View this profile on '
        "Instagram</a></div></blockquote>",
        f'<script async src="https://telegram.org/js/telegram-widget.js?22" data-telegram-'
        f'discussion="{account(w)}/{w.rng.randint(10, 9999)}" '
        'data-comments-limit="5"></script>',
    ])


def n_cited(w) -> str:
    """A post of another platform linked in the prose: cited, not embedded."""
    platform = w.rng.choice(["youtube", "instagram", "tiktok", "reddit", "bluesky", "telegram"])
    p = post(w, platform)
    url = {
        "youtube": f"https://www.youtube.com/watch?v={p.parts.get('id')}",
        "instagram": f"https://www.instagram.com/p/{p.parts.get('code')}/",
        "tiktok": f"https://www.tiktok.com/@{p.handle}/video/{p.parts.get('id')}",
        "reddit": _thread(p) if platform == "reddit" else "",
        "bluesky": f"https://bsky.app/profile/{p.handle}/post/{p.parts.get('rkey')}",
        "telegram": f"https://t.me/{p.parts.get('channel')}/{p.parts.get('id')}",
    }[platform]
    return f'<p>{w.name()} <a href="{url}">posted about it</a>; {w.para()}</p>'


def follow_links(site_handle: str, platforms: tuple[str, ...]) -> str:
    """A site's footer links to its own accounts: profiles, never posts."""
    h = site_handle.lower()
    urls = {"facebook": f"https://www.facebook.com/{h}", "instagram":
            f"https://www.instagram.com/{h}/", "youtube": f"https://www.youtube.com/@{h}",
            "tiktok": f"https://www.tiktok.com/@{h}", "telegram": f"https://t.me/{h}",
            "bluesky": f"https://bsky.app/profile/{h}.bsky.social", "threads":
            f"https://www.threads.com/@{h}", "mastodon": f"https://mastodon.social/@{h}"}
    return '<ul class="follow">' + "".join(
        f'<li><a class="follow--{p}" href="{urls[p]}" rel="me">{p.title()}</a></li>'
        for p in platforms) + "</ul>"
