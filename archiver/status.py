"""`archiver status`: the archive's totals, what is due, the last runs.

Standard library only, read-only: safe beside a running job.
"""

from __future__ import annotations

from .lookup import ArchiveMissing, open_readonly

__all__ = ["ArchiveMissing", "archive_status"]


def archive_status(settings, now: str, runs: int = 5) -> dict:
    conn = open_readonly(settings.archive)
    try:
        one = lambda sql, *p: conn.execute(sql, p).fetchone()[0]  # noqa: E731
        posts = {r[0]: r[1] for r in conn.execute(
            "SELECT status, count(*) FROM posts GROUP BY status ORDER BY status")}
        due_posts = one(
            "SELECT count(*) FROM posts WHERE status = 'pending' OR (status = 'failed'"
            " AND coalesce(next_attempt_at, '') <= ? AND coalesce(attempts, 0) < ?)",
            now, settings.max_attempts)
        due_links = one(
            "SELECT count(*) FROM links WHERE resolved IS NULL AND (error IS NULL OR"
            " (next_attempt_at IS NOT NULL AND next_attempt_at <= ?"
            " AND coalesce(attempts, 0) < ?))", now, settings.max_attempts)
        exhausted = one(
            "SELECT count(*) FROM posts WHERE status = 'failed' AND coalesce(attempts, 0) >= ?",
            settings.max_attempts)
        next_at = one(
            "SELECT min(next_attempt_at) FROM posts WHERE status = 'failed'"
            " AND next_attempt_at > ? AND coalesce(attempts, 0) < ?", now, settings.max_attempts)
        recent = [
            dict(r) for r in conn.execute(
                "SELECT id, command, started_at, ended_at, exit_code, archived, deleted,"
                " unavailable, failed FROM runs ORDER BY id DESC LIMIT ?", (runs,))
        ]
        return {
            "archive": str(settings.archive),
            "articles": one("SELECT count(*) FROM articles"),
            "source_failures": one("SELECT count(*) FROM source_failures"),
            "posts": posts,
            "links": {
                "resolved": one("SELECT count(*) FROM links WHERE resolved IS NOT NULL"),
                "failed": one("SELECT count(*) FROM links WHERE error IS NOT NULL"),
                "pending": one(
                    "SELECT count(*) FROM links WHERE resolved IS NULL AND error IS NULL"),
            },
            "snapshots": one("SELECT count(*) FROM snapshots"),
            "due": {"posts": due_posts, "links": due_links, "exhausted": exhausted,
                    "next_at": next_at},
            "runs": recent,
        }
    finally:
        conn.close()
