"""What a capture's pages may reach: the browser's side of the address guard.

The embed page is a third party's page running its own scripts in our browser,
inside our network. Every request of a capture's context comes here first:

- hosts named by the endpoint settings are trusted, as for the fetcher;
- any other host must resolve to public addresses only (net.AddressGuard),
  else the request is aborted before Chromium connects anywhere;
- data: and blob: URLs never leave the browser and are not routed at all;
- the main frame stays on the embed page: a navigation away is aborted
  (the page being captured is the one asked for, never where it sent itself);
- popups (window.open, target=_blank) are closed, and their requests aborted;
- WebSockets obey the same address rule;
- WebRTC is gone from every frame: its connections (TURN over TCP, STUN) are
  made by the browser process itself, where no route sees them.
"""

from __future__ import annotations

import asyncio
import re
from urllib.parse import urlsplit

from .net import AddressGuard, FetchRefused, Unreachable

_EVERY_URL = re.compile(r".*")
# Run in every frame before the page's own scripts (about:blank iframes a script
# makes included): an embed has no use for peer connections.
NO_PEER_CONNECTIONS = """for (const name of ["RTCPeerConnection", "webkitRTCPeerConnection",
                   "RTCDataChannel", "RTCIceTransport", "RTCSctpTransport"]) {
  try { Object.defineProperty(window, name, {value: undefined, configurable: false}); }
  catch (e) {}
}"""


class CaptureGuard:
    """Routes every request of one capture's browser context through the guard.

    `blocked` lists what was refused (URL and why), for the run's log.
    """

    def __init__(self, guard: AddressGuard):
        self.guard = guard
        self.page = None  # the embed page; any other page of the context is a popup
        self.blocked: list[str] = []
        self._start = None  # the embed page's own navigation: what its redirects lead from
        self._refusals: dict[tuple[str, str], str | None] = {}  # (scheme, netloc) -> why

    async def attach(self, context) -> None:
        # Every URL, trusted hosts too: a popup or a navigation away is refused
        # wherever it goes. A trusted host costs a set lookup and no DNS.
        await context.route(_EVERY_URL, self._route)
        await context.route_web_socket(_EVERY_URL, self._web_socket)
        await context.add_init_script(NO_PEER_CONNECTIONS)
        context.on("page", self._popup)

    async def _route(self, route) -> None:
        request = route.request
        reason = self._not_this_page(request) or await self._refusal(request.url)
        if reason:
            self.blocked.append(f"{request.url[:200]}: {reason}")
            # "aborted" leaves a frame on the document it had; any other error
            # would replace the embed page with Chromium's error page.
            await route.abort("aborted" if request.is_navigation_request()
                              else "blockedbyclient")
        else:
            await route.continue_()

    def _not_this_page(self, request) -> str | None:
        try:
            frame = request.frame
        except Exception:  # noqa: BLE001 - Playwright has no frame for it yet
            # A popup's first navigation comes before its page exists; a
            # worker's request is judged by its address alone.
            return "a popup's navigation" if request.is_navigation_request() else None
        if self.page is not None and frame.page is not self.page:
            return "from a popup"
        if request.is_navigation_request() and frame.parent_frame is None:
            start = _first(request)
            if self._start is None:
                self._start = start  # a fresh page's first navigation is the capture's own
            if start is not self._start:
                return "the embed page navigating away"
        return None

    async def _refusal(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob"):
            return None
        if self.guard.is_trusted(parts.hostname or ""):
            return None
        key = (parts.scheme, parts.netloc)
        if key not in self._refusals:
            self._refusals[key] = await asyncio.get_running_loop().run_in_executor(
                None, self._check, url)
        return self._refusals[key]

    def _check(self, url: str) -> str | None:
        try:
            self.guard.check(url.replace("ws://", "http://", 1).replace("wss://", "https://", 1))
        except (FetchRefused, Unreachable) as exc:
            return str(exc)
        return None

    async def _web_socket(self, socket) -> None:
        reason = await self._refusal(socket.url)
        if reason:
            self.blocked.append(f"{socket.url[:200]}: {reason}")
            await socket.close()
        else:
            socket.connect_to_server()

    async def _popup(self, page) -> None:
        if self.page is not None and page is not self.page:
            self.blocked.append("a popup: closed")
            await page.close()


def _first(request):
    """The request a redirect chain started with."""
    while request.redirected_from is not None:
        request = request.redirected_from
    return request

