"""What the fetcher reads from and writes to the store: due work, link
resolutions, post outcomes, status history and capture files.

All methods run on the thread that owns the connection; each write is one
transaction.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from . import clock, platforms
from .evidence import folder_of
from .schema import other_ids, settle_other_ids
from .store import Store, dumps


@dataclass
class Schedule:
    """When failed work is due again: backoff across runs, and a limit."""

    base_minutes: float = 60.0
    max_attempts: int = 6
    retry_failed: bool = False  # take failed work that used up its attempts, too

    def next_attempt(self, now: str, attempts: int) -> str:
        return clock.retry_at(now, attempts, self.base_minutes)


class FetchLedger:
    def __init__(self, store: Store, schedule: Schedule | None = None):
        self.store = store
        self.conn = store.conn
        self.schedule = schedule or Schedule()

    def _rows(self, sql: str, params=()) -> list[dict]:
        self.conn.row_factory = sqlite3.Row
        try:
            return [dict(r) for r in self.conn.execute(sql, params).fetchall()]
        finally:
            self.conn.row_factory = None

    # -- links ----------------------------------------------------------------
    def links_due(self, now: str) -> list[str]:
        """Unresolved links never tried, or whose transient failure is due again."""
        rows = self.conn.execute(
            "SELECT code FROM links WHERE resolved IS NULL AND ("
            " error IS NULL OR (next_attempt_at IS NOT NULL AND next_attempt_at <= ?"
            "  AND (coalesce(attempts, 0) < ? OR ?))) ORDER BY code",
            (now, self.schedule.max_attempts, self.schedule.retry_failed),
        )
        return [r[0] for r in rows]

    def save_resolution(self, resolution, now: str) -> None:
        with self.conn:
            attempts = (self.conn.execute(
                "SELECT coalesce(attempts, 0) FROM links WHERE code = ?", (resolution.code,)
            ).fetchone() or (0,))[0] + 1
            retry = (self.schedule.next_attempt(now, attempts)
                     if resolution.error and resolution.transient else None)
            self.conn.execute(
                "UPDATE links SET resolved = ?, error = ?, hops = ?, note = ?, resolved_at = ?,"
                " attempts = ?, next_attempt_at = ? WHERE code = ?",
                (resolution.resolved, resolution.error, resolution.hops_json(), resolution.note,
                 now, 0 if resolution.resolved else attempts, retry, resolution.code),
            )

    def resolved_status_links(self, since: str) -> list[tuple]:
        """(post pk, post id, post handle, link code, is_pic, resolved URL) for the
        post links there is something to learn from: resolved since `since`, or
        belonging to a post not settled yet. Older ones were read by earlier runs."""
        return self.conn.execute(
            "SELECT p.pk, p.id, p.handle, l.code, l.is_pic, l.resolved FROM post_links pl"
            " JOIN posts p ON p.pk = pl.post_pk JOIN links l ON l.code = pl.code"
            " WHERE l.resolved IS NOT NULL"
            " AND (l.resolved_at >= ? OR p.status IN ('pending', 'failed'))"
            " ORDER BY p.pk, pl.rowid",
            (since,),
        ).fetchall()

    def resolved_article_links(self, since: str) -> list[tuple]:
        """(article id, resolved URL) of links an article shows outside its posts'
        own links, resolved since `since` or since the article was last read (a
        re-read rebuilds its relations)."""
        return self.conn.execute(
            "SELECT al.article_id, l.resolved FROM article_links al"
            " JOIN links l ON l.code = al.code JOIN articles a ON a.id = al.article_id"
            " WHERE l.resolved IS NOT NULL"
            " AND (l.resolved_at >= ? OR a.last_scanned >= l.resolved_at)"
            " AND NOT EXISTS (SELECT 1 FROM post_links pl JOIN article_posts ap"
            "  ON ap.post_pk = pl.post_pk WHERE pl.code = al.code"
            "  AND ap.article_id = al.article_id)"
            " ORDER BY al.article_id, al.rowid",
            (since,),
        ).fetchall()

    def unsettled_texts_with_urls(self) -> list[tuple]:
        """(pk, id, text) of posts not settled yet whose text writes out a URL."""
        return self.conn.execute(
            "SELECT pk, id, text FROM posts WHERE status IN ('pending', 'failed')"
            " AND text LIKE '%//%'"
        ).fetchall()

    def earlier_run_unfinished(self) -> bool:
        """A job before the current one never recorded its end: it was killed."""
        return self.conn.execute(
            "SELECT 1 FROM runs WHERE ended_at IS NULL"
            " AND id < (SELECT max(id) FROM runs) LIMIT 1"
        ).fetchone() is not None

    def post_link_errors(self, pk: int) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT l.error FROM post_links pl JOIN links l ON l.code = pl.code"
            " WHERE pl.post_pk = ? AND l.error IS NOT NULL", (pk,)
        )]

    # -- posts ----------------------------------------------------------------
    def posts_due(self, now: str) -> list[dict]:
        return self._rows(
            "SELECT pk, platform, id, handle, url, text, live_text, status FROM posts"
            " WHERE status = 'pending' OR (status = 'failed'"
            " AND coalesce(next_attempt_at, '') <= ? AND (coalesce(attempts, 0) < ? OR ?))"
            " ORDER BY pk",
            (now, self.schedule.max_attempts, self.schedule.retry_failed),
        )

    def posts_to_recheck(self, checked_before: str) -> list[dict]:
        return self._rows(
            "SELECT pk, platform, id, handle, url, text, live_text, status FROM posts"
            " WHERE status = 'archived' AND id IS NOT NULL"
            " AND coalesce(checked_at, '') < ? ORDER BY checked_at, pk",
            (checked_before,),
        )

    def posts_to_refresh(self, partial: list[tuple[str, str]]) -> list[dict]:
        """Archived posts whose live data came from a partial endpoint alone (no media,
        no exact time); partial: (platform, endpoint) pairs."""
        if not partial:
            return []
        pairs = ", ".join("(?, ?)" for _ in partial)
        return self._rows(
            "SELECT pk, platform, id, handle, url, text, live_text, status FROM posts"
            f" WHERE status = 'archived' AND (platform, live_source) IN (VALUES {pairs})"
            " AND id IS NOT NULL ORDER BY pk",
            tuple(v for pair in partial for v in pair),
        )

    def posts_to_upgrade(self) -> list[dict]:
        """Archived posts none of whose captures has a WACZ: captured before captures
        kept their traffic and media."""
        return self._rows(
            "SELECT pk, platform, id, handle, text, live_text, status FROM posts p"
            " WHERE status = 'archived' AND id IS NOT NULL AND NOT EXISTS ("
            "  SELECT 1 FROM snapshots s WHERE s.post_pk = p.pk AND s.kind = 'wacz')"
            " ORDER BY pk"
        )

    def fill_live_data(self, pk: int, data, now: str) -> None:
        """What syndication adds to a post archived from oEmbed: the exact time, media,
        edit history. The live text and captures stay: a new look is a recheck's."""
        with self.conn:
            self.conn.execute(
                "UPDATE posts SET created_at = coalesce(?, created_at), media = ?,"
                " edit_info = coalesce(?, edit_info), author = coalesce(author, ?),"
                " handle = coalesce(handle, ?), live_truncated = ?, live_source = ?,"
                " updated_at = ? WHERE pk = ?",
                (data.created_at, dumps(data.media) if data.media else None,
                 dumps(data.edit_info) if data.edit_info else None, data.author, data.handle,
                 int(data.truncated), data.endpoint, now, pk),
            )

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
                    " updated_at, attempts, role) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, 0,"
                    " 'quoted')",
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
                     files: list | None = None, error: str | None = None,
                     recheck: bool = False, edited: bool | None = None,
                     failures: list | None = None) -> None:
        """A post's verdict, its live data and its capture files, in one transaction.

        A recheck that fails keeps the post archived (one bad night says nothing
        about the post); a status change is written to status_history, and so is an
        edit a recheck found (`edited`; by default any new capture of a recheck).
        `failures` are the capture's files that could not be kept (a media download).
        """
        with self.conn:
            row = self.conn.execute(
                "SELECT status, text, coalesce(attempts, 0), gone_since, platform FROM posts"
                " WHERE pk = ?", (pk,),
            ).fetchone()
            old_status, preserved, attempts, gone_since, platform = row
            if data is not None:
                self.conn.execute(
                    "UPDATE posts SET live_text = ?, author = coalesce(author, ?),"
                    " handle = coalesce(handle, ?), created_at = coalesce(?, created_at),"
                    " date = coalesce(date, ?), media = ?, edit_info = ?, edited = ?,"
                    " live_truncated = ?, live_source = ? WHERE pk = ?",
                    (data.text, data.author, data.handle, data.created_at,
                     (data.created_at or "")[:10] or None,
                     dumps(data.media) if data.media else None,
                     dumps(data.edit_info) if data.edit_info else None,
                     int(platforms.get(platform).texts_differ(preserved, data.text, data.truncated)
                         or data.is_edited),
                     int(data.truncated), data.endpoint, pk),
                )
                # The handle the platform gives may make another id of the post (Bluesky's
                # HANDLE/RKEY): a link by it finds this post (the next job merges a
                # record kept under it: another fetch may be working on that one now).
                post_id = self.conn.execute("SELECT id FROM posts WHERE pk = ?", (pk,)).fetchone()
                settle_other_ids(self.conn, pk, platform,
                                 other_ids(platform, post_id[0], data.handle), now)
            if recheck and status == "failed":
                self.conn.execute(
                    "UPDATE posts SET last_error = ?, updated_at = ? WHERE pk = ?",
                    (error or reason, now, pk),
                )
            elif status == "failed":
                attempts += 1
                self.conn.execute(
                    "UPDATE posts SET status = 'failed', status_reason = ?, last_error = ?,"
                    " attempts = ?, next_attempt_at = ?, checked_at = ?, updated_at = ?"
                    " WHERE pk = ?",
                    (reason, error or reason, attempts, self.schedule.next_attempt(now, attempts),
                     now, now, pk),
                )
            else:
                gone = status in ("deleted", "unavailable")
                self.conn.execute(
                    "UPDATE posts SET status = ?, status_reason = ?, attempts = 0,"
                    " next_attempt_at = NULL, checked_at = ?, updated_at = ?,"
                    " archived_at = CASE WHEN ? = 'archived' THEN coalesce(archived_at, ?)"
                    "  ELSE archived_at END, gone_since = ? WHERE pk = ?",
                    (status, reason, now, now, status, now,
                     (gone_since or now) if gone else None, pk),
                )
            new_status = old_status if recheck and status == "failed" else status
            if edited is None:
                edited = bool(recheck and files and status == "archived")
            if new_status != old_status or (edited and files and status == "archived"):
                self.conn.execute(
                    "INSERT INTO status_history (post_pk, at, from_status, to_status, reason)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (pk, now, old_status, new_status,
                     reason if new_status != old_status else f"edited: {reason}"),
                )
            for f in files or []:
                self.conn.execute(
                    "INSERT INTO snapshots (post_pk, kind, path, sha256, size, source_url,"
                    " http_status, captured_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (pk, f.kind, f.path, f.sha256, f.size, f.source_url, f.http_status,
                     f.captured_at),
                )
            folder = folder_of(files[0].path) if files else None
            for failure in failures or []:
                self.conn.execute(
                    "INSERT INTO media_failures (post_pk, capture, position, media_type,"
                    " source_url, http_status, reason, failed_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (pk, folder, failure.get("position"), failure.get("media_type"),
                     failure.get("source_url"), failure.get("http_status"),
                     failure.get("reason"), now),
                )

    def referenced_capture_folders(self) -> set[str]:
        return {folder_of(r[0]) for r in self.conn.execute("SELECT path FROM snapshots")}

