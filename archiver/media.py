"""A post's photos and videos kept at full quality: which file to ask for (the
platform says), and the download itself, through the fetcher's address guard,
its timeouts and the MAX_MEDIA_MB cap, into a temporary name that becomes the
file's own only once it is whole.

A hostile answer (an endless body, the wrong type, a redirect to a private
address, a Content-Length of 5 GB) is that one file's failure, with its reason.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import urllib3

from .net import Client, FetchRefused, Unreachable, transport_error
from .platforms import Platform
from .traffic import Exchange

MAX_HOPS = 10
FOLDER = "media"
# What each kind of media may be served as; anything else (an HTML page, a script)
# is not the file asked for.
ACCEPTED = {
    "photo": ("image/",),
    "video": ("video/", "application/octet-stream", "binary/octet-stream"),
    "gif": ("video/", "image/gif", "application/octet-stream", "binary/octet-stream"),
    "poster": ("image/",),  # a video's still, kept where the video is offered only as a stream
}
EXTENSIONS = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif", "image/webp": ".webp",
    "image/avif": ".avif", "image/heic": ".heic", "video/mp4": ".mp4", "video/webm": ".webm",
    "video/quicktime": ".mov",
}
_KNOWN_SUFFIXES = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".heic", ".mp4",
                   ".webm", ".mov", ".m4v"}
_UNSAFE = re.compile(r"[^A-Za-z0-9_.=-]+")
CHUNK = 1 << 16
# Room left on the disk beyond a download's announced size: a full disk must stop
# a download, never the archive's database.
DISK_MARGIN = 64 * 1024 * 1024


@dataclass(frozen=True)
class MediaFile:
    """One of a post's media, as it is to be kept."""

    position: int  # 1-based, the post's own order
    kind: str  # photo | video | gif
    key: str  # the platform's name for it, safe in a file name
    url: str | None  # the best copy; None: the data names no file to keep
    alt: str | None = None
    note: str | None = None  # why this is not the file itself (a poster for a stream)


@dataclass
class Kept:
    """A download's outcome: the file kept (name inside the capture folder) or why not."""

    file: MediaFile
    name: str | None = None
    sha256: str | None = None
    size: int = 0
    status: int | None = None
    source_url: str | None = None  # where the bytes came from, after redirects
    error: str | None = None
    exchanges: list[Exchange] = field(default_factory=list)  # for the WARC
    reused: bool = False  # the browser had the very file: not downloaded again


def plan(platform: Platform, media: list) -> list[MediaFile]:
    """The files to keep for PostData.media, in the post's order."""
    files = []
    for position, item in enumerate(media or [], start=1):
        if not isinstance(item, dict):
            continue
        kind = {"animated_gif": "gif"}.get(item.get("type"), item.get("type"))
        if kind not in ACCEPTED:
            kind = "photo"
        key = _UNSAFE.sub("_", platform.media_key(item) or "").strip("._")[:80] or "media"
        alt = item.get("alt") if isinstance(item.get("alt"), str) else None
        url, note = platform.original_media_url(item), None
        poster = item.get("url")
        if (url is None and kind in ("video", "gif") and isinstance(poster, str)
                and poster.startswith(("https://", "http://"))):
            # A video offered only as a stream (YouTube's, a playlist): its poster is
            # what can be kept, and the manifest says so.
            url, kind = poster, "poster"
            note = "the video is offered only as a stream: its poster is kept instead"
        files.append(MediaFile(position, kind, key, url, alt, note))
    return files


def file_name(file: MediaFile, url: str, content_type: str) -> str:
    """`media/01-KEY.jpg`: the post's order, the media key, the file's own extension."""
    suffix = Path(urlsplit(url).path).suffix.lower()
    if suffix not in _KNOWN_SUFFIXES:
        suffix = EXTENSIONS.get(content_type, ".bin")
    return f"{FOLDER}/{file.position:02d}-{file.key}{'.jpg' if suffix == '.jpeg' else suffix}"


def keep_from_browser(file: MediaFile, folder: Path, seen: Exchange) -> Kept:
    """The file the browser already received whole (same URL, 200): written from its
    recorded body, not asked for again."""
    content_type = _mime(seen.response_headers)
    name = file_name(file, seen.url, content_type)
    target = folder / name
    target.parent.mkdir(exist_ok=True)
    _write_whole(target, seen.body)
    return Kept(file, name, hashlib.sha256(seen.body).hexdigest(), len(seen.body), seen.status,
                seen.url, reused=True)


def download(client: Client, file: MediaFile, folder: Path, max_bytes: int) -> Kept:
    """Download one media file into folder/media/, following redirects hop by hop
    (each hop checked by the guard). Transient failures are retried as any request."""
    kept = Kept(file, source_url=file.url)
    if file.url is None:
        kept.error = f"no file to keep for this {file.kind} (only a stream is listed)"
        return kept
    attempts = max(1, client.retries)
    for attempt in range(1, attempts + 1):
        kept = Kept(file, source_url=file.url)
        transient = _try(client, file, folder, max_bytes, kept)
        if not transient or attempt == attempts:
            break
        client.sleep(client.backoff * 2 ** (attempt - 1))
    return kept


