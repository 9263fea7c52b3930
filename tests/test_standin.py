"""Self-tests of the stand-in network (tests/standin): every behaviour, over real HTTP."""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
import threading
import time
from urllib.parse import quote

import pytest
import requests

try:
    from tests.standin import (
        Article,
        Link,
        Media,
        StandIn,
        Tweet,
        js_number_to_string,
        syndication_token,
    )
except ImportError:  # tests/ on sys.path instead of the project root
    from standin import (
        Article,
        Link,
        Media,
        StandIn,
        Tweet,
        js_number_to_string,
        syndication_token,
    )

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36"}
CURL = {"User-Agent": "curl/8.5.0"}
ID = "1885026028428681698"
QUOTED = "1349129669258448897"


@pytest.fixture
def s():
    with StandIn() as standin:
        standin.add_link("Ab3dE5gH7j", "/articles/story")
        standin.add_article("story", "<html><head><title>Story</title></head><body>Body</body></html>")
        standin.add_tweet(Tweet(
            ID, handle="jack", name="Jack <& Co>",
            text="Fish & chips <3 #Tag @bob 🐟 https://t.co/Ab3dE5gH7j\nline two",
            created_at="2025-01-30T18:03:21Z", quoted_id=QUOTED,
            media=[Media(alt="a plate", code="Zz9yX8wV7u")],
        ))
        standin.add_tweet(Tweet(QUOTED, handle="alice", name="Alice", text="quoted words"))
        yield standin


def get(url, **kw):
    kw.setdefault("timeout", 5)
    kw.setdefault("allow_redirects", False)
    return requests.get(url, **kw)


# token -------------------------------------------------------------------------------

# Pairs from node: ((Number(id)/1e15)*Math.PI).toString(36).replace(/(0+|\.)/g, '')
TOKENS = {
    "20": "6dq1a2xwd93",
    ID: "4khzf5wde37",
    "1": "bhi2ay3f28n",
    "463440424141459456": "14fxvks611f",
    "1234567890123456789": "2zqic77uqyk",
    "1700000000000000000": "44cpgxmyurn",
    "9007199254740993": "saoujnx4as",
    QUOTED: "39qeyy97t9x",
}


@pytest.mark.parametrize("tweet_id,token", TOKENS.items())
def test_token_known_pairs(tweet_id, token):
    assert syndication_token(tweet_id) == token
    assert syndication_token(int(tweet_id)) == token


@pytest.mark.parametrize("value,radix,expected", [
    (0.5, 36, "0.i"),
    (1 / 3, 2, "0.010101010101010101010101010101010101010101010101010101"),
    (3.141592653589793, 36, "3.53i5ab8p5f"),
    (255.5, 16, "ff.8"),
    (-12.375, 8, "-14.3"),
    (1e21, 36, "5v1j4f4ds7c000"),
    (123456789.123, 36, "21i3v9.4feor"),
    (5e-324, 36, "0." + "0" * 207 + "3"),
    (9007199254740994.0, 36, "2gosa7pa2gy"),
    (0.1, 3, "0.0022002200220022002200220022002201"),
    (0.0, 36, "0"),
])
def test_js_number_to_string_matches_v8(value, radix, expected):
    assert js_number_to_string(value, radix) == expected


@pytest.mark.skipif(shutil.which("node") is None, reason="node not installed")
def test_token_matches_node_for_random_ids():
    rng = random.Random(7)
    ids = [str(rng.randint(1, 2**63)) for _ in range(300)] + [str(rng.randint(1, 10**9)) for _ in range(50)]
    script = (
        "const ids=JSON.parse(require('fs').readFileSync(0,'utf8'));"
        "console.log(JSON.stringify(ids.map(i=>((Number(i)/1e15)*Math.PI)"
        ".toString(36).replace(/(0+|\\.)/g,''))))"
    )
    out = subprocess.run(["node", "-e", script], input=json.dumps(ids), capture_output=True,
                         text=True, check=True, timeout=60)
    assert [syndication_token(i) for i in ids] == json.loads(out.stdout)


# settings ------------------------------------------------------------------------------


