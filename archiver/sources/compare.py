"""Preserved text (from the article) against live text (from the platform)."""

from __future__ import annotations

import re

_LINK = re.compile(
    r"(?:https?://)?(?:t\.co|pic\.(?:twitter|x)\.com)/([A-Za-z0-9]+)", re.IGNORECASE
)


def normalise(text: str) -> str:
    """Links by code only (an article shows pic.twitter.com/X where the post has
    https://t.co/X), whitespace collapsed, typographic quotes made plain."""
    text = _LINK.sub(lambda m: f"<{m.group(1)}>", text)
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"')
    text = text.replace("\u201d", '"').replace("\u2026", "...")
    return " ".join(text.split())


# How a cut text ends: an ellipsis, then perhaps the link to the whole post.
_CUT_END = re.compile(r"\s*(?:\.\.\.|…)?\s*(?:<[A-Za-z0-9]+>)?\s*$")


def texts_differ(preserved: str | None, live: str | None, live_truncated: bool = False) -> bool:
    """Whether the post says something else now than the article preserved. A live
    text known to be cut short differs only if the preserved text does not begin
    with it."""
    if not preserved or not live:
        return False
    preserved, live = normalise(preserved), normalise(live)
    if live_truncated:
        start = _CUT_END.sub("", live)
        return not (start and preserved.startswith(start))
    return preserved != live
