"""The archive's schema, declared in one place, and its recorded migrations.

sqlite-utils declares tables, indexes and full-text search; each migration runs
once, in one transaction with the row that records it.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from .errors import ArchiveError

DB_NAME = "archive.db"


def utcnow() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# Every step is idempotent: it creates only what is missing, so an archive that an
# older archiver left half-migrated (its DDL committed statement by statement)
# is completed, not refused with "table already exists".
def _table(db: sqlite_utils.Database, name: str, columns: dict, **options) -> None:
    if not db[name].exists():
        db[name].create(columns, **options)


def _index(db: sqlite_utils.Database, table: str, columns: list[str], unique: bool = False):
    db[table].create_index(columns, unique=unique, if_not_exists=True)


def _column(db: sqlite_utils.Database, table: str, name: str, kind) -> None:
    if name not in db[table].columns_dict:
        db[table].add_column(name, kind)


def _initial_schema(db: sqlite_utils.Database) -> None:
    _table(db, "articles", {
        "id": int, "source": str, "title": str, "kind": str, "content_hash": str,
        "first_scanned": str, "last_scanned": str,
    }, pk="id", not_null={"source"})
    _index(db, "articles", ["source"], unique=True)
    _table(db, "posts", {
        "pk": int, "key": str, "platform": str, "id": str, "handle": str, "author": str,
        "date": str, "date_text": str, "text": str, "url": str, "live_text": str,
        "status": str, "status_reason": str, "first_seen": str, "updated_at": str,
    }, pk="pk", not_null={"key", "platform", "status"}, defaults={"status": "pending"})
    _index(db, "posts", ["key"], unique=True)
    _index(db, "posts", ["platform", "id"], unique=True)
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_posts_handle_nocase ON posts(handle COLLATE NOCASE)"
    )
    _index(db, "posts", ["date"])
    _index(db, "posts", ["status"])
    _table(db, "post_aliases", {"key": str, "post_pk": int}, pk="key",
           foreign_keys=[("post_pk", "posts", "pk")])
    _table(db, "article_posts", {"article_id": int, "post_pk": int, "position": int},
           pk=("article_id", "post_pk"),
           foreign_keys=[("article_id", "articles", "id"), ("post_pk", "posts", "pk")])
    _index(db, "article_posts", ["post_pk"])
    _table(db, "links", {
        "code": str, "url": str, "is_pic": int, "resolved": str, "error": str,
        "hops": str, "resolved_at": str,
    }, pk="code")
    _table(db, "article_links", {"article_id": int, "code": str}, pk=("article_id", "code"),
           foreign_keys=[("article_id", "articles", "id"), ("code", "links", "code")])
    _index(db, "article_links", ["code"])
    _table(db, "post_links", {"post_pk": int, "code": str}, pk=("post_pk", "code"),
           foreign_keys=[("post_pk", "posts", "pk"), ("code", "links", "code")])
    _index(db, "post_links", ["code"])
    _table(db, "snapshots", {
        "id": int, "post_pk": int, "kind": str, "path": str, "sha256": str, "size": int,
        "source_url": str, "captured_at": str,
    }, pk="id", foreign_keys=[("post_pk", "posts", "pk")])
    _index(db, "snapshots", ["post_pk"])
    _table(db, "source_failures", {"source": str, "reason": str, "failed_at": str},
           pk="source")
    db["posts"].enable_fts(["text", "author"], create_triggers=True, tokenize="unicode61",
                           replace=True)


def _fetch_columns(db: sqlite_utils.Database) -> None:
    """What the fetcher learns: live data, retry bookkeeping, quoted posts."""
    for name, kind in [
        ("created_at", str), ("media", str), ("edited", int), ("edit_info", str),
        ("attempts", int), ("last_error", str), ("next_attempt_at", str), ("checked_at", str),
        ("archived_at", str),
    ]:
        _column(db, "posts", name, kind)
    db.execute("UPDATE posts SET attempts = 0 WHERE attempts IS NULL")
    _index(db, "posts", ["next_attempt_at"])
    for name, kind in [("attempts", int), ("next_attempt_at", str), ("note", str)]:
        _column(db, "links", name, kind)
    db.execute("UPDATE links SET attempts = 0 WHERE attempts IS NULL")
    _table(db, "post_quotes", {"quoter_pk": int, "quoted_pk": int, "via": str},
           pk=("quoter_pk", "quoted_pk"),
           foreign_keys=[("quoter_pk", "posts", "pk"), ("quoted_pk", "posts", "pk")])
    _index(db, "post_quotes", ["quoted_pk"])
    # Live text is searchable too: the index is rebuilt over three columns.
    db["posts"].enable_fts(["text", "author", "live_text"], create_triggers=True,
                           tokenize="unicode61", replace=True)


def _nightly(db: sqlite_utils.Database) -> None:
    """Unattended runs: status history, when a post was first seen gone, the runs."""
    _column(db, "posts", "gone_since", str)
    _table(db, "status_history", {
        "id": int, "post_pk": int, "at": str, "from_status": str, "to_status": str,
        "reason": str,
    }, pk="id", foreign_keys=[("post_pk", "posts", "pk")])
    _index(db, "status_history", ["post_pk"])
    _table(db, "runs", {
        "id": int, "command": str, "pid": int, "started_at": str, "ended_at": str,
        "exit_code": int, "sources": int, "sources_failed": int, "links_resolved": int,
        "links_failed": int, "archived": int, "deleted": int, "unavailable": int,
        "failed": int, "deferred": int, "rechecked": int, "log": str,
    }, pk="id")


def _warnings(db: sqlite_utils.Database) -> None:
    """What a scan could not read whole (a tree cut at the parser's depth limit), and
    why a run ended abnormally (a crash, an interrupt)."""
    _column(db, "articles", "warnings", str)
    _column(db, "runs", "error", str)


def _live_data(db: sqlite_utils.Database) -> None:
    """Where a post's live data came from (oEmbed alone gives no media, no exact time:
    `archiver refresh` fills them in later), and whether its live text is only the
    start of a long post."""
    _column(db, "posts", "live_truncated", int)
    _column(db, "posts", "live_source", str)
    _column(db, "runs", "refreshed", int)
    db.execute(
        "UPDATE posts SET live_source = CASE WHEN status_reason LIKE '%(data from oEmbed)%'"
        " THEN 'oembed' ELSE 'syndication' END WHERE live_text IS NOT NULL"
        " AND live_source IS NULL"
    )


def _cited(db: sqlite_utils.Database) -> None:
    """A post an article links to in its prose is kept too: the article cites it. Which
    scanner version read each article, so a better scanner reads old articles again."""
    _column(db, "articles", "scanner", int)
    _column(db, "article_posts", "role", str)
    db.execute("UPDATE article_posts SET role = 'embedded' WHERE role IS NULL")
    _index(db, "article_posts", ["role"])
    # The post's own role, for browsing: embedded somewhere, else cited, else known
    # only as the post another one quotes.
    _column(db, "posts", "role", str)
    db.execute(f"UPDATE posts SET role = {POST_ROLE}")
    _index(db, "posts", ["role"])


def _evidence(db: sqlite_utils.Database) -> None:
    """Captures that stand on their own: each file's HTTP status, the media files that
    could not be kept (and why), and capture files found by their path (the captures
    route and `archiver verify` look them up)."""
    _column(db, "snapshots", "http_status", int)
    _index(db, "snapshots", ["path"])
    _table(db, "media_failures", {
        "id": int, "post_pk": int, "capture": str, "position": int, "media_type": str,
        "source_url": str, "http_status": int, "reason": str, "failed_at": str,
    }, pk="id", foreign_keys=[("post_pk", "posts", "pk")])
    _index(db, "media_failures", ["post_pk"])


def _warc_provenance(db: sqlite_utils.Database) -> None:
    """Articles read from a web archive keep where: the WARC file, the record's offset
    in it and its WARC-Date (when the page was captured)."""
    _column(db, "articles", "warc_file", str)
    _column(db, "articles", "warc_offset", int)
    _column(db, "articles", "warc_date", str)


POST_ROLE = """CASE
  WHEN EXISTS (SELECT 1 FROM article_posts ap WHERE ap.post_pk = posts.pk
               AND ap.role = 'embedded') THEN 'embedded'
  WHEN EXISTS (SELECT 1 FROM article_posts ap WHERE ap.post_pk = posts.pk) THEN 'cited'
  ELSE 'quoted' END"""


# Every table whose rows belong to a post, with the column naming it.
POST_ROWS = [("article_posts", "post_pk"), ("post_links", "post_pk"), ("snapshots", "post_pk"),
             ("status_history", "post_pk"), ("media_failures", "post_pk"),
             ("post_quotes", "quoter_pk"), ("post_quotes", "quoted_pk")]
_MERGED_FIELDS = ("handle", "author", "date", "date_text", "text")


def merge_post(conn: sqlite3.Connection, pk: int, target: int, now: str) -> None:
    """Make the post at pk part of the post at target, in the caller's transaction.

    The target keeps what it knows and fills in what it does not from pk's record;
    every row of pk's (its articles, links, captures, status history, media
    failures, quotes) becomes the target's, and pk's key an alias of it.
    """
    row = conn.execute(f"SELECT key, {', '.join(_MERGED_FIELDS)} FROM posts WHERE pk = ?",
                       (pk,)).fetchone()
    key, known = row[0], {n: v for n, v in zip(_MERGED_FIELDS, row[1:], strict=True)
                          if v is not None}
    if known:
        conn.execute(f"UPDATE posts SET {', '.join(f'{n} = coalesce({n}, ?)' for n in known)},"
                     " updated_at = ? WHERE pk = ?", (*known.values(), now, target))
    for table, column in POST_ROWS:
        conn.execute(f"UPDATE OR IGNORE {table} SET {column} = ? WHERE {column} = ?",
                     (target, pk))
        conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (pk,))
    conn.execute("DELETE FROM post_quotes WHERE quoter_pk = ? AND quoted_pk = ?", (target, target))
    conn.execute("UPDATE post_aliases SET post_pk = ? WHERE post_pk = ?", (target, pk))
    conn.execute("DELETE FROM posts WHERE pk = ?", (pk,))
    conn.execute("INSERT OR REPLACE INTO post_aliases (key, post_pk) VALUES (?, ?)", (key, target))
    conn.execute(f"UPDATE posts SET role = {POST_ROLE} WHERE pk = ?", (target,))


def other_ids(platform: str, post_id: str | None, handle: str | None) -> tuple[str, ...]:
    """The other ids the post's platform says it may go by (Platform.other_ids)."""
    from . import platforms

    if not post_id:
        return ()
    try:
        return platforms.get(platform).other_ids(post_id, handle)
    except KeyError:  # a platform of a newer archiver
        return ()