def test_settings_and_env_point_at_the_stand_in(s):
    st = s.settings()
    assert set(st) == {"TWITTER_TCO_URL", "TWITTER_EMBED_URL", "TWITTER_SYNDICATION_URL",
                       "TWITTER_OEMBED_URL", "TWITTER_STATUS_URL"}
    assert all(v.startswith(s.url + "/") for v in st.values())
    assert s.env() == {f"ARCHIVER_{k}": v for k, v in st.items()}
    assert get(st["TWITTER_TCO_URL"].format(code="Ab3dE5gH7j"), headers=CURL).status_code == 301
    url = st["TWITTER_SYNDICATION_URL"].format(id=ID, token=syndication_token(ID))
    assert get(url).json()["id_str"] == ID
    status = st["TWITTER_STATUS_URL"].format(handle="jack", id=ID)
    assert get(st["TWITTER_OEMBED_URL"].format(url=quote(status, safe=""))).json()["author_name"]
    assert get(st["TWITTER_EMBED_URL"].format(id=ID)).status_code == 200
    assert "Log in" in get(status).text


# t.co ------------------------------------------------------------------------------------


def test_tco_non_browser_gets_301(s):
    r = get(s.tco_url("Ab3dE5gH7j"), headers=CURL)
    assert r.status_code == 301
    assert r.headers["Location"] == s.article_url("story")
    assert r.content == b""
    # requests' own User-Agent is not a browser either; query strings are accepted
    assert get(s.tco_url("Ab3dE5gH7j") + "?amp=1").status_code == 301


def test_tco_browser_gets_html_body(s):
    s.add_link("Amp1234567", "https://dest.example/a?b=1&c=2")
    r = get(s.tco_url("Amp1234567"), headers=BROWSER)
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert r.text == (
        '<head><meta name="referrer" content="always"><noscript><META http-equiv="refresh" '
        'content="0;URL=https://dest.example/a?b=1&amp;c=2"></noscript>'
        "<title>https://dest.example/a?b=1&amp;c=2</title></head><script>window.opener = null; "
        'location.replace("https:\\/\\/dest.example\\/a?b=1&c=2")</script>'
    )


def test_tco_head_browser_is_200_without_body(s):
    r = requests.head(s.tco_url("Ab3dE5gH7j"), headers=BROWSER, timeout=5)
    assert r.status_code == 200 and r.content == b"" and "Location" not in r.headers
    r = requests.head(s.tco_url("Ab3dE5gH7j"), headers=CURL, timeout=5)
    assert r.status_code == 301 and r.headers["Location"] == s.article_url("story")


def test_tco_unknown_code_is_404(s):
    assert get(s.tco_url("Nope000000"), headers=CURL).status_code == 404


def test_tco_chain_and_loop(s):
    s.add_link("hop1", "/tco/hop2")
    s.links["hop2"] = "/tco/Ab3dE5gH7j"  # plain strings work too
    url, seen = s.tco_url("hop1"), []
    while url.startswith(s.url + "/tco/"):
        seen.append(url)
        url = get(url, headers=CURL).headers["Location"]
    assert url == s.article_url("story") and len(seen) == 3
    assert get(url).text.startswith("<html>")
    s.add_link("loopA", "/tco/loopB")
    s.add_link("loopB", "/tco/loopA")
    assert get(s.tco_url("loopB"), headers=CURL).headers["Location"] == s.tco_url("loopA")
    # requests itself gives up on the loop
    with pytest.raises(requests.TooManyRedirects):
        requests.get(s.tco_url("loopA"), timeout=5)


@pytest.mark.parametrize("target", [
    "http://127.0.0.2/admin", "http://169.254.169.254/latest/meta-data",
    "javascript:alert(1)", "ftp://files.example/x.zip",
])
def test_tco_hostile_targets_are_only_announced(s, target):
    s.add_link("evil", target)
    assert get(s.tco_url("evil"), headers=CURL).headers["Location"] == target
    assert f"<title>{target}</title>" in get(s.tco_url("evil"), headers=BROWSER).text


def test_tco_flagged_lands_on_warning(s):
    s.add_link("flag", "https://bad.example/x?y=1", flagged=True)
    loc = get(s.tco_url("flag"), headers=CURL).headers["Location"]
    assert loc == s.url + "/safety/unsafe_link_warning?unsafe_link=https%3A%2F%2Fbad.example%2Fx%3Fy%3D1"
    page = get(loc)
    assert page.status_code == 200 and "https://bad.example/x?y=1" in page.text


