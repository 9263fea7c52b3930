"""Reading sources: files (recursively through directories), http(s) URLs and stdin."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..errors import SourceError
from .decode import looks_utf16

USER_AGENT = "archiver/0.1 (+https://github.com/; embed archiver)"


@dataclass
class Loaded:
    source: str
    data: bytes
    content_type: str | None = None


def expand(specs: list[str]) -> Iterator[str | SourceError]:
    """Each spec as the sources it names: a directory gives its files, sorted, recursively.

    Hidden files and folders (names starting with '.') inside a directory are skipped.
    """
    for spec in specs:
        if spec == "-" or spec.startswith(("http://", "https://")):
            yield spec
            continue
        path = Path(spec)
        if path.is_dir():
            found = False
            for root, dirs, files in os.walk(path, onerror=None):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        found = True
                        yield str(Path(root, name))
            if not found:
                yield SourceError(spec, "directory holds no files")
        elif path.exists() or path.is_symlink():
            yield spec
        else:
            yield SourceError(spec, "no such file or directory")


def load(source: str, max_bytes: int, timeout: float = 20.0) -> Loaded:
    """The bytes of one source, or SourceError saying why not."""
    if source == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
        return _checked(Loaded(source, data), max_bytes)
    if source.startswith(("http://", "https://")):
        return _checked(_fetch(source, max_bytes, timeout), max_bytes)
    path = Path(source)
    try:
        if not path.is_file():
            raise SourceError(source, "not a regular file")
        size = path.stat().st_size
        if size > max_bytes:
            raise SourceError(source, _too_large(size, max_bytes))
        with open(path, "rb") as handle:
            data = handle.read(min(size, max_bytes) + 1)  # not a max_bytes buffer per file
    except PermissionError:
        raise SourceError(source, "permission denied") from None
    except OSError as exc:
        raise SourceError(source, exc.strerror or str(exc)) from None
    return _checked(Loaded(source, data), max_bytes)


def _too_large(size: int, max_bytes: int) -> str:
    return (
        f"{size / 1048576:.1f} MB is over the {max_bytes / 1048576:.0f} MB limit"
        " (setting MAX_SOURCE_MB)"
    )


def _checked(loaded: Loaded, max_bytes: int) -> Loaded:
    data = loaded.data
    if len(data) > max_bytes:
        raise SourceError(loaded.source, _too_large(len(data), max_bytes))
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
    import requests  # only URL sources pay for it

    try:
        with requests.get(
            url, stream=True, timeout=timeout, headers={"User-Agent": USER_AGENT}
        ) as response:
            if response.status_code >= 400:
                status = f"HTTP {response.status_code} {response.reason or ''}"
                raise SourceError(url, status.strip())
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise SourceError(url, _too_large(int(declared), max_bytes))
            chunks, total = [], 0
            deadline = time.monotonic() + timeout * 3
            # read1 returns what has arrived, so a dripping answer meets the deadline.
            while chunk := response.raw.read1(65536, decode_content=True):
                chunks.append(chunk)
                total += len(chunk)
                if total > max_bytes:
                    raise SourceError(url, _too_large(total, max_bytes))
                if time.monotonic() > deadline:
                    raise SourceError(url, f"too slow: not complete after {timeout * 3:g} s")
            return Loaded(url, b"".join(chunks), response.headers.get("Content-Type"))
    except (requests.RequestException, OSError) as exc:
        raise SourceError(url, f"fetch failed: {type(exc).__name__}: {exc}") from None
    except Exception as exc:  # noqa: BLE001 - urllib3's own errors from read1
        raise SourceError(url, f"fetch failed: {type(exc).__name__}: {exc}") from None
