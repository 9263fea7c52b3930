"""'— Name (@handle)' attributions in a tweet's markup, read in linear time.

The name runs from the dash to the "(@handle)" and holds no dash. One regular
expression per form said this once, and took time quadratic in the text (every
dash tried against all that follows it): a tweet's paragraph of ' -x' repeated
took seconds. Each part is now found in one pass.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .urls import HANDLE


@dataclass
class Attribution:
    """'— Name (@handle)' read in a tweet's markup; `start` is where it begins (the
    space before its dash)."""

    start: int
    name: str
    handle: str


_DASH_CHARS = "[\u2014\u2013\u2015\u2012\u2212]"
_ANCHOR = re.compile(r"\(@(?P<handle>" + HANDLE + r")\)")
_ENDING_ANCHOR = re.compile(r"\(@(?P<handle>" + HANDLE + r")\)\s*")
_DASH_CHAR = re.compile(_DASH_CHARS)
_DASH = re.compile(f"(?:^|(?<=\\s))(?:{_DASH_CHARS}|--?)")
_DASH_OR_ENTITY = re.compile(f"(?:^|(?<=\\s))(?:{_DASH_CHARS}|&mdash;|--?)")


def _attribution(text: str, dash, anchor) -> Attribution:
    return Attribution(start=max(dash.start() - 1, 0),
                       name=text[dash.end():anchor.start()].strip(), handle=anchor.group("handle"))


def ending_attribution(text: str) -> Attribution | None:
    """'— Name (@handle)' that ends the text (a dash may be written &mdash;)."""
    at = text.rfind("(@")
    anchor = _ENDING_ANCHOR.fullmatch(text, at) if at >= 0 else None
    if anchor is None:
        return None
    start = 0
    for dash in _DASH_CHAR.finditer(text, 0, at):  # the name holds no dash
        start = dash.start()
    dash = _DASH_OR_ENTITY.search(text, start, at)
    if not dash:
        return None
    return _attribution(text, dash, anchor)


def last_attribution(text: str) -> Attribution | None:
    """The last '— Name (@handle)' in the text, as the earlier matches leave it."""
    if "(@" not in text:
        return None
    anchors = list(_ANCHOR.finditer(text))
    anchor_starts = [a.start() for a in anchors]
    dashes = [d.start() for d in _DASH_CHAR.finditer(text)]
    found, pos = None, 0
    while (dash := _DASH.search(text, pos)) is not None:
        name_at = dash.end()
        i = bisect.bisect_left(anchor_starts, name_at)
        if i == len(anchors):
            break  # no handle after this dash: none after any later one either
        j = bisect.bisect_left(dashes, name_at)
        barrier = dashes[j] if j < len(dashes) else len(text)
        if anchor_starts[i] < barrier:
            found = _attribution(text, dash, anchors[i])
            pos = anchors[i].end()
        else:  # a dash stands between: only a dash from there on can reach a handle
            pos = max(barrier - 1, dash.start() + 1)
    return found
