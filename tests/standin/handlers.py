"""Request handling for StandIn: one method per imitated endpoint."""

from __future__ import annotations

import contextlib
import json
import re
import socket
import struct
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, urlsplit

from . import render
from .data import Tweet, as_article, tombstone_json
from .jsnum import syndication_token

if TYPE_CHECKING:
    from .server import StandIn

NOT_AUTHORIZED = {"error": "Sorry, you are not authorized to see this status."}
STATUS_PATH_RE = re.compile(
    r"/(?:#!/)?(?:(?:[A-Za-z0-9_]{1,15}/status(?:es)?)|statuses|i/web/status|i/status)/(\d+)"
)
TWITTER_HOSTS = {f"{p}{h}" for p in ("", "www.", "mobile.", "m.") for h in ("twitter.com", "x.com")}
STATUS_PAGE_RE = re.compile(r"^/(?:[A-Za-z0-9_]{1,15}|i/web|i)/status(?:es)?/(\d+)(?:/.*)?$")
MEDIA_RE = re.compile(r"^/media/(\d+)_(\d+)\.(png|mp4|m3u8)$")
AVATAR_RE = re.compile(r"^/profile_images/(\d+)/(\w+)_normal\.png$")


class _Reset(Exception):
    """Raised after the connection was torn down on purpose."""


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many parallel clients (benchmarks) without SYN retries
    standin: StandIn

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, _Reset, TimeoutError)):
            super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "standin/1.0"
    sys_version = ""
    server: Server

    @property
    def s(self) -> StandIn:
        return self.server.standin

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # the request log is StandIn.requests
        pass

    def handle(self):
        with contextlib.suppress(_Reset, ConnectionError):
            super().handle()

    def do_GET(self):
        self._dispatch()

    def do_HEAD(self):
        self._dispatch()

    def do_POST(self):
        self.s._record(self.command, self.path, dict(self.headers))
        self.close_connection = True  # the body is not read
        self._send(405, b"", "text/plain")

    # routing -----------------------------------------------------------------------------

    def _dispatch(self):
        s = self.s
        s._record(self.command, self.path, dict(self.headers))
        parts = urlsplit(self.path)
        self.q = dict(parse_qsl(parts.query, keep_blank_values=True))
        path = parts.path
        routes = [
            ("tco", path.startswith("/tco/"), self._tco),
            ("syndication", path == "/tweet-result", self._syndication),
            ("oembed", path == "/oembed", self._oembed),
            ("embed", path in ("/embed/Tweet.html", "/embed/index.html"), self._embed_page),
            ("embed", path == "/embed/data", self._embed_data),
            ("safety", path == "/safety/unsafe_link_warning", self._safety),
            ("article", path.startswith("/articles/"), self._article),
            ("media", bool(MEDIA_RE.match(path) or AVATAR_RE.match(path)), self._media),
            ("status", bool(STATUS_PAGE_RE.match(path)), self._status_page),
            ("media", path == "/favicon.ico", self._favicon),
        ]
        endpoint, handler = next(((e, h) for e, t, h in routes if t), ("other", None))
        s._sleep(s.latency)
        fault = s._active_fault(endpoint)
        if fault and self._fault(fault.kind, fault.retry_after, fault.delay):
            return
        if handler is None:
            return self._send(404, b"Not Found", "text/plain")
        handler(path)

    def _tweet_faulted(self, tweet: Tweet, endpoint: str) -> bool:
        """Apply the tweet's own transport fault; True when the answer is already sent."""
        if self.s._tweet_fault(tweet, endpoint):
            return self._fault(tweet.behaviour, tweet.retry_after, tweet.delay)
        return False

    def _fault(self, kind: str, retry_after: int, delay: float) -> bool:
        if kind == "slow":
            self.s._sleep(delay)
            return False  # then answer normally (the client has usually given up)
        if kind == "reset":
            self._reset()
        if kind == "rate_limited":
            body = {"errors": [{"code": 88, "message": "Rate limit exceeded."}]}
            self._json(429, body, {"Retry-After": str(retry_after)})
        elif kind == "flaky":
            self._send(500, b"Internal Server Error", "text/plain")
        elif kind == "empty":
            self._json(200, {})
        elif kind == "html_instead_of_json":
            self._html(200, render.login_wall_html())
        elif kind == "invalid_json":
            self._send(200, b'{"__typename": "Tweet", "id_str": ', "application/json")
        elif kind == "huge":  # a JSON answer far over any sane cap
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            with contextlib.suppress(OSError):
                self.wfile.write(b'{"pad": "')
                for _ in range(64):  # 64 MiB
                    self.wfile.write(b"x" * (1 << 20))
        elif kind == "truncated":  # promises more than it sends, then hangs up
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b'{"__typename": "Tweet", "id_str": "1')
            self.wfile.flush()
            self._reset()
        elif kind == "drip":  # a byte at a time, each within any read timeout
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            with contextlib.suppress(OSError):
                for _ in range(int(delay * 4)):
                    if self.s._stopping.is_set():
                        break
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    self.s._sleep(0.25)
        return True

    def _reset(self):
        """Close the connection without any response (RST where the OS allows)."""
        with contextlib.suppress(OSError):
            linger = struct.pack("ii", 1, 0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
        self.rfile.close()
        self.wfile.close()
        self.connection.close()
        raise _Reset()

    # responses -----------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, ctype: str | None, headers: dict | None = None):
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD" and body:
            self.wfile.write(body)

    def _json(self, status: int, data, headers: dict | None = None):
        body = json.dumps(data).encode()
        self._send(status, body, "application/json; charset=utf-8", headers)

    def _html(self, status: int, text: str, headers: dict | None = None):
        self._send(status, text.encode("utf-8"), "text/html; charset=utf-8", headers)

    # endpoints ---------------------------------------------------------------------------------

    def _tco(self, path: str):
        link = self.s.link(path[len("/tco/"):].rstrip("/"))
        if link is None:
            return self._html(404, "<html><body><h1>Not Found</h1></body></html>")
        self.s._sleep(link.slow)
        dest = self.s.absolute(link.target)
        if link.flagged:
            dest = f"{self.s.url}/safety/unsafe_link_warning?unsafe_link={quote(dest, safe='')}"
        cache = {"Cache-Control": "private,max-age=300"}
        if "Mozilla" in self.headers.get("User-Agent", ""):
            return self._html(200, render.tco_html(dest), cache)
        location = quote(dest, safe=":/?#[]@!$&'()*+,;=%~")
        self._send(301, b"", None, {"Location": location, **cache})

    def _syndication(self, path: str):
        tweet_id = self.q.get("id", "")
        if not tweet_id.isdigit() or int(tweet_id) == 0:
            return self._json(200, {})
        if self.q.get("token") != syndication_token(tweet_id):
            return self._json(200, {})
        tweet = self.s.tweet(tweet_id)
        if tweet is None:
            return self._send(404, b"", "text/plain")
        if self._tweet_faulted(tweet, "syndication"):
            return
        outcome = tweet.syndication_outcome()
        if outcome == "404":
            return self._send(404, b"", "text/plain")
        if outcome == "tombstone":
            return self._json(200, tombstone_json(tweet))
        self._json(200, self.s.tweet_json(tweet))

    def _oembed(self, path: str):
        url = self.q.get("url", "")
        parts = urlsplit(url)
        host = (parts.netloc or "").lower()
        own = host == f"127.0.0.1:{self.s.port}"
        match = STATUS_PATH_RE.search(parts.path + ("#" + parts.fragment if parts.fragment else ""))
        if not match or not (host in TWITTER_HOSTS or own):
            return self._send(404, b"", "text/plain")
        if self.s.oembed_x_404 and host.endswith("x.com"):
            return self._send(404, b"", "text/plain")
        tweet = self.s.tweet(match.group(1))
        if tweet is None:
            return self._send(404, b"", "text/plain")
        if self._tweet_faulted(tweet, "oembed"):
            return
        outcome = tweet.oembed_outcome()
        if outcome == "404":
            return self._send(404, b"", "text/plain")
        if outcome == "403":
            return self._json(403, NOT_AUTHORIZED)
        try:
            width = max(220, min(550, int(self.q.get("maxwidth", 550))))
        except ValueError:
            width = 550
        base = self.s.status_base
        self._json(200, {
            "url": f"{base}/{tweet.handle}/status/{tweet.id}",
            "author_name": tweet.name,
            "author_url": f"{base}/{tweet.handle}",
            "html": render.oembed_html(tweet, base, self.q),
            "width": width,
            "height": None,
            "type": "rich",
            "cache_age": "3153600000",
            "provider_name": "Twitter",
            "provider_url": "https://twitter.com",
            "version": "1.0",
        })

    def _embed_page(self, path: str):
        tweet_id = self.q.get("id", "")
        tweet = self.s.tweet(tweet_id)
        if tweet is not None and self._tweet_faulted(tweet, "embed"):
            return
        data_url = f"/embed/data?id={quote(tweet_id)}"
        page = render.embed_page(
            tweet_id, data_url, self.s.embed_render_delay, self.q.get("theme", "light"),
            tweet.embed_extra if tweet is not None else "",
        )
        self._html(200, page)

    def _embed_data(self, path: str):
        tweet = self.s.tweet(self.q.get("id", ""))
        if tweet is None:
            return self._json(200, {"status": "unavailable", "notice": "This Post is unavailable."})
        if tweet.availability() != "ok":
            return self._json(200, {"status": "unavailable", "notice": tweet.notice()})
        self._json(200, {"status": "ok", "tweet": self.s._card(tweet)})

    def _status_page(self, path: str):
        tweet = self.s.tweet(STATUS_PAGE_RE.match(path).group(1))
        if tweet is not None and self._tweet_faulted(tweet, "status"):
            return
        self._html(200, render.login_wall_html())

    def _safety(self, path: str):
        self._html(200, render.unsafe_link_html(self.q.get("unsafe_link", "")))

    def _article(self, path: str):
        name = path[len("/articles/"):]
        value = self.s.articles.get(name)
        if value is None:
            return self._html(404, "<html><body><h1>Page not found</h1></body></html>")
        article = as_article(value)
        self.s._sleep(article.delay)
        body = article.body()
        self.send_response(article.status)
        self.send_header("Content-Type", article.content_type)
        for key, val in article.headers.items():
            self.send_header(key, val)
        if article.send_length:
            self.send_header("Content-Length", str(len(body)))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        if self.command == "HEAD":
            return
        for start in range(0, len(body), 65536):
            if start and article.chunk_delay:
                self.s._sleep(article.chunk_delay)
            self.wfile.write(body[start:start + 65536])

    def _hostile_media(self, answer: str, path: str, kind: str):
        if answer == "wrong_type":
            return self._html(200, render.login_wall_html())
        if answer == "flaky":
            return self._send(500, b"Internal Server Error", "text/plain")
        if answer == "redirect_private":  # a name the archiver does not trust, on loopback
            return self._send(302, b"", None, {
                "Location": f"http://localhost:{self.s.port}{path}?name=orig"})
        self.send_response(200)
        self.send_header("Content-Type", "image/png" if kind == "png" else "video/mp4")
        if answer == "huge_length":
            self.send_header("Content-Length", str(5 * 1024 ** 3))
        self.send_header("Connection", "close")
        self.close_connection = True
        self.end_headers()
        chunk = b"\x00" * 65536
        with contextlib.suppress(OSError):  # the client gives up: the body ends there
            for _ in range(32768 if answer == "endless" else 1):  # at most 2 GiB
                if self.s._stopping.is_set():
                    break
                self.wfile.write(chunk)

    def _favicon(self, path: str):
        self._send(200, render.solid_png("#1d9bf0", 16, 16), "image/png")

    def _media(self, path: str):
        match = MEDIA_RE.match(path)
        if match:
            tweet = self.s.tweet(match.group(1))
            index = int(match.group(2))
            if tweet is None or index >= len(tweet.media):
                return self._send(404, b"", "text/plain")
            m = tweet.media[index]
            kind = match.group(3)
            if kind == "m3u8":
                return self._send(200, b"#EXTM3U\n", "application/x-mpegURL")
            original = kind == "mp4" or self.q.get("name") == "orig"
            if original and m.answer != "ok":
                return self._hostile_media(m.answer, path, kind)
            if kind == "png":
                return self._send(200, render.photo(m.color, m.width, m.height,
                                                    self.q.get("name")), "image/png")
            return self._send(200, render.mp4(self.q.get("bitrate", "gif")), "video/mp4")
        handle = AVATAR_RE.match(path).group(2)
        self._send(200, render.solid_png(render.avatar_color(handle), 48, 48), "image/png")