def test_tco_slow_link_times_out(s):
    s.links["slow"] = Link("/articles/story", slow=2)
    with pytest.raises(requests.Timeout):
        get(s.tco_url("slow"), headers=CURL, timeout=0.3)


def test_tco_pic_code_expands_to_the_photo(s):
    loc = get(s.tco_url("Zz9yX8wV7u"), headers=CURL).headers["Location"]
    assert loc == f"https://twitter.com/jack/status/{ID}/photo/1"


def test_tco_to_status_url_on_stand_in(s):
    s.add_link("quote", s.status_url(QUOTED))
    loc = get(s.tco_url("quote"), headers=CURL).headers["Location"]
    assert loc == f"{s.url}/alice/status/{QUOTED}"


# syndication ----------------------------------------------------------------------------


def test_syndication_needs_the_token(s):
    for url in (f"{s.url}/tweet-result?id={ID}", s.syndication_url(ID, token="abc"),
                s.syndication_url("0", token="")):
        r = get(url)
        assert r.status_code == 200 and r.json() == {}
    r = get(s.syndication_url(ID) + "&lang=en&features=tfw_timeline_list%3A%3Btfw_x%3Aon")
    assert r.status_code == 200 and r.json()["__typename"] == "Tweet"


def test_syndication_tweet_shape(s):
    r = get(s.syndication_url(ID))
    assert r.headers["Content-Type"].startswith("application/json")
    t = r.json()
    assert t["__typename"] == "Tweet" and t["id_str"] == ID and t["lang"] == "en"
    assert t["created_at"] == "2025-01-30T18:03:21.000Z"
    assert t["text"] == ("Fish &amp; chips &lt;3 #Tag @bob 🐟 https://t.co/Ab3dE5gH7j\nline two "
                         "https://t.co/Zz9yX8wV7u")
    assert t["user"] == t["user"] | {"name": "Jack <& Co>", "screen_name": "jack",
                                     "verified": False, "is_blue_verified": False}
    assert {"id_str", "profile_image_url_https"} <= set(t["user"])
    text = t["text"]
    (url,) = t["entities"]["urls"]
    assert url["expanded_url"] == s.article_url("story")
    assert text[slice(*url["indices"])] == url["url"] == "https://t.co/Ab3dE5gH7j"
    assert [text[slice(*h["indices"])] for h in t["entities"]["hashtags"]] == ["#Tag"]
    assert [text[slice(*m["indices"])] for m in t["entities"]["user_mentions"]] == ["@bob"]
    (media,) = t["entities"]["media"]
    assert media["display_url"] == "pic.twitter.com/Zz9yX8wV7u"
    assert t["display_text_range"] == [0, media["indices"][0] - 1]
    (detail,) = t["mediaDetails"]
    assert detail["type"] == "photo" and detail["ext_alt_text"] == "a plate"
    assert detail["media_url_https"].startswith(s.url)
    assert get(detail["media_url_https"]).content.startswith(b"\x89PNG")
    assert t["photos"][0]["url"] == detail["media_url_https"]
    assert t["quoted_tweet"]["id_str"] == QUOTED and t["quoted_tweet"]["text"] == "quoted words"
    assert t["isEdited"] is False and t["edit_control"]["edit_tweet_ids"] == [ID]
    assert {"favorite_count", "conversation_count", "possibly_sensitive"} <= set(t)


def test_syndication_edit_and_video(s):
    s.add_tweet(Tweet("30", edit_ids=["29", "30"], media=[Media(type="video")]))
    t = get(s.syndication_url("30")).json()
    assert t["isEdited"] is True and t["edit_control"]["edit_tweet_ids"] == ["29", "30"]
    variants = t["mediaDetails"][0]["video_info"]["variants"]
    assert any(v["content_type"] == "video/mp4" for v in variants)
    assert t["entities"]["media"][0]["expanded_url"].endswith("/status/30/video/1")


def test_syndication_unknown_and_deleted_are_404(s):
    assert get(s.syndication_url("12345")).status_code == 404
    s.add_tweet(Tweet("31", behaviour="deleted"))
    assert get(s.syndication_url("31")).status_code == 404
    assert get(s.oembed_url("https://twitter.com/x/status/31")).status_code == 404


