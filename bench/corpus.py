"""A deterministic corpus of realistic news articles for the scan benchmark.

Most articles are HTML pages with no embed at all (head with meta tags incl.
twitter:card, navigation, share links to twitter.com/intent/tweet, long prose,
sidebars, inline CSS/JS/JSON state, footer). Some hold 1-40 embeds in every
markup form the scanner reads (reference §1.1-1.5, tests/fixtures/scan/): most
of those tweets alone, some posts of all ten platforms in their forms
(bench/platform_forms.py), tweets among them; some are plain text, a part of them
with "— Name (@handle) Month D, YYYY" attributions (and Bluesky's and Instagram's).
A few carry negatives (timelines, status links in prose, pull quotes, other
platforms' profile widgets and posts cited in the prose); footers link the site's
own accounts on the platforms.

    python -m bench.corpus DIR [--articles N] [--seed S]
"""

from __future__ import annotations

import argparse
import json
import math
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

from . import platform_forms

# Bump when the output changes (here or in platform_forms.py), so cached corpora
# are regenerated.
VERSION = 5

TWEPOCH_MS = 1288834974657
MIN_BYTES, MAX_BYTES = 20_000, 300_000

WORDS = """
the of and to in a is that for on was with said as at by it from his be have are has
this had not but an they which were their been after who its also will more would about
one two three four five first last new other than into over year years city county state
council officials police residents people school schools students workers union company
market price prices government minister mayor president report reports week weeks month
months day days night morning evening road roads river bridge water power storm rain snow
fire firefighters hospital health doctors patients court judge case trial jury lawyers
election vote voters campaign budget tax taxes plan plans project construction housing
rent homes street streets downtown park parks library museum festival game team season
coach players fans stadium league match goal win loss record weather forecast flooding
winds closed open opened reopen reopened announced expected according spokesperson
statement interview meeting members board agency department service services transit bus
buses train trains airport flights passengers delays traffic crash injured killed arrested
charged investigation evidence witnesses neighbors families children parents teachers
support opposed approved rejected proposal vote hearing public private local national
regional federal funding million billion percent dollars cost costs pay wages strike talks
deal agreement contract shortage supply demand energy electricity gas fuel climate heat
drought crops farmers harvest fishing boats harbour port coast island islands village
villages town towns center centre north south east west northern southern eastern western
small large major minor long short early late recent previous next final official unofficial
several many few most some every each another both either neither only just still again
already never always often sometimes usually rarely quickly slowly nearly almost about
because although while when where whether before during since until through across under
between against without within along around behind beyond toward towards despite
""".split()  # noqa: SIM905

FIRST = """\
Ana Ben Carla Daniel Elena Farid Grace Hiro Ida Jonas Keisha Lena Marco Nadia Omar
Priya Quentin Rosa Samuel Tomas Uma Victor Wen Ximena Yusuf Zoe Aisha Bruno Chloe Dmitri Eva
Felix Gita Hannah Ivan Julia Kofi Laila Mateo Nina Oliver Paula Rafael Sofia Theo Valentina
""".split()  # noqa: SIM905
LAST = """\
Kowalski Okoro Marsh Flores Rios Stone Brown Whitfield Ruiz Grant Doe Nakamura Haddad
Lindqvist Moreau Schneider Rossi Silva Costa Jensen Novak Petrov Chen Singh Garcia Murphy
Kelly Walsh Becker Fischer Dubois Laurent Bianchi Romano Santos Pereira Tanaka Sato Kim Park
""".split()  # noqa: SIM905
PLACES = """Port Ellis|Millbrook|Riverside|Northgate|Marlow|Brannock County|Elm City|Founders
Square|La Cumbre|Carver|Fresno|Kitahama|Harbour Point|Westfield|Oakridge|Lakeview|Stonebridge
""".replace("\n", " ").split("|")
SITES = [
    ("The Elm City Record", "elmcityrecord.com", "ElmCityRecord"),
    ("Port Ellis Post", "portellispost.com", "PortEllisPost"),
    ("Riverside Sports Report", "riversidesportsreport.com", "RiversideSports"),
    ("Northgate Now", "northgatenow.com", "NorthgateNow"),
    ("Marlow Weekly", "marlowweekly.com", "MarlowWeekly"),
    ("World News Network", "wnn.example", "WNN"),
    ("Launch Window", "launchwindow.example", "LaunchWindowHQ"),
    ("Coastline News", "coastlinenews.example", "CoastlineNews"),
]
# The accounts each site's footer links to besides X: profiles, never posts.
FOLLOW = {
    "ElmCityRecord": ("facebook", "instagram"), "PortEllisPost": ("facebook",),
    "RiversideSports": ("facebook", "instagram", "youtube", "tiktok"), "NorthgateNow": (),
    "MarlowWeekly": ("facebook",), "WNN": ("facebook", "instagram", "youtube", "tiktok",
                                           "threads", "bluesky", "telegram"),
    "LaunchWindowHQ": ("youtube", "bluesky", "mastodon"),
    "CoastlineNews": ("facebook", "instagram", "youtube"),
}
SECTIONS = ["news", "politics", "business", "sports", "things-to-do", "food", "weather",
            "local", "world", "opinion", "science", "culture", "education", "transport"]

MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
MONTHS = {
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"],
    "de": ["Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
           "September", "Oktober", "November", "Dezember"],
    "it": ["gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
           "settembre", "ottobre", "novembre", "dicembre"],
    "pt": ["janeiro", "fevereiro", "março", "abril", "maio", "junho", "julho", "agosto",
           "setembro", "outubro", "novembro", "dezembro"],
    "nl": ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
           "september", "oktober", "november", "december"],
}


def date_text(d: datetime, lang: str = "en") -> str:
    if lang == "en":
        return f"{MONTHS_EN[d.month - 1]} {d.day}, {d.year}"
    if lang == "ja":
        return f"{d.year}年{d.month}月{d.day}日"
    month = MONTHS[lang][d.month - 1]
    if lang in ("es", "pt"):
        return f"{d.day} de {month} de {d.year}"
    if lang == "de":
        return f"{d.day}. {month} {d.year}"
    return f"{d.day} {month} {d.year}"


@dataclass
class Tweet:
    id: str
    handle: str
    name: str
    text: str
    when: datetime
    tco: list[str] = field(default_factory=list)
    pic: str | None = None

    def status(self, host: str = "twitter.com", query: str = "?ref_src=twsrc%5Etfw") -> str:
        return f"https://{host}/{self.handle}/status/{self.id}{query}"


