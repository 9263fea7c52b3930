"""The stand-in network: t.co, syndication, oEmbed, embed page and X pages on 127.0.0.1.

    with StandIn() as s:
        s.add_tweet(Tweet("20", handle="jack", name="jack", text="just setting up my twttr"))
        s.add_link("Ab3dE5gH7j", "/articles/story")
        os.environ.update(s.env())   # or pass s.settings() to the archiver
"""

from __future__ import annotations

import threading
import time
from typing import NamedTuple
from urllib.parse import quote

from . import render
from .data import Fault, Link, Tweet, as_article, as_link, as_tweet, tweet_json
from .handlers import Handler, Server
from .jsnum import syndication_token


class Request(NamedTuple):
    method: str
    path: str  # path with query, as sent
    headers: dict
    time: float


class StandIn:
    """A threaded HTTP server imitating the endpoints the archiver talks to. Starts at once."""

    def __init__(self, *, latency: float = 0.0, embed_render_delay: float = 0.3,
                 status_base: str = "https://twitter.com"):
        self.tweets: dict[str, Tweet | dict] = {}
        self.links: dict[str, Link | str | dict] = {}
        self.articles: dict = {}
        self.faults: list[Fault] = []
        self.latency = latency  # seconds added to every answer
        self.embed_render_delay = embed_render_delay  # seconds after load before the card appears
        self.status_base = status_base  # host of status URLs inside data (JSON, oEmbed, media)
        self.oembed_x_404 = False  # Oct 2023: publish.twitter.com answered 404 for x.com URLs
        self._lock = threading.RLock()
        self._log: list[Request] = []
        self._stopping = threading.Event()
        self._httpd = Server(("127.0.0.1", 0), Handler)
        self._httpd.standin = self
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"standin-{self.port}", daemon=True,
        )
        self._thread.start()

    # lifecycle ---------------------------------------------------------------------

    def stop(self) -> None:
        if self._stopping.is_set():
            return
        self._stopping.set()  # wakes handlers that sleep
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # what the archiver is told -----------------------------------------------------

    def settings(self) -> dict[str, str]:
        return {
            "TWITTER_TCO_URL": f"{self.url}/tco/{{code}}",
            "TWITTER_EMBED_URL": f"{self.url}/embed/Tweet.html?id={{id}}",
            "TWITTER_SYNDICATION_URL": f"{self.url}/tweet-result?id={{id}}&token={{token}}",
            "TWITTER_OEMBED_URL": f"{self.url}/oembed?url={{url}}",
            "TWITTER_STATUS_URL": f"{self.url}/{{handle}}/status/{{id}}",
        }

    def env(self) -> dict[str, str]:
        return {f"ARCHIVER_{k}": v for k, v in self.settings().items()}

    # configuration -----------------------------------------------------------------

    def add_tweet(self, tweet: Tweet | None = None, **fields) -> Tweet:
        tweet = tweet if tweet is not None else Tweet(**fields)
        self.tweets[tweet.id] = tweet
        return tweet

    def add_link(self, code: str, target: str, **options) -> Link:
        link = Link(target, **options)
        self.links[code] = link
        return link

    def add_article(self, name: str, html: str | bytes, **options) -> str:
        self.articles[name] = as_article({"html": html, **options})
        return self.article_url(name)

    def set_behaviour(self, tweet_id: str, behaviour: str, **options) -> Tweet:
        """Switch a tweet's behaviour at runtime (options: any Tweet field); budgets restart."""
        tweet = self.tweet(str(tweet_id))
        if tweet is None:
            raise KeyError(tweet_id)
        with self._lock:
            Tweet(tweet.id, behaviour=behaviour)  # validates the name
            tweet.behaviour = behaviour
            for key, value in options.items():
                setattr(tweet, key, value)
            tweet.fault_hits.clear()
        return tweet

    def fault(self, endpoint: str, kind: str, **options) -> Fault:
        """Switch a fault on at runtime for an endpoint name or "*" (see data.ENDPOINTS)."""
        fault = Fault(kind, endpoint, **options)
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    # URLs ------------------------------------------------------------------------------

    def tco_url(self, code: str) -> str:
        return f"{self.url}/tco/{code}"

    def status_url(self, tweet_id: str, handle: str | None = None) -> str:
        tweet = self.tweet(str(tweet_id))
        handle = handle or (tweet.handle if tweet else "i/web")
        return f"{self.url}/{handle}/status/{tweet_id}"

    def article_url(self, name: str) -> str:
        return f"{self.url}/articles/{name}"

    def embed_url(self, tweet_id: str) -> str:
        return f"{self.url}/embed/Tweet.html?id={tweet_id}"

    def syndication_url(self, tweet_id: str, token: str | None = None) -> str:
        token = syndication_token(tweet_id) if token is None else token
        return f"{self.url}/tweet-result?id={tweet_id}&token={token}"

    def oembed_url(self, status_url: str) -> str:
        return f"{self.url}/oembed?url={quote(status_url, safe='')}"

    # request log -------------------------------------------------------------------------

    @property
    def requests(self) -> list[Request]:
        with self._lock:
            return list(self._log)

    def count(self, prefix: str = "/", method: str | None = None) -> int:
        with self._lock:
            return sum(
                1 for r in self._log
                if r.path.startswith(prefix) and (method is None or r.method == method)
            )

    def reset_log(self) -> None:
        with self._lock:
            self._log.clear()

    def reset(self) -> None:
        """Forget the log, the faults and the per-tweet request counters."""
        with self._lock:
            self._log.clear()
            self.faults.clear()
            for key in list(self.tweets):
                tweet = self.tweet(key)
                if tweet:
                    tweet.hits.clear()
                    tweet.fault_hits.clear()

    # lookups (normalise dicts/strings set by tests) --------------------------------------------

    def tweet(self, tweet_id: str) -> Tweet | None:
        value = self.tweets.get(tweet_id)
        if value is None or isinstance(value, Tweet):
            return value
        with self._lock:
            value = self.tweets[tweet_id] = as_tweet(tweet_id, self.tweets[tweet_id])
        return value

    def link(self, code: str) -> Link | None:
        value = self.links.get(code)
        if value is not None:
            return as_link(value)
        for tweet in [self.tweet(k) for k in list(self.tweets)]:  # pic.twitter.com / quote codes
            for i, m in enumerate(tweet.media if tweet else []):
                if m.code == code:
                    kind = "video" if m.type in ("video", "animated_gif") else "photo"
                    return Link(self._status(tweet.handle, tweet.id) + f"/{kind}/{i + 1}")
            if tweet and tweet.quote_code == code and tweet.quoted_id:
                quoted = self.tweet(tweet.quoted_id)
                return Link(self._status(quoted.handle if quoted else "i/web", tweet.quoted_id))
        return None

    def resolve(self, code: str) -> str | None:
        """Where t.co/<code> points (first hop), as an absolute URL."""
        link = self.link(code)
        return self.absolute(link.target) if link else None

    def absolute(self, target: str) -> str:
        target = target.replace("{base}", self.url)
        return self.url + target if target.startswith("/") else target

    def _status(self, handle: str, tweet_id: str) -> str:
        return f"{self.status_base}/{handle}/status/{tweet_id}"

    def _media_url(self, tweet: Tweet, index: int, ext: str) -> str:
        return f"{self.url}/media/{tweet.id}_{index}.{ext}"

    def _avatar_url(self, tweet: Tweet) -> str:
        return f"{self.url}/profile_images/{tweet.user_id}/{tweet.handle}_normal.png"

    def tweet_json(self, tweet: Tweet) -> dict:
        return tweet_json(
            tweet, lookup=self.tweet, resolve=self.resolve, status_base=self.status_base,
            media_url=self._media_url, avatar_url=self._avatar_url,
        )

    def _card(self, tweet: Tweet) -> dict:
        # The widget shows a photo at a small size; the data gives its plain URL.
        card = render.card_model(
            tweet, self.status_base, lambda t, i: self._media_url(t, i, "png") + "?name=small",
            self.resolve
        )
        if tweet.quoted_id:
            quoted = self.tweet(tweet.quoted_id)
            if quoted and quoted.availability() == "ok":
                card["quoted"] = render.card_model(
                    quoted, self.status_base,
                    lambda t, i: self._media_url(t, i, "png") + "?name=small", self.resolve,
                )
            else:
                card["quoted_notice"] = quoted.notice() if quoted else "This Post is unavailable."
        return card

    # used by the handler ------------------------------------------------------------------

    def _record(self, method: str, path: str, headers: dict) -> None:
        with self._lock:
            self._log.append(Request(method, path, headers, time.time()))

    def _sleep(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    def _active_fault(self, endpoint: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.endpoint in ("*", endpoint):
                    if fault.times is not None and fault.hits >= fault.times:
                        continue
                    fault.hits += 1
                    return fault
        return None

    def _tweet_fault(self, tweet: Tweet, endpoint: str) -> bool:
        """Count the request; True when the tweet's transport fault applies to it."""
        with self._lock:
            tweet.hits[endpoint] = tweet.hits.get(endpoint, 0) + 1
            if tweet.availability() != "ok" or tweet.behaviour == "ok":
                return False
            if endpoint not in tweet.fault_endpoints:
                return False
            key = (tweet.behaviour, endpoint)
            used = tweet.fault_hits.get(key, 0)
            budget = tweet.fault_budget()
            if budget is not None and used >= budget:
                return False
            tweet.fault_hits[key] = used + 1
            return True


def standin_fixture():
    """Generator for a pytest fixture: `standin = pytest.fixture(standin_fixture)`."""
    with StandIn() as s:
        yield s
