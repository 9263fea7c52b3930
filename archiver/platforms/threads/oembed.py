"""Threads' oEmbed (graph.threads.net/v1.0/oembed), the one no-login source: its
answer holds the embed code and nothing of the post (no text, author or date),
so it says only that the post can be embedded now.

Its errors are Graph API errors, {"error": {"message", "type", "code"}}; which
one a deleted, a private or an age-restricted post gets is not documented, so
none of them is a deletion: every refusal is `unavailable`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from selectolax.lexbor import LexborHTMLParser

from ...clean import storable_json
from ..base import Finding, PostData
from . import ids

if TYPE_CHECKING:
    from ...net import Answer

# Graph API error codes for "too many calls" (application, user, page, and
# throttled action): a retry later may pass.
RATE_LIMIT_CODES = {4, 17, 32, 613}
TOKEN_CODES = {102, 104, 190}


def read(answer: Answer, code: str, handle: str | None) -> Finding:
    what = "oEmbed"
    if answer.error:
        return Finding("error", f"{what}: {answer.error}")
    if answer.status == 429 or answer.status is None or answer.status >= 500:
        return Finding("error", f"{what}: HTTP {answer.status}")
    try:
        data = storable_json(json.loads(answer.body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError):
        looks_html = answer.body.lstrip()[:1] == b"<"
        came = "an HTML page (login wall?)" if looks_html else "invalid JSON"
        return Finding("error", f"{what}: HTTP {answer.status}: answered {came} where JSON"
                       " was expected")
    data = data if isinstance(data, dict) else {}
    error = data.get("error")
    if answer.status != 200 or error is not None:
        return _refusal(answer.status, error if isinstance(error, dict) else {})
    fragment = data.get("html")
    if not isinstance(fragment, str) or not fragment.strip():
        return Finding("error", f"{what}: no embed code in the answer")
    answered = _code_in(fragment)
    if answered != code:
        return Finding("error", f"{what}: answered for another post ({answered or '?'})")
    author = data.get("author_name")
    return Finding("found", f"{what}: found (its answer holds no text, author or date)",
                   PostData(id=code, handle=_handle_in(fragment) or handle,
                            author=author if isinstance(author, str) else None,
                            endpoint="oembed"))


def _refusal(status, error: dict) -> Finding:
    number = error.get("code")
    number = number if isinstance(number, int) and not isinstance(number, bool) else None
    message = error.get("message")
    message = message[:200] if isinstance(message, str) else ""
    said = f"oEmbed: HTTP {status}" + (f": {message}" if message else "") + (
        f" (code {number})" if number is not None else "")
    if number in RATE_LIMIT_CODES:
        return Finding("error", f"{said}: rate limited")
    if number in TOKEN_CODES or "access token" in message.lower():
        return Finding("unavailable", f"{said}: oEmbed asks for an access token")
    return Finding("unavailable", f"{said}: Threads refuses deleted, private, age-restricted and"
                   " region-blocked posts alike")


def _permalink(fragment: str) -> str | None:
    node = LexborHTMLParser(fragment).css_first("[data-text-post-permalink]")
    return node.attributes.get("data-text-post-permalink") if node is not None else None


def _code_in(fragment: str) -> str | None:
    ref = ids.parse_url(_permalink(fragment))
    if ref:
        return ref[0]
    node = LexborHTMLParser(fragment).css_first('[id^="ig-tp-"]')
    code = (node.attributes.get("id") or "")[len("ig-tp-"):] if node is not None else ""
    return code if ids.valid_id(code) else None


def _handle_in(fragment: str) -> str | None:
    ref = ids.parse_url(_permalink(fragment))
    return ref[1] if ref else None

