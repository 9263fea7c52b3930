"""Reading the archive for `archiver lookup`.

Only the standard library here: a lookup from a shell should cost little more
than opening the database (no sqlite-utils, requests, lxml or Playwright).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

DB_NAME = "archive.db"


class ArchiveUnreadable(Exception):
    """The archive cannot be read: no database, a damaged or foreign file."""


class ArchiveMissing(ArchiveUnreadable):
    pass


def open_readonly(archive_dir: str | Path) -> sqlite3.Connection:
    """A read-only connection to the archive's database, checked to be an archive.

    `mode=ro` never takes a write lock, so a running job is not disturbed. On a
    read-only mount SQLite cannot create the WAL index (`-shm`) that mode needs;
    there nothing can write either, so the file is opened `immutable` instead.
    """
    path = Path(archive_dir) / DB_NAME
    if not path.exists():
        raise ArchiveMissing(f"no archive at {path} (run `archiver scan` first)")
    try:
        conn = _open(path, immutable=False)
    except sqlite3.OperationalError as exc:
        if os.access(path.parent, os.W_OK):
            raise ArchiveUnreadable(f"cannot read the archive at {path}: {exc}") from None
        conn = _open(path, immutable=True)
    return conn


def _open(path: Path, immutable: bool) -> sqlite3.Connection:
    mode = "ro&immutable=1" if immutable else "ro"
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode={mode}", uri=True, timeout=30)
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.OperationalError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise ArchiveUnreadable(f"{path} is damaged or not an SQLite database ({exc})") from None
    if not {"migrations", "posts"} <= tables:
        conn.close()
        if not tables or tables == {"migrations"}:
            raise ArchiveUnreadable(f"{path} holds no archive yet (is it being created?)")
        shown = ", ".join(sorted(tables)[:5])
        raise ArchiveUnreadable(f"{path} is not an archiver archive (its tables: {shown})")
    conn.row_factory = sqlite3.Row
    return conn


def normalise_handle(handle: str) -> str:
    return handle.strip().lstrip("@").strip()


class UnknownPlatform(ValueError):
    pass


def split_handle(handle: str, platform: str | None, known: set[str]) -> tuple[str, str | None]:
    """(handle, platform) from `@name`, `name` or `platform:@name` (`bluesky:@a.bsky.social`,
    `x:@jack`); an explicit --platform must agree with a prefix. A prefix names a
    platform by its name or one of its short names (x, bsky, ig, yt, fb, tg)."""
    text = handle.strip()
    prefix, sep, rest = text.partition(":")
    if sep and prefix and not prefix.startswith("@") and "/" not in prefix:
        named = platform_name(prefix, known)
        if platform and named != platform_name(platform, known):
            raise UnknownPlatform(f"{handle!r} names {named}, but --platform is {platform}")
        return normalise_handle(rest), named
    return normalise_handle(text), platform_name(platform, known) if platform else None


def platform_name(text: str, known: set[str]) -> str:
    """A platform's name from its name or a short name, case aside."""
    text = text.strip().lower()
    if text in known:
        return text
    from .platforms import all_platforms  # only when the archive's own names do not tell

    for p in all_platforms():
        if text == p.name or text in p.short_names:
            return p.name
    names = sorted({p.name for p in all_platforms()} | known)
    raise UnknownPlatform(f"unknown platform {text!r} (known: {', '.join(names)})")


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
    platform: str | None = None,
) -> list[dict]:
    """Posts by one handle (case-insensitive, '@' optional), newest first; within one
    platform when one is named (`platform:@handle`, or platform=)."""
    conn = open_readonly(archive_dir)
    try:
        known = {r[0] for r in conn.execute("SELECT DISTINCT platform FROM posts")}
        handle, platform = split_handle(handle, platform, known)
        return _lookup(conn, handle, since, until, search, platform)
    except sqlite3.DatabaseError as exc:
        raise ArchiveUnreadable(f"cannot read the archive at {archive_dir}: {exc}") from None
    finally:
        conn.close()


def _lookup(conn: sqlite3.Connection, handle: str, since: str | None, until: str | None,
            search: str | None, platform: str | None = None) -> list[dict]:
    sql = [
        "SELECT p.* FROM posts p WHERE p.handle = ? COLLATE NOCASE",
    ]
    params: list = [normalise_handle(handle)]
    if platform:
        sql.append("AND p.platform = ?")
        params.append(platform)
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
    # Archives made before articles could cite a post have no role: all embedded.
    role = "ap.role" if "role" in {r[1] for r in conn.execute(
        "PRAGMA table_info(article_posts)")} else "'embedded'"
    # Archives made before captures kept their media and WACZ record no HTTP status.
    status = "http_status" if "http_status" in {r[1] for r in conn.execute(
        "PRAGMA table_info(snapshots)")} else "NULL"
    return [_record(conn, post, role, status) for post in posts]


def _record(conn: sqlite3.Connection, post: sqlite3.Row, role: str,
            status: str = "http_status") -> dict:
    pk = post["pk"]
    articles: dict[str, list[str]] = {"embedded": [], "cited": []}
    for source, how in conn.execute(
        f"SELECT a.source, coalesce({role}, 'embedded') FROM article_posts ap"
        " JOIN articles a ON a.id = ap.article_id WHERE ap.post_pk = ?"
        " ORDER BY a.first_scanned, a.id",
        (pk,),
    ):
        articles.setdefault(how, []).append(source)
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
            f"SELECT kind, path, sha256, size, source_url, {status} AS http_status, captured_at"
            " FROM snapshots WHERE post_pk = ? ORDER BY captured_at, id",
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
        "articles": articles["embedded"],
        "cited_in": articles["cited"],
        "links": links,
        "snapshots": snapshots,
    }
