"""Capture folders on disk: ARCHIVE/snapshots/<platform>/<id>/<UTC timestamp>/.

Every file is written under a temporary name and renamed when complete; the
folder itself is assembled under a temporary name too (media downloads land in
it as they come), with capture.wacz (every HTTP exchange of the capture, see
wacz_writer.py) and a manifest.json listing each file's size, SHA-256, source URL
and HTTP status, and renamed into place last. Only then does the database learn
of it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, field
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


def folder_of(path: str) -> str:
    """The capture folder of a recorded file (snapshots/<platform>/<id>/<stamp>/...),
    relative to the archive, wherever inside it the file lies (media/ files too)."""
    return "/".join(path.split("/")[:4])


def _write_file(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


@dataclass
class WebArchive:
    """The capture's traffic, to be written as capture.wacz."""

    exchanges: list
    page: object  # wacz_writer.Page
    resources: list = field(default_factory=list)
    notes: object = None  # wacz_writer.Notes
    description: str = ""


@dataclass
class Recorded:
    """A capture folder once in place: its files, and what could not be kept."""

    files: list[Written]
    failures: list[dict]


WACZ_NAME = "capture.wacz"


def web_archive(platform, post_id: str, verdict, lookups, answers: dict, pieces: list[Piece],
                shown, kept: list) -> WebArchive:
    """Every exchange of one capture (the data lookups' answers, what the browser got
    while `shown` rendered, the media downloads of `kept`) and its screenshot, for the
    WACZ; its page is the embed page shown, else the first data answer (a post gone
    has no page but the answers that showed it gone)."""
    from .traffic import from_answer
    from .wacz_writer import Notes, Page, Resource

    exchanges = [e for e in (from_answer(answers[lookup.name]) for lookup in lookups) if e]
    exchanges += shown.exchanges if shown else []
    exchanges += [e for k in kept for e in k.exchanges]
    exchanges.sort(key=lambda e: e.at)
    first = exchanges[0].at if exchanges else time.time()
    title = f"{platform.title} post {post_id}"
    if shown is not None and shown.exchanges:
        page = Page(shown.pieces[0].source_url or shown.exchanges[0].url,
                    shown.title or title, shown.exchanges[0].at)
    else:
        url = next((e.url for e in exchanges if e.origin == "lookup"),
                   pieces[0].source_url if pieces else "")
        page = Page(url or f"urn:archiver:{platform.name}:{post_id}",
                    f"{title} ({verdict.status})", first)
    resources = [Resource(f"urn:screenshot:{p.source_url or page.url}", "image/png", p.data,
                          first) for p in pieces if p.kind == "png"]
    notes = Notes(unrecorded=shown.unrecorded if shown else [],
                  blocked=shown.blocked if shown else [])
    return WebArchive(exchanges, page, resources, notes,
                      description=f"{title}: {verdict.status} ({verdict.reason})")


class Draft:
    """A capture folder being assembled under `<stamp>.partial`: media downloads land
    in it as they come; finish() adds the other files, the WACZ and the manifest,
    and renames it into place."""

    def __init__(self, archive_dir: Path, platform: str, post_id: str, stamp: str):
        self.archive_dir, self.platform, self.post_id = archive_dir, platform, post_id
        final = capture_folder(archive_dir, platform, post_id, stamp)
        n = 1
        while final.exists() or final.with_name(final.name + PARTIAL_SUFFIX).exists():
            n += 1  # two captures within the same second
            final = final.with_name(f"{stamp}-{n}")
        self.final = final
        self.folder = final.with_name(final.name + PARTIAL_SUFFIX)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _rel(self, name: str) -> str:
        return (self.final / name).relative_to(self.archive_dir).as_posix()

    def finish(self, captured_at: str, pieces: list[Piece], media: list | None = None,
               web: WebArchive | None = None) -> Recorded:
        try:
            written, entries, failures = [], [], []
            for piece in pieces:
                _write_file(self.folder / piece.name, piece.data)
                digest = hashlib.sha256(piece.data).hexdigest()
                entries.append({
                    "name": piece.name, "kind": piece.kind, "size": len(piece.data),
                    "sha256": digest, "source_url": piece.source_url,
                    "http_status": piece.http_status, "captured_at": captured_at,
                })
                written.append(Written(piece.kind, self._rel(piece.name), digest,
                                       len(piece.data), piece.source_url, piece.http_status,
                                       captured_at))
            for kept in media or []:
                item = {"position": kept.file.position, "media_type": kept.file.kind,
                        "alt": kept.file.alt,
                        **({"note": kept.file.note} if kept.file.note else {})}
                if kept.name is None:
                    failures.append({"kind": "media", **item, "source_url": kept.file.url,
                                     "http_status": kept.status, "reason": kept.error})
                    continue
                entries.append({
                    "name": kept.name, "kind": "media", "size": kept.size,
                    "sha256": kept.sha256, "source_url": kept.source_url,
                    "http_status": kept.status, "captured_at": captured_at, **item,
                    **({"asked_url": kept.file.url} if kept.file.url != kept.source_url
                       else {}),
                    **({"from_browser": True} if kept.reused else {}),
                })
                written.append(Written("media", self._rel(kept.name), kept.sha256, kept.size,
                                       kept.source_url, kept.status, captured_at))
            if web is not None:
                from . import __version__
                from .wacz_writer import Notes, write_wacz

                notes = web.notes or Notes()
                digest, size = write_wacz(self.folder / WACZ_NAME, web.exchanges, web.resources,
                                          web.page, notes, f"archiver {__version__}",
                                          web.description)
                entries.append({
                    "name": WACZ_NAME, "kind": "wacz", "size": size, "sha256": digest,
                    "source_url": web.page.url, "http_status": None,
                    "captured_at": captured_at, "exchanges": len(web.exchanges),
                    "unrecorded": len(notes.unrecorded), "blocked": len(notes.blocked),
                })
                written.append(Written("wacz", self._rel(WACZ_NAME), digest, size,
                                       web.page.url, None, captured_at))
            body = {"platform": self.platform, "id": self.post_id,
                    "captured_at": captured_at, "files": entries}
            if failures:
                body["failures"] = failures
            _write_file(self.folder / MANIFEST_NAME,
                        json.dumps(body, indent=2, ensure_ascii=False).encode("utf-8"))
            os.replace(self.folder, self.final)
        except BaseException:
            self.discard()
            raise
        return Recorded(written, failures)

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


MANIFEST_NAME = "manifest.json"


def write_capture(archive_dir: Path, platform: str, post_id: str, stamp: str,
                  captured_at: str, pieces: list[Piece]) -> list[Written]:
    """A capture of these files alone (no traffic, no media)."""
    return Draft(archive_dir, platform, post_id, stamp).finish(captured_at, pieces).files


def discard(archive_dir: Path, written: list[Written]) -> None:
    """Remove the capture folders of files that could not be recorded."""
    for folder in {archive_dir / folder_of(w.path) for w in written}:
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
