"""Short-link chains (t.co and the like): follow every link hop by hop and record
where it leads.

t.co answers a non-browser client with 301 + Location and a browser with a
200 HTML page (meta refresh, <title>, location.replace); both are read. A
chain ends at the first location that does not redirect, at a tweet's status
URL (no need to ask the site), or at a destination that does not answer (noted,
not a failure: the last location is still where the link leads).
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from . import platforms
from .net import Client, FetchRefused, Unreachable

MAX_HOPS = 10

_META_REFRESH = re.compile(
    rb"<meta[^>]+http-equiv=[\"']?refresh[\"']?[^>]*content=[\"']?\s*\d*\s*;?\s*url\s*=\s*"
    rb"([^\"'>]+)", re.IGNORECASE
)
_TITLE = re.compile(rb"<title[^>]*>\s*(https?://[^<\s]+)\s*</title", re.IGNORECASE)
_REPLACE = re.compile(rb"location\.replace\(\s*[\"']((?:[^\"'\\]|\\.)+)[\"']\s*\)")


@dataclass
class Hop:
    url: str
    status: int | None

    def to_json(self) -> dict:
        return {"url": self.url, "status": self.status}


@dataclass
class Resolution:
    code: str
    hops: list[Hop] = field(default_factory=list)
    resolved: str | None = None
    error: str | None = None
    transient: bool = False  # worth another try later (timeouts, 5xx)
    note: str | None = None  # e.g. the destination did not answer

    def hops_json(self) -> str:
        return json.dumps([h.to_json() for h in self.hops])


def html_target(body: bytes) -> str | None:
    """The destination a short-link service writes in a 200 HTML answer (t.co does
    so for browsers): a meta refresh, a URL as the title, a location.replace()."""
    for pattern in (_META_REFRESH, _TITLE, _REPLACE):
        m = pattern.search(body)
        if m:
            raw = m.group(1).decode("utf-8", "replace").strip()
            if pattern is _REPLACE:
                raw = raw.replace("\\/", "/")
                raw = re.sub(r"\\u([0-9a-fA-F]{4})", lambda u: chr(int(u.group(1), 16)), raw)
                # "\ud83d\ude00" is one character written as a UTF-16 pair; a lone
                # half of a pair cannot be stored and becomes U+FFFD.
                raw = raw.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
            return html.unescape(raw)
    return None


def resolve(client: Client, code: str) -> Resolution:
    """Where the link stored under code leads: its platform names the first URL."""
    result = Resolution(code)
    url = platforms.link_request(code, client.settings)
    if url is None:
        result.error = "no platform resolves this link"
        return result
    first_host = urlsplit(url).netloc.lower()
    seen: set[str] = set()
    for hop_number in range(MAX_HOPS + 1):
        if url in seen:
            result.error = f"redirect loop: {url} came back"
            return result
        if hop_number == MAX_HOPS:
            result.error = f"more than {MAX_HOPS} redirects"
            return result
        seen.add(url)
        if hop_number > 0 and platforms.post_ref(url):
            result.resolved = url  # a post: known without asking the site
            return result
        try:
            answer = client.get(url, retry=hop_number == 0, max_bytes=1024 * 1024)
        except FetchRefused as exc:
            result.hops.append(Hop(url, None))
            result.error = str(exc)
            return result
        except Unreachable as exc:
            if hop_number == 0:
                result.error, result.transient = str(exc), True
                return result
            result.resolved, result.note = url, f"destination did not answer: {exc}"
            return result
        if answer.error:
            result.hops.append(Hop(url, None))
            if hop_number == 0:
                result.error, result.transient = f"{url}: {answer.error}", True
                return result
            result.resolved, result.note = url, f"destination did not answer: {answer.error}"
            return result
        result.hops.append(Hop(url, answer.status))
        next_url = None
        try:
            if 300 <= answer.status < 400 and answer.headers.get("location"):
                next_url = urljoin(url, answer.headers["location"].strip())
            elif answer.status == 200 and urlsplit(url).netloc.lower() == first_host:
                target = html_target(answer.body)
                next_url = urljoin(url, target) if target else None
        except ValueError as exc:  # "http://[::1": no URL at all, and it will not become one
            result.error = f"redirects to an invalid URL ({exc})"
            return result
        if next_url is None:
            if hop_number == 0:
                result.error = f"{first_host} answered HTTP {answer.status} without a destination"
                result.transient = answer.status >= 500 or answer.status == 429
                return result
            result.resolved = url
            if answer.status >= 400:
                result.note = f"destination answered HTTP {answer.status}"
            return result
        url = platforms.unwrap(next_url)
        try:
            scheme = urlsplit(url).scheme
        except ValueError as exc:  # a warning page's unsafe_link is anyone's text
            result.error = f"redirects to an invalid URL ({exc})"
            return result
        if scheme not in ("http", "https"):
            result.error = f"redirects to a non-http(s) URL: {url[:200]}"
            return result
    return result  # not reached
