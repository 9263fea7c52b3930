"""Meta's Graph API oEmbed answers (Facebook's oembed_post / oembed_video and
Instagram's instagram_oembed), answer -> the embed markup they hold, or a Finding
saying why there is none.

Graph errors come as {"error": {"message", "type", "code", "error_subcode",
"is_transient", "fbtrace_id"}}, mostly with HTTP 400. The one a missing post
gives, "(#100) ... does not exist, cannot be loaded due to missing permissions,
or does not support this operation", is also what a private post gives: it is
never a deletion.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

from ...clean import storable_json
from ..base import Finding

if TYPE_CHECKING:
    from ...net import Answer

# Graph's throttling codes: application, user, page, custom and business use limits.
RATE_LIMITED = frozenset({4, 17, 32, 613, *range(80001, 80015)})
# The access token is missing, expired or refused: oEmbed without a token was
# allowed from 15 June 2026 (by Meta's reference pages); this is that refused.
TOKEN = frozenset({102, 104, 190})
UNKNOWN = frozenset({1, 2})  # "An unknown error occurred", "Service temporarily unavailable"
# Words of code 100 (and of code 24, "content no longer available") that mean the
# object cannot be shown: gone, or not shown to an anonymous caller.
_NOT_SHOWN = ("does not exist", "unsupported get request", "missing permission",
              "no longer available", "cannot be loaded", "not available")
_RESTRICTED = re.compile(r"\b(?:age[- ]restricted|restricted|country|region|private|"
                         r"embedding|embeds? (?:are |is )?disabled)\b", re.IGNORECASE)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _int(value) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def read(answer: Answer, what: str) -> tuple[dict | None, Finding | None]:
    """(the answer's JSON object, None) for a good answer; (None, Finding) for
    anything else: a Graph error weighed by its code, a transport failure, HTML
    where JSON was expected."""
    if answer.error:
        return None, Finding("error", f"{what}: {answer.error}")
    try:
        data = storable_json(json.loads(answer.body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError):
        data = None
    if answer.status == 429:
        return None, Finding("error", f"{what}: HTTP 429 (rate limited)")
    if not isinstance(data, dict):
        if answer.status is not None and answer.status >= 500:
            return None, Finding("error", f"{what}: HTTP {answer.status}")
        looks_html = answer.body.lstrip()[:1] == b"<"
        said = "an HTML page (login wall?)" if looks_html else "no JSON object"
        return None, Finding("error", f"{what}: HTTP {answer.status}: answered {said} where"
                             " JSON was expected")
    error = data.get("error")
    if error is not None or answer.status != 200:
        return None, _error(_dict(error), answer.status, what)
    return data, None


def _error(error: dict, status: int | None, what: str) -> Finding:
    code = _int(error.get("code"))
    message = error.get("message") if isinstance(error.get("message"), str) else ""
    said = f"{what}: HTTP {status}" + (f", code {code}" if code is not None else "") + (
        f": {message[:200]}" if message else "")
    lowered = message.lower()
    if error.get("is_transient") is True or code in UNKNOWN or (status or 0) >= 500:
        return Finding("error", said)
    if code in RATE_LIMITED:
        return Finding("error", f"{said} (rate limited)")
    if code in TOKEN:
        return Finding("error", f"{said} (the endpoint refused a call without a token)")
    if code in (100, 24) and any(words in lowered for words in _NOT_SHOWN):
        return Finding("not_found", f"{said} (Graph says this of deleted and of private"
                       " posts alike)")
    if code == 10 or (code is not None and 200 <= code < 300) or status == 403:
        return Finding("unavailable", said)
    if _RESTRICTED.search(message):
        return Finding("unavailable", said)
    return Finding("error", said)


def markup(data: dict) -> str | None:
    """The embed code an oEmbed answer holds."""
    value = data.get("html")
    return value if isinstance(value, str) and value.strip() else None