def settle_other_ids(conn: sqlite3.Connection, pk: int, platform: str, others: tuple[str, ...],
                     now: str, merge: bool = False) -> None:
    """The post at pk is one post whatever other id of it (other_ids) names it: each
    becomes an alias of it, and with `merge`, a record kept under one of them is
    merged into it. In the caller's transaction.

    Merging deletes a record, so it is done only where no fetch can be working on
    that record: by a job holding the run lock, before it processes posts
    (merge_other_ids). A scan runs beside such a job, and only adds aliases."""
    for other in others:
        row = conn.execute("SELECT pk FROM posts WHERE platform = ? AND id = ?",
                           (platform, other)).fetchone()
        if merge and row and row[0] != pk:
            merge_post(conn, row[0], pk, now)
        conn.execute("INSERT OR IGNORE INTO post_aliases (key, post_pk) VALUES (?, ?)",
                     (f"{platform}:{other}", pk))


def merge_other_ids(conn: sqlite3.Connection, now: str) -> None:
    """Posts kept twice under two ids of one post (a Bluesky post embedded by its
    author's DID and linked by its handle, before the archive knew the handle) are
    made one, in one transaction. Only the platforms that name other ids are read."""
    from . import platforms

    names = [p.name for p in platforms.all_platforms()
             if type(p).other_ids is not platforms.Platform.other_ids]
    if not names:
        return
    rows = conn.execute(
        f"SELECT pk, platform, id, handle FROM posts WHERE platform IN"
        f" ({', '.join('?' * len(names))}) AND id IS NOT NULL AND handle IS NOT NULL"
        " ORDER BY pk", names).fetchall()
    with conn:
        for pk, platform, post_id, handle in rows:
            if conn.execute("SELECT 1 FROM posts WHERE pk = ?", (pk,)).fetchone():
                settle_other_ids(conn, pk, platform, other_ids(platform, post_id, handle),
                                 now, merge=True)


