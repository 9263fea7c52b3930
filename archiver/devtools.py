"""What a capture reads from a rendered page, asked of Chromium over one DevTools
(CDP) session: the waits, the page's words and title, its PNG, HTML and MHTML.

Playwright's page calls (wait_for_function, inner_text, screenshot, content,
title) first load Playwright's helper scripts into the page, some into an
isolated world of their own in every frame, and wait_for_function tests its
condition at every animation frame. For one short-lived page per capture that
was about a fifth of the fetch stage's CPU (bench/fetch.py at concurrency 8:
0.31 -> 0.24 CPU s a post). Here a wait is one promise in the page, woken by the
page's own changes; the PNG, the HTML and the MHTML are made by the browser.
"""

from __future__ import annotations

import base64
import math

# Resolves true once predicate() holds, false after ms. Tested when the DOM
# changes (at most once a frame), when a resource of the page finishes, and
# every 100 ms for what changes neither (a style or font that lays it out).
_UNTIL = """(predicate, ms) => new Promise((resolve, reject) => {
  let pending = false, over = false;
  const end = (settle, value) => {
    over = true;
    observer.disconnect();
    clearInterval(tick);
    clearTimeout(limit);
    document.removeEventListener('load', soon, true);
    settle(value);
  };
  const check = () => {
    pending = false;
    if (over) return;
    try {
      if (predicate()) end(resolve, true);
    } catch (e) {
      end(reject, e);
    }
  };
  const soon = () => {
    if (!pending) { pending = true; requestAnimationFrame(check); }
  };
  const observer = new MutationObserver(soon);
  observer.observe(document, {childList: true, subtree: true, attributes: true,
                              characterData: true});
  document.addEventListener('load', soon, true);
  const tick = setInterval(check, 100);
  const limit = setTimeout(() => end(resolve, false), ms);
  check();
})"""

# Resolves once every image of the page has loaded or failed and every animation
# that ends has ended, a card fading in say (at most images_ms), and its web
# fonts are ready (at most fonts_ms), as a screenshot wants them.
_SETTLED = """(images_ms, fonts_ms) => {
  const capped = (promise, ms) => Promise.race([promise,
    new Promise((resolve) => setTimeout(resolve, ms))]);
  const images = new Promise((resolve) => {
    const check = () => {
      if (Array.from(document.images).every((img) => img.complete)) {
        clearInterval(tick);
        document.removeEventListener('load', check, true);
        document.removeEventListener('error', check, true);
        resolve();
      }
    };
    const tick = setInterval(check, 50);
    document.addEventListener('load', check, true);
    document.addEventListener('error', check, true);
    check();
  });
  const ending = (document.getAnimations ? document.getAnimations() : []).filter((a) => {
    const timing = a.effect && a.effect.getComputedTiming();
    return a.playState === 'running' && timing && Number.isFinite(timing.endTime);
  }).map((a) => a.finished.catch(() => null));
  return Promise.all([capped(Promise.all([images, ...ending]), images_ms),
                      capped(document.fonts ? document.fonts.ready : null, fonts_ms)]);
}"""

_PAGE_SIZE = """(() => {
  const b = document.body || {}, d = document.documentElement || {};
  const most = (key) => Math.max(b[key] || 0, d[key] || 0);
  return {width: Math.max(most('scrollWidth'), most('offsetWidth'), most('clientWidth')),
          height: Math.max(most('scrollHeight'), most('offsetHeight'), most('clientHeight'))};
})()"""


def _pixels(measured, least: int) -> int:
    """A length the page measured (its scripts may have changed what that
    returns), never less than least."""
    try:
        return max(math.ceil(float(measured)), least)
    except (TypeError, ValueError, OverflowError):
        return least


class PageScriptError(Exception):
    """A script run in the page threw (the platform's render test, say)."""


class DevTools:
    """One DevTools session on a page (Playwright's, for the same page)."""

    def __init__(self, session):
        self.session = session

    @classmethod
    async def open(cls, context, page) -> DevTools:
        return cls(await context.new_cdp_session(page))

    async def close(self) -> None:
        await self.session.detach()

    async def evaluate(self, expression: str):
        """The value of a JavaScript expression in the page's own world (awaited
        when it is a promise)."""
        answer = await self.session.send("Runtime.evaluate", {
            "expression": expression, "returnByValue": True, "awaitPromise": True})
        if "exceptionDetails" in answer:
            details = answer["exceptionDetails"]
            thrown = details.get("exception", {}).get("description") or details.get("text")
            raise PageScriptError(str(thrown).splitlines()[0] if thrown else "script error")
        return answer["result"].get("value")

    async def wait_for(self, predicate: str, seconds: float) -> bool:
        """Whether predicate (a function, as text) held within seconds."""
        # On lines of its own: a predicate may end in a // comment.
        return bool(await self.evaluate(f"({_UNTIL})(\n{predicate}\n, {int(seconds * 1000)})"))

    async def settle(self, images_seconds: float, fonts_seconds: float) -> None:
        await self.evaluate(f"({_SETTLED})({int(images_seconds * 1000)},"
                            f" {int(fonts_seconds * 1000)})")

    # The page's own world: what its scripts answer is text to us, whatever it is.
    async def body_text(self) -> str:
        return str(await self.evaluate("document.body ? document.body.innerText : ''") or "")

    async def title(self) -> str:
        return str(await self.evaluate("document.title") or "")

    async def screenshot(self) -> bytes:
        """The whole page as a PNG: the viewport, or the document where it is
        larger, measured as Playwright's full_page measures it (a body that
        scrolls inside the viewport counts with its whole height)."""
        size = await self.evaluate(_PAGE_SIZE)
        size = size if isinstance(size, dict) else {}
        viewport = (await self.session.send("Page.getLayoutMetrics"))["cssLayoutViewport"]
        width = _pixels(size.get("width"), viewport["clientWidth"])
        height = _pixels(size.get("height"), viewport["clientHeight"])
        fits = width <= viewport["clientWidth"] and height <= viewport["clientHeight"]
        shot = await self.session.send("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": not fits,
            "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}})
        return base64.b64decode(shot["data"])

    async def html(self) -> bytes:
        """The document as it stands, serialised by the browser (doctype, and any
        comment outside the root element, included)."""
        document = await self.session.send("DOM.getDocument", {"depth": 0})
        markup = await self.session.send("DOM.getOuterHTML",
                                         {"nodeId": document["root"]["nodeId"]})
        return markup["outerHTML"].encode("utf-8")

    async def mhtml(self) -> bytes:
        snapshot = await self.session.send("Page.captureSnapshot", {"format": "mhtml"})
        return snapshot["data"].encode("utf-8")
