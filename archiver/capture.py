"""Playwright: open a post's embed page, wait until the post has rendered, and
save a full-page PNG, the rendered HTML and an MHTML snapshot.

One browser per run, a fresh context per page.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from .browser import find_browser, launch_args
from .capture_guard import CaptureGuard
from .devtools import DevTools, PageScriptError
from .errors import ArchiverError
from .evidence import Piece
from .net import AddressGuard, trusted_hosts
from .platforms import EmbedPage
from .traffic import Exchange, Recorder

IMAGES_WAIT = 5  # seconds the card's images may take; a post without them is still captured
DEADLINE_SLACK = 10  # seconds, over the sum of the capture's waits
CLOSE_GRACE = 10  # seconds a context or browser may take to close before it is given up
LAUNCH_GRACE = 60
EXCERPT_CHARS = 120  # of a page's own words quoted in a failure's reason
# What Playwright's pending calls are failed with when its driver process is gone:
# Ctrl-C on a terminal reaches the whole process group, the driver included.
DRIVER_GONE = "Connection closed while reading from the driver"


class BrowserMissing(ArchiverError):
    pass


@dataclass
class Capture:
    pieces: list[Piece] = field(default_factory=list)
    error: str | None = None
    status: int | None = None
    blocked: list[str] = field(default_factory=list)  # requests the page may not make, refused
    exchanges: list[Exchange] = field(default_factory=list)  # what the browser received
    unrecorded: list[str] = field(default_factory=list)  # requests left out of exchanges
    title: str = ""


class Capturer:
    """An async context manager owning the run's one browser."""

    def __init__(self, settings, render_timeout: float | None = None):
        self.settings = settings
        self.timeout_ms = int(settings.timeout * 1000)
        render_timeout = render_timeout or settings.timeout
        self.render_timeout_ms = int(render_timeout * 1000)
        # Playwright's own timeouts are kept by waits that run inside the page: a
        # script that never yields starves them, and the capture would wait for
        # ever. This deadline is kept here, outside the page: the page load, the
        # render wait, the image wait, the saving, and some slack.
        self.deadline = 2 * settings.timeout + render_timeout + IMAGES_WAIT + DEADLINE_SLACK
        self.address_guard = AddressGuard(trusted_hosts(settings))
        self._pw = None
        self.browser = None
        self._restarting: asyncio.Lock | None = None
        self._closing = False

    async def __aenter__(self):
        from playwright.async_api import async_playwright

        executable = find_browser(self.settings.browser or None)
        if not executable:
            raise BrowserMissing(
                "no Chromium found: set ARCHIVER_BROWSER, or run `make archive` to install one"
            )
        self._executable = executable
        self._restarting = asyncio.Lock()
        loop = asyncio.get_running_loop()
        self._other_handler = loop.get_exception_handler()
        loop.set_exception_handler(self._unretrieved)
        self._pw = await async_playwright().start()
        try:
            self.browser = await self._launch()
        except Exception as exc:
            await self._pw.stop()
            raise BrowserMissing(f"cannot start Chromium at {executable}: {exc}") from exc
        return self

    async def _launch(self):
        return await self._pw.chromium.launch(
            executable_path=self._executable, headless=True, args=launch_args()
        )

    def _unretrieved(self, loop, context: dict) -> None:
        """asyncio reports a task or future whose exception nobody read, traceback
        and all, on stderr. Playwright leaves such futures behind whenever the
        browser goes while calls are in flight (a run stopped by a full disk,
        a page past its deadline); their captures have failed with a reason
        already, so these are dropped. Anything else is reported as before."""
        from playwright.async_api import Error as PlaywrightError

        exc = context.get("exception")
        if isinstance(exc, PlaywrightError) or str(exc) == DRIVER_GONE:
            return
        if self._other_handler is not None:
            self._other_handler(loop, context)
        else:
            loop.default_exception_handler(context)

    async def __aexit__(self, *exc):
        self._closing = True
        try:
            if self.browser:
                await _bounded(self.browser.close(), CLOSE_GRACE)
        finally:
            if self._pw:
                await _bounded(self._pw.stop(), CLOSE_GRACE)

    async def _within_deadline(self, work, **context_options) -> Capture:
        """Run work(context) in a fresh context; past the deadline the capture fails
        and the context goes, however stuck its page is."""
        from playwright.async_api import Error as PlaywrightError

        for _attempt in range(2):  # a browser found dead is replaced, then tried once more
            browser = self.browser
            try:
                context = await asyncio.wait_for(browser.new_context(**context_options),
                                                 CLOSE_GRACE)
                break
            except asyncio.TimeoutError:
                await self._restart(browser)
                return Capture(error="browser error: timed out opening a page"
                                     " (browser restarted)")
            except PlaywrightError as exc:  # it crashed, or the run is closing it
                await self._restart(browser)
                failure = f"browser error: {excerpt(str(exc).splitlines()[0], 200)}"
                if self.browser is browser:
                    return Capture(error=failure)
        else:
            return Capture(error=failure + " (twice, with a new browser)")
        try:
            return await asyncio.wait_for(work(context), self.deadline)
        except asyncio.TimeoutError:
            return Capture(error=f"capture timed out after {self.deadline:g} s"
                                 " (the page stopped answering)")
        finally:
            if not await _bounded(context.close(), CLOSE_GRACE):
                await self._restart(browser)

    async def _restart(self, wedged) -> None:
        """A browser that cannot even close a context is replaced, so the captures
        after it get a working one; pages still open in it fail with it."""
        async with self._restarting:
            if self.browser is not wedged or self._closing:
                return  # another capture restarted it already, or the run is over
            await _bounded(wedged.close(), CLOSE_GRACE)
            try:
                self.browser = await asyncio.wait_for(self._launch(), LAUNCH_GRACE)
            except Exception:  # noqa: BLE001 - a browser that will not start fails each capture
                self.browser = wedged

    async def capture_markup(self, markup: str, source_url: str) -> Capture:
        """Render markup (an oEmbed answer's blockquote) with scripts off and the
        network closed: evidence of what the platform's oEmbed said, as it reads
        without the widget."""
        return await self._within_deadline(
            lambda context: self._render_markup(context, markup, source_url),
            viewport={"width": 640, "height": 600}, device_scale_factor=1,
            java_script_enabled=False, offline=True,
        )

    async def _render_markup(self, context, markup: str, source_url: str) -> Capture:
        from playwright.async_api import Error as PlaywrightError

        result = Capture(status=200)
        try:
            page = await context.new_page()
            await page.set_content(
                "<!doctype html><meta charset=utf-8><body style='font:16px sans-serif;"
                f"max-width:560px;margin:16px'>{markup}</body>", wait_until="load",
                timeout=self.timeout_ms,
            )
            tools = await DevTools.open(context, page)
            result.pieces = [
                Piece("oembed-render.png", "png", await tools.screenshot(), source_url, 200),
                Piece("oembed-render.html", "html", await tools.html(), source_url, 200),
                Piece("oembed-render.mhtml", "mhtml", await tools.mhtml(), source_url, 200),
            ]
        except PlaywrightError as exc:
            result.error = f"browser error: {excerpt(str(exc).splitlines()[0], 200)}"
        return result

    async def capture(self, page: EmbedPage) -> Capture:
        """The embed page as a reader's browser showed it, once the platform's own
        sign that the post rendered is there."""
        return await self._within_deadline(
            lambda context: self._capture_page(context, page),
            viewport={"width": 640, "height": 900}, device_scale_factor=1,
            service_workers="block",
            accept_downloads=False,  # a page offering files gets none saved to our disk
            extra_http_headers=dict(page.headers) or None,
        )

    async def _capture_page(self, context, embed: EmbedPage) -> Capture:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        result = Capture()
        guard = CaptureGuard(self.address_guard)
        result.blocked = guard.blocked
        recorder = Recorder(self.settings.max_media_bytes)
        try:
            await guard.attach(context)
            recorder.attach(context)
            url = embed.url
            page = guard.page = await context.new_page()
            page.set_default_timeout(self.timeout_ms)
            response = await page.goto(url, wait_until="load", timeout=self.timeout_ms)
            result.status = response.status if response else None
            if response is not None and response.status >= 400:
                result.error = f"embed page answered HTTP {response.status}"
                return result
            tools = await DevTools.open(context, page)
            if not await tools.wait_for(embed.rendered, self.render_timeout_ms / 1000):
                text = await tools.body_text()
                result.error = (
                    f"the post did not render within {self.render_timeout_ms / 1000:g} s"
                    + (f" (page shows: {excerpt(text)})" if text.strip() else " (blank page)")
                )
                return result
            body_text = await tools.body_text()
            if embed.gone and embed.gone.search(body_text) and not (
                    embed.present and await page.query_selector(embed.present)):
                result.error = f"the embed page shows no post: {excerpt(body_text)}"
                return result
            # The card's images, not a quiet network: networkidle alone costs half a
            # second a page. A post whose media never loads is still captured.
            await tools.settle(IMAGES_WAIT, self.timeout_ms / 1000)
            png = await tools.screenshot()
            html = await tools.html()
            mhtml = await tools.mhtml()
            result.title = await tools.title()
            await tools.close()
            await recorder.settle()
            result.exchanges, result.unrecorded = recorder.exchanges, recorder.unrecorded
            result.pieces = [
                Piece("screenshot.png", "png", png, url, result.status),
                Piece("page.html", "html", html, url, result.status),
                Piece("page.mhtml", "mhtml", mhtml, url, result.status),
            ]
        except PlaywrightTimeout:
            result.error = f"embed page timed out after {self.timeout_ms / 1000:g} s"
        except PlaywrightError as exc:
            result.error = f"browser error: {excerpt(str(exc).splitlines()[0], 200)}"
        except PageScriptError as exc:
            result.error = f"the page's script failed: {excerpt(str(exc), 200)}"
        return result


async def _bounded(awaitable, seconds: float) -> bool:
    """Await within seconds; False when it did not finish or failed."""
    try:
        await asyncio.wait_for(awaitable, seconds)
        return True
    except Exception:  # noqa: BLE001 - a close that fails is a close that did not happen
        return False


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """A short, quoted excerpt of text a third party wrote, for a reason or a log:
    whitespace runs collapsed, control characters escaped, at most limit characters."""
    flat = " ".join(text.split())
    cut = flat[:limit] + ("…" if len(flat) > limit else "")
    return repr(cut)