class Writer:
    """Everything random goes through one seeded generator: same seed, same bytes."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.code_n = 0
        self.paragraphs = [self._paragraph() for _ in range(3000)]
        self.sentences = [self._sentence() for _ in range(2000)]
        self.css = self._css(60_000)
        self.js = self._js(40_000)

    # -- prose -----------------------------------------------------------------------
    def name(self) -> str:
        return f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}"

    def _sentence(self) -> str:
        r = self.rng
        n = r.randint(8, 28)
        words = [r.choice(WORDS) for _ in range(n)]
        if r.random() < 0.3:
            words.insert(r.randint(0, n - 1), r.choice(PLACES))
        if r.random() < 0.2:
            words.insert(r.randint(0, n - 1), str(r.randint(2, 2500)))
        if r.random() < 0.25:
            words.insert(r.randint(1, n - 1), words.pop(r.randint(1, n - 1)) + ",")
        text = " ".join(words)
        text = text[0].upper() + text[1:] + "."
        if r.random() < 0.15:
            text = f"“{text[:-1]},” said {self.name()}, a {r.choice(WORDS)} {r.choice(WORDS)}."
        return text

    def _paragraph(self) -> str:
        return " ".join(self._sentence() for _ in range(self.rng.randint(2, 6)))

    def para(self) -> str:
        return self.rng.choice(self.paragraphs)

    def headline(self) -> str:
        s = self.rng.choice(self.sentences).rstrip(".")
        return " ".join(s.split()[: self.rng.randint(6, 12)]).replace("“", "").replace("”", "")

    def _css(self, size: int) -> str:
        r, parts, n = self.rng, [], 0
        while n < size:
            sel = f".{r.choice(WORDS)}-{r.choice(WORDS)}{r.choice(['', ' a', ':hover', ' > li'])}"
            rule = (f"{sel}{{margin:{r.randint(0, 40)}px {r.randint(0, 40)}px;"
                    f"color:#{r.randrange(16**6):06x};font-size:{r.randint(10, 40)}px}}")
            parts.append(rule)
            n += len(rule)
        return "".join(parts)

    def _js(self, size: int) -> str:
        r, parts, n = self.rng, [], 0
        while n < size:
            line = (f"var {r.choice(WORDS)}_{r.randint(0, 999)}=function(e,t){{return e&&"
                    f"t.{r.choice(WORDS)}({json.dumps(r.choice(WORDS))},{r.randint(0, 99)})}};")
            parts.append(line)
            n += len(line)
        return "".join(parts)

    # -- tweets ----------------------------------------------------------------------
    def code(self, length: int = 10) -> str:
        self.code_n += 1
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        return "".join(self.rng.choice(alphabet) for _ in range(length))

    def tweet(self, when: datetime | None = None) -> Tweet:
        r = self.rng
        when = when or datetime(2013, 1, 1, tzinfo=timezone.utc) + timedelta(
            seconds=r.randrange(12 * 365 * 86400))
        ms = int(when.timestamp() * 1000) - TWEPOCH_MS
        tweet_id = str((ms << 22) | r.randrange(1 << 22))
        handle = (r.choice(FIRST) + r.choice(["", "_", ""]) + r.choice(LAST))[:15]
        if r.random() < 0.3:
            handle = handle[:12] + str(r.randint(1, 99))
        office = f"{r.choice(PLACES)} {r.choice(['Police', 'Schools', 'Transit', 'FD', 'News'])}"
        name = r.choice([self.name(), handle.replace("_", " "), office])
        text = r.choice(self.sentences)[: r.randint(60, 240)].rstrip()
        tco = []
        if r.random() < 0.4:
            tco.append(self.code())
        pic = self.code() if r.random() < 0.3 else None
        return Tweet(tweet_id, handle, name, text, when, tco, pic)


# -- embed forms (one tweet each unless a negative) ------------------------------------------


def _tweet_p(t: Tweet, lang: str = "en", pic_host: str = "pic.twitter.com",
             ref: bool = True, sep: str = " ") -> str:
    q = "?ref_src=twsrc%5Etfw" if ref else ""
    parts = [f'<p lang="{lang}" dir="ltr">{t.text}']
    if ref and "Police" not in t.name:
        parts.append(f' <a href="https://twitter.com/hashtag/{t.handle[:6]}{q}">#{t.handle[:6]}</a>')
    for c in t.tco:
        parts.append(f'{sep}<a href="https://t.co/{c}">https://t.co/{c}</a>')
    if t.pic:
        parts.append(f' <a href="https://t.co/{t.pic}">{pic_host}/{t.pic}</a>')
    return "".join(parts) + "</p>"


SCRIPT = '<script async src="https://platform.twitter.com/widgets.js" charset="utf-8"></script>'


def f_oembed(w: Writer, t: Tweet) -> str:
    return (f'<blockquote class="twitter-tweet" data-lang="en" data-dnt="true">{_tweet_p(t)}'
            f"&mdash; {t.name} (@{t.handle}) <a href=\"{t.status()}\">{date_text(t.when)}</a>"
            f"</blockquote> {SCRIPT}")


def f_oembed_dash_br(w: Writer, t: Tweet) -> str:
    first = t.text.partition(" ")[0]
    p = _tweet_p(t).replace(f">{first} ", f">{first}<br><br>", 1)
    return (f'<blockquote class="twitter-tweet" data-theme="dark" data-width="550">{p}'
            f"— {t.name} (@{t.handle}) <a href=\"{t.status()}\">{date_text(t.when)}</a>"
            f"</blockquote>\n{SCRIPT}")


def f_video(w: Writer, t: Tweet) -> str:
    return f_oembed(w, t).replace('class="twitter-tweet"', 'class="twitter-video"', 1)


def f_xcom(w: Writer, t: Tweet) -> str:
    return (f'<blockquote class="twitter-tweet">{_tweet_p(t, pic_host="pic.x.com")}'
            f"&mdash; {t.name} (@{t.handle}) <a href=\"{t.status('x.com')}\">"
            f"{date_text(t.when)}</a></blockquote> "
            '<script async src="https://platform.x.com/widgets.js" charset="utf-8"></script>')


def f_older(w: Writer, t: Tweet) -> str:
    iso = t.when.strftime("%Y-%m-%dT%H:%M:%S+00:00")
    p = _tweet_p(t, ref=False).replace(' lang="en" dir="ltr"', "")
    return (f"<blockquote class=\"twitter-tweet\">{p}"
            f"&mdash; {t.name} (@{t.handle}) <a href=\"https://twitter.com/{t.handle}/statuses/"
            f"{t.id}\" data-datetime=\"{iso}\">{date_text(t.when)}</a></blockquote>\n"
            '<script async src="//platform.twitter.com/widgets.js" charset="utf-8"></script>')


def f_lang(w: Writer, t: Tweet) -> str:
    lang = w.rng.choice(["es", "fr", "de", "it", "ja", "pt", "nl"])
    return (f'<blockquote class="twitter-tweet" data-lang="{lang}">{_tweet_p(t, lang)}'
            f"&mdash; {t.name} (@{t.handle}) <a href=\"{t.status()}\">"
            f"{date_text(t.when, lang)}</a></blockquote> {SCRIPT}")


def f_wpautop(w: Writer, t: Tweet) -> str:
    return (f'<blockquote class="twitter-tweet" data-width="550" data-dnt="true">\n{_tweet_p(t)}\n'
            f"<p>&mdash; {t.name} (@{t.handle}) <a href=\"{t.status()}\">{date_text(t.when)}"
            f"</a></p></blockquote>\n<p>{SCRIPT}</p>")


def f_wp_block(w: Writer, t: Tweet) -> str:
    url = t.status(query="")
    return (f'<!-- wp:embed {{"url":"{url}","type":"rich","providerNameSlug":"twitter",'
            '"responsive":true} -->\n<figure class="wp-block-embed is-type-rich '
            'is-provider-twitter wp-block-embed-twitter"><div class="wp-block-embed__wrapper">\n'
            f"{f_oembed(w, t)}\n</div></figure>\n<!-- /wp:embed -->")


def f_wp_url_only(w: Writer, t: Tweet) -> str:
    slug = w.rng.choice(["twitter", "x"])
    url = t.status("x.com" if slug == "x" else "twitter.com", query="")
    return (f'<!-- wp:embed {{"url":"{url}","type":"rich","providerNameSlug":"{slug}",'
            f'"responsive":true}} -->\n<figure class="wp-block-embed is-type-rich '
            f'is-provider-{slug} wp-block-embed-{slug}"><div class="wp-block-embed__wrapper">\n'
            f"{url}\n</div></figure>\n<!-- /wp:embed -->")


def f_amp_placeholder(w: Writer, t: Tweet) -> str:
    inner = f_oembed(w, t).replace(SCRIPT, "").replace(
        '<blockquote class="twitter-tweet"', '<blockquote placeholder class="twitter-tweet"', 1)
    return (f'<amp-twitter width="375" height="472" layout="responsive" data-tweetid="{t.id}">'
            f"\n  {inner}\n</amp-twitter>")


def f_amp_bare(w: Writer, t: Tweet) -> str:
    return (f'<amp-twitter width="375" height="472" layout="responsive" data-tweetid="{t.id}">'
            '<div fallback>Loading post…</div></amp-twitter>')


def f_rendered(w: Writer, t: Tweet) -> str:
    n = w.rng.randint(0, 30)
    return ('<div class="twitter-tweet twitter-tweet-rendered" style="display: flex; max-width: '
            '550px; width: 100%; margin-top: 10px; margin-bottom: 10px;"><iframe id="twitter-'
            f'widget-{n}" scrolling="no" frameborder="0" allowtransparency="true" '
            'allowfullscreen="true" class="" style="position: static; visibility: visible; width: '
            '550px; height: 689px; display: block; flex-grow: 1;" title="X Post" '
            f'src="https://platform.twitter.com/embed/Tweet.html?dnt=false&amp;embedId=twitter-'
            f'widget-{n}&amp;frame=false&amp;hideCard=false&amp;hideThread=false&amp;id={t.id}'
            f'&amp;lang=en&amp;theme=light&amp;width=550px" data-tweet-id="{t.id}"></iframe></div>')


def f_bare_iframe(w: Writer, t: Tweet) -> str:
    return ('<iframe border="0" frameborder="0" height="378" width="550" title="Twitter Tweet" '
            'src="https://platform.twitter.com/embed/Tweet.html?dnt=true&amp;embedId=twitter-'
            f'widget-0&amp;frame=false&amp;hideCard=false&amp;hideThread=false&amp;id={t.id}'
            '&amp;lang=en&amp;theme=light&amp;width=550px"></iframe>')


def f_cnn(w: Writer, t: Tweet) -> str:
    return ('<div class="el__embedded el__embedded--standard"><div class="el__twitter">'
            f'<div class="embed-twitter" data-embed-id="{t.id}"></div></div></div>')


def f_anchor_only(w: Writer, t: Tweet) -> str:
    return (f'<blockquote class="twitter-tweet" data-lang="en"><a href="{t.status(query="")}">'
            "</a></blockquote> "
            '<script async src="//platform.twitter.com/widgets.js" charset="utf-8"></script>')


def f_classless(w: Writer, t: Tweet) -> str:
    return (f"<blockquote>{_tweet_p(t)}&mdash; {t.name} (@{t.handle}) "
            f"<a href=\"{t.status()}\">{date_text(t.when)}</a></blockquote>")


def f_url_variants(w: Writer, t: Tweet) -> str:
    href = w.rng.choice([
        f"https://mobile.twitter.com/{t.handle}/status/{t.id}?s=20&t=Xb3{w.code(19)}",
        f"https://twitter.com/i/web/status/{t.id}",
        f"https://www.twitter.com/{t.handle}/statuses/{t.id}",
        f"https://twitter.com/{t.handle}/status/{t.id}/photo/1",
        f"https://twitter.com/statuses/{t.id}",
    ])
    return (f'<blockquote class="twitter-tweet">{_tweet_p(t)}&mdash; {t.name} (@{t.handle}) '
            f'<a href="{href}">{date_text(t.when)}</a></blockquote>')


def f_shortcode(w: Writer, t: Tweet) -> str:
    value = t.id if w.rng.random() < 0.5 else t.status(query="")
    return f"<p>[tweet {value}]</p>"


def f_flattened(w: Writer, t: Tweet) -> str:
    links = " ".join(f"https://t.co/{c}" for c in t.tco)
    pic = f" pic.twitter.com/{t.pic}" if t.pic else ""
    return (f"<p>{t.text} {links}{pic}</p>\n"
            f"<p>— {t.name} (@{t.handle}) {date_text(t.when)}</p>")


FORMS = [  # (generator, weight, embeds it holds)
    (f_oembed, 30), (f_oembed_dash_br, 8), (f_video, 3), (f_xcom, 6), (f_older, 4),
    (f_lang, 6), (f_wpautop, 6), (f_wp_block, 6), (f_wp_url_only, 5), (f_amp_placeholder, 3),
    (f_amp_bare, 2), (f_rendered, 5), (f_bare_iframe, 3), (f_cnn, 3), (f_anchor_only, 2),
    (f_classless, 2), (f_url_variants, 4), (f_shortcode, 2), (f_flattened, 3),
]


# -- negatives: look like embeds to a careless reader, hold none -----------------------------


def n_timeline(w: Writer) -> str:
    h = w.rng.choice(SITES)[2]
    return (f'<a class="twitter-timeline" data-height="600" data-theme="light" '
            f'href="https://twitter.com/{h}?ref_src=twsrc%5Etfw">Posts by {h}</a> {SCRIPT}')


def n_prose_status(w: Writer) -> str:
    t = w.tweet()
    return (f"<p>{w.name()} <a href=\"https://twitter.com/{t.handle}/status/{t.id}\">said on X"
            f"</a> that {w.para()}</p>")


def n_pullquote(w: Writer) -> str:
    return f'<blockquote class="pull-quote"><p>{w.rng.choice(w.sentences)}</p></blockquote>'


def n_bluesky(w: Writer) -> str:
    h = w.rng.choice(LAST).lower()
    return (f"<p>{w.rng.choice(w.sentences)}</p><p>— {w.name()} (@{h}.bsky.social) "
            f"Nov {w.rng.randint(1, 28)}, 2024 at 9:42 AM</p>")


def n_mention(w: Writer) -> str:
    t = w.tweet()
    return (f"<p>{t.name} (@{t.handle}), who has covered the {w.rng.choice(WORDS)} for years, "
            f"{w.para()}</p>")


NEGATIVES = [n_timeline, n_prose_status, n_pullquote, n_bluesky, n_mention,
             platform_forms.n_profile_embed, platform_forms.n_cited]


# -- pages -----------------------------------------------------------------------------------


@dataclass
class Planned:
    name: str
    data: bytes
    kind: str  # html | amp | text
    embeds: int  # posts planted (each one embed to the scanner)
    forms: list[str]
    platforms: dict[str, int] = field(default_factory=dict)  # posts planted, by platform


def _links(w: Writer, base: str, n: int, cls: str = "menu-item") -> str:
    return "".join(
        f'<li class="{cls}"><a href="https://www.{base}/{w.rng.choice(SECTIONS)}/'
        f'{w.rng.choice(WORDS)}-{w.rng.choice(WORDS)}/">{w.rng.choice(WORDS).title()} '
        f"{w.rng.choice(WORDS)}</a></li>" for _ in range(n)
    )


def _head(w: Writer, site, title: str, url: str, desc: str, author: str, published: str,
          css_bytes: int, amp: bool) -> str:
    name, domain, handle = site
    r = w.rng
    ld = json.dumps({"@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
                     "datePublished": published, "author": {"@type": "Person", "name": author},
                     "publisher": {"@type": "Organization", "name": name},
                     "mainEntityOfPage": url, "description": desc})
    start = r.randrange(max(1, len(w.css) - css_bytes))
    style = w.css[start:start + css_bytes]
    return (
        f'<!DOCTYPE html>\n<html {"⚡ " if amp else ""}lang="en"><head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title} | {name}</title>\n"
        f'<meta name="description" content="{desc}">\n<link rel="canonical" href="{url}">\n'
        f'<meta property="og:site_name" content="{name}">\n'
        f'<meta property="og:title" content="{title}">\n<meta property="og:url" content="{url}">\n'
        '<meta property="og:type" content="article">\n'
        f'<meta property="og:image" content="https://cdn.{domain}/img/{r.randrange(10**8)}.jpg">\n'
        f'<meta property="article:published_time" content="{published}">\n'
        '<meta name="twitter:card" content="summary_large_image">\n'
        f'<meta name="twitter:site" content="@{handle}">\n'
        f'<meta name="twitter:creator" content="@{author.replace(" ", "").lower()[:15]}">\n'
        f'<meta name="twitter:title" content="{title}">\n'
        f'<meta name="twitter:description" content="{desc}">\n'
        f'<link rel="stylesheet" href="https://cdn.{domain}/css/site.{r.randrange(16**6):06x}.css">\n'
        f'<script type="application/ld+json">{ld}</script>\n'
        f"<style>{style}</style>\n"
        f'<script async src="https://www.googletagmanager.com/gtm.js?id=GTM-{r.randrange(10**6)}">'
        "</script>\n</head>\n"
    )


def _share(w: Writer, url: str, title: str, handle: str) -> str:
    u, t = quote(url, safe=""), quote(title, safe="")
    return (
        '<div class="story-share">'
        f'<a class="share share--x" href="https://twitter.com/intent/tweet?url={u}&amp;text={t}'
        f'&amp;via={handle}" target="_blank" rel="noopener">Share on X</a>'
        f'<a class="share share--fb" href="https://www.facebook.com/sharer/sharer.php?u={u}" '
        'target="_blank" rel="noopener">Share on Facebook</a>'
        f'<a class="share share--mail" href="mailto:?subject={t}&amp;body={u}">Email</a>'
        '<button class="share share--copy" type="button">Copy link</button></div>\n'
    )


def _figure(w: Writer, domain: str) -> str:
    r = w.rng
    return (f'<figure class="story-image"><img src="https://cdn.{domain}/img/{r.randrange(10**8)}'
            f'.jpg" alt="{r.choice(w.sentences)[:80]}" width="1200" height="800" loading="lazy">'
            f"<figcaption>{r.choice(w.sentences)} <span class=\"credit\">{w.name()}</span>"
            "</figcaption></figure>\n")


def html_article(w: Writer, idx: int, target: int, n_embeds: int, negatives: int,
                 mix: str = "") -> Planned:
    """mix: "" embeds tweets alone; "some" posts of the platforms in their proportions;
    "every" one post of each platform first."""
    r = w.rng
    site = r.choice(SITES)
    name, domain, handle = site
    amp = r.random() < 0.08 and mix != "every"
    style = r.choice(["wp", "next", "drupal", "cnn", "classic"]) if not amp else "amp"
    title = w.headline()
    section = r.choice(SECTIONS)
    slug = "-".join(title.lower().split()[:8])
    when = datetime(2012, 1, 1, tzinfo=timezone.utc) + timedelta(
        seconds=r.randrange(13 * 365 * 86400))
    url = f"https://www.{domain}/{when:%Y/%m/%d}/{slug}/"
    author = w.name()
    desc = r.choice(w.sentences)[:160].replace('"', "")
    css_bytes = min(int(target * r.uniform(0.05, 0.25)), len(w.css) - 1)
    head = _head(w, site, title, url, desc, author, when.isoformat(), css_bytes, amp)
    nav = (f'<body class="single-story {style}">\n<div class="site-wrap">\n'
           '<header class="site-header">'
           f'<a class="brand" href="https://www.{domain}/">'
           f'<img src="https://cdn.{domain}/logo.svg" '
           f'alt="{name}"></a>\n<nav class="site-nav" aria-label="Main"><ul>'
           f"{_links(w, domain, r.randint(12, 60))}</ul></nav></header>\n")
    top = (f'<main class="story container"><article>\n<p class="kicker"><a href="https://www.{domain}'
           f'/{section}/">{section.title()}</a></p>\n<h1 class="story-title">{title}</h1>\n'
           f'<p class="story-dek">{desc}</p>\n<div class="story-meta"><span class="byline">By '
           f'<a href="https://www.{domain}/staff/{author.lower().replace(" ", "-")}/">{author}</a>'
           f'</span> <time datetime="{when.isoformat()}">{date_text(when)}</time></div>\n'
           f"{_share(w, url, title, handle)}<div class=\"story-body\">\n")
    aside = ('</div></article>\n<aside class="sidebar"><section class="most-read"><h2>Most read'
             f"</h2><ol>{_links(w, domain, 10, 'rank')}</ol></section>"
             '<div class="ad-slot" data-ad-unit="/1234/'
             f'{domain}/{section}" data-sizes="300x250,300x600"></div></aside></main>\n')
    foot = (f'<footer class="site-footer"><ul>{_links(w, domain, r.randint(10, 40), "foot")}</ul>'
            f'<p>&copy; {when.year} {name} &middot; <a href="https://twitter.com/{handle}">{name} '
            f'on X</a></p>{platform_forms.follow_links(handle, FOLLOW[handle])}</footer>\n'
            "</div>\n")
    js_bytes = min(int(target * r.uniform(0.03, 0.2)), len(w.js) - 1)
    start = r.randrange(max(1, len(w.js) - js_bytes))
    script = f"<script>{w.js[start:start + js_bytes]}</script>\n"

    # Embeds and negatives spread among the paragraphs.
    planted, forms, platforms = [], [], {}
    amp_forms = [(f_amp_placeholder, 3), (f_amp_bare, 1)]
    pool = amp_forms if amp else [
        (f, wt) for f, wt in FORMS if f not in (f_amp_placeholder, f_amp_bare)]
    gens, weights = zip(*pool, strict=True)
    for i in range(n_embeds):
        platform = _platform(r, mix, i, amp)
        platforms[platform] = platforms.get(platform, 0) + 1
        if platform == "twitter":
            gen = r.choices(gens, weights)[0]
            planted.append(gen(w, w.tweet()))
            forms.append(gen.__name__[2:])
            continue
        if amp:
            gen = platform_forms.AMP_FORMS[platform]
        else:
            others, other_weights = zip(*platform_forms.FORMS[platform], strict=True)
            gen = r.choices(others, other_weights)[0]
        planted.append(gen(w, platform_forms.post(w, platform)))
        forms.append(gen.__name__)
    inserts = planted + [r.choice(NEGATIVES)(w) for _ in range(negatives)]
    r.shuffle(inserts)

    fixed = len(head) + len(nav) + len(top) + len(aside) + len(foot) + len(script) + 200
    fixed += sum(len(x) for x in inserts)
    budget = max(target - fixed, 1500)
    if style == "next":
        budget //= 2  # the body again, JSON-escaped, in __NEXT_DATA__
    # The body's blocks, decided once; then as many as fit the size (20-300 KB).
    blocks, size = [], 0
    while size < budget * 1.3 + 4000:
        p = w.para()
        if style == "wp":
            block = f"<!-- wp:paragraph -->\n<p>{p}</p>\n<!-- /wp:paragraph -->\n"
        elif style == "cnn":
            block = f'<div class="zn-body__paragraph">{p}</div>'
        else:
            block = f"<p>{p}</p>\n"
        n = len(blocks)
        if n and n % 9 == 0 and r.random() < 0.5:
            block += _figure(w, domain)
        if n % 7 == 3 and r.random() < 0.5:
            block += f"<h2>{w.headline()}</h2>\n"
        blocks.append(block)
        size += len(block)
    build_id = w.code(21)

    def render(count: int) -> str:
        chosen = blocks[:count]
        every = max(1, count // (len(inserts) + 1)) if inserts else 0
        parts, k = [], 0
        for i, block in enumerate(chosen):
            parts.append(block)
            if every and (i + 1) % every == 0 and k < len(inserts):
                parts.append(inserts[k] + "\n")
                k += 1
        parts.extend(x + "\n" for x in inserts[k:])
        body = "".join(parts)
        tail = script
        if style == "next":
            state = {"props": {"pageProps": {"post": {"title": title, "slug": slug, "date":
                     when.isoformat(), "content": body}}}, "page": "/[...slug]",
                     "buildId": build_id}
            tail += (f'<script id="__NEXT_DATA__" type="application/json">{json.dumps(state)}'
                     "</script>\n")
        return head + nav + top + body + aside + foot + tail + "</body></html>\n"

    count, acc = 0, 0
    while count < len(blocks) and acc < budget:
        acc += len(blocks[count])
        count += 1
    doc = render(count)
    while len(doc.encode()) > MAX_BYTES and count > 1:
        count -= 1
        doc = render(count)
    while len(doc.encode()) < MIN_BYTES and count < len(blocks):
        count += 1
        doc = render(count)
    return Planned(f"{idx:05d}-{slug[:40]}.html", doc.encode("utf-8"), "amp" if amp else "html",
                   n_embeds, forms, platforms)


def _platform(r: random.Random, mix: str, i: int, amp: bool) -> str:
    """The platform of an article's i-th embed."""
    if not mix:
        return "twitter"
    weights = {k: v for k, v in platform_forms.PLATFORM_WEIGHTS.items()
               if not amp or k in platform_forms.AMP_PLATFORMS}
    if mix == "every" and i < len(weights):
        return list(weights)[i]
    return r.choices(list(weights), list(weights.values()))[0]


