"""The scanner against one realistic article per embedded-tweet markup form.

Each file in tests/fixtures/scan/ is a whole article page (or a flattened-to-text article)
holding one form from docs/reference embeds.md §1.1–1.5; CASES below says exactly what the
scanner must find in it. Conventions the expectations follow:

- ``Embed.text`` is the tweet text as the reader saw it (entities decoded, ``<br>`` and
  paragraph breaks as "\\n"), so display forms such as ``pic.x.com/CODE`` or an old
  ``http://t.co/CODE`` stay as written there; ``Embed.links`` holds the normalised links of
  that visible text.
- ``article.links`` is compared on its t.co / pic.twitter.com members only: their codes in
  order of first appearance, each link once, normalised. A media anchor
  ``<a href="https://t.co/X">pic.twitter.com/X</a>`` may be listed as either form or both
  (the code is the same); CASES lists both forms.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from archiver.scan import scan_bytes

FIXTURES = Path(__file__).parent / "fixtures" / "scan"
TWITTER_EPOCH_MS = 1288834974657
FIELDS = ("platform", "id", "handle", "author", "date", "text", "links")


def snowflake_date(tweet_id: str) -> str:
    ms = (int(tweet_id) >> 22) + TWITTER_EPOCH_MS
    return dt.datetime.fromtimestamp(ms / 1000, tz=dt.timezone.utc).strftime("%Y-%m-%d")


def tweet(id, handle, author, date, text, links=()) -> dict:
    return {"platform": "twitter", "id": id, "handle": handle, "author": author,
            "date": date, "text": text, "links": list(links)}


def known_by_id(id: str, handle: str | None = None) -> dict:
    """A tweet the markup only identifies: the date comes from the id, nothing else is guessed."""
    return tweet(id, handle, None, snowflake_date(id), None)


def flattened(handle, author, date, text, links=()) -> dict:
    """A tweet in a plain-text article: no id survives flattening."""
    return tweet(None, handle, author, date, text, links)


def tco(code: str) -> str:
    return f"https://t.co/{code}"


def pic(code: str) -> str:
    return f"https://pic.twitter.com/{code}"


@dataclass
class Case:
    title: str
    embeds: list[dict]
    links: list[str] = field(default_factory=list)  # short links of the whole source, in order
    prose: tuple[str, ...] = ()  # article sentences that must be in no tweet's text


CASES: dict[str, Case] = {
    # -- §1.1 publish/oEmbed markup -------------------------------------------------------
    "oembed_mdash.html": Case(
        "Pier 9 fire: crews battle 3-alarm blaze on Harbor City waterfront – Harbor City Herald",
        [tweet("1479116089668261771", "HarborCityFD", "Harbor City Fire Dept.", "2022-01-06",
               "Crews are battling a 3-alarm fire at Pier 9. Avoid Harbor Blvd & Wharf St while we"
               " work. #PierFire @HarborCityPD is handling closures. https://t.co/qBqr3R3joW"
               " pic.twitter.com/5d5x69WaAi",
               [tco("qBqr3R3joW"), pic("5d5x69WaAi")])],
        # the prose link is http:// with ?amp=1
        [tco("qBqr3R3joW"), tco("5d5x69WaAi"), pic("5d5x69WaAi"), tco("JCd7KcAHEs")],
        ("More than 80 firefighters responded, some working from two fireboats in the channel,",
         "Battalion Chief Owen Marsh said the building, a former cold-storage facility,"),
    ),
    "oembed_literal_dash_br.html": Case(
        "Election night in Alder County: how the count is going",
        [tweet("1590180544931867148", "AlderCoVotes", "Alder County Elections", "2022-11-09",
               "Update 7:10 PM PT:\nBallots counted: 118,402\nEstimated remaining: ~41,000\n"
               "Next drop tomorrow at 5 PM. Results: https://t.co/U3MgPDsvpJ",
               [tco("U3MgPDsvpJ")])],
        [tco("U3MgPDsvpJ")],
        ("County Clerk Irene Baptiste said late-arriving mail ballots will be counted",),
    ),
    "twitter_video.html": Case(
        "Levee breach forces evacuations east of the Marston River | Valley Public Radio",
        [tweet("1635748925237345690", "RuthOkaforVPR", "Ruth Okafor", "2023-03-14",
               "Watch: the moment the levee gave way near Marston Road this afternoon. Residents"
               " east of the river should leave now. pic.twitter.com/CntL6s7Yqe",
               [pic("CntL6s7Yqe")])],
        [tco("CntL6s7Yqe"), pic("CntL6s7Yqe")],
        ("An evacuation center has opened at the county fairgrounds",),
    ),
    "xcom_pic_x.html": Case(
        "Trailhead Maps finally brings offline maps to Android – Circuit Ledger",
        [tweet("1834222410409952819", "TrailheadMaps", "Trailhead Maps", "2024-09-12",
               "We're rolling out offline maps to everyone on Android today; iOS follows next week."
               " #hiking Details: https://t.co/9wrt6udjmM pic.x.com/XE8H8SqE7x",
               [tco("9wrt6udjmM"), pic("XE8H8SqE7x")])],
        [tco("9wrt6udjmM"), tco("XE8H8SqE7x"), pic("XE8H8SqE7x")],
        ("The company announced the rollout on X on Thursday morning:",
         "Downloads are limited to five regions on the free plan"),
    ),
    # -- §1.4 status URL forms --------------------------------------------------------------
    "url_statuses.html": Case(
        "Arctic summit opens in Reykjavík with fishing rights on the agenda | Lakeshore Tribune",
        [tweet("1135588968026797249", "mlindqvist", "Marcus Lindqvist", "2019-06-03",
               "Just landed in Reykjavík for the Arctic Circle summit. First impression: it is very,"
               " very windy. https://t.co/Vz6zZeBF1q",
               [tco("Vz6zZeBF1q")])],
        [tco("Vz6zZeBF1q")],
        ("Talks on a shared mackerel quota broke down twice last year.",),
    ),
    "url_mobile_share_query.html": Case(
        "RSV cases climb at Cedar Valley Children's as doctors urge caution",
        [tweet("1510215371515345461", "DrAnitaRao", "Dr. Anita Rao", "2022-04-02",
               "Pediatric RSV admissions at our hospital are up 40% over last week. Please keep sick"
               " kids home and wash hands often. Thread on what parents should watch for 👇")],
        [],
        ("Rao said most children recover at home",),
    ),
    "url_i_web_status.html": Case(  # the handle comes from the attribution, not the URL
        "Green Line delays: what riders need to know",
        [tweet("1427556490692540122", "KBayTransit", "Kessel Bay Transit", "2021-08-17",
               "Service alert: Green Line trains are running every 20 min between Union Sq and"
               " Harbor Point due to a signal problem. Shuttle buses are on the way."
               " https://t.co/tFsJ1PISL8",
               [tco("tFsJ1PISL8")])],
        [tco("tFsJ1PISL8")],
        ("Shuttle buses were lining up outside the Union Square station by 8:30 a.m.",),
    ),
    # -- localized attribution dates (data-lang set) ---------------------------------------
    "lang_es.html": Case(
        "Alerta por ráfagas de viento en la costa bonaerense | Diario del Litoral",
        [tweet("1479158372123137303", "SMCostero", "Servicio Meteorológico Costero", "2022-01-06",
               "Aviso especial: se esperan ráfagas de viento de hasta 90 km/h en la costa de Buenos"
               " Aires durante la tarde y noche del jueves. pic.twitter.com/q03fvplAap",
               [pic("q03fvplAap")])],
        [tco("q03fvplAap"), pic("q03fvplAap")],
        ("Defensa Civil recomendó asegurar objetos sueltos",),
    ),
    "lang_fr.html": Case(
        "Trains interrompus entre Nantes et Saint-Nazaire | La Gazette du Littoral",
        [tweet("1625418329183299960", "ReseauLittoral", "Réseau Littoral Info", "2023-02-14",
               "Les trains entre Nantes et Saint-Nazaire sont interrompus jusqu'à 18h en raison"
               " d'un incident technique. Des cars de substitution sont mis en place."
               " https://t.co/q9UwH32KPq",
               [tco("q9UwH32KPq")])],
        [tco("q9UwH32KPq")],
        ("Les voyageurs sont invités à reporter leur déplacement si possible.",),
    ),
    "lang_de.html": Case(
        "Lockerungen ab Montag: Was in Heilbrück wieder öffnen darf – Neckar-Bote",
        [tweet("1367085054322806751", "StadtHeilbrueck", "Stadt Heilbrück", "2021-03-03",
               "Ab Montag öffnen Buchhandlungen, Blumenläden und Gartenmärkte wieder. Alle Regeln"
               " im Überblick: https://t.co/Z1wrTp7qae #Lockerungen",
               [tco("Z1wrTp7qae")])],
        [tco("Z1wrTp7qae")],
        ("Der Einzelhandelsverband begrüßte die Entscheidung",),
    ),
    "lang_it.html": Case(  # a 2017 id: 18 digits
        "Allerta gialla per temporali nel Valdarno – Il Corriere del Valdarno",
        [tweet("863343434084152469", "PCValdarno", "Protezione Civile Valdarno", "2017-05-13",
               "Allerta gialla per temporali su tutta la provincia fino alle 24 di domenica. Evitate"
               " i sottopassi e le zone vicine ai torrenti. https://t.co/z9VXEOiOLH",
               [tco("z9VXEOiOLH")])],
        [tco("z9VXEOiOLH")],
        ("I sindaci dei comuni della zona hanno chiuso i parchi pubblici",),
    ),
    "lang_ja.html": Case(
        "北浜市に大雨警報、川や用水路に近づかないで｜北浜新報",
        [tweet("1259306050964804230", "kitahama_bousai", "北浜市防災", "2020-05-10",
               "【大雨情報】北浜市に大雨警報が発表されました。川や用水路には近づかないでください。"
               "避難所の開設状況はこちら https://t.co/Dl5skbDzvV",
               [tco("Dl5skbDzvV")])],
        [tco("Dl5skbDzvV")],
        ("市は川や用水路に近づかないよう呼びかけている。", "気象台によると、雨は11日朝まで続く見込みだという。"),
    ),
    # -- older and CMS-wrapped shapes --------------------------------------------------------
    "older_data_datetime.html": Case(  # 2013: bare <p>, no ref_src, 8-character http:// t.co code
        "Snow closes Millbrook schools Wednesday | Millbrook Patch-Notes",
        [tweet("309001042033651559", "MillbrookPS", "Millbrook Schools", "2013-03-05",
               "Snow day tomorrow! All Millbrook public schools are closed Wednesday, March 6. Stay"
               " warm and stay off the roads. #MillbrookSnow http://t.co/T3LJ0kAO",
               [tco("T3LJ0kAO")])],
        [tco("T3LJ0kAO")],
        ("The town's public works department said plows would be out overnight.",),
    ),
    "wpautop_attribution_p.html": Case(
        "Rattlers’ exhibition opener postponed after storms soak the field – Riverside Sports Report",
        [tweet("1366874489998885468", "RattlersBase", "Riverside Rattlers", "2021-03-02",
               "Tonight’s exhibition vs. Fresno is postponed due to unplayable field conditions."
               " Tickets will be honored at the rescheduled date, TBA. https://t.co/NjpbRhAvoV",
               [tco("NjpbRhAvoV")])],
        [tco("NjpbRhAvoV")],
        ("Groundskeepers spent most of the afternoon pulling tarps",),
    ),
    "wp_block_figure_blockquote.html": Case(
        "St. Brigid’s ER staff trade scrubs for costumes on Halloween night – Northside Bulletin",
        [tweet("1322623715052787674", "StBrigidsMed", "St. Brigid's Medical Center", "2020-10-31",
               "Happy Halloween from the night shift 🎃 Our ER team dressed up, but the care stays"
               " serious. Stay safe out there tonight! pic.twitter.com/nw7oB6P2BM",
               [pic("nw7oB6P2BM")])],
        [tco("nw7oB6P2BM"), pic("nw7oB6P2BM")],
        ("The hospital’s emergency department posted this photo on Saturday evening.",
         "Nurse manager Tasha Greene said the costumes were the idea of two residents"),
    ),
    "same_tweet_twice.html": Case(
        "Boil-water notice lifted for zones 3 and 4 | Coastal Daily",
        [tweet("1560597620365151837", "CoastalWaterCA", "Coastal Water Authority", "2022-08-19",
               "BOIL WATER NOTICE lifted for all customers in zones 3 and 4 as of 8 AM Friday. Flush"
               " taps for 2 minutes before use. Full details: https://t.co/7njpMgs7dl",
               [tco("7njpMgs7dl")])],
        [tco("7njpMgs7dl")],
        ("Residents in zones 3 and 4 spent four days boiling their water",),
    ),
    "amp_with_placeholder.html": Case(  # the href carries ?amp=1
        "Northgate Mall garage still closed, no reopening date given",
        [tweet("1512798006073232949", "danawhitfield", "Dana Whitfield", "2022-04-09",
               "@NorthgateMall @NorthgatePD the east parking garage is still closed and nobody at"
               " the info desk knows why. Any update? https://t.co/0AucJozzus",
               [tco("0AucJozzus")])],
        [tco("0AucJozzus")],
        ("A mall spokesperson said engineers found cracks in two support columns",),
    ),
    # -- tweets known only by id ---------------------------------------------------------------
    "bare_blockquote_anchor_only.html": Case(
        "Marlow closes playgrounds and libraries | Marlow Weekly",
        [known_by_id("1239453564218763210", "CityOfMarlow")],
        prose=("City parks will stay open for walking",),
    ),
    "wp_figure_url_only_twitter.html": Case(
        "Greenfield library extends summer reading challenge – Greenfield Gazette",
        [known_by_id("1153304678941267742", "GreenfieldPL")],
    ),
    "wp_figure_url_only_x.html": Case(  # block comments kept: the URL is also in the JSON
        "Orbital Relay delays first launch to spring | Launch Window",
        [known_by_id("1755648990099146949", "OrbitalRelayCo")],
    ),
    "amp_without_placeholder.html": Case(
        "Live: Results from the governor's race",
        [known_by_id("1059958305405553973")],
    ),
    "rendered_widget_iframe.html": Case(  # saved by a browser: iframe src is a local file
        "Holiday market returns to Founders Square with 80 vendors | The Elm City Record",
        [known_by_id("1730620646887101689"), known_by_id("1730642927903093904")],
    ),
    "bare_iframe.html": Case(  # embedId=twitter-widget-0 precedes the real id= parameter
        "Archivists race to save the record of a chaotic week",
        [known_by_id("1347416070343263495")],
    ),
    "cnn_embed_twitter.html": Case(
        "Volcano on La Cumbre erupts, forcing evacuations - WNN",
        [known_by_id("1385687221947657152")],
    ),
    # -- §1.5 flattened to plain text -------------------------------------------------------
    "text_blank_line_attribution.txt": Case(
        "Why local newsrooms are rethinking embedded tweets",
        [flattened("tferreira_news", "Tomás Ferreira", "2022-04-25",
                   "If your story needs a tweet to make its point, screenshot it and link it. Embeds"
                   " break, accounts vanish, and readers are left staring at an empty box."
                   " https://t.co/y9uAJQWxF6",
                   [tco("y9uAJQWxF6")])],
        [tco("y9uAJQWxF6"), tco("tpFr5nBqHh")],
        ("He summed up the new rule in a post last week:", "Not everyone agrees."),
    ),
    "text_one_line_attribution.txt": Case(
        "The links are dying: researchers count what is left of their sources",
        [flattened("lenamarsh", "Lena Marsh", "2021-01-08",
                   "Went back to my thread from election night and all those links are dead......")],
        [],
        ("One reporter noticed the problem within days.",
         "The team at the Web Science lab has since archived more than 30,000 pages."),
    ),
    "text_empty_name.txt": Case(
        "Notes on keeping tweets",
        [flattened("twitter", None, "2013-04-04",
                   "Here's to everyone who brings the conversation to their own site. Thanks for"
                   " embedding Tweets! pic.twitter.com/jpF8EqpIcC",
                   [pic("jpF8EqpIcC")])],
        [pic("jpF8EqpIcC")],
        ("I have been saving copies of the tweets I link to.",
         "The missing name is a quirk of the tool I use to flatten pages"),
    ),
    "text_name_parens_emoji.txt": Case(  # starts with blank lines; one line per paragraph
        "Elm Street garden opens for spring planting",
        [flattened("janedoe", "Jane (Janey) Doe 🌻", "2021-03-03",
                   "Elm St garden opens for spring planting this Saturday at 9 🌱 Bring gloves,"
                   " we'll have seeds and coffee!")],
        [],
        ("Volunteer coordinator Jane Doe posted the details on Wednesday.",
         "Plots cost $25 for the season, and fees are waived for seniors."),
    ),
    "text_split_continuation.txt": Case(  # the seeds' shape: the second tweet continues after
        "Ferry strike strands thousands as talks collapse",
        [flattened("CoastlineNews", "Coastline News", "2023-02-17",
                   "Hundreds of passengers slept in the terminal overnight after the last sailings"
                   " were cancelled. https://t.co/jpqVKTrJHp pic.twitter.com/CEpcruEE47",
                   [tco("jpqVKTrJHp"), pic("CEpcruEE47")]),
         flattened("HWUnion", "Harbour Workers Union", "2023-02-17",
                   "• Strike enters day 3 at Port Ellis ferry terminal\n"
                   "• Talks with operators collapsed just after midnight\n"
                   "• Next sailing not expected before Monday\n"
                   "Latest: https://t.co/dLVAZkaFAW pic.twitter.com/mAXcaAATrd",
                   [tco("dLVAZkaFAW"), pic("mAXcaAATrd")])],
        [tco("jpqVKTrJHp"), pic("CEpcruEE47"), tco("dLVAZkaFAW"), pic("mAXcaAATrd")],
        ("Island councils said they were arranging emergency deliveries of medicine and fuel.",
         "The union posted an update shortly after midnight.",
         'The operator, Bayline Ferries, said in a statement that it had made a "fair and final"'),
    ),
    # -- no embedded tweet -------------------------------------------------------------------
    "text_bluesky_lookalike.txt": Case(
        "Ferry passengers vent as delays stretch into a second week", []),
    "neg_abt_co.txt": Case("Ticket lottery opens for the Abbott Theater's spring season", []),
    "neg_prose_mentions.html": Case(
        "Council approves bus lane on Fifth Avenue after heated debate | The Metro Beat", []),
    "neg_status_link_in_prose.html": Case(
        "Curfew lifted in Port Ellis after two quiet nights – Port Ellis Post", []),
    "neg_profile_timeline.html": Case(
        "How to sign up for county emergency alerts – Brannock County Today", []),
    "neg_plain_blockquote.html": Case(
        "Ortiz: new Mill Creek bridge will be built upstream – Mill Creek Ledger", []),
}

POSITIVE = sorted(name for name, case in CASES.items() if case.embeds)
NEGATIVE = sorted(name for name, case in CASES.items() if not case.embeds)
BY_ID_ONLY = sorted(n for n in POSITIVE if all(e["text"] is None for e in CASES[n].embeds))
FLATTENED = sorted(n for n in POSITIVE if n.endswith(".txt"))
NORMALISED_SHORT_LINK = re.compile(r"https://(?:t\.co|pic\.twitter\.com)/[A-Za-z0-9]+")
SHORT_HOSTS = {"t.co", "www.t.co", "pic.twitter.com", "pic.x.com"}

_scanned: dict[str, object] = {}


def scan(name: str):
    if name not in _scanned:
        _scanned[name] = scan_bytes((FIXTURES / name).read_bytes(), source=name)
    return _scanned[name]


def fields(embed) -> dict:
    return {f: getattr(embed, f) for f in FIELDS}


def short_links(links: list[str]) -> list[str]:
    return [link for link in links if link.startswith(("https://t.co/", "https://pic.twitter.com/"))]


def codes_in_order(links: list[str]) -> list[str]:
    return list(dict.fromkeys(link.rsplit("/", 1)[1] for link in links))


def host(link: str) -> str:
    return (urlsplit(link if "//" in link else "//" + link).hostname or "").lower()


def test_every_fixture_file_has_an_expectation():
    # publisher/ holds the publishers' own forms, tested in test_scan_publisher_forms.py
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_file()) == sorted(CASES)


@pytest.mark.parametrize("name", POSITIVE)
def test_embedded_tweets_are_read_exactly(name):
    assert [fields(e) for e in scan(name).embeds] == CASES[name].embeds


@pytest.mark.parametrize("name", NEGATIVE)
def test_article_without_an_embedded_tweet_gives_no_embed(name):
    assert [fields(e) for e in scan(name).embeds if e.platform == "twitter"] == []


@pytest.mark.parametrize("name", sorted(CASES))
def test_article_links_are_normalised_listed_once_in_order(name):
    links, expected = scan(name).links, CASES[name].links
    assert codes_in_order(short_links(links)) == codes_in_order(expected)
    assert set(short_links(links)) <= set(expected), "a short link in a form the source lacks"
    assert len(links) == len(set(links)), "a link is listed more than once"
    for link in links:
        if host(link) in SHORT_HOSTS:
            assert NORMALISED_SHORT_LINK.fullmatch(link), f"not normalised: {link}"


@pytest.mark.parametrize("name", POSITIVE)
def test_links_inside_a_tweet_are_also_article_links(name):
    article = scan(name)
    for embed in article.embeds:
        assert set(embed.links) <= set(article.links)


@pytest.mark.parametrize("name", [n for n in POSITIVE if CASES[n].prose])
def test_prose_is_never_inside_tweet_text(name):
    source = html.unescape((FIXTURES / name).read_text(encoding="utf-8"))
    texts = [e.text for e in scan(name).embeds if e.text]
    for sentence in CASES[name].prose:
        assert sentence in source, f"fixture no longer holds: {sentence}"
        assert not any(sentence in text for text in texts), sentence


@pytest.mark.parametrize("name", BY_ID_ONLY)
def test_tweet_known_only_by_id_is_dated_from_its_snowflake(name):
    for embed in scan(name).embeds:
        assert embed.date == snowflake_date(embed.id)
        assert (embed.author, embed.text, embed.links) == (None, None, [])


@pytest.mark.parametrize("name", FLATTENED)
def test_tweet_in_plain_text_has_no_id_or_url(name):
    for embed in scan(name).embeds:
        assert (embed.id, embed.url) == (None, None)


@pytest.mark.parametrize("name", [n for n in POSITIVE if n not in FLATTENED])
def test_embed_url_when_given_points_at_the_tweet(name):
    for embed in scan(name).embeds:
        assert embed.url is None or embed.id in embed.url


@pytest.mark.parametrize(
    "name, written, iso",
    [
        ("oembed_mdash.html", "January 6, 2022", "2022-01-06"),
        ("lang_es.html", "6 de enero de 2022", "2022-01-06"),
        ("lang_fr.html", "14 février 2023", "2023-02-14"),
        ("lang_de.html", "3. März 2021", "2021-03-03"),
        ("lang_it.html", "13 maggio 2017", "2017-05-13"),
        ("lang_ja.html", "2020年5月10日", "2020-05-10"),
        ("text_split_continuation.txt", "February 17, 2023", "2023-02-17"),
    ],
)
def test_attribution_date_in_any_language_becomes_iso(name, written, iso):
    assert written in (FIXTURES / name).read_text(encoding="utf-8")
    assert scan(name).embeds[0].date == iso


def test_same_tweet_embedded_twice_gives_one_embed():
    source = (FIXTURES / "same_tweet_twice.html").read_text(encoding="utf-8")
    assert source.count('class="twitter-tweet"') == 2
    assert [e.id for e in scan("same_tweet_twice.html").embeds] == ["1560597620365151837"]


def test_amp_twitter_and_its_placeholder_blockquote_are_one_embed():
    [embed] = scan("amp_with_placeholder.html").embeds
    assert (embed.id, embed.author) == ("1512798006073232949", "Dana Whitfield")


def test_bluesky_attribution_with_dotted_handle_and_time_is_not_a_tweet():
    # It is Bluesky's own attribution: that post is read by Bluesky, not as a tweet.
    assert [(e.platform, e.handle) for e in scan("text_bluesky_lookalike.txt").embeds] == [
        ("bluesky", "chris.bsky.social")]


def test_abt_co_and_t_com_are_not_t_co_links():
    links = scan("neg_abt_co.txt").links
    assert short_links(links) == []
    assert not any(link.startswith("https://t.co/xyz") for link in links)


@pytest.mark.parametrize("name", sorted(n for n in CASES if n.endswith(".html")))
def test_html_title_comes_from_title_element_with_entities_decoded(name):
    article = scan(name)
    assert (article.kind, article.title) == ("html", CASES[name].title)


@pytest.mark.parametrize("name", sorted(n for n in CASES if n.endswith(".txt")))
def test_text_title_is_the_first_non_empty_line(name):
    article = scan(name)
    assert (article.kind, article.title) == ("text", CASES[name].title)
