"""Reading sources: files (recursively through directories), http(s) URLs and stdin.

Web archives (WARC, WACZ) among them are read record by record in webarchive.py.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from ..errors import SourceError
from .decode import looks_utf16

USER_AGENT = "archiver/0.1 (+https://github.com/; embed archiver)"


@dataclass
class Loaded:
    source: str
    data: bytes
    content_type: str | None = None


@dataclass(frozen=True)
class EscapedPath:
    """A file whose path is not valid UTF-8 (a name written by another system's encoding).

    `source` is the name recorded and printed: the path with each undecodable byte
    written as \\xNN, so it can be stored and read; `path` is the one to open.
    """

    source: str
    path: str


def named(path: str) -> str | EscapedPath:
    """The path itself when it is text; else the path with its odd bytes escaped."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:  # os.walk and sys.argv carry odd bytes as lone surrogates
        return EscapedPath(os.fsencode(path).decode("utf-8", "backslashreplace"), path)
    return path


def source_name(item: str | EscapedPath) -> str:
    return item.source if isinstance(item, EscapedPath) else item


def expand(specs: list[str]) -> Iterator[str | EscapedPath | SourceError]:
    """Each spec as the sources it names: a directory gives its files, sorted, recursively.

    A file or folder is named by its absolute path, normalised but with symlinks
    kept: "news/a.html" typed in one folder and "/home/me/news/a.html" typed later
    are one article, not two. URLs and "-" are kept as typed.
    Hidden files and folders (names starting with '.') inside a directory are skipped.
    Symlinked folders are followed, and every folder is read once (by its real path
    when it has one inside), so a link back up the tree is no loop. A spec or
    folder that cannot be read is a SourceError, never an OSError.
    """
    for spec in specs:
        if spec == "-" or spec.startswith(("http://", "https://")):
            name = named(spec)
            yield spec if name == spec else SourceError(
                source_name(name), "not a URL: holds bytes that are not UTF-8")
            continue
        try:
            spec = os.path.abspath(spec)  # os.getcwd() may be gone: that spec fails alone
            info = os.stat(spec)
        except FileNotFoundError:
            # A dangling symlink is named anyway: reading it says what is wrong.
            yield named(spec) if os.path.lexists(spec) else SourceError(
                source_name(named(spec)), "no such file or directory")
            continue
        except (OSError, ValueError) as exc:  # a name too long, a NUL in it, a loop of links
            yield SourceError(source_name(named(spec)), unreadable(exc))
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(spec, info)
        else:
            yield named(spec)


def _walk(top: str, info: os.stat_result) -> Iterator[str | EscapedPath | SourceError]:
    """The files under top: its own folders first, then the symlinked ones, so a
    file reached both ways keeps its real path; no folder is read twice."""
    visited = {(info.st_dev, info.st_ino)}
    links: deque[str] = deque()
    found = False
    for item in _walk_one(top, visited, links):
        found = True
        yield item
    while links:
        link = links.popleft()
        try:
            target = os.stat(link)
        except OSError as exc:
            found = True
            yield SourceError(source_name(named(link)), unreadable(exc))
            continue
        if (target.st_dev, target.st_ino) in visited:
            continue  # read already, by its real path or another link
        visited.add((target.st_dev, target.st_ino))
        for item in _walk_one(link, visited, links):
            found = True
            yield item
    if not found:
        yield SourceError(source_name(named(top)), "directory holds no files")


def _walk_one(top: str, visited: set, links: deque) -> Iterator[str | EscapedPath | SourceError]:
    errors: list[OSError] = []
    for root, dirs, files in os.walk(top, onerror=errors.append):
        kept = []
        for name in sorted(d for d in dirs if not d.startswith(".")):
            path = os.path.join(root, name)
            try:
                folder = os.stat(path)
            except OSError as exc:  # a link to nowhere, a loop of links
                errors.append(exc)
                continue
            if (folder.st_dev, folder.st_ino) in visited:
                continue
            if os.path.islink(path):
                links.append(str(Path(root, name)))  # read after every real folder
            else:
                visited.add((folder.st_dev, folder.st_ino))
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if not name.startswith("."):
                yield named(str(Path(root, name)))
        while errors:  # a folder that cannot be listed: said once, not as "no files"
            exc = errors.pop(0)
            yield SourceError(source_name(named(str(exc.filename or top))), unreadable(exc))


def unreadable(exc: OSError | ValueError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    reason = getattr(exc, "strerror", None) or str(exc)
    return f"cannot be read: {reason[:1].lower() + reason[1:]}"


def load(source: str | EscapedPath, max_bytes: int, timeout: float = 20.0) -> Loaded:
    """The bytes of one source, or SourceError saying why not."""
    if source == "-":
        try:
            data = sys.stdin.buffer.read(max_bytes + 1)
        except OSError as exc:
            raise SourceError(source, unreadable(exc)) from None
        return checked(Loaded(source, data), max_bytes)
    if isinstance(source, str) and source.startswith(("http://", "https://")):
        return checked(_fetch(source, max_bytes, timeout), max_bytes)
    name, path = source_name(source), Path(getattr(source, "path", source))
    try:
        if not path.is_file():
            raise SourceError(name, "not a regular file")
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(name, too_large(size, max_bytes))
        with open(path, "rb") as handle:
            data = handle.read(min(size, max_bytes) + 1)  # not a max_bytes buffer per file
    except PermissionError:
        raise SourceError(name, "permission denied") from None
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the name
        raise SourceError(name, exc.strerror if getattr(exc, "strerror", None)
                          else unreadable(exc)) from None
    return checked(Loaded(name, data), max_bytes)


def too_large(size: int, max_bytes: int) -> str:
    return (
        f"{size / 1048576:.1f} MB is over the {max_bytes / 1048576:.0f} MB limit"
        " (setting MAX_SOURCE_MB)"
    )


def checked(loaded: Loaded, max_bytes: int) -> Loaded:
    data = loaded.data
    if len(data) > max_bytes:
        raise SourceError(loaded.source, too_large(len(data), max_bytes))
    if not data.strip():
        raise SourceError(loaded.source, "empty: nothing to scan")
    head = data[:8192]
    utf16 = head.startswith((b"\xff\xfe", b"\xfe\xff")) or looks_utf16(head)
    if not utf16 and (b"\x00" in head or _control_ratio(head) > 0.1):
        raise SourceError(loaded.source, "binary data, not an article (HTML or text)")
    return loaded


_CONTROLS = bytes([*range(0, 9), *range(14, 32)])


def _control_ratio(head: bytes) -> float:
    kept = head.translate(None, delete=_CONTROLS)
    return (len(head) - len(kept)) / max(len(head), 1)


def _fetch(url: str, max_bytes: int, timeout: float) -> Loaded:
    with open_url(url, timeout) as response:
        return _read_answer(url, response, max_bytes, timeout)


@contextlib.contextmanager
def open_url(url: str, timeout: float, headers: dict | None = None) -> Iterator:
    """A URL source's answer, open for streaming (a web archive is read as it
    arrives), through the address guard, redirects followed hop by hop and each
    hop checked: only the host the operator named may be on a non-public address
    (see feeds.trusted_host), never a redirect's or a list's other hosts. An answer
    of 400 or more, a refused hop and a transport failure (also while the caller
    reads) are SourceErrors."""
    import requests  # only URL sources pay for it
    import urllib3

    from ..net import AddressGuard, FetchRefused, Unreachable, guarded_session, transport_error
    from .feeds import trusted_host

    guard = AddressGuard({trusted_host(url)} - {None})
    session = guarded_session(guard, USER_AGENT)
    current, seen = url, set()
    try:
        for _hop in range(MAX_REDIRECTS + 1):
            seen.add(current)
            try:
                guard.check(current)
            except (FetchRefused, Unreachable) as exc:
                where = "" if current == url else f"redirected to {current[:200]}: "
                raise SourceError(url, where + str(exc)) from None
            with session.get(current, stream=True, timeout=timeout, allow_redirects=False,
                             headers=headers) as response:
                if response.is_redirect:
                    try:
                        current = urljoin(current, response.headers["Location"].strip())
                    except ValueError as exc:  # "http://[::1": not a URL at all
                        raise SourceError(url, f"redirects to an invalid URL ({exc})") from None
                    if current in seen:
                        raise SourceError(url, f"redirect loop: {current[:200]} came back")
                    continue
                if response.status_code >= 400:
                    status = f"HTTP {response.status_code} {response.reason or ''}"
                    raise SourceError(url, status.strip())
                yield response
                return
        raise SourceError(url, f"more than {MAX_REDIRECTS} redirects")
    except (requests.RequestException, urllib3.exceptions.HTTPError) as exc:
        reason = transport_error(exc, current, timeout)
        raise SourceError(url, f"fetch failed: {reason}") from None
    except OSError as exc:
        raise SourceError(url, f"fetch failed: {exc.strerror or exc}") from None
    finally:
        session.close()


MAX_REDIRECTS = 10


def _read_answer(url: str, response, max_bytes: int, timeout: float) -> Loaded:
    declared = response.headers.get("Content-Length")
    if declared and declared.isascii() and declared.isdigit() and int(declared) > max_bytes:
        raise SourceError(url, too_large(int(declared), max_bytes))
    chunks, total = [], 0
    deadline = time.monotonic() + timeout * 3
    # read1 returns what has arrived, so a dripping answer meets the deadline.
    while chunk := response.raw.read1(65536, decode_content=True):
        chunks.append(chunk)
        total += len(chunk)
        if total > max_bytes:
            raise SourceError(url, too_large(total, max_bytes))
        if time.monotonic() > deadline:
            raise SourceError(url, f"too slow: not complete after {timeout * 3:g} s")
    return Loaded(url, b"".join(chunks), response.headers.get("Content-Type"))
