"""What every platform's stand-in shares: a threaded server on 127.0.0.1, routes
declared by the subclass, a request log, transport faults, and an embed page
whose post appears late, by script, as the real widgets do.

    class BlueskyStandIn(PlatformStandIn):
        platform = "bluesky"
        def routes(self):
            return [(re.compile(r"^/xrpc/app.bsky.feed.getPostThread$"), self.post_thread)]
        def endpoints(self):
            return {"api_url": f"{self.url}/xrpc/{{method}}?{{query}}"}

    with BlueskyStandIn() as s:
        env = s.env()          # ARCHIVER_BLUESKY_API_URL=http://127.0.0.1:PORT/...
        s.fault("post_thread", "rate_limited", times=1)

A route handler gets (request, match) and returns Reply(status, body, type,
headers); faults apply before it.
"""

from __future__ import annotations

import contextlib
import html
import json
import re
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    type: str | None = None  # guessed from body when None: dict/list JSON, str HTML
    headers: dict = field(default_factory=dict)

    def encoded(self) -> tuple[bytes, str]:
        if isinstance(self.body, (dict, list)):
            return json.dumps(self.body).encode(), self.type or "application/json; charset=utf-8"
        if isinstance(self.body, str):
            return self.body.encode("utf-8"), self.type or "text/html; charset=utf-8"
        return self.body, self.type or "application/octet-stream"


@dataclass
class Request:
    method: str
    path: str  # path and query, as sent
    headers: dict
    time: float

    @property
    def query(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}


@dataclass
class _Fault:
    route: str  # a route's name, or "*"
    kind: str  # rate_limited | server_error | html_instead_of_json | reset | slow
    times: int
    retry_after: int = 1
    delay: float = 0.0


Route = tuple[re.Pattern, Callable[[Request, re.Match], Reply]]


class PlatformStandIn:
    platform = ""  # the archiver's name for it: the settings section

    def __init__(self, *, render_delay: float = 0.3, latency: float = 0.0):
        self.render_delay = render_delay  # seconds after load before the embed shows the post
        self.latency = latency
        self.requests: list[Request] = []
        self._faults: list[_Fault] = []
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.standin = self
        self.port = self._httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    # -- what subclasses say -------------------------------------------------
    def routes(self) -> list[Route]:
        raise NotImplementedError

    def endpoints(self) -> dict[str, str]:
        """Endpoint name -> URL template, as the archiver's [platform] section names them."""
        raise NotImplementedError

    # -- what tests use ----------------------------------------------------------
    def env(self) -> dict[str, str]:
        return {f"ARCHIVER_{self.platform.upper()}_{name.upper()}": template
                for name, template in self.endpoints().items()}

    def fault(self, route: str, kind: str, times: int = 1, retry_after: int = 1,
              delay: float = 0.0) -> None:
        """The next `times` requests to route (a handler's name, or "*") fail this way."""
        with self._lock:
            self._faults.append(_Fault(route, kind, times, retry_after, delay))

    def hits(self, pattern: str) -> list[Request]:
        return [r for r in self.requests if re.search(pattern, r.path)]

    def late_page(self, title: str, post_html: str, *, ready_class: str = "post",
                  status_text: str = "") -> str:
        """An embed page that holds no post when it loads: a script builds it after
        render_delay, inside an element of class ready_class."""
        payload = json.dumps(post_html)
        return (
            "<!doctype html><html><head><meta charset=utf-8>"
            f"<title>{html.escape(title)}</title></head><body>"
            f"<div id=root>{html.escape(status_text)}</div><script>"
            f"setTimeout(function(){{var d=document.createElement('div');d.className="
            f"{json.dumps(ready_class)};d.innerHTML={payload};"
            "document.getElementById('root').appendChild(d);}, "
            f"{int(self.render_delay * 1000)});</script></body></html>")

    # -- lifecycle ---------------------------------------------------------------
    def stop(self) -> None:
        if not self._stopping.is_set():
            self._stopping.set()
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- inside --------------------------------------------------------------------
    def _take_fault(self, route: str) -> _Fault | None:
        with self._lock:
            for f in self._faults:
                if f.times > 0 and f.route in (route, "*"):
                    f.times -= 1
                    return f
        return None

    def _dispatch(self, request: Request) -> Reply | None:
        path = urlsplit(request.path).path
        for pattern, handler in self.routes():
            m = pattern.search(path)
            if m:
                fault = self._take_fault(handler.__name__)
                if fault is not None:
                    return _faulted(fault, self)
                return handler(request, m)
        return Reply(404, "Not Found", "text/plain")


def _faulted(fault: _Fault, standin: PlatformStandIn) -> Reply | None:
    if fault.kind == "rate_limited":
        return Reply(429, {"error": "RateLimitExceeded", "message": "Rate limit exceeded"},
                     headers={"Retry-After": str(fault.retry_after)})
    if fault.kind == "server_error":
        return Reply(503, "Service Unavailable", "text/plain")
    if fault.kind == "html_instead_of_json":
        return Reply(200, "<!doctype html><title>Log in</title><h1>Log in to continue</h1>")
    if fault.kind == "slow":
        standin._stopping.wait(fault.delay)
        return Reply(504, "Gateway Timeout", "text/plain")
    if fault.kind == "reset":
        return None
    raise ValueError(f"unknown fault {fault.kind!r}")


class _Server(ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        # A client that hangs up (a capture closed, a run stopped) is no error of ours.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "standin/1.0"
    sys_version = ""

    def log_message(self, format, *args):
        pass

    def do_GET(self):
        self._answer()

    def do_HEAD(self):
        self._answer()

    def _answer(self):
        standin: PlatformStandIn = self.server.standin
        request = Request(self.command, self.path, dict(self.headers), time.time())
        with standin._lock:
            standin.requests.append(request)
        if standin.latency:
            standin._stopping.wait(standin.latency)
        reply = standin._dispatch(request)
        if reply is None:  # a reset: the connection closes without an answer
            with contextlib.suppress(OSError):
                self.connection.close()
            self.close_connection = True
            return
        body, ctype = reply.encoded()
        self.send_response(reply.status)
        self.send_header("Content-Type", ctype)
        for key, value in reply.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            with contextlib.suppress(OSError):
                self.wfile.write(body)
