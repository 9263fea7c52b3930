"""Facebook's embedded-post plugin page (plugins/post.php?href=..., video.php for
videos) as the fetcher reads it, answer -> Finding.

What the page says where it shows no post is known from public scrapers: a login
form (id="login_form", "You must log in to continue"), "This content isn't
available right now", and {"__dr":"CometErrorRoot.react"} for a temporary block.
Its markup around a post is not verified: the selectors below are Facebook's
classic ones (userContent, data-testid="post_message", abbr[data-utime]); a page
they do not match is a failure to read, never a verdict on the post.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from selectolax.lexbor import LexborHTMLParser

from ..base import Finding, PostData
from ..text import reader_text as lines
from . import urls

if TYPE_CHECKING:
    from ...net import Answer

POST_TEXT = '[data-testid="post_message"], .userContent, ._5pbx'
_LOGIN = re.compile(r"you must log in to continue|log in to facebook|log into facebook|"
                    r"log in to continue|id=[\"']login_form", re.IGNORECASE)
_NOT_AVAILABLE = re.compile(r"this content isn[’']t available|content not found|"
                            r"this video (?:is )?(?:isn[’']t |not )?available|"
                            r"page isn[’']t available", re.IGNORECASE)
_BLOCKED = re.compile(r'"__dr"\s*:\s*"CometErrorRoot\.react"|temporarily blocked|'
                      r"you[’']re temporarily blocked", re.IGNORECASE)


def read(answer: Answer, key: str) -> Finding:
    if answer.error:
        return Finding("error", f"plugin page: {answer.error}")
    if answer.status in (301, 302, 303, 307, 308):
        where = (answer.headers.get("location") or "")[:200]
        if "login" in where or "checkpoint" in where:
            return Finding("unavailable", f"plugin page: redirected to a login ({where})")
        return Finding("error", f"plugin page: redirected to {where or '?'}")
    if answer.status == 429 or answer.status is None or answer.status >= 500:
        return Finding("error", f"plugin page: HTTP {answer.status}")
    text = answer.body.decode("utf-8", "replace")
    if _BLOCKED.search(text):
        return Finding("error", "plugin page: Facebook blocks this caller for now"
                       " (CometErrorRoot)")
    if answer.status != 200:
        return Finding("error", f"plugin page: HTTP {answer.status}")
    doc = LexborHTMLParser(text)
    body = doc.body.text(separator=" ") if doc.body is not None else ""
    post = doc.css_first(POST_TEXT)
    if post is not None and lines(post):
        named = {found[0] for a in doc.css("a[href]")
                 if (found := urls.parse(a.attributes.get("href") or "")) is not None}
        if named and not any(urls.same_post(key, other) for other in named):
            return Finding("error", f"plugin page: shows another post ({sorted(named)[0]!r})")
        return Finding("found", "plugin page: found", PostData(
            id=key, text=lines(post), created_at=_utime(doc), endpoint="plugin"))
    if doc.css_first("#login_form, form[action*='login']") is not None or _LOGIN.search(text):
        return Finding("unavailable", "plugin page: a login wall instead of the post")
    if _NOT_AVAILABLE.search(body):
        return Finding("unavailable", f"plugin page: {_said(body)}")
    return Finding("error", "plugin page: no post in it that archiver can read (its layout"
                   " is not known)")


def _said(text: str) -> str:
    return repr(" ".join(text.split())[:120])


def _utime(doc) -> str | None:
    stamp = doc.css_first("abbr[data-utime]")
    value = stamp.attributes.get("data-utime") if stamp is not None else None
    if not value or not value.isdigit() or not 0 < int(value) < 2**33:
        return None
    return datetime.fromtimestamp(int(value), tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