def test_tombstone(s):
    s.add_tweet(Tweet("32", behaviour="tombstone", tombstone_text="Withheld. Learn more"))
    t = get(s.syndication_url("32")).json()
    assert t["__typename"] == "TweetTombstone"
    assert t["tombstone"]["text"]["text"] == "Withheld. Learn more"


@pytest.mark.parametrize("behaviour,syndication", [
    ("protected", 404), ("suspended", 404), ("age_restricted", "TweetTombstone"),
])
def test_unavailable_tweets(s, behaviour, syndication):
    s.add_tweet(Tweet("33", behaviour=behaviour))
    r = get(s.syndication_url("33"))
    if syndication == 404:
        assert r.status_code == 404
    else:
        assert r.status_code == 200 and r.json()["__typename"] == syndication
    o = get(s.oembed_url("https://twitter.com/someone/status/33"))
    assert o.status_code == 403
    assert o.json() == {"error": "Sorry, you are not authorized to see this status."}


def test_protected_can_be_a_tombstone(s):
    s.add_tweet(Tweet("34", behaviour="protected", unavailable_as="tombstone"))
    assert get(s.syndication_url("34")).json()["__typename"] == "TweetTombstone"


def test_tweets_as_plain_dicts(s):
    s.tweets["35"] = {"handle": "dict_user", "text": "from a dict", "behaviour": "ok"}
    assert get(s.syndication_url("35")).json()["user"]["screen_name"] == "dict_user"


# transport faults -----------------------------------------------------------------------


def test_rate_limited_then_ok(s):
    s.add_tweet(Tweet("40", behaviour="rate_limited", fail_times=2, retry_after=7))
    codes = [get(s.syndication_url("40")) for _ in range(3)]
    assert [r.status_code for r in codes] == [429, 429, 200]
    assert codes[0].headers["Retry-After"] == "7"
    assert codes[2].json()["id_str"] == "40"
    # oEmbed counts its own requests
    assert get(s.oembed_url("https://x.com/a/status/40")).status_code == 429
    assert s.tweet("40").hits == {"syndication": 3, "oembed": 1}


def test_flaky_then_ok(s):
    s.add_tweet(Tweet("41", behaviour="flaky"))  # default: two failures
    assert [get(s.syndication_url("41")).status_code for _ in range(3)] == [500, 500, 200]


def test_reset_closes_without_response(s):
    s.add_tweet(Tweet("42", behaviour="reset"))
    with pytest.raises(requests.ConnectionError):
        get(s.syndication_url("42"))
    assert get(s.syndication_url(ID)).status_code == 200  # the server lives on


def test_slow_outlasts_client_timeout(s):
    s.add_tweet(Tweet("43", behaviour="slow", delay=3))
    start = time.monotonic()
    with pytest.raises(requests.Timeout):
        get(s.syndication_url("43"), timeout=0.3)
    assert time.monotonic() - start < 2


def test_empty_even_with_token(s):
    s.add_tweet(Tweet("44", behaviour="empty"))
    assert get(s.syndication_url("44")).json() == {}


def test_html_instead_of_json(s):
    s.add_tweet(Tweet("45", behaviour="html_instead_of_json"))
    r = get(s.syndication_url("45"))
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "Log in" in r.text
    with pytest.raises(ValueError):
        r.json()


def test_fault_endpoints_limit_where_faults_apply(s):
    s.add_tweet(Tweet("46", behaviour="flaky", fail_times=None, fault_endpoints=("oembed",)))
    assert get(s.syndication_url("46")).status_code == 200
    assert get(s.oembed_url("https://twitter.com/a/status/46")).status_code == 500


def test_runtime_faults(s):
    fault = s.fault("syndication", "rate_limited", times=1, retry_after=2)
    r = get(s.syndication_url(ID))
    assert r.status_code == 429 and r.headers["Retry-After"] == "2"
    assert get(s.syndication_url(ID)).status_code == 200 and fault.hits == 1
    s.fault("*", "flaky")
    assert get(s.tco_url("Ab3dE5gH7j"), headers=CURL).status_code == 500
    assert get(s.article_url("story")).status_code == 500
    s.clear_faults()
    assert get(s.article_url("story")).status_code == 200
    s.fault("tco", "reset", times=1)
    with pytest.raises(requests.ConnectionError):
        get(s.tco_url("Ab3dE5gH7j"), headers=CURL)
    assert get(s.tco_url("Ab3dE5gH7j"), headers=CURL).status_code == 301
    with pytest.raises(ValueError):
        s.fault("nowhere", "flaky")


