"""`archiver verify`: every recorded capture file hashed again and held against its
folder's manifest and the database, and every WACZ validated with the `wacz`
package's own checks.

A missing or changed file, a manifest that is gone or no longer agrees with the
database, and a WACZ that does not validate are each a problem with its path.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .evidence import folder_of
from .lookup import ArchiveUnreadable, open_readonly

MANIFEST = "manifest.json"


@dataclass
class Problem:
    path: str  # relative to the archive
    what: str  # missing | changed | unlisted | unrecorded | manifest | invalid
    detail: str

    def to_json(self) -> dict:
        return {"path": self.path, "problem": self.what, "detail": self.detail}


@dataclass
class Verification:
    captures: int = 0
    files: int = 0
    waczs: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        what = (f"{self.captures} capture folders, {self.files} files, {self.waczs} WACZ"
                " validated")
        if self.ok:
            return f"Verified {what}: every file as recorded."
        n = len(self.problems)
        return f"Verified {what}: {n} problem{'s' if n > 1 else ''}."


def sha256_file(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def validate_wacz(path: Path) -> str | None:
    """None when the WACZ validates with the `wacz` package's checks (those of
    `wacz validate`), else what it said. The package prints as it checks: that is
    kept for the reason, never shown."""
    from wacz.util import WACZ_VERSION
    from wacz.validate import Validation

    said = io.StringIO()
    try:
        with contextlib.redirect_stdout(said), contextlib.redirect_stderr(said):
            validation = Validation(str(path))
            if validation.version != WACZ_VERSION:
                return f"not a WACZ {WACZ_VERSION} file (version {validation.version})"
            for check in (validation.check_required_contents,
                          validation.frictionless_validate, validation.check_file_paths,
                          validation.check_file_hashes,
                          validation.check_data_package_hash_and_sig):
                if check() is False:
                    lines = [x.strip() for x in said.getvalue().splitlines() if x.strip()]
                    return f"{check.__name__} failed" + (f": {lines[-1]}" if lines else "")
    except Exception as exc:  # noqa: BLE001 - a damaged file makes the package raise anything
        return f"unreadable: {type(exc).__name__}: {str(exc)[:200]}"
    return None


def verify(archive_dir: str | Path, post: str | None = None, wacz: bool = True,
           progress: Callable[[str], None] | None = None) -> Verification:
    """Check the captures of every post, or of one (its id, or platform:id)."""
    archive = Path(archive_dir)
    conn = open_readonly(archive)
    try:
        rows = _rows(conn, post)
    except sqlite3.DatabaseError as exc:
        raise ArchiveUnreadable(f"cannot read the archive at {archive}: {exc}") from None
    finally:
        conn.close()
    folders: dict[str, list[sqlite3.Row]] = {}
    for row in rows:
        folders.setdefault(folder_of(row["path"]), []).append(row)
    result = Verification(captures=len(folders))
    for folder, recorded in folders.items():
        if progress:
            progress(folder)
        _verify_folder(archive, folder, recorded, result, wacz)
    return result


class NoSuchPost(ArchiveUnreadable):
    pass


def _rows(conn: sqlite3.Connection, post: str | None) -> list[sqlite3.Row]:
    sql = ("SELECT s.kind, s.path, s.sha256, s.size FROM snapshots s"
           " JOIN posts p ON p.pk = s.post_pk")
    if post is None:
        return conn.execute(sql + " ORDER BY s.id").fetchall()
    pks = post_pks(conn, post)
    if not pks:
        raise NoSuchPost(f"no post {post!r} in the archive")
    marks = ",".join("?" * len(pks))
    return conn.execute(sql + f" WHERE p.pk IN ({marks}) ORDER BY s.id", pks).fetchall()


def post_pks(conn: sqlite3.Connection, ident: str) -> list[int]:
    """The posts an id names: `platform:id` (or its key), or a bare id on any platform."""
    ident = ident.strip()
    rows = conn.execute("SELECT pk FROM posts WHERE key = ? OR id = ? ORDER BY pk",
                        (ident, ident)).fetchall()
    return [r[0] for r in rows]


def _verify_folder(archive: Path, folder: str, recorded: list, result: Verification,
                   wacz: bool) -> None:
    manifest_path = archive / folder / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        listed = {f["name"]: f for f in manifest["files"]}
    except FileNotFoundError:
        result.problems.append(Problem(f"{folder}/{MANIFEST}", "missing", "no manifest"))
        listed = None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        result.problems.append(Problem(f"{folder}/{MANIFEST}", "manifest",
                                       f"unreadable: {exc}"))
        listed = None
    names = set()
    for row in recorded:
        result.files += 1
        name = row["path"][len(folder) + 1:]
        names.add(name)
        path = archive / row["path"]
        try:
            digest, size = sha256_file(path)
        except FileNotFoundError:
            result.problems.append(Problem(row["path"], "missing", "recorded, not on disk"))
            continue
        except OSError as exc:
            result.problems.append(Problem(row["path"], "missing", f"unreadable: {exc}"))
            continue
        if digest != row["sha256"] or (row["size"] is not None and size != row["size"]):
            result.problems.append(Problem(
                row["path"], "changed",
                f"sha256 {digest[:16]}… ({size} bytes), recorded {row['sha256'][:16]}…"
                f" ({row['size']} bytes)"))
        if listed is not None:
            entry = listed.get(name)
            if entry is None:
                result.problems.append(Problem(row["path"], "unlisted",
                                               "recorded, not in the manifest"))
            elif entry.get("sha256") != row["sha256"]:
                result.problems.append(Problem(row["path"], "manifest",
                                               "the manifest's sha256 differs from the record"))
        if wacz and row["kind"] == "wacz" and digest == row["sha256"]:
            result.waczs += 1
            reason = validate_wacz(path)
            if reason:
                result.problems.append(Problem(row["path"], "invalid", reason))
    for name in sorted(set(listed or ()) - names):
        result.problems.append(Problem(f"{folder}/{name}", "unrecorded",
                                       "in the manifest, not in the database"))
