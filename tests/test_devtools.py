"""What a capture reads from a page over DevTools (archiver/devtools.py), in real
Chromium: its waits see the post however it comes to be shown, its screenshot
holds the whole document, its HTML the whole document as it stands.

One browser for the module: every page is read once, in the fixture, and the
tests look at what was read."""

import asyncio
import struct

import pytest

from archiver.browser import find_browser, launch_args
from archiver.devtools import DevTools, PageScriptError

# Shown by a script that changes nothing in the DOM: only the periodic test sees it.
NO_MUTATION = "<script>setTimeout(() => { window.shown = true; }, 300)</script>"
TALL = "<body style='margin:0'><div style='height:2500px;background:#36a'>tall</div></body>"
# The body scrolls inside a viewport-high page: the document itself is no taller.
INNER_SCROLLER = ("<html style='height:100%;overflow:hidden'><body style='height:100%;"
                  "overflow:auto;margin:0'><div style='height:3000px'>long</div></body></html>")
OUTSIDE_ROOT = "<!-- before --><!DOCTYPE html><html><body><p>words &amp; more</p></body></html>"
SLOW_IMAGE = "<body><img src='https://images.invalid/slow.png'></body>"
# A page whose scripts make the lengths and words a capture reads nonsense.
TAMPERED = ("<script>for (const k of ['scrollHeight', 'offsetHeight', 'innerText'])"
            " Object.defineProperty(HTMLElement.prototype, k, {get() { return {no: k}; }});"
            "Object.defineProperty(Element.prototype, 'scrollWidth', {get() { return NaN; }});"
            "</script><p>words</p>")
# The card is there at once and fades in over 0.4 s; a spinner turns for ever.
FADING_IN = ("<style>@keyframes in{from{opacity:0}to{opacity:1}}@keyframes spin{to{transform:"
             "rotate(360deg)}}</style><div id=card style='animation:in .4s'>card</div>"
             "<div style='animation:spin 1s infinite'>spinner</div>")


def png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


async def read_pages() -> dict:
    from playwright.async_api import async_playwright

    out = {}
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=find_browser(), args=launch_args())
        context = await browser.new_context(viewport={"width": 640, "height": 900},
                                            device_scale_factor=1)

        async def slow_image(route):
            await asyncio.sleep(0.6)
            await route.fulfill(status=404, body=b"")

        await context.route("https://images.invalid/**", slow_image)
        page = await context.new_page()
        tools = await DevTools.open(context, page)

        await page.set_content(NO_MUTATION)
        out["no mutation"] = await tools.wait_for("() => window.shown === true", 5)
        out["never"] = await tools.wait_for("() => false", 0.3)
        out["comment"] = await tools.wait_for("() => true // a comment at the end", 1)
        try:
            await tools.wait_for("() => { throw new Error('broken test'); }", 1)
        except PageScriptError as exc:
            out["thrown"] = str(exc)
        await page.set_content(TALL)
        out["tall"] = png_size(await tools.screenshot())
        await page.set_content(INNER_SCROLLER)
        out["inner"] = png_size(await tools.screenshot())
        await page.set_content("<p>short</p>")
        out["short"] = png_size(await tools.screenshot())
        await page.set_content(TAMPERED)
        out["tampered"] = png_size(await tools.screenshot()), await tools.body_text()
        await page.set_content(OUTSIDE_ROOT)
        out["html"] = (await tools.html()).decode("utf-8")
        await page.set_content(SLOW_IMAGE, wait_until="commit")
        await tools.settle(5, 5)
        out["image settled"] = await tools.evaluate("document.images[0].complete")
        await page.set_content(FADING_IN)
        started = asyncio.get_running_loop().time()
        await tools.settle(5, 5)
        out["faded in"] = await tools.evaluate(
            "getComputedStyle(document.getElementById('card')).opacity")
        out["settle seconds"] = asyncio.get_running_loop().time() - started
        await tools.close()
        await browser.close()
    return out


@pytest.fixture(scope="module")
def read():
    return asyncio.run(read_pages())


def test_a_post_shown_without_any_dom_change_is_still_seen(read):
    assert read["no mutation"] is True


def test_a_post_that_never_shows_is_answered_false_in_time(read):
    assert read["never"] is False


def test_a_render_test_ending_in_a_line_comment_still_runs(read):
    assert read["comment"] is True


def test_a_render_test_that_throws_fails_with_its_message(read):
    assert "broken test" in read["thrown"]


def test_the_screenshot_holds_the_whole_document(read):
    assert read["tall"] == (640, 2500)
    assert read["inner"] == (640, 3000)  # as Playwright's full_page measures it
    assert read["short"] == (640, 900)  # never less than the viewport


def test_a_page_that_tampers_with_what_is_measured_is_still_captured(read):
    size, text = read["tampered"]
    assert size == (640, 900)
    assert isinstance(text, str)


def test_the_html_is_the_whole_document_as_the_browser_serialises_it(read):
    assert read["html"] == ("<!-- before --><!DOCTYPE html><html><head></head><body>"
                            "<p>words &amp; more</p></body></html>")


def test_settling_waits_for_an_image_still_loading(read):
    assert read["image settled"] is True


def test_settling_waits_for_a_card_fading_in_but_not_for_a_spinner(read):
    assert read["faded in"] == "1"
    assert read["settle seconds"] < 3  # the endless spinner is not waited for
