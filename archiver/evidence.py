"""Capture folders on disk: ARCHIVE/snapshots/<platform>/<id>/<UTC timestamp>/.

Every file is written under a temporary name and renamed when complete; the
folder itself is assembled under a temporary name too, with a manifest.json
listing each file's size, SHA-256, source URL and HTTP status, and renamed into
place last. Only then does the database learn of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

PARTIAL_SUFFIX = ".partial"
# One path segment, whatever the platform's ids look like: no separators, no dot
# first (no ".."), nothing a file system or a shell would read specially.
_SAFE_ID = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@=+-]{0,159}$")
_SAFE_PLATFORM = re.compile(r"^[a-z][a-z0-9_-]{0,31}$")


@dataclass
class Piece:
    """One file of a capture, before it is written."""

    name: str
    kind: str
    data: bytes
    source_url: str | None = None
    http_status: int | None = None


@dataclass
class Written:
    kind: str
    path: str  # relative to the archive folder
    sha256: str
    size: int
    source_url: str | None
    http_status: int | None
    captured_at: str


def capture_folder(archive_dir: Path, platform: str, post_id: str, stamp: str) -> Path:
    """The folder for one capture, built only from validated parts."""
    from . import platforms

    try:
        known = platforms.get(platform) if _SAFE_PLATFORM.match(platform) else None
    except KeyError:
        known = None
    folder = known.folder_name(post_id) if known and known.valid_id(post_id) else ""
    if not _SAFE_ID.match(folder) or ".." in folder:
        raise ValueError(f"unsafe capture path parts: {platform!r}, {post_id!r}")
    return archive_dir / "snapshots" / platform / folder / stamp


def _write_file(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


def write_capture(archive_dir: Path, platform: str, post_id: str, stamp: str,
                  captured_at: str, pieces: list[Piece]) -> list[Written]:
    final = capture_folder(archive_dir, platform, post_id, stamp)
    n = 1
    while final.exists():  # two captures within the same second
        n += 1
        final = final.with_name(f"{stamp}-{n}")
    partial = final.with_name(final.name + PARTIAL_SUFFIX)
    partial.mkdir(parents=True, exist_ok=True)
    try:
        written, manifest = [], []
        for piece in pieces:
            _write_file(partial / piece.name, piece.data)
            digest = hashlib.sha256(piece.data).hexdigest()
            manifest.append({
                "name": piece.name, "kind": piece.kind, "size": len(piece.data),
                "sha256": digest, "source_url": piece.source_url,
                "http_status": piece.http_status, "captured_at": captured_at,
            })
            rel = (final / piece.name).relative_to(archive_dir).as_posix()
            written.append(Written(piece.kind, rel, digest, len(piece.data), piece.source_url,
                                   piece.http_status, captured_at))
        body = {"platform": platform, "id": post_id, "captured_at": captured_at,
                "files": manifest}
        _write_file(partial / "manifest.json",
                    json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8"))
        os.replace(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return written


def discard(archive_dir: Path, written: list[Written]) -> None:
    """Remove the capture folders of files that could not be recorded."""
    for folder in {(archive_dir / w.path).parent for w in written}:
        if (archive_dir / "snapshots") in folder.parents:
            shutil.rmtree(folder, ignore_errors=True)


def remove_unreferenced(archive_dir: Path, referenced: set[str]) -> int:
    """Remove capture folders no record references: half-written ones, and complete
    ones a killed run never recorded. `referenced` holds folder paths relative to
    the archive. Returns how many were removed."""
    root = archive_dir / "snapshots"
    if not root.is_dir():
        return 0
    removed = 0
    for folder in root.glob("*/*/*"):
        rel = folder.relative_to(archive_dir).as_posix()
        if rel in referenced or not folder.is_dir():
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed += 1
    for empty in sorted(root.glob("*/*"), reverse=True):
        if empty.is_dir() and not any(empty.iterdir()):
            empty.rmdir()
    return removed