# Append only: each migration runs once, in order, in one transaction with the
# row that records it, so a killed or failed upgrade leaves the archive as it was.
MIGRATIONS = [
    ("0001_initial", _initial_schema),
    ("0002_fetch", _fetch_columns),
    ("0003_nightly", _nightly),
    ("0004_warnings", _warnings),
    ("0005_live_data", _live_data),
    ("0006_cited", _cited),
    ("0007_evidence", _evidence),
    ("0008_warc_provenance", _warc_provenance),
]
KNOWN = {name for name, _ in MIGRATIONS}


def applied_migrations(conn: sqlite3.Connection) -> set[str] | None:
    """Names of the migrations recorded; None when the file holds no archive schema yet.

    Raises ArchiveError for a database that is not an archive (tables, but no
    migrations) or that a newer archiver made."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "migrations" not in tables:
        if tables:
            shown = ", ".join(sorted(tables)[:5])
            raise ArchiveError(
                f"not an archiver archive: the database holds other tables ({shown})")
        return None
    done = {r[0] for r in conn.execute("SELECT name FROM migrations")}
    newer = sorted(done - KNOWN)
    if newer:
        raise ArchiveError(
            f"the archive was made by a newer archiver (migrations {', '.join(newer)});"
            " upgrade archiver to write to it"
        )
    return done


def migrate(db: sqlite_utils.Database) -> list[str]:
    """Bring the schema up to date; each step is one transaction (BEGIN IMMEDIATE, so
    two processes never apply the same step: the second waits, then finds it done)."""
    conn = db.conn
    done = applied_migrations(conn) or set()
    applied = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            done = applied_migrations(conn) or set()
            if name not in done:
                _table(db, "migrations", {"name": str, "applied_at": str}, pk="name")
                step(db)
                conn.execute("INSERT INTO migrations (name, applied_at) VALUES (?, ?)",
                             (name, utcnow()))
                applied.append(name)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.rollback()
            raise
    return applied


def connect(archive_dir: str | os.PathLike) -> sqlite_utils.Database:
    """Open (creating if needed) the archive's database with the project's pragmas.

    Raises ArchiveError, with the reason in one line, when it cannot be opened,
    created or upgraded (a full disk, a read-only folder, a damaged or foreign file).
    """
    folder = Path(archive_dir)
    conn = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(folder / DB_NAME, timeout=30)
        conn.execute("PRAGMA busy_timeout=30000")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        # In WAL mode NORMAL survives a killed process; only an OS crash or power cut
        # can lose the last commits, never corrupt the database.
        conn.execute("PRAGMA synchronous=NORMAL")
        db = sqlite_utils.Database(conn)
        migrate(db)
    except ArchiveError as exc:
        if conn is not None:
            conn.close()
        raise ArchiveError(f"cannot use the archive at {folder}: {exc}") from None
    except (OSError, sqlite3.Error) as exc:
        if conn is not None:
            conn.close()
        raise ArchiveError(f"cannot open the archive at {folder}: {_reason(exc)}") from None
    return db


def _reason(exc: BaseException) -> str:
    if isinstance(exc, sqlite3.DatabaseError) and "not a database" in str(exc):
        return f"{DB_NAME} is damaged or not an SQLite database ({exc})"
    if isinstance(exc, OSError):
        return exc.strerror or str(exc)
    return str(exc)
