"""HTTP for the fetcher: one requests session, an address guard, caps on size and
time, and retries with backoff for the answers that deserve one.

Hosts named by the endpoint settings are trusted. Any other target on a
loopback, private, link-local or reserved address (after DNS resolution) is
refused before a request is made, and the connection goes to the very address
that was checked: a second lookup (DNS rebinding) never gets a say.
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.connection import create_connection

from .settings import Settings

# t.co answers a browser with an HTML page and anything else with a 301; we
# want the 301 (reference §2).
USER_AGENT = "archiver/0.1 (embed archiver; +https://pypi.org/project/archiver/)"
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 120.0


class FetchRefused(Exception):
    """The target may not be requested (scheme or address)."""


class Unreachable(Exception):
    """The target's host name does not resolve."""


HOST_STOPPED = "host stopped for this run: it kept answering 429"


def service(url: str) -> str:
    """Host and first path segment: endpoints sharing a host (a mirror, a stand-in)
    are rate-limited apart, the way t.co, syndication and oEmbed are in the wild."""
    parts = urlsplit(url)
    return f"{parts.netloc.lower()}/{parts.path.lstrip('/').split('/', 1)[0]}"


class HostPacer:
    """Politeness: at most `rate` requests per second to any one host, and a
    run-wide stop for a service that keeps answering 429 after retries."""

    def __init__(self, rate: float, limit_429: int, sleep=time.sleep):
        self.interval = 1.0 / rate if rate > 0 else 0.0
        self.limit_429 = limit_429
        self.sleep = sleep
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._429: dict[str, int] = {}

    def stopped(self, host: str) -> bool:
        with self._lock:
            return self._429.get(host, 0) >= self.limit_429

    def wait(self, host: str) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, 0.0))
            self._next[host] = slot + self.interval
        if slot > now:
            self.sleep(slot - now)

    def record(self, host: str, status: int | None) -> None:
        with self._lock:
            if status == 429:
                self._429[host] = self._429.get(host, 0) + 1
            elif status is not None:
                self._429[host] = 0


@dataclass
class Answer:
    url: str
    status: int | None = None
    headers: dict = field(default_factory=dict)
    body: bytes = b""
    error: str | None = None  # a transport failure, after retries
    attempts: int = 0
    # What went over the wire, for the capture's WARC: the request's headers as sent,
    # the answer's status text and headers in their order (repeats kept), and when.
    request_headers: dict = field(default_factory=dict)
    reason: str = ""
    header_list: list = field(default_factory=list)
    at: float = 0.0


def trusted_hosts(settings: Settings) -> set[str]:
    hosts = set()
    for template in (t for section in settings.endpoints.values() for t in section.values()):
        netloc = urlsplit(template).netloc
        if "{" in netloc:
            continue  # a host named by the post ("https://{host}/..."): trusted by no one
        host = urlsplit(template.replace("{", "").replace("}", "")).hostname
        if host:
            hosts.add(host.lower())
    return hosts


