"""`archiver show ID`: one post's record with each of its captures and their files.

Standard library only, like lookup: reading one post costs no more than opening
the database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from .evidence import folder_of
from .lookup import ArchiveUnreadable, open_readonly
from .verify import NoSuchPost, post_pks

POST_FIELDS = ("platform", "id", "handle", "author", "date", "created_at", "url", "status",
               "status_reason", "text", "live_text", "gone_since", "archived_at",
               "checked_at")


def post_records(archive_dir: str | Path, ident: str) -> list[dict]:
    """Every post the id names (a bare id may name one on each platform)."""
    conn = open_readonly(archive_dir)
    try:
        pks = post_pks(conn, ident)
        if not pks:
            raise NoSuchPost(f"no post {ident!r} in the archive")
        return [_record(conn, pk) for pk in pks]
    except sqlite3.DatabaseError as exc:
        raise ArchiveUnreadable(f"cannot read the archive at {archive_dir}: {exc}") from None
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def _record(conn: sqlite3.Connection, pk: int) -> dict:
    post = conn.execute("SELECT * FROM posts WHERE pk = ?", (pk,)).fetchone()
    columns = set(post.keys())  # an older archive lacks some
    record = {k: post[k] for k in POST_FIELDS if k in columns}
    status = "http_status" if "http_status" in _columns(conn, "snapshots") else "NULL"
    captures: dict[str, dict] = {}
    for row in conn.execute(
            f"SELECT kind, path, sha256, size, source_url, {status} AS http_status, captured_at"
            " FROM snapshots WHERE post_pk = ? ORDER BY captured_at, id", (pk,)):
        folder = folder_of(row["path"])
        capture = captures.setdefault(folder, {"folder": folder,
                                               "captured_at": row["captured_at"],
                                               "files": [], "failures": []})
        capture["files"].append(dict(row))
    if "media_failures" in {r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}:
        for row in conn.execute(
                "SELECT capture, position, media_type, source_url, http_status, reason"
                " FROM media_failures WHERE post_pk = ? ORDER BY id", (pk,)):
            if row["capture"] in captures:
                captures[row["capture"]]["failures"].append(
                    {k: row[k] for k in ("position", "media_type", "source_url",
                                         "http_status", "reason")})
    record["captures"] = list(captures.values())
    record["history"] = [dict(r) for r in conn.execute(
        "SELECT at, from_status, to_status, reason FROM status_history WHERE post_pk = ?"
        " ORDER BY at, id", (pk,))]
    return record


def latest_screenshot(record: dict) -> str | None:
    """The path (relative to the archive) of the post's most recent screenshot."""
    for capture in reversed(record["captures"]):
        for f in capture["files"]:
            if f["kind"] == "png":
                return f["path"]
    return None


def format_record(record: dict) -> str:
    """The record as text for a terminal (the caller escapes what third parties wrote)."""
    lines = [f"{record['platform']} {record['id']} @{record.get('handle') or '?'}"
             f" ({record.get('author') or 'no name'}): {record['status']}"]
    if record.get("status_reason"):
        lines.append(f"  reason: {record['status_reason']}")
    for label, key in (("date", "created_at"), ("url", "url"), ("gone since", "gone_since"),
                       ("archived", "archived_at"), ("checked", "checked_at")):
        if record.get(key) or (key == "created_at" and record.get("date")):
            lines.append(f"  {label}: {record.get(key) or record.get('date')}")
    for label, key in (("preserved text", "text"), ("live text", "live_text")):
        if record.get(key):
            lines.append(f"  {label}: {record[key]}")
    for event in record["history"]:
        lines.append(f"  {event['at']}: {event['from_status']} -> {event['to_status']}"
                     f" ({event['reason']})")
    if not record["captures"]:
        lines.append("  no captures")
    for capture in record["captures"]:
        lines.append(f"  capture {capture['captured_at']}: {capture['folder']}/")
        for f in capture["files"]:
            name = f["path"][len(capture["folder"]) + 1:]
            status = f" HTTP {f['http_status']}" if f.get("http_status") else ""
            lines.append(f"    {name:<40} {f['kind']:<12} {_size(f['size'])}{status}"
                         f"  sha256 {f['sha256'][:16]}…")
        for failure in capture["failures"]:
            lines.append(f"    media {failure['position']} ({failure['media_type']}) not kept:"
                         f" {failure['reason']}")
    return "\n".join(lines)


def _size(size: int | None) -> str:
    if size is None:
        return "?"
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return str(size)