def _text_attribution(w: Writer, t: Tweet) -> tuple[str, str]:
    """A tweet flattened to text (reference §1.5), in one of its seen variants."""
    r = w.rng
    links = "".join(f" https://t.co/{c}" for c in t.tco)
    pic = f" pic.twitter.com/{t.pic}" if t.pic else ""
    variant = r.choice(["blank", "blank", "one_line", "empty_name", "parens_emoji"])
    when = date_text(t.when)
    if variant == "one_line":
        return variant, f"{t.text}{links}{pic} — {t.name} (@{t.handle}) {when}"
    name = {"empty_name": "", "parens_emoji": f"{t.name} (Official) 🌻"}.get(variant, t.name)
    return variant, f"{t.text}{links}{pic}\n— {name} (@{t.handle}) {when}".replace("—  (", "— (")


def text_article(w: Writer, idx: int, target: int, n_embeds: int) -> Planned:
    r = w.rng
    title = w.headline()
    lines = [title, w.headline(), f"By {w.name()}", ""]
    inserts, forms = [], []
    platforms = {"twitter": n_embeds} if n_embeds else {}
    for _ in range(n_embeds):
        variant, text = _text_attribution(w, w.tweet())
        inserts.append(text)
        forms.append("text_" + variant)
    # Bluesky's and Instagram's posts flattened the same way (Bluesky's attribution
    # is a tweet's look-alike, which the tweet reader must leave alone).
    if r.random() < 0.2:
        platform = r.choice(["bluesky", "bluesky", "instagram"])
        form, text = platform_forms.text_attribution(w, platform)
        inserts.append(text)
        forms.append(form)
        platforms[platform] = platforms.get(platform, 0) + 1
    size, paras = 0, []
    while size < min(target, MAX_BYTES - 4000) - sum(len(x.encode()) for x in inserts):
        p = w.para()
        paras.append(p)
        size += len(p) + 2
    every = max(1, len(paras) // (len(inserts) + 1)) if inserts else 0
    k = 0
    for i, p in enumerate(paras):
        lines += [p, ""]
        if every and (i + 1) % every == 0 and k < len(inserts):
            lines += [inserts[k], ""]
            k += 1
    for x in inserts[k:]:
        lines += [x, ""]
    slug = "-".join(title.lower().split()[:8])
    data = "\n".join(lines).encode("utf-8")
    while len(data) < MIN_BYTES:
        data += ("\n" + w.para() + "\n").encode("utf-8")
    return Planned(f"{idx:05d}-{slug[:40]}.txt", data, "text",
                   sum(platforms.values()), forms, platforms)


def _size(r: random.Random) -> int:
    """Article size in bytes: log-normal around 70 KB, clipped to 20-300 KB."""
    return int(min(300_000, max(20_000, r.lognormvariate(math.log(70_000), 0.6))))


def _embed_count(r: random.Random) -> int:
    """1-40, most articles with a few; live blogs with many."""
    if r.random() < 0.06:
        return r.randint(20, 40)
    return min(40, 1 + int(r.expovariate(1 / 2.5)))


def plan(n: int, seed: int):
    """Yield the n articles, deterministic for (n, seed)."""
    w = Writer(seed)
    r = w.rng
    for idx in range(n):
        target = _size(r)
        roll = r.random()
        if idx == 0 or idx == 1:  # at least two live blogs at the ceiling
            yield html_article(w, idx, target, 40, 0)
        elif idx == 2:  # and one embedding every platform
            yield html_article(w, idx, target, 40, 0, mix="every")
        elif roll < 0.07:  # plain text; a third of them hold flattened tweets
            yield text_article(w, idx, target, _embed_count(r) if r.random() < 0.35 else 0)
        elif roll < 0.16:  # HTML with embeds: tweets
            yield html_article(w, idx, target, _embed_count(r), int(r.random() < 0.2))
        elif roll < 0.22:  # HTML with embeds of every platform, tweets among them
            yield html_article(w, idx, target, _embed_count(r), int(r.random() < 0.2), "some")
        else:  # the common case: no embed; a few negatives
            yield html_article(w, idx, target, 0, int(r.random() < 0.05))


def generate(folder: str | Path, n: int = 2000, seed: int = 20260301) -> dict:
    """Write the corpus into folder (which must be empty or absent); return its summary."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    summary = {"articles": 0, "bytes": 0, "embeds": 0, "with_embeds": 0, "text": 0, "amp": 0,
               "min_bytes": None, "max_bytes": 0, "forms": {}, "platforms": {},
               "mixed": 0, "seed": seed, "version": VERSION}
    for item in plan(n, seed):
        (folder / item.name).write_bytes(item.data)
        size = len(item.data)
        summary["articles"] += 1
        summary["bytes"] += size
        summary["embeds"] += item.embeds
        summary["with_embeds"] += bool(item.embeds)
        summary["text"] += item.kind == "text"
        summary["amp"] += item.kind == "amp"
        low = summary["min_bytes"]
        summary["min_bytes"] = size if low is None else min(size, low)
        summary["max_bytes"] = max(size, summary["max_bytes"])
        for form in item.forms:
            summary["forms"][form] = summary["forms"].get(form, 0) + 1
        for platform, count in item.platforms.items():
            summary["platforms"][platform] = summary["platforms"].get(platform, 0) + count
        summary["mixed"] += bool(set(item.platforms) - {"twitter"})
    (folder.parent / (folder.name + ".json")).write_text(json.dumps(summary, indent=1))
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20260301)
    args = parser.parse_args()
    print(json.dumps(generate(args.folder, args.articles, args.seed), indent=1))


if __name__ == "__main__":
    main()