def _try(client: Client, file: MediaFile, folder: Path, max_bytes: int, kept: Kept) -> bool:
    """One try; fills kept. True when the failure is worth another try."""
    url = file.url
    for _hop in range(MAX_HOPS + 1):
        try:
            client.check(url)
        except (FetchRefused, Unreachable) as exc:
            kept.error = str(exc)
            return False
        client.pacer.wait((urlsplit(url).netloc or "").lower())
        at = time.time()
        try:
            with client.session.get(url, allow_redirects=False, stream=True,
                                    timeout=client.timeout) as response:
                kept.status, kept.source_url = response.status_code, url
                exchange = Exchange(
                    url=url, status=response.status_code,
                    request_headers=list(response.request.headers.items()),
                    reason=response.reason or "",
                    response_headers=list(response.raw.headers.items()), at=at, origin="media")
                kept.exchanges.append(exchange)
                if response.status_code != 200:
                    # Kept in the WARC with its body (a redirect's or an error page's,
                    # which are small; a larger one is left out of the record).
                    exchange.body = _small_body(response, client.timeout * 3)
                    if exchange.body is None:
                        kept.exchanges.pop()
                if response.is_redirect and response.headers.get("location"):
                    url = urljoin(url, response.headers["location"])
                    continue
                if response.status_code != 200:
                    kept.error = f"HTTP {response.status_code}"
                    return response.status_code in (429, 500, 502, 503, 504)
                return _save(client, file, folder, max_bytes, response, exchange, kept)
        except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
            kept.error = transport_error(exc, url, client.timeout)
            return True
    kept.error = f"more than {MAX_HOPS} redirects"
    return False


def _save(client: Client, file: MediaFile, folder: Path, max_bytes: int, response,
          exchange: Exchange, kept: Kept) -> bool:
    content_type = _mime(exchange.response_headers)
    if not content_type.startswith(ACCEPTED[file.kind]):
        kept.error = f"answered {content_type or 'no Content-Type'}, not a {file.kind}"
        return False
    declared = _length(response.headers.get("content-length"))
    if declared is not None and declared > max_bytes:
        kept.error = (f"announces {declared:,} bytes, over the {max_bytes:,}-byte cap"
                      " (MAX_MEDIA_MB)")
        return False
    media_dir = folder / FOLDER
    media_dir.mkdir(exist_ok=True)
    if declared is not None and shutil.disk_usage(media_dir).free < declared + DISK_MARGIN:
        kept.error = f"not enough free disk for its {declared:,} bytes"
        return False
    name = file_name(file, exchange.url, content_type)
    target = folder / name
    # Resume-safe: a download cut short (a killed run) stays under this name, which
    # no record names, and goes with its unrecorded capture folder.
    part = target.with_name(f".{target.name}.part")
    digest, total = hashlib.sha256(), 0
    deadline = time.monotonic() + client.timeout * 3
    try:
        with open(part, "wb") as handle:
            while chunk := response.raw.read1(CHUNK, decode_content=True):
                total += len(chunk)
                if total > max_bytes:
                    kept.error = f"larger than the {max_bytes:,}-byte cap (MAX_MEDIA_MB)"
                    return False
                if time.monotonic() > deadline:
                    kept.error = f"download too slow (over {client.timeout * 3:g} s)"
                    return True
                digest.update(chunk)
                handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
        if declared is not None and total < declared:
            kept.error = f"cut short: {total:,} of {declared:,} bytes"
            return True
        os.replace(part, target)
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        kept.error = transport_error(exc, exchange.url, client.timeout)
        return True
    finally:
        part.unlink(missing_ok=True)
    exchange.body_file = target
    kept.name, kept.sha256, kept.size, kept.error = name, digest.hexdigest(), total, None
    return False


SMALL_BODY = 1 << 20


def _small_body(response, seconds: float) -> bytes | None:
    """The body of a redirect or an error answer, when it is small and quick."""
    chunks, total, deadline = [], 0, time.monotonic() + seconds
    while chunk := response.raw.read1(CHUNK, decode_content=True):
        chunks.append(chunk)
        total += len(chunk)
        if total > SMALL_BODY or time.monotonic() > deadline:
            return None
    return b"".join(chunks)


def _write_whole(path: Path, data: bytes) -> None:
    part = path.with_name(f".{path.name}.part")
    with open(part, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(part, path)


def _mime(headers: list[tuple[str, str]]) -> str:
    value = next((v for k, v in headers if k.lower() == "content-type"), "")
    return value.split(";", 1)[0].strip().lower()


def _length(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