def _blocked(address: str) -> bool:
    """Anything but a public unicast address: loopback, private, link-local,
    reserved, shared (100.64/10), multicast, and IPv4 hidden in IPv6 forms."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        inner = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None and _blocked(str(inner)):
            return True
    return (not ip.is_global or ip.is_loopback or ip.is_private or ip.is_link_local
            or ip.is_reserved or ip.is_multicast or ip.is_unspecified)


# host, port -> the addresses it resolves to (tests pass their own: no real DNS)
Resolver = Callable[[str, int], list[str]]


def system_resolver(host: str, port: int) -> list[str]:
    return [info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)]


def _host_key(host: str) -> str:
    return host.lower().rstrip(".").strip("[]")


class AddressGuard:
    """Which URLs may be requested, and where their connections go.

    A trusted host is connected to as the system resolves it. Any other host is
    resolved once, here; every address it gives must be public, and the
    connection is then made to the first of them (see PinnedAdapter), so a
    name that answers differently the second time is never asked again.
    """

    def __init__(self, trusted: set[str], resolver: Resolver | None = None):
        self.trusted = {_host_key(h) for h in trusted}
        self.resolver = resolver or system_resolver
        self.checked: dict[tuple[str, int], str] = {}

    def is_trusted(self, host: str) -> bool:
        return _host_key(host) in self.trusted

    def check(self, url: str) -> None:
        """Raise FetchRefused unless url may be requested, Unreachable if its host
        does not resolve; remember the address a connection to it may use."""
        try:
            parts = urlsplit(url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:  # "http://[::1", a port of "abc": a hostile Location
            raise FetchRefused(f"not a valid URL ({exc}): {url[:200]!r}") from None
        if parts.scheme not in ("http", "https"):
            raise FetchRefused(f"not an http(s) URL: {url[:200]}")
        host = _host_key(parts.hostname or "")
        if not host:
            raise FetchRefused(f"no host in {url[:200]}")
        if host in self.trusted:
            return
        try:
            addresses = self.resolver(host, port)
        except (OSError, UnicodeError, ValueError) as exc:
            raise Unreachable(f"{host} does not resolve ({exc})") from None
        if not addresses:
            raise Unreachable(f"{host} does not resolve (no address)")
        for address in addresses:
            if _blocked(address):
                raise FetchRefused(f"refused {host}: {address} is a non-public address")
        # Any address recorded here passed the check: a connection racing another
        # check of the same host still goes to a checked address.
        self.checked[(host, port)] = addresses[0].split("%")[0]

    def address_for(self, host: str, port: int) -> str | None:
        """Where a connection to host:port goes: None (the system's lookup) for a
        trusted host, else the address check() found; FetchRefused if unchecked."""
        host = _host_key(host)
        if host in self.trusted:
            return None
        address = self.checked.get((host, port))
        if address is None:
            raise FetchRefused(f"refused {host}: its address was not checked")
        return address


def _pinned(connection_class: type, guard: AddressGuard) -> type:
    """A urllib3 connection that dials the address the guard checked. Only the
    socket's destination changes: the Host header, TLS SNI and certificate
    verification still use the host name, as they must."""

    class PinnedConnection(connection_class):
        def _new_conn(self) -> socket.socket:
            try:
                address = guard.address_for(self.host, self.port)
            except FetchRefused as exc:
                raise NewConnectionError(self, str(exc)) from None
            if address is None:
                return super()._new_conn()
            try:
                return create_connection((address, self.port), self.timeout,
                                         source_address=self.source_address,
                                         socket_options=self.socket_options)
            except TimeoutError as exc:
                raise ConnectTimeoutError(
                    self, f"connection to {self.host} ({address}) timed out") from exc
            except OSError as exc:
                raise NewConnectionError(
                    self, f"Failed to establish a new connection to {address}: {exc}") from exc

    return PinnedConnection


class PinnedAdapter(HTTPAdapter):
    """requests' adapter whose connections go where AddressGuard.check said."""

    def __init__(self, guard: AddressGuard, **kwargs):
        self.guard = guard
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("PinnedHTTPPool", (HTTPConnectionPool,),
                         {"ConnectionCls": _pinned(HTTPConnection, self.guard)}),
            "https": type("PinnedHTTPSPool", (HTTPSConnectionPool,),
                          {"ConnectionCls": _pinned(HTTPSConnection, self.guard)}),
        }


class _CallerRedirects(requests.Session):
    """Redirects are the caller's to follow, hop by hop, each hop checked. requests
    parses a Location even when told not to follow it, and a hostile one
    ("http://[::1") raises from deep inside; here it is left as a header."""

    def get_redirect_target(self, resp):
        return None


def guarded_session(guard: AddressGuard, user_agent: str = "") -> requests.Session:
    """A session that connects only where the guard checked. Every request must
    be checked first, and redirects followed by the caller, hop by hop."""
    session = _CallerRedirects()
    session.headers["User-Agent"] = user_agent or USER_AGENT
    session.trust_env = False  # no proxies or netrc picked up from the environment
    adapter = PinnedAdapter(guard)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


