"""Publishers' own markup for the posts they show, read by the real `archiver scan FILE --json`.

Each file in tests/fixtures/scan/publisher/ is a whole article page holding one
publisher form (placeholders, cards, embed code kept as text, quote blocks, fields
in the page's data, cited posts) and the page furniture around it (share buttons
carrying status URLs, intent links, menus). CASES says exactly what the scanner
must find: the embeds, the posts the prose cites, and nothing else.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from archiver.scan import scan_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "scan" / "publisher"
TWITTER_EPOCH_MS = 1288834974657


def snowflake_date(tweet_id: str) -> str:
    ms = (int(tweet_id) >> 22) + TWITTER_EPOCH_MS
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc).strftime("%Y-%m-%d")


def url(handle, tweet_id) -> str:
    if handle:
        return f"https://twitter.com/{handle}/status/{tweet_id}"
    return f"https://twitter.com/i/web/status/{tweet_id}"


def tweet(id, handle, author=None, date=None, text=None, links=()) -> dict:
    return {"platform": "twitter", "id": id, "handle": handle, "author": author,
            "date": date or (snowflake_date(id) if id else None), "text": text,
            "url": url(handle, id) if id else None, "links": list(links)}


def cite(id, handle) -> dict:
    return {"platform": "twitter", "id": id, "handle": handle, "url": url(handle, id)}


@dataclass
class Case:
    embeds: list[dict]
    cited: list[dict] = field(default_factory=list)
    links: list[str] = field(default_factory=list)


CASES: dict[str, Case] = {
    # Lazy and consent-gated placeholders: the post only in a data-* attribute.
    "placeholder_consent_lazy.html": Case([
        tweet("1635664581227597825", "HarbourCG"),  # data-oembed-url with stray spaces
        tweet("1635664581227597826", "HarbourCouncil"),  # data-href, data-provider="twitter"
        tweet("1636026969093197827", None),  # data-tweetid=" ID " on a tweet figure
        tweet("1636026969093197828", "HarbourFerries"),  # data-twitter="twitter-tweet"
    ]),
    "amp_tweetid_url_bare_quote.html": Case([
        tweet("1587829382968397829", "ValleyClerk"),  # amp-twitter data-tweetid holds a URL
        tweet("1587829382968397830", "RosaMenendez"),  # classless blockquote, empty link
    ]),
    # Consent placeholders keeping only a link to their post ("View original
    # content on X"); a video's and a podcast's caption links are cited instead.
    "consent_fallback_link.html": Case(
        [tweet("1754890189009997843", "NorthernRailUK"),
         tweet("1754890189009997844", "RailUsersNorth")],
        [cite("1754000000000000000", "TransportSec"), cite("1754000000000000001", "TransportSec")],
    ),
    # Cards the CMS renders: id and fields in JSON, or in the card's parts.
    "card_json.html": Case([
        tweet("1664293222609997831", "MetroUnion", "Metro Transit Union", "2023-06-01",
              "Members have voted to accept the offer. Service resumes at 5 AM. Thank you for"
              " your patience. https://t.co/Mu7Qp2LxA1", ["https://t.co/Mu7Qp2LxA1"]),
        tweet("1664293222609997832", "MetroTA", "Metro Transit Authority", None,
              "Extra trains tonight on the Red and Blue lines between 4 and 7 PM."),
    ], links=["https://t.co/Mu7Qp2LxA1"]),
    # A newsletter platform's card (the platform's own created_at in its JSON), an
    # embed service's iframe naming the post in its query; a tweet button's is no post.
    "card_newsletter_json_embed_service.html": Case([
        tweet("1709229317944397845", "CityParksDept", "City Parks", "2023-10-03",
              "The new riverside path is open from the boathouse to Mill Lane. Bikes welcome!"),
        tweet("1709591705809997846", "HillTrailPals"),
    ]),
    "card_newsletter_no_id.html": Case([  # no id: kept as a plain-text tweet is
        tweet(None, "DrAmaraOkoye", "Dr. Amara Okoye", "2024-01-12",
              "New data: flu admissions fell 30% this week. Keep washing your hands, but the"
              " worst of the season looks behind us. pic.twitter.com/Fl8uWeek3",
              ["https://pic.twitter.com/Fl8uWeek3"]),
    ], links=["https://pic.twitter.com/Fl8uWeek3"]),
    # Embed code kept as text until consent: textarea, text/template script,
    # an escaped attribute, an escaped <noscript>.
    "kept_as_text.html": Case([
        tweet("1704518275691597833", "RiversideRoads", "Riverside Roads", "2023-09-20",
              "Old Mill bridge stays closed until Oct 6. Use the Station St detour."),
        tweet("1704518275691597834", "MillStBakery", "Mill St Bakery", "2023-09-20",
              "Still open during the closure! Walk over from the Station St car park."),
        tweet("1704880663557197835", "CllrJanePike", "Jane Pike", "2023-09-21",
              "I have asked for a full report on the bridge inspections at Tuesday's meeting."),
        tweet("1704880663557197836", "RiversideEng", "Riverside Engineering", "2023-09-21",
              "Inspection of span 2 complete. No structural damage found."),
    ]),
    # Quote blocks: the words quoted, the post linked.
    "quote_blocks.html": Case([
        tweet("1643637114270797837", "SenLenaRuiz",
              text="every family deserves clean water, whatever it costs"),
        tweet("1643637114270797838", "TomBrandtGOP",
              text="The bill doubles water rates for farmers and does nothing for the towns"
                   " that need it."),
    ]),
    # A rendered iframe only; its fields sit JSON-escaped in __NEXT_DATA__.
    "iframe_next_data.html": Case([
        tweet("1730610202014797839", "CityAirport", "City Airport", None,
              "Terminal 3 is open! First departure: 06:10 to Lisbon. https://t.co/T3open2023",
              ["https://t.co/T3open2023"]),
    ], links=["https://t.co/T3open2023"]),
    # Posts linked in the prose are cited, once each; the embedded one is an embed
    # only; a status link in the menu and in a share link is neither.
    "cited_in_prose.html": Case(
        [tweet("1557026414392397842", "BayHousing", "Bay Housing Coalition", "2022-08-09",
               "Another delay means another month of families waiting."
               " pic.twitter.com/BayWait22", ["https://pic.twitter.com/BayWait22"])],
        [cite("1556664026526797840", "AnaSilvaBay"), cite("1557026414392397841", "BayMayor")],
        ["https://pic.twitter.com/BayWait22"],
    ),
    "cited_in_prose.txt": Case(
        [], [cite("1556664026526797840", "AnaSilvaBay"), cite("1557026414392397841", "BayMayor")]),
    "upper_case_pic.txt": Case(
        [], links=["https://pic.twitter.com/RiVeR2024", "https://pic.twitter.com/BanKs2024"]),
    # -- no embedded post ------------------------------------------------------------------
    # Share buttons and intent links carrying status URLs, a click-to-tweet box, a
    # YouTube embed's numeric data-id, a sidebar's own feed, an article's numeric id.
    "neg_share_and_buttons.html": Case([]),
    # A pull quote crediting a profile, a <q> citing an article, a quote linking two
    # posts (cited, not embedded), embed code shown in <pre>, a share template.
    "neg_quotes_without_post.html": Case(
        [], [cite("1650000000000000001", "ParentVoice"), cite("1650000000000000002", "ParentVoice")]),
}


def test_every_publisher_fixture_has_an_expectation():
    assert sorted(p.name for p in FIXTURES.iterdir()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_scan_command_reads_the_publisher_form(run, name):
    path = FIXTURES / name
    proc = run("scan", str(path), "--json", check_json=True)
    assert proc.returncode == 0, proc.stderr_text
    [result] = proc.json
    case = CASES[name]
    assert result["source"] == str(path)
    # These pages are about tweets' forms; their other platforms' embeds are read by
    # those platforms' own tests.
    assert [e for e in result["embeds"] if e["platform"] == "twitter"] == case.embeds
    assert [c for c in result["cited"] if c["platform"] == "twitter"] == case.cited
    assert [link for link in result["links"]
            if link.startswith(("https://t.co/", "https://pic.twitter.com/"))] == case.links


def test_a_video_embed_beside_share_buttons_is_the_videos_not_a_tweet(run):
    proc = run("scan", str(FIXTURES / "neg_share_and_buttons.html"), "--json", check_json=True)
    [result] = proc.json
    assert [(e["platform"], e["id"]) for e in result["embeds"]] == [("youtube", "dQw4w9WgXcQ")]


def scan(html: str):
    return scan_bytes(f"<html><head><title>T</title></head><body><p>Prose.</p>{html}"
                      "</body></html>".encode())


STATUS = "https://twitter.com/someone/status/1780000000000000000"


@pytest.mark.parametrize("markup", [
    f'<div class="tweet-embed" data-url="{STATUS}"></div>',
    f'<div class="embed" data-oembed-url="  {STATUS}  "></div>',
    f'<div class="social-post" data-href="{STATUS}?s=20&amp;t=x"></div>',
    '<div class="article-embed" data-tweet-id="1780000000000000000"></div>',
    '<div class="twitter-embed" data-id="1780000000000000000"></div>',
    f'<amp-twitter layout="responsive" data-tweetid=" {STATUS} "></amp-twitter>',
    f'<blockquote><a href="{STATUS}"></a></blockquote>',
    f'<blockquote><p>"Words of the post."</p><a href="{STATUS}">@someone</a></blockquote>',
    f'<p><q cite="{STATUS}">Words of the post.</q></p>',
])
def test_a_placeholder_or_quote_naming_a_post_is_its_embed(markup):
    assert [e.id for e in scan(markup).embeds] == ["1780000000000000000"]


@pytest.mark.parametrize("markup", [
    f'<a class="twitter-share-button" href="https://twitter.com/share" data-url="{STATUS}">T</a>',
    f'<div class="share-tools" data-url="{STATUS}"></div>',
    f'<div class="story" data-url="{STATUS}"></div>',  # nothing says embed
    '<div class="embed" data-id="1780000000000000000"></div>',  # an embed of anything
    '<div class="tweet-embed" data-tweet-id="17800000000000000000000"></div>',  # > 64 bits
    '<div class="tweet-embed" data-tweet-id="¹²³"></div>',
    f'<div class="tweet-embed" data-url="https://twitter.com/intent/tweet?url={STATUS}"></div>',
    f'<blockquote><a href="{STATUS}">one</a> <a href="{STATUS[:-1]}1">two</a></blockquote>',
    '<blockquote><p>A quote.</p><a href="https://twitter.com/someone">@someone</a></blockquote>',
    '<textarea>&lt;blockquote class="twitter-tweet"&gt;</textarea>',
    '<div class="tweet"><p class="tweet__text">Text without a handle.</p></div>',
    f'<div class="embed-wrapper"><p>A caption with <a href="{STATUS}">a link</a>.</p></div>',
    f'<div class="social-embed"><iframe src="https://www.instagram.com/p/x/embed"></iframe>'
    f'<p>Also on X: <a href="{STATUS}">the post</a></p></div>',
])
def test_what_only_mentions_a_post_is_no_embed(markup):
    assert [e for e in scan(markup).embeds if e.platform == "twitter"] == []


def test_cited_posts_leave_out_embedded_ones_and_furniture():
    article = scan(
        f'<p>She <a href="{STATUS}">posted</a> it, '
        '<a href="https://x.com/other/status/1780000000000000001">twice</a>.</p>'
        '<blockquote class="twitter-tweet"><p>Text</p>&mdash; O (@other) '
        '<a href="https://twitter.com/other/status/1780000000000000001">April 13, 2024</a>'
        '</blockquote><footer><a href="https://twitter.com/f/status/1780000000000000002">f</a>'
        '</footer><div class="social-share"><a href="https://twitter.com/s/status/'
        '1780000000000000003">s</a></div>')
    assert [e.id for e in article.embeds] == ["1780000000000000001"]
    assert [(c.id, c.handle, c.form) for c in article.cited] == [
        ("1780000000000000000", "someone", "cited")]


def test_fields_of_an_iframe_only_tweet_come_from_a_state_assigned_in_a_script():
    state = ('window.__INITIAL_STATE__ = {"story": {"blocks": [{"kind": "tweet", "tweetId": '
             '"1780000000000000000", "user": {"screen_name": "someone", "name": "Some One"}, '
             '"text": "Words of the post"}, {"kind": "tweet", "tweetId": "1780000000000000009", '
             '"text": "Not on this page"}]}};')
    [embed] = scan('<div class="twitter-tweet twitter-tweet-rendered"><iframe data-tweet-id='
                   f'"1780000000000000000" src="x"></iframe></div><script>{state}</script>').embeds
    assert (embed.id, embed.handle, embed.author, embed.text) == (
        "1780000000000000000", "someone", "Some One", "Words of the post")


def test_half_a_surrogate_pair_in_the_pages_json_is_read_replaced():
    data = ('{"tweet": {"id_str": "1780000000000000000", "text": "next \\ud800 data", '
            '"user": {"screen_name": "carol", "name": "Carol \\udfff"}}}')
    [embed] = scan('<iframe src="https://platform.twitter.com/embed/Tweet.html?'
                   'id=1780000000000000000"></iframe><script id="__NEXT_DATA__" '
                   f'type="application/json">{data}</script>').embeds
    assert (embed.text, embed.author) == ("next \ufffd data", "Carol \ufffd")
    embed.text.encode("utf-8")  # writable: no lone surrogate left


def test_a_publisher_page_built_to_be_slow_is_read_whole():
    # Deeply nested quote blocks and cards, each linking a post, and thousands of
    # placeholders: every element is climbed to once, every subtree read once. Their
    # time is measured by the benchmark's hostile shapes (`make bench`), not here.
    nested = (f'<blockquote class="quote"><a href="{STATUS}">x</a>' * 1500
              + "</blockquote>" * 1500)
    cards = '<div class="tweet-card"><span class="tweet-card__handle">@a</span>' * 1500 + \
        "</div>" * 1500
    many = "".join(f'<div class="tweet-embed" data-url="https://twitter.com/a/status/{i}">'
                   "</div>" for i in range(1780000000000000000, 1780000000000020000))
    kept = ('<div data-embed="&lt;blockquote class=&quot;twitter-tweet&quot;&gt;'
            '&lt;a href=&quot;https://twitter.com/a/status/1780000000000000000&quot;&gt;'
            '&lt;/a&gt;&lt;/blockquote&gt;"></div>') * 3000
    quote, card, placeholders, kept_code = (scan(b) for b in (nested, cards, many, kept))
    assert [e.id for e in quote.embeds] == ["1780000000000000000"]
    assert quote.warnings and "nested deeper" in quote.warnings[0]
    assert card.embeds == [] and card.warnings  # handles without text or id: no post
    assert len(placeholders.embeds) == 20000
    assert [e.id for e in kept_code.embeds] == ["1780000000000000000"]