def test_set_behaviour_at_runtime(s):
    assert get(s.syndication_url(ID)).status_code == 200
    s.set_behaviour(ID, "flaky", fail_times=1)
    assert [get(s.syndication_url(ID)).status_code for _ in range(2)] == [500, 200]
    s.set_behaviour(ID, "deleted")
    assert get(s.syndication_url(ID)).status_code == 404
    s.set_behaviour(ID, "ok")
    assert get(s.syndication_url(ID)).status_code == 200
    assert s.tweet(ID).hits["syndication"] == 5
    with pytest.raises(ValueError):
        s.set_behaviour(ID, "exploded")


def test_latency_knob(s):
    s.latency = 0.2
    start = time.monotonic()
    get(s.syndication_url(ID))
    assert time.monotonic() - start >= 0.2


# oEmbed -----------------------------------------------------------------------------------


@pytest.mark.parametrize("form", [
    "https://twitter.com/jack/status/{id}",
    "https://x.com/jack/status/{id}?s=20&t=abc",
    "https://mobile.twitter.com/jack/statuses/{id}",
    "https://twitter.com/statuses/{id}",
    "https://twitter.com/i/web/status/{id}",
    "https://www.x.com/i/status/{id}",
    "http://twitter.com/#!/jack/status/{id}",
    "https://twitter.com/WrongName/status/{id}/photo/1",
    "{base}/jack/status/{id}",
])
def test_oembed_status_url_forms(s, form):
    r = get(s.oembed_url(form.format(id=ID, base=s.url)))
    assert r.status_code == 200
    assert r.json()["url"] == f"https://twitter.com/jack/status/{ID}"


def test_oembed_shape(s):
    o = get(s.oembed_url(f"https://twitter.com/jack/status/{ID}")).json()
    assert o | {"html": None} == {
        "url": f"https://twitter.com/jack/status/{ID}", "author_name": "Jack <& Co>",
        "author_url": "https://twitter.com/jack", "html": None, "width": 550, "height": None,
        "type": "rich", "cache_age": "3153600000", "provider_name": "Twitter",
        "provider_url": "https://twitter.com", "version": "1.0",
    }
    html = o["html"]
    assert html.startswith('<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Fish &amp; chips &lt;3 ')
    assert '<a href="https://twitter.com/hashtag/Tag?src=hash&amp;ref_src=twsrc%5Etfw">#Tag</a>' in html
    assert '<a href="https://t.co/Ab3dE5gH7j">https://t.co/Ab3dE5gH7j</a><br>line two' in html
    assert '<a href="https://t.co/Zz9yX8wV7u">pic.twitter.com/Zz9yX8wV7u</a></p>' in html
    assert (f'&mdash; Jack &lt;&amp; Co&gt; (@jack) <a href="https://twitter.com/jack/status/{ID}'
            '?ref_src=twsrc%5Etfw">January 30, 2025</a></blockquote>') in html
    assert 'src="https://platform.twitter.com/widgets.js"' in html
    url = s.oembed_url(f"https://twitter.com/jack/status/{ID}") + "&omit_script=1&maxwidth=300"
    o = get(url).json()
    assert "<script" not in o["html"] and o["width"] == 300


def test_oembed_rejects_other_urls(s):
    for url in ("https://example.com/jack/status/" + ID, "https://twitter.com/jack", ""):
        assert get(s.oembed_url(url)).status_code == 404
    s.oembed_x_404 = True
    assert get(s.oembed_url(f"https://x.com/jack/status/{ID}")).status_code == 404
    assert get(s.oembed_url(f"https://twitter.com/jack/status/{ID}")).status_code == 200


# embed page, status page, articles ------------------------------------------------------------


def test_embed_page_is_empty_until_script_runs(s):
    s.embed_render_delay = 0.75
    r = get(s.embed_url(ID))
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
    assert "Fish" not in r.text and "jack" not in r.text and 'id="app"></div>' in r.text
    assert "setTimeout" in r.text and ", 750)" in r.text and '"load"' in r.text
    data = get(s.url + f"/embed/data?id={ID}").json()
    assert data["status"] == "ok" and data["tweet"]["handle"] == "jack"
    assert "".join(seg["text"] for seg in data["tweet"]["segments"]).startswith("Fish & chips <3")
    assert data["tweet"]["quoted"]["handle"] == "alice"


