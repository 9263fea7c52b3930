"""Playwright: open a post's embed page, wait until the post has rendered, and
save a full-page PNG, the rendered HTML and an MHTML snapshot.

One browser per run, a fresh context per page.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

from .browser import find_browser, launch_args
from .errors import ArchiverError
from .evidence import Piece

# The embed page builds the post by script after load: wait for its card (the
# article holding author, text and media) to be laid out with a size and words.
RENDERED = """() => {
  const el = document.querySelector('article')
    || document.querySelector('[data-testid="tweetText"]');
  if (!el) return false;
  const box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && (el.innerText || '').trim().length > 0;
}"""
IMAGES_DONE = """() => Array.from(document.images).every(img => img.complete)"""
_NOT_THE_POST = re.compile(
    r"this (post|tweet) is unavailable|this (post|tweet) (was|has been) deleted|"
    r"doesn[’']t exist|something went wrong|log in to x|sign up for x",
    re.IGNORECASE,
)


class BrowserMissing(ArchiverError):
    pass


@dataclass
class Capture:
    pieces: list[Piece] = field(default_factory=list)
    error: str | None = None
    status: int | None = None


class Capturer:
    """An async context manager owning the run's one browser."""

    def __init__(self, settings, render_timeout: float | None = None):
        self.settings = settings
        self.timeout_ms = int(settings.timeout * 1000)
        self.render_timeout_ms = int((render_timeout or settings.timeout) * 1000)
        self._pw = None
        self.browser = None

    async def __aenter__(self):
        from playwright.async_api import async_playwright

        executable = find_browser(self.settings.browser or None)
        if not executable:
            raise BrowserMissing(
                "no Chromium found: set ARCHIVER_BROWSER, or run `make archive` to install one"
            )
        self._pw = await async_playwright().start()
        try:
            self.browser = await self._pw.chromium.launch(
                executable_path=executable, headless=True, args=launch_args()
            )
        except Exception as exc:
            await self._pw.stop()
            raise BrowserMissing(f"cannot start Chromium at {executable}: {exc}") from exc
        return self

    async def __aexit__(self, *exc):
        try:
            if self.browser:
                await self.browser.close()
        finally:
            if self._pw:
                await self._pw.stop()

    async def capture_markup(self, markup: str, source_url: str) -> Capture:
        """Render markup (an oEmbed answer's blockquote) with scripts off and the
        network closed: evidence of what the platform's oEmbed said, as it reads
        without the widget."""
        from playwright.async_api import Error as PlaywrightError

        context = await self.browser.new_context(
            viewport={"width": 640, "height": 600}, device_scale_factor=1,
            java_script_enabled=False, offline=True,
        )
        result = Capture(status=200)
        try:
            page = await context.new_page()
            await page.set_content(
                "<!doctype html><meta charset=utf-8><body style='font:16px sans-serif;"
                f"max-width:560px;margin:16px'>{markup}</body>", wait_until="load",
                timeout=self.timeout_ms,
            )
            png = await page.screenshot(full_page=True, type="png")
            html = (await page.content()).encode("utf-8")
            cdp = await context.new_cdp_session(page)
            snapshot = await cdp.send("Page.captureSnapshot", {"format": "mhtml"})
            result.pieces = [
                Piece("oembed-render.png", "png", png, source_url, 200),
                Piece("oembed-render.html", "html", html, source_url, 200),
                Piece("oembed-render.mhtml", "mhtml", snapshot["data"].encode("utf-8"),
                      source_url, 200),
            ]
        except PlaywrightError as exc:
            result.error = f"browser error: {str(exc).splitlines()[0][:200]}"
        finally:
            await context.close()
        return result

    async def capture(self, url: str) -> Capture:
        from playwright.async_api import Error as PlaywrightError
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        context = await self.browser.new_context(
            viewport={"width": 640, "height": 900}, device_scale_factor=1,
            service_workers="block",
        )
        result = Capture()
        try:
            page = await context.new_page()
            page.set_default_timeout(self.timeout_ms)
            response = await page.goto(url, wait_until="load", timeout=self.timeout_ms)
            result.status = response.status if response else None
            if response is not None and response.status >= 400:
                result.error = f"embed page answered HTTP {response.status}"
                return result
            try:
                await page.wait_for_function(RENDERED, timeout=self.render_timeout_ms)
            except PlaywrightTimeout:
                text = (await page.inner_text("body"))[:200] if await page.query_selector(
                    "body") else ""
                seen = " ".join(text.split())
                result.error = (
                    f"the post did not render within {self.render_timeout_ms / 1000:g} s"
                    + (f" (page shows: {seen[:120]!r})" if seen else " (blank page)")
                )
                return result
            body_text = await page.inner_text("body")
            if _NOT_THE_POST.search(body_text) and not await page.query_selector(
                '[data-testid="tweetText"]'
            ):
                shown = " ".join(body_text.split())[:120]
                result.error = f"the embed page shows no post: {shown!r}"
                return result
            with contextlib.suppress(PlaywrightTimeout):
                # The card's images, not a quiet network: networkidle alone costs
                # half a second a page. A post whose media never loads is still captured.
                await page.wait_for_function(IMAGES_DONE, timeout=5000)
            png = await page.screenshot(full_page=True, type="png")
            html = (await page.content()).encode("utf-8")
            cdp = await context.new_cdp_session(page)
            snapshot = await cdp.send("Page.captureSnapshot", {"format": "mhtml"})
            await cdp.detach()
            result.pieces = [
                Piece("screenshot.png", "png", png, url, result.status),
                Piece("page.html", "html", html, url, result.status),
                Piece("page.mhtml", "mhtml", snapshot["data"].encode("utf-8"), url,
                      result.status),
            ]
        except PlaywrightTimeout:
            result.error = f"embed page timed out after {self.timeout_ms / 1000:g} s"
        except PlaywrightError as exc:
            result.error = f"browser error: {str(exc).splitlines()[0][:200]}"
        finally:
            await context.close()
        return result
