"""The public AppView's answers (public.api.bsky.app, no login) -> what they say.

Pure functions over an Answer; the requests are made by the fetch stage. Shapes
are checked, never trusted: a field of the wrong type counts as absent.

- getPostThread answers {"thread": threadViewPost | notFoundPost | blockedPost},
  or 400 {"error": "NotFound"} for a post that is gone (deleted, or its author
  deactivated: it does not say which).
- getProfile answers the author's profile, or 400 {"error": "AccountTakedown"}
  for a suspended account; other 400s for deactivated or missing ones.
- plc.directory answers the DID document naming the author's PDS, where the
  original blobs (photos, videos as uploaded) are served.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from ...clean import storable_json
from ..base import Finding, PostData
from . import ids

if TYPE_CHECKING:
    from ...net import Answer

# The author asked not to be shown to logged-out viewers: the embed page shows
# a notice instead of the post, and oEmbed answers 403.
NO_UNAUTHENTICATED = "!no-unauthenticated"
_CDN_CID = re.compile(r"/(?:feed_fullsize|feed_thumbnail)/plain/[^/]+/([a-z0-9]+)@")


class Unreadable(ValueError):
    pass


def _json(answer: Answer, what: str):
    """The answer's JSON, or Unreadable naming what came instead."""
    try:
        return storable_json(json.loads(answer.body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, RecursionError):
        looks_html = answer.body.lstrip()[:1] == b"<"
        came = "an HTML page" if looks_html else "invalid JSON"
        raise Unreadable(f"{what}: answered {came} where JSON was expected") from None


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _str(value) -> str | None:
    return value if isinstance(value, str) else None


def _error(data) -> tuple[str, str]:
    data = _dict(data)
    return _str(data.get("error")) or "", (_str(data.get("message")) or "")[:200]


def _transport(answer: Answer, what: str) -> Finding | None:
    """A Finding for an answer that says nothing of the post: no answer, a
    rate limit, a server error."""
    if answer.error:
        return Finding("error", f"{what}: {answer.error}")
    if answer.status == 429:
        return Finding("error", f"{what}: HTTP 429 (rate limited)")
    if answer.status is None or answer.status >= 500:
        return Finding("error", f"{what}: HTTP {answer.status}")
    return None


def labels_of(value) -> set[str]:
    return {v for v in (_str(_dict(x).get("val")) for x in _list(value)) if v}


# -- getPostThread -----------------------------------------------------------------
def read_thread(answer: Answer, post_id: str, pds: str | None = None) -> Finding:
    what = "getPostThread"
    failed = _transport(answer, what)
    if failed:
        return failed
    try:
        data = _json(answer, what)
    except Unreadable as exc:
        return Finding("error", str(exc))
    if answer.status == 400:
        error, message = _error(data)
        said = f"{what}: {error or 'HTTP 400'}{': ' + message if message else ''}"
        if error == "NotFound":
            return Finding("not_found", said)
        if error == "HandleNotFound" or "resolve handle" in message.lower():
            # A handle that names no account now: renamed, or given up.
            return Finding("unavailable", said)
        return Finding("error", said)
    if answer.status in (401, 403):
        return Finding("unavailable", f"{what}: HTTP {answer.status}: {_error(data)[1]}")
    if answer.status != 200:
        return Finding("error", f"{what}: HTTP {answer.status}")
    thread = _dict(_dict(data).get("thread"))
    kind = _str(thread.get("$type")) or ""
    if kind.endswith("#notFoundPost") or thread.get("notFound") is True:
        return Finding("not_found", f"{what}: notFoundPost")
    if kind.endswith("#blockedPost") or thread.get("blocked") is True:
        return Finding("unavailable", f"{what}: blockedPost (the author blocks, or is blocked)")
    post = _dict(thread.get("post"))
    if not post:
        return Finding("error", f"{what}: no post in the answer")
    try:
        found = transform(post, post_id, pds)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        return Finding("error", f"{what}: unexpected JSON ({type(exc).__name__}: {exc})")
    author_labels = labels_of(_dict(post.get("author")).get("labels"))
    if NO_UNAUTHENTICATED in author_labels:
        return Finding("unavailable", f"{what}: the author asks not to be shown to logged-out"
                       " viewers (!no-unauthenticated): the embed page shows no post", found)
    labels = labels_of(post.get("labels"))
    note = f" (labelled {', '.join(sorted(labels))})" if labels else ""
    return Finding("found", f"{what}: found{note}", found)


def transform(post: dict, post_id: str, pds: str | None = None) -> PostData:
    """A threadViewPost's post as post fields; ValueError if it is another post."""
    actor, rkey = ids.split_id(post_id)
    uri = _str(post.get("uri")) or ""
    ref = ids.parse_url(uri)
    author = _dict(post.get("author"))
    did = _str(author.get("did"))
    handle = _str(author.get("handle"))
    answered_actor, answered_rkey = ids.split_id(ref[0]) if ref else ("", "")
    if answered_rkey != rkey:
        raise ValueError(f"answered for another post ({uri[:120]!r})")
    same_author = (answered_actor == actor if ids.is_did(actor)
                   else (handle or "").lower() == actor or answered_actor == actor)
    if not same_author:
        raise ValueError(f"answered for another author's post ({uri[:120]!r})")
    record = _dict(post.get("record"))
    repo = did if did and ids.is_did(did) else (actor if ids.is_did(actor) else None)
    quoted_id, quoted_handle = _quoted(_dict(post.get("embed")))
    return PostData(
        id=post_id,
        handle=handle.lower() if handle and handle != "handle.invalid" else None,
        author=_str(author.get("displayName")) or None,
        created_at=_str(record.get("createdAt")) or _str(post.get("indexedAt")),
        text=_str(record.get("text")),
        media=media(_dict(post.get("embed")), _dict(record.get("embed")), repo, pds),
        quoted_id=quoted_id,
        quoted_handle=quoted_handle,
        endpoint="getPostThread",
    )


def _quoted(view: dict) -> tuple[str | None, str | None]:
    kind = _str(view.get("$type")) or ""
    if kind.endswith("recordWithMedia#view"):
        view = _dict(view.get("record"))
    elif not kind.endswith("embed.record#view"):
        return None, None
    record = _dict(view.get("record"))
    ref = ids.parse_url(_str(record.get("uri")))
    if ref is None:  # a feed, a list, a starter pack: not a post
        return None, None
    handle = _str(_dict(record.get("author")).get("handle"))
    return ref[0], handle.lower() if handle and handle != "handle.invalid" else None


def media(view: dict, record_embed: dict, repo: str | None, pds: str | None) -> list[dict]:
    """The post's photos, video and GIF: the blob as uploaded where the author's
    PDS is known (com.atproto.sync.getBlob), else the CDN's full-size copy (and a
    video's HLS playlist). `key` is the blob's CID."""
    kind = _str(view.get("$type")) or ""
    if kind.endswith("recordWithMedia#view"):
        return media(_dict(view.get("media")), _dict(record_embed.get("media")), repo, pds)

    def blob(cid: str | None) -> str | None:
        if not (cid and pds and repo and re.fullmatch(r"[a-z0-9]{8,100}", cid)):
            return None
        return (f"{pds}/xrpc/com.atproto.sync.getBlob?did={quote(repo, safe=':')}"
                f"&cid={cid}")

    if kind.endswith("embed.images#view"):
        stored = _list(record_embed.get("images"))
        found = []
        for i, image in enumerate(_list(view.get("images"))):
            image = _dict(image)
            fullsize = _str(image.get("fullsize"))
            cid = _link(_dict(stored[i]).get("image")) if i < len(stored) else None
            if cid is None and fullsize:
                m = _CDN_CID.search(fullsize)
                cid = m.group(1) if m else None
            url = blob(cid) or fullsize or _str(image.get("thumb"))
            if url:
                found.append({"type": "photo", "url": url, "alt": _str(image.get("alt")) or None,
                              "video": None, **({"key": cid} if cid else {})})
        return found
    if kind.endswith("embed.video#view"):
        cid = _str(view.get("cid")) or _link(record_embed.get("video"))
        best = blob(cid) or _str(view.get("playlist"))  # HLS where the original is not known
        return [{"type": "video", "url": _str(view.get("thumbnail")),
                 "alt": _str(view.get("alt")) or None, "video": best,
                 **({"key": cid} if cid else {})}] if best else []
    if kind.endswith("embed.external#view"):
        # Bluesky's GIF picker posts Tenor links as link cards.
        external = _dict(view.get("external"))
        uri = _str(external.get("uri")) or ""
        host = (urlsplit(uri).hostname or "") if uri.startswith("https://") else ""
        if host == "media.tenor.com" and ".gif" in uri:
            return [{"type": "gif", "url": _str(external.get("thumb")) or uri,
                     "alt": _str(external.get("description")) or None, "video": uri}]
    return []


def _link(blob) -> str | None:
    """The CID of a blob reference: {"ref": {"$link": cid}, ...}."""
    return _str(_dict(_dict(blob).get("ref")).get("$link"))


# -- getProfile --------------------------------------------------------------------
def read_profile(answer: Answer, post_id: str) -> Finding:
    """Whether the author's account is there: `found` when it resolves."""
    what = "getProfile"
    failed = _transport(answer, what)
    if failed:
        return failed
    try:
        data = _json(answer, what)
    except Unreadable as exc:
        return Finding("error", str(exc))
    if answer.status == 400:
        error, message = _error(data)
        said = f"{what}: {error or 'HTTP 400'}{': ' + message if message else ''}"
        if error == "AccountTakedown":
            return Finding("unavailable", f"{said} (account suspended)")
        if error == "AccountDeactivated" or "deactivated" in message.lower():
            return Finding("unavailable", f"{said} (account deactivated)")
        if "not found" in message.lower() or "resolve" in message.lower():
            return Finding("unavailable", f"{said} (no such account now)")
        return Finding("error", said)
    if answer.status != 200:
        return Finding("error", f"{what}: HTTP {answer.status}")
    actor = ids.split_id(post_id)[0]
    data = _dict(data)
    did, handle = _str(data.get("did")), _str(data.get("handle"))
    if not did or (ids.is_did(actor) and did != actor) or (
            not ids.is_did(actor) and (handle or "").lower() != actor):
        return Finding("error", f"{what}: answered for another account ({(did or '?')[:80]})")
    if "!takedown" in labels_of(data.get("labels")):
        return Finding("unavailable", f"{what}: account taken down")
    return Finding("found", f"{what}: the account resolves ({handle or did})")


# -- the DID document ------------------------------------------------------------------
def read_pds(answer: Answer | None) -> str | None:
    """The author's PDS (its https origin) from their DID document, or None."""
    if answer is None or answer.error or answer.status != 200:
        return None
    try:
        data = _json(answer, "did")
    except Unreadable:
        return None
    for service in _list(_dict(data).get("service")):
        service = _dict(service)
        if (_str(service.get("type")) == "AtprotoPersonalDataServer"
                or _str(service.get("id")) in ("#atproto_pds", "atproto_pds")):
            endpoint = _str(service.get("serviceEndpoint")) or ""
            parts = urlsplit(endpoint)
            # Only recorded in media URLs; fetching them goes through the address guard.
            if parts.scheme in ("https", "http") and parts.hostname and not parts.query:
                return f"{parts.scheme}://{parts.netloc}{parts.path.rstrip('/')}"
    return None
