"""A Mastodon instance's public answers -> what they say of a post.

Pure functions over an Answer. Shapes are checked, never trusted.

- GET /api/v1/statuses/:id (public since 2.7): the status, or 404
  {"error": "Record not found"}, which the API documents as "does not exist or
  is private": a followers-only post answers exactly as a deleted one does;
  401 where the instance lets only signed-in users read (authorized fetch,
  limited federation).
- GET /api/v1/accounts/lookup?acct=: the account (suspended: true for a
  suspended one since 3.3), or 404.
- GET /@user.rss: the account's public posts; that it loads says the account
  still shows public posts, which a deletion needs before it is believed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from selectolax.lexbor import LexborHTMLParser

from ...clean import storable, storable_json
from ..base import Finding, PostData
from . import ids

if TYPE_CHECKING:
    from ...net import Answer

_KINDS = {"image": "photo", "gifv": "gif", "video": "video"}


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _str(value) -> str | None:
    return value if isinstance(value, str) else None


def _read(answer: Answer, what: str):
    """(JSON, None), or (None, a Finding for an answer that says nothing of the post)."""
    if answer.error:
        return None, Finding("error", f"{what}: {answer.error}")
    if answer.status == 429:
        return None, Finding("error", f"{what}: HTTP 429 (rate limited)")
    if answer.status is None or answer.status >= 500:
        return None, Finding("error", f"{what}: HTTP {answer.status}")
    try:
        return storable_json(json.loads(answer.body.decode("utf-8"))), None
    except (UnicodeDecodeError, ValueError, RecursionError):
        looks_html = answer.body.lstrip()[:1] == b"<"
        came = "an HTML page" if looks_html else "invalid JSON"
        return None, Finding("error", f"{what}: HTTP {answer.status}: answered {came} where"
                             " JSON was expected")


def _said(what: str, answer: Answer, data) -> str:
    message = _str(_dict(data).get("error")) or ""
    return f"{what}: HTTP {answer.status}" + (f": {message[:200]}" if message else "")


# -- the status ------------------------------------------------------------------------
def read_status(answer: Answer, post_id: str) -> Finding:
    what = "statuses"
    data, failed = _read(answer, what)
    if failed:
        return failed
    said = _said(what, answer, data)
    if answer.status == 404 and _str(_dict(data).get("error")):
        return Finding("not_found", f"{said} (the API answers so for a deleted post and for a"
                       " followers-only one alike)")
    if answer.status in (401, 403):
        return Finding("unavailable", f"{said} (the instance shows posts to signed-in users"
                       " only)")
    if answer.status == 410:
        return Finding("unavailable", f"{said} (gone with its account)")
    if answer.status != 200 or not isinstance(data, dict):
        return Finding("error", said if answer.status != 200 else f"{what}: not a status")
    try:
        found = transform(data, post_id)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return Finding("error", f"{what}: unexpected JSON ({type(exc).__name__}: {exc})")
    visibility = _str(data.get("visibility")) or "?"
    return Finding("found", f"{what}: found ({visibility})", found)


def transform(data: dict, post_id: str) -> PostData:
    host, status = ids.split_id(post_id)
    if str(data.get("id")) != status or isinstance(data.get("id"), bool):
        raise ValueError(f"answered for another post ({str(data.get('id'))[:40]!r})")
    account = _dict(data.get("account"))
    text = html_text(_str(data.get("content")) or "")
    warning = _str(data.get("spoiler_text"))
    if warning:
        text = f"{warning}\n{text}" if text else warning  # the content warning shows first
    edited = _str(data.get("edited_at"))
    quoted = _dict(_dict(data.get("quote")).get("quoted_status"))
    quoted_id = str(quoted.get("id")) if quoted.get("id") is not None else None
    return PostData(
        id=post_id,
        handle=handle_of(account, host),
        author=_str(account.get("display_name")) or _str(account.get("username")),
        created_at=_str(data.get("created_at")),
        text=text or None,
        media=[m for m in (_media(_dict(a)) for a in _list(data.get("media_attachments"))) if m],
        quoted_id=f"{host}/{quoted_id}" if quoted_id and ids.valid_id(f"{host}/{quoted_id}")
        else None,
        quoted_handle=handle_of(_dict(quoted.get("account")), host) if quoted_id else None,
        edit_info={"edited_at": edited} if edited else None,
        is_edited=bool(edited),
        endpoint="statuses",
    )


def handle_of(account: dict, host: str) -> str | None:
    """user@domain: acct is bare for the instance's own accounts, whose domain is
    the one their profile URL is on."""
    acct = _str(account.get("acct")) or ""
    user, _, domain = acct.partition("@")
    if not ids.USER.fullmatch(user):
        return None
    if not domain:
        domain = (urlsplit(_str(account.get("url")) or "").hostname or host).lower()
    return f"{user}@{domain.lower()}"


def html_text(content: str) -> str:
    """A status's HTML as the reader saw it: paragraphs and <br> as line breaks,
    a link's hidden parts (Mastodon hides "https://" and long tails) kept."""
    if not content.strip():
        return ""
    body = LexborHTMLParser(content).body
    parts: list[str] = []
    for node in body.traverse(include_text=True) if body is not None else []:
        if (node.tag == "p" and parts) or node.tag == "br":
            parts.append("\n")
        elif node.tag == "-text":
            parts.append(node.text_content or "")
    lines = [" ".join(line.split()) for line in "".join(parts).split("\n")]
    return storable("\n".join(lines).strip())


