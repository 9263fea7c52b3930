"""What went over the wire during a capture: every HTTP exchange, as it was made.

Three parts of a capture talk to the network: the browser rendering the embed
page (recorded here from Playwright's own events: the bodies are the ones
Chromium received and kept, so nothing is downloaded twice), the fetcher's data
lookups (net.Answer), and the media downloads (media.py). Each becomes an
Exchange; wacz_writer.py writes them as WARC request and response records.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

# How long the bodies of finished requests may take to come over from the browser
# once the capture is done; what is still in flight then is left out (and counted).
SETTLE_SECONDS = 5.0


@dataclass
class Exchange:
    """One HTTP request and its response. The body is the payload as the client
    got it once decoded (no chunking, no Content-Encoding): in memory, or in a
    file for a large download."""

    url: str
    status: int
    method: str = "GET"
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_body: bytes = b""
    reason: str = ""
    response_headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    body_file: Path | None = None
    at: float = 0.0  # seconds since the epoch, when the request was made
    origin: str = "browser"  # browser | lookup | media

    @property
    def body_size(self) -> int:
        return self.body_file.stat().st_size if self.body_file else len(self.body)


def from_answer(answer) -> Exchange | None:
    """A net.Answer as an exchange; None for a request that got no answer."""
    if answer.status is None or answer.error:
        return None
    return Exchange(
        url=answer.url, status=answer.status,
        request_headers=list(answer.request_headers.items()),
        reason=answer.reason,
        response_headers=list(answer.header_list) or list(answer.headers.items()),
        body=answer.body, at=answer.at or time.time(), origin="lookup",
    )


class Recorder:
    """Records the exchanges of one browser context from Playwright's events.

    `requestfinished` fires once a response has been read whole; its body is
    then asked of the browser (CDP keeps it), in a task of its own so that the
    page is never held up. A redirect's response has no body. Bodies beyond
    `max_bytes` in all are left out, and so is what had not finished when the
    capture was done: `unrecorded` says what and why.
    """

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.exchanges: list[Exchange] = []
        self.unrecorded: list[str] = []
        self._recorded_bytes = 0
        self._started: dict = {}  # request -> when it started
        self._tasks: set[asyncio.Task] = set()
        self._closed = False

    def attach(self, context) -> None:
        context.on("request", self._request)
        context.on("requestfinished", self._finished)
        context.on("requestfailed", self._failed)

    def _request(self, request) -> None:
        if _recordable(request.url):
            self._started[request] = time.time()

    def _failed(self, request) -> None:
        if self._started.pop(request, None) is not None and not self._closed:
            failure = request.failure or "failed"
            self.unrecorded.append(f"{request.url[:200]}: {failure}")

    def _finished(self, request) -> None:
        if request not in self._started or self._closed:
            return
        task = asyncio.ensure_future(self._record(request))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _record(self, request) -> None:
        from playwright.async_api import Error as PlaywrightError

        at = self._started.get(request, time.time())
        try:
            response = await request.response()
            if response is None:
                return
            sent = await request.headers_array()
            got = await response.headers_array()
            body = b""
            if not 300 <= response.status < 400:
                size = _declared_length(got)
                if self._recorded_bytes + size > self.max_bytes:
                    self.unrecorded.append(f"{request.url[:200]}: over the capture's size cap")
                    return
                body = await response.body()
                self._recorded_bytes += len(body)
                if self._recorded_bytes > self.max_bytes:
                    self.unrecorded.append(f"{request.url[:200]}: over the capture's size cap")
                    return
        except PlaywrightError as exc:
            # The context closed, or the browser dropped the body (evicted, or a
            # stream it never held whole): what was received cannot be shown.
            self.unrecorded.append(f"{request.url[:200]}: {str(exc).splitlines()[0][:200]}")
            return
        finally:
            self._started.pop(request, None)
        self.exchanges.append(Exchange(
            url=request.url, status=response.status, method=request.method,
            request_headers=[(h["name"], h["value"]) for h in sent],
            request_body=request.post_data_buffer or b"",
            reason=response.status_text or "",
            response_headers=[(h["name"], h["value"]) for h in got],
            body=body, at=at, origin="browser",
        ))

    async def settle(self, timeout: float = SETTLE_SECONDS) -> None:
        """Wait (at most timeout seconds) for the bodies being fetched, then stop
        recording: what is still unfinished is listed as unrecorded."""
        if self._tasks:
            await asyncio.wait(list(self._tasks), timeout=timeout)
        self._closed = True
        for task in list(self._tasks):
            task.cancel()
        for request in list(self._started):
            self.unrecorded.append(f"{request.url[:200]}: not finished when the capture was"
                                   " taken")
        self._started.clear()
        self.exchanges.sort(key=lambda e: e.at)


def _declared_length(headers: list[dict]) -> int:
    for h in headers:
        if h["name"].lower() == "content-length":
            try:
                return max(int(h["value"]), 0)
            except ValueError:
                return 0
    return 0


def _recordable(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")
