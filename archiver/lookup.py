"""Reading the archive for `archiver lookup`.

Only the standard library here: a lookup from a shell should cost little more
than opening the database (no sqlite-utils, requests, lxml or Playwright).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

DB_NAME = "archive.db"


class ArchiveMissing(Exception):
    pass


def open_readonly(archive_dir: str | Path) -> sqlite3.Connection:
    path = Path(archive_dir) / DB_NAME
    if not path.exists():
        raise ArchiveMissing(f"no archive at {path} (run `archiver scan` first)")
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)
    conn.execute("PRAGMA busy_timeout=30000")
    conn.row_factory = sqlite3.Row
    return conn


def normalise_handle(handle: str) -> str:
    return handle.strip().lstrip("@").strip()


def fts_query(text: str) -> str:
    """Free text as an FTS5 query of quoted terms, so user input is never FTS syntax."""
    terms = [t.replace('"', '""') for t in text.split()]
    return " ".join(f'"{t}"' for t in terms if t)


def lookup(
    archive_dir: str | Path,
    handle: str,
    since: str | None = None,
    until: str | None = None,
    search: str | None = None,
) -> list[dict]:
    """Posts by one handle (case-insensitive, '@' optional), newest first."""
    conn = open_readonly(archive_dir)
    try:
        sql = [
            "SELECT p.* FROM posts p WHERE p.handle = ? COLLATE NOCASE",
        ]
        params: list = [normalise_handle(handle)]
        if since:
            sql.append("AND p.date >= ?")
            params.append(since)
        if until:
            sql.append("AND p.date <= ?")
            params.append(until)
        if search and fts_query(search):
            sql.append("AND p.pk IN (SELECT rowid FROM posts_fts WHERE posts_fts MATCH ?)")
            params.append(fts_query(search))
        sql.append("ORDER BY p.date IS NULL, p.date DESC, CAST(p.id AS INTEGER) DESC, p.pk DESC")
        posts = conn.execute(" ".join(sql), params).fetchall()
        return [_record(conn, post) for post in posts]
    finally:
        conn.close()


def _record(conn: sqlite3.Connection, post: sqlite3.Row) -> dict:
    pk = post["pk"]
    articles = [
        r[0]
        for r in conn.execute(
            "SELECT a.source FROM article_posts ap JOIN articles a ON a.id = ap.article_id"
            " WHERE ap.post_pk = ? ORDER BY a.first_scanned, a.id",
            (pk,),
        )
    ]
    links = [
        {"url": r["url"], "resolved": r["resolved"], "error": r["error"]}
        for r in conn.execute(
            "SELECT l.url, l.resolved, l.error FROM post_links pl JOIN links l ON l.code = pl.code"
            " WHERE pl.post_pk = ? ORDER BY pl.rowid",
            (pk,),
        )
    ]
    snapshots = [
        dict(r)
        for r in conn.execute(
            "SELECT kind, path, sha256, captured_at FROM snapshots WHERE post_pk = ?"
            " ORDER BY captured_at, id",
            (pk,),
        )
    ]
    return {
        "id": post["id"],
        "platform": post["platform"],
        "handle": post["handle"],
        "author": post["author"],
        "date": post["date"],
        "url": post["url"],
        "text": post["text"],
        "live_text": post["live_text"],
        "status": post["status"],
        "status_reason": post["status_reason"],
        "articles": articles,
        "links": links,
        "snapshots": snapshots,
    }
