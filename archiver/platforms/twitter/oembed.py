"""The oEmbed endpoint: a fallback and a second opinion (answer -> Finding)."""

from __future__ import annotations

import json

from ...clean import storable_json
from ...net import Answer
from ...scan import html
from ..base import Finding, PostData
from .markup.embeds import from_blockquote
from .markup.urls import parse_status_url


def read(answer: Answer, tweet_id: str) -> Finding:
    if answer.error:
        return Finding("error", f"oEmbed: {answer.error}")
    if answer.status == 404:
        return Finding("not_found", "oEmbed: HTTP 404")
    if answer.status == 403:
        message = _error_message(answer.body) or "forbidden"
        return Finding("unavailable", f"oEmbed: HTTP 403: {message}")
    if answer.status != 200:
        return Finding("error", f"oEmbed: HTTP {answer.status}")
    try:
        data = storable_json(json.loads(answer.body.decode("utf-8")))
        fragment = data["html"]
        if not isinstance(fragment, str):
            raise TypeError("html is not a string")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, RecursionError):
        looks_html = answer.body.lstrip()[:1] == b"<"
        what = "an HTML page (login wall?)" if looks_html else "invalid JSON"
        return Finding("error", f"oEmbed: answered {what} where JSON was expected")
    doc = html.parse(f"<html><body>{fragment}</body></html>")
    quotes = doc.css("blockquote") if doc is not None else []
    if not quotes:
        return Finding("error", "oEmbed: no blockquote in the answer")
    embed = from_blockquote(quotes[0], "oembed")
    if embed.id and embed.id != str(tweet_id):
        return Finding("error", f"oEmbed: answered for another post ({embed.id})")
    url = data.get("url")
    parsed = parse_status_url(url if isinstance(url, str) else None) or (None, None)
    author = data.get("author_name")
    return Finding(
        "found",
        "oEmbed: found",
        PostData(
            id=str(tweet_id),
            handle=embed.handle or parsed[0],
            author=(author if isinstance(author, str) else None) or embed.author,
            created_at=embed.date,
            text=embed.text,
            endpoint="oembed",
        ),
    )


def _error_message(body: bytes) -> str | None:
    try:
        data = storable_json(json.loads(body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    message = data.get("error") if isinstance(data, dict) else None
    return message[:200] if isinstance(message, str) else None


def markup(answer: Answer) -> str | None:
    """The html field of a good oEmbed answer."""
    try:
        value = storable_json(json.loads(answer.body.decode("utf-8"))).get("html")
    except (UnicodeDecodeError, ValueError, AttributeError, RecursionError):
        return None
    return value if isinstance(value, str) else None
