"""`archiver status`: the archive's totals, what is due, the last runs.

Read-only: safe beside a running job. An archive made by
an older archiver (not yet upgraded by a writing command) is read as far as its
schema goes: what it cannot tell is None, and `upgrade_pending` says so.
"""

from __future__ import annotations

import sqlite3

from .lookup import ArchiveMissing, ArchiveUnreadable, open_readonly
from .schema import MIGRATIONS

__all__ = ["ArchiveMissing", "ArchiveUnreadable", "archive_status"]


def archive_status(settings, now: str, runs: int = 5) -> dict:
    conn = open_readonly(settings.archive)
    try:
        return _status(conn, settings, now, runs)
    except sqlite3.DatabaseError as exc:
        raise ArchiveUnreadable(f"cannot read the archive at {settings.archive}: {exc}") from None
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}


def _status(conn: sqlite3.Connection, settings, now: str, runs: int) -> dict:
    one = lambda sql, *p: conn.execute(sql, p).fetchone()[0]  # noqa: E731
    post_columns, link_columns = _columns(conn, "posts"), _columns(conn, "links")
    retries = {"attempts", "next_attempt_at"} <= post_columns & link_columns
    migrations = [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY name")]

    due = {"posts": None, "links": None, "exhausted": None, "next_at": None}
    if retries:
        due = {
            "posts": one(
                "SELECT count(*) FROM posts WHERE status = 'pending' OR (status = 'failed'"
                " AND coalesce(next_attempt_at, '') <= ? AND coalesce(attempts, 0) < ?)",
                now, settings.max_attempts),
            "links": one(
                "SELECT count(*) FROM links WHERE resolved IS NULL AND (error IS NULL OR"
                " (next_attempt_at IS NOT NULL AND next_attempt_at <= ?"
                " AND coalesce(attempts, 0) < ?))", now, settings.max_attempts),
            "exhausted": one(
                "SELECT count(*) FROM posts WHERE status = 'failed'"
                " AND coalesce(attempts, 0) >= ?", settings.max_attempts),
            "next_at": one(
                "SELECT min(next_attempt_at) FROM posts WHERE status = 'failed'"
                " AND next_attempt_at > ? AND coalesce(attempts, 0) < ?",
                now, settings.max_attempts),
        }
    recent = []
    if _columns(conn, "runs"):
        recent = [
            dict(r) for r in conn.execute(
                "SELECT id, command, started_at, ended_at, exit_code, archived, deleted,"
                " unavailable, failed FROM runs ORDER BY id DESC LIMIT ?", (runs,))
        ]
    return {
        "archive": str(settings.archive),
        "articles": one("SELECT count(*) FROM articles"),
        "source_failures": one("SELECT count(*) FROM source_failures"),
        "posts": {r[0]: r[1] for r in conn.execute(
            "SELECT status, count(*) FROM posts GROUP BY status ORDER BY status")},
        "links": {
            "resolved": one("SELECT count(*) FROM links WHERE resolved IS NOT NULL"),
            "failed": one("SELECT count(*) FROM links WHERE error IS NOT NULL"),
            "pending": one("SELECT count(*) FROM links WHERE resolved IS NULL AND error IS NULL"),
        },
        "snapshots": one("SELECT count(*) FROM snapshots"),
        "due": due,
        "runs": recent,
        "upgrade_pending": [name for name, _ in MIGRATIONS if name not in migrations],
    }