class Client:
    def __init__(self, settings: Settings, backoff: float = 0.5, sleep=time.sleep,
                 resolver: Resolver | None = None):
        self.settings = settings
        self.timeout = settings.timeout
        self.retries = max(1, settings.retries)
        self.max_bytes = settings.max_response_bytes
        self.backoff = backoff
        self.sleep = sleep
        self.pacer = HostPacer(settings.host_rate, settings.host_429_limit, sleep)
        self.guard = AddressGuard(trusted_hosts(settings), resolver)
        self.session = guarded_session(self.guard)

    def close(self) -> None:
        self.session.close()

    def check(self, url: str) -> None:
        """Raise FetchRefused unless url may be requested, Unreachable if its host
        does not resolve."""
        self.guard.check(url)

    def get(self, url: str, *, retry: bool = True, headers: dict | None = None,
            max_bytes: int | None = None) -> Answer:
        """GET without following redirects; transient failures are retried with backoff.

        A host that has answered 429 too often this run is not asked again:
        the answer's error is HOST_STOPPED and the work stays due.
        """
        self.check(url)
        host = (urlsplit(url).netloc or "").lower()
        endpoint = service(url)
        attempts = self.retries if retry else 1
        answer = Answer(url)
        for attempt in range(1, attempts + 1):
            if self.pacer.stopped(endpoint):
                return Answer(url, error=HOST_STOPPED, attempts=attempt - 1)
            self.pacer.wait(host)
            answer = self._once(url, headers, max_bytes or self.max_bytes)
            answer.attempts = attempt
            transient = answer.error is not None or answer.status in RETRY_STATUSES
            if not transient or attempt == attempts:
                break
            self.sleep(self._delay(answer, attempt))
        self.pacer.record(endpoint, answer.status)
        return answer

    def _delay(self, answer: Answer, attempt: int) -> float:
        """Seconds before the next try: the server's Retry-After when it makes
        sense (capped), else exponential backoff."""
        retry_after = (answer.headers.get("retry-after") or "").strip()
        seconds = None
        try:
            seconds = float(retry_after)
        except ValueError:
            with contextlib.suppress(TypeError, ValueError, OverflowError, IndexError):
                seconds = parsedate_to_datetime(retry_after).timestamp() - time.time()
        # "nan" parses as a float and would reach sleep() (which raises on it);
        # "inf" and huge values wait the cap, negative ones not at all.
        if seconds is not None and not math.isnan(seconds):
            return min(max(seconds, 0.0), MAX_RETRY_AFTER)
        return self.backoff * (2 ** (attempt - 1))

    def _once(self, url: str, headers: dict | None, max_bytes: int) -> Answer:
        deadline = time.monotonic() + self.timeout * 3
        at = time.time()
        try:
            with self.session.get(url, headers=headers, allow_redirects=False, stream=True,
                                  timeout=self.timeout) as response:
                answer = Answer(url, response.status_code,
                                {k.lower(): v for k, v in response.headers.items()},
                                request_headers=dict(response.request.headers),
                                reason=response.reason or "",
                                header_list=list(response.raw.headers.items()), at=at)
                chunks, total = [], 0
                # read1 returns what has arrived, so a body dripping a byte at a
                # time still meets the deadline below instead of filling a buffer.
                while chunk := response.raw.read1(65536, decode_content=True):
                    chunks.append(chunk)
                    total += len(chunk)
                    if total > max_bytes:
                        return Answer(url, response.status_code, answer.headers,
                                      error=f"answer larger than {max_bytes} bytes")
                    if time.monotonic() > deadline:
                        return Answer(url, response.status_code, answer.headers,
                                      error=f"answer too slow (over {self.timeout * 3:.0f} s)")
                answer.body = b"".join(chunks)
                return answer
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            return Answer(url, error=transport_error(exc, url, self.timeout))


def transport_error(exc: Exception, url: str, timeout: float) -> str:
    """One short line for a request that failed in transport (no answer, or a
    broken one): what an operator reads in a reason."""
    if isinstance(exc, (requests.Timeout, urllib3.exceptions.TimeoutError)):
        return f"timed out after {timeout:g} s"
    if isinstance(exc, urllib3.exceptions.ProtocolError):
        return f"answer cut short: {_short(exc)}"
    if isinstance(exc, urllib3.exceptions.HTTPError):
        return f"answer unreadable: {_short(exc)}"
    if isinstance(exc, requests.ConnectionError):
        text = str(exc)
        if "NameResolutionError" in text or "Name or service not known" in text:
            return f"{urlsplit(url).hostname} does not resolve (no network?)"
        if "Connection reset" in text or "RemoteDisconnected" in text:
            return "connection reset by the server"
        return f"connection failed: {_short(exc)}"
    return f"request failed: {_short(exc)}"


def _short(exc: Exception) -> str:
    text = str(exc)
    for marker in ("Caused by ", "Failed to establish a new connection: ",
                   "Failed to establish a new connection to "):
        if marker in text:
            text = text.split(marker, 1)[1]
    return text.strip("()'\" ")[:200]