def _media(item: dict) -> dict | None:
    kind = _KINDS.get(_str(item.get("type")) or "")
    if kind is None:  # audio, unknown: not a picture or a film
        return None
    # remote_url: the file on the author's own server; url: this instance's copy.
    best = _str(item.get("remote_url")) or _str(item.get("url"))
    alt = _str(item.get("description")) or None
    if kind == "photo":
        return {"type": "photo", "url": best, "alt": alt, "video": None} if best else None
    return {"type": kind, "url": _str(item.get("preview_url")), "alt": alt, "video": best}


# -- the account -------------------------------------------------------------------------
def read_account(answer: Answer | None, handle: str | None, host: str) -> Finding:
    """`found` when the post's account resolves on its instance and is not suspended;
    its data's handle says where its public posts are (see local_account)."""
    what = "accounts/lookup"
    if answer is None:
        return Finding("unavailable", f"{what}: not asked (the post's account is not known)")
    data, failed = _read(answer, what)
    if failed:
        return failed
    said = _said(what, answer, data)
    if answer.status in (404, 410):
        return Finding("unavailable", f"{said} (the account is gone)")
    if answer.status in (401, 403):
        return Finding("unavailable", f"{said} (the instance shows accounts to signed-in users"
                       " only)")
    if answer.status != 200 or not isinstance(data, dict):
        return Finding("error", said)
    user, _ = ids.split_handle(handle, host)
    if (_str(data.get("username")) or "").lower() != (user or "").lower():
        return Finding("error", f"{what}: answered for another account")
    if data.get("suspended") is True:
        return Finding("unavailable", f"{what}: the account is suspended")
    found = handle_of(data, host)
    local = (urlsplit(_str(data.get("url")) or "").hostname or "").lower() == host
    where = "this instance's" if local else "another instance's"
    return Finding("found", f"{what}: the account resolves ({where}: {found})",
                   PostData(id="", handle=found if local else None))


def local_account(account: Finding) -> bool:
    """Whether the account found is the instance's own (its public posts are there)."""
    return account.kind == "found" and account.data is not None and bool(account.data.handle)


def read_feed(answer: Answer | None) -> Finding:
    """Whether the account's public posts load (its RSS feed)."""
    what = "public posts (RSS)"
    if answer is None:
        return Finding("unavailable", f"{what}: not asked")
    if answer.error:
        return Finding("error", f"{what}: {answer.error}")
    if answer.status == 429 or answer.status is None or answer.status >= 500:
        return Finding("error", f"{what}: HTTP {answer.status}")
    head = answer.body[:512].lstrip().lower()
    if answer.status == 200 and (head.startswith(b"<?xml") or head.startswith(b"<rss")):
        return Finding("found", f"{what}: they load")
    if answer.status == 200:
        return Finding("error", f"{what}: answered something else than a feed")
    return Finding("unavailable", f"{what}: HTTP {answer.status}")