def test_embed_data_for_unavailable(s):
    s.add_tweet(Tweet("50", behaviour="deleted"))
    for tweet_id in ("50", "99999"):
        data = get(s.url + f"/embed/data?id={tweet_id}").json()
        assert data == {"status": "unavailable", "notice": "This Post is unavailable."}


def test_status_page_is_a_login_wall(s):
    for path in (f"/jack/status/{ID}", f"/i/web/status/{ID}", f"/jack/status/{ID}/photo/1"):
        r = get(s.url + path)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")
        assert "Log in" in r.text and "Sign up" in r.text and "Don’t miss what’s happening" in r.text
        assert "Fish" not in r.text


def test_articles(s):
    assert get(s.article_url("story")).text.startswith("<html>")
    assert get(s.article_url("missing")).status_code == 404
    s.articles["huge"] = Article("<html></html>", pad_to=3_000_000, send_length=False)
    r = get(s.article_url("huge"))
    assert len(r.content) == 3_000_000 and "Content-Length" not in r.headers
    s.articles["slow"] = Article("<html></html>", delay=2)
    with pytest.raises(requests.Timeout):
        get(s.article_url("slow"), timeout=0.3)
    s.articles["moved"] = Article("", status=302, headers={"Location": "/articles/story"})
    assert get(s.article_url("moved"), allow_redirects=True).url == s.article_url("story")


# request log ---------------------------------------------------------------------------------


def test_request_log(s):
    s.reset_log()
    get(s.tco_url("Ab3dE5gH7j"), headers=CURL)
    get(s.syndication_url(ID))
    method, path, headers, when = s.requests[0]
    assert (method, path) == ("GET", "/tco/Ab3dE5gH7j") and headers["User-Agent"] == "curl/8.5.0"
    assert abs(when - time.time()) < 5
    assert s.count("/tco/") == 1 and s.count("/tweet-result") == 1 and s.count() == 2
    threads = [threading.Thread(target=get, args=(s.article_url("story"),)) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert s.count("/articles/story", method="GET") == 20
    s.reset_log()
    assert s.requests == [] and s.count() == 0


def test_stop_is_quick_even_with_sleeping_handlers():
    standin = StandIn()
    standin.add_tweet(Tweet("60", behaviour="slow", delay=30))
    with pytest.raises(requests.Timeout):
        get(standin.syndication_url("60"), timeout=0.2)
    start = time.monotonic()
    standin.stop()
    standin.stop()  # idempotent
    assert time.monotonic() - start < 2
    with pytest.raises(requests.ConnectionError):
        get(standin.url + "/", timeout=1)


# the embed page in a real browser (skipped without one) ---------------------------------------


def _chromium() -> str | None:
    for candidate in (os.environ.get("ARCHIVER_BROWSER"), shutil.which("chromium"),
                      shutil.which("chromium-browser"), shutil.which("google-chrome")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.mark.skipif(_chromium() is None, reason="no Chromium")
def test_embed_page_renders_in_chromium(s):
    sync_api = pytest.importorskip("playwright.sync_api")
    s.add_tweet(Tweet("70", behaviour="deleted"))
    s.embed_render_delay = 2.0  # long enough to see the page before it renders, even under load
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=_chromium(), args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 600, "height": 700})
            page.goto(s.embed_url(ID))
            assert page.query_selector('[data-testid="tweetText"]') is None
            page.wait_for_selector('[data-testid="tweetText"]', timeout=10000)
            text = page.inner_text('article[data-testid="tweet"] [data-testid="tweetText"] >> nth=0')
            assert text.startswith("Fish & chips <3 #Tag @bob")
            assert "@jack" in page.inner_text('[data-testid="User-Name"] >> nth=0')
            assert len(page.screenshot()) > 5000
            page.goto(s.embed_url("70"))
            page.wait_for_selector('[data-testid="tweetUnavailable"]', timeout=10000)
            assert "This Post is unavailable." in page.inner_text("body")
        finally:
            browser.close()
    assert not re.search(r"/tweet-result", " ".join(r.path for r in s.requests))
