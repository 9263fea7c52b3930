"""What the fetcher reads from and writes to the store: due work, link
resolutions, post outcomes and capture files."""

from __future__ import annotations

import sqlite3

from .sources.compare import texts_differ
from .store import Store, dumps


class FetchLedger:
    """What the fetcher reads and writes: due work, link resolutions, outcomes, captures.

    All methods run on the thread that owns the connection; each write is one
    transaction.
    """

    def __init__(self, store: Store):
        self.store = store
        self.conn = store.conn

    def links_due(self, now: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT code FROM links WHERE resolved IS NULL"
            " AND (error IS NULL OR next_attempt_at IS NOT NULL)"
            " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY code",
            (now,),
        )
        return [r[0] for r in rows]

    def save_resolution(self, resolution, now: str, retry_at: str | None) -> None:
        with self.conn:
            self.conn.execute(
                "UPDATE links SET resolved = ?, error = ?, hops = ?, note = ?, resolved_at = ?,"
                " attempts = coalesce(attempts, 0) + 1, next_attempt_at = ? WHERE code = ?",
                (resolution.resolved, resolution.error, resolution.hops_json(), resolution.note,
                 now, retry_at if resolution.error and resolution.transient else None,
                 resolution.code),
            )

    def resolved_status_links(self) -> list[tuple]:
        """(post pk, post id, post handle, link code, is_pic, resolved URL) for every
        post link that resolved somewhere."""
        return self.conn.execute(
            "SELECT p.pk, p.id, p.handle, l.code, l.is_pic, l.resolved FROM post_links pl"
            " JOIN posts p ON p.pk = pl.post_pk JOIN links l ON l.code = pl.code"
            " WHERE l.resolved IS NOT NULL ORDER BY p.pk, pl.rowid"
        ).fetchall()

    def posts_due(self, now: str) -> list[dict]:
        self.conn.row_factory = sqlite3.Row
        try:
            rows = self.conn.execute(
                "SELECT pk, platform, id, handle, text FROM posts"
                " WHERE status IN ('pending', 'failed')"
                " AND (next_attempt_at IS NULL OR next_attempt_at <= ?) ORDER BY pk",
                (now,),
            ).fetchall()
            return [dict(r) for r in rows]
        finally:
            self.conn.row_factory = None

    def post_links_unsettled(self, pk: int) -> int:
        return self.conn.execute(
            "SELECT count(*) FROM post_links pl JOIN links l ON l.code = pl.code"
            " WHERE pl.post_pk = ? AND l.resolved IS NULL AND l.error IS NULL", (pk,)
        ).fetchone()[0]

    def post_link_errors(self, pk: int) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT l.error FROM post_links pl JOIN links l ON l.code = pl.code"
            " WHERE pl.post_pk = ? AND l.error IS NOT NULL", (pk,)
        )]

    def add_quote(self, quoter_pk: int, platform: str, quoted_id: str, handle: str | None,
                  url: str, via: str, now: str) -> tuple[int, bool]:
        """Record a quoted post (created pending if new) and its relation. Returns (pk, new)."""
        with self.conn:
            row = self.conn.execute(
                "SELECT pk FROM posts WHERE platform = ? AND id = ?", (platform, quoted_id)
            ).fetchone()
            created = row is None
            if created:
                pk = self.conn.execute(
                    "INSERT INTO posts (key, platform, id, handle, url, status, first_seen,"
                    " updated_at, attempts) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, 0)",
                    (f"{platform}:{quoted_id}", platform, quoted_id, handle, url, now, now),
                ).lastrowid
            else:
                pk = row[0]
            if pk != quoter_pk:
                self.conn.execute(
                    "INSERT OR IGNORE INTO post_quotes (quoter_pk, quoted_pk, via)"
                    " VALUES (?, ?, ?)",
                    (quoter_pk, pk, via),
                )
            return pk, created

    def is_quoted_only(self, pk: int) -> bool:
        """A post known only as the quote of another (depth 1: its own quotes are not followed)."""
        in_article = self.conn.execute(
            "SELECT 1 FROM article_posts WHERE post_pk = ? LIMIT 1", (pk,)
        ).fetchone()
        return in_article is None

    def save_outcome(self, pk: int, status: str, reason: str, now: str, data=None,
                     files: list | None = None, retry_at: str | None = None,
                     error: str | None = None) -> None:
        """A post's verdict, its live data and its capture files, in one transaction."""
        with self.conn:
            if data is not None:
                preserved = self.conn.execute(
                    "SELECT text FROM posts WHERE pk = ?", (pk,)
                ).fetchone()[0]
                self.conn.execute(
                    "UPDATE posts SET live_text = ?, author = coalesce(author, ?),"
                    " handle = coalesce(handle, ?), created_at = coalesce(?, created_at),"
                    " date = coalesce(date, ?), media = ?, edit_info = ?, edited = ?"
                    " WHERE pk = ?",
                    (data.text, data.author, data.handle, data.created_at,
                     (data.created_at or "")[:10] or None,
                     dumps(data.media) if data.media else None,
                     dumps(data.edit_info) if data.edit_info else None,
                     int(texts_differ(preserved, data.text) or data.is_edited), pk),
                )
            failed = status == "failed"
            self.conn.execute(
                "UPDATE posts SET status = ?, status_reason = ?, checked_at = ?, updated_at = ?,"
                " attempts = CASE WHEN ? THEN coalesce(attempts, 0) + 1 ELSE 0 END,"
                " last_error = CASE WHEN ? THEN ? ELSE last_error END, next_attempt_at = ?,"
                " archived_at = CASE WHEN ? = 'archived' THEN ? ELSE archived_at END"
                " WHERE pk = ?",
                (status, reason, now, now, failed, failed, error or reason,
                 retry_at if failed else None, status, now, pk),
            )
            for f in files or []:
                self.conn.execute(
                    "INSERT INTO snapshots (post_pk, kind, path, sha256, size, source_url,"
                    " captured_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (pk, f.kind, f.path, f.sha256, f.size, f.source_url, f.captured_at),
                )
