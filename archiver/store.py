"""The SQLite archive: schema, migrations and writes (reads for lookup live in lookup.py).

sqlite-utils declares the schema and full-text search; the writes of one source
run as plain SQL inside one transaction so a failure leaves nothing half-written.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from .errors import ArchiveError
from .model import Article, Embed
from .scan.version import SCANNER_VERSION

DB_NAME = "archive.db"
STATUSES = ("pending", "archived", "deleted", "unavailable", "failed")


def utcnow() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def post_key(embed: Embed) -> str:
    """Stable key: the platform's id when known, else a digest of what the article shows."""
    if embed.id:
        return f"{embed.platform}:{embed.id}"
    basis = "\n".join([(embed.handle or "").lower(), embed.date or "", embed.text or ""])
    return f"{embed.platform}:text:{hashlib.sha256(basis.encode()).hexdigest()[:20]}"


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


POST_ROLE = """CASE
  WHEN EXISTS (SELECT 1 FROM article_posts ap WHERE ap.post_pk = posts.pk
               AND ap.role = 'embedded') THEN 'embedded'
  WHEN EXISTS (SELECT 1 FROM article_posts ap WHERE ap.post_pk = posts.pk) THEN 'cited'
  ELSE 'quoted' END"""


# Append only: each migration runs once, in order, in one transaction with the
# row that records it, so a killed or failed upgrade leaves the archive as it was.
MIGRATIONS = [
    ("0001_initial", _initial_schema),
    ("0002_fetch", _fetch_columns),
    ("0003_nightly", _nightly),
    ("0004_warnings", _warnings),
    ("0005_live_data", _live_data),
    ("0006_cited", _cited),
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


@dataclass
class Recorded:
    article_id: int
    outcome: str  # "new", "changed" or "unchanged"
    posts: int


class Store:
    def __init__(self, archive_dir: str | os.PathLike):
        self.archive_dir = Path(archive_dir)
        self.db = connect(archive_dir)
        self.conn = self.db.conn

    def close(self) -> None:
        self.conn.close()

    # -- scanning ---------------------------------------------------------
    def record_article(self, article: Article, now: str | None = None) -> Recorded:
        """Record one scanned source in one transaction; re-recording changes nothing new."""
        now = now or utcnow()
        warnings = dumps(article.warnings) if getattr(article, "warnings", None) else None
        with self.conn:
            row = self.conn.execute(
                "SELECT id, content_hash, scanner FROM articles WHERE source = ?",
                (article.source,)
            ).fetchone()
            if row and row[1] == article.content_hash and row[2] == SCANNER_VERSION:
                self.conn.execute(
                    "UPDATE articles SET last_scanned = ? WHERE id = ?", (now, row[0])
                )
                self.conn.execute("DELETE FROM source_failures WHERE source = ?", (article.source,))
                count = self.conn.execute(
                    "SELECT count(*) FROM article_posts WHERE article_id = ?", (row[0],)
                ).fetchone()[0]
                return Recorded(row[0], "unchanged", count)
            if row:
                # The same bytes read again by a newer scanner: "reread".
                article_id, outcome = row[0], "changed" if row[1] != article.content_hash \
                    else "reread"
                self.conn.execute(
                    "UPDATE articles SET title = ?, kind = ?, content_hash = ?, last_scanned = ?,"
                    " warnings = ?, scanner = ? WHERE id = ?",
                    (article.title, article.kind, article.content_hash, now, warnings,
                     SCANNER_VERSION, article_id),
                )
            else:
                outcome = "new"
                article_id = self.conn.execute(
                    "INSERT INTO articles (source, title, kind, content_hash, first_scanned,"
                    " last_scanned, warnings, scanner) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (article.source, article.title, article.kind, article.content_hash, now, now,
                     warnings, SCANNER_VERSION),
                ).lastrowid
            self.conn.execute("DELETE FROM source_failures WHERE source = ?", (article.source,))
            # An article's posts in order, embedded first; a post both embedded and
            # cited is one embedded post.
            roles: dict[int, str] = {}
            for role, found in (("embedded", article.embeds),
                                ("cited", getattr(article, "cited", ()))):
                for embed in found:
                    roles.setdefault(self._upsert_post(embed, now), role)
            gone = self._replace_children(
                "article_posts", "post_pk", article_id,
                {pk: {"position": i, "role": role} for i, (pk, role) in enumerate(roles.items())},
            )
            # Being embedded outranks being cited, which outranks being only quoted;
            # a post this article no longer shows is judged again from what is left.
            for pk, role in roles.items():
                self.conn.execute(
                    "UPDATE posts SET role = ? WHERE pk = ? AND role IS NOT 'embedded'"
                    " AND role IS NOT ?", (role, pk, role))
            for pk in gone:
                self.conn.execute(f"UPDATE posts SET role = {POST_ROLE} WHERE pk = ?", (pk,))
            codes = [self._upsert_link(link) for link in article.links]
            self._replace_children("article_links", "code", article_id, {c: {} for c in codes})
            return Recorded(article_id, outcome, len(roles))

    def article_hashes(self) -> dict[str, str]:
        """Content hashes of the articles this scanner version read: those need no
        second reading while their bytes stay the same."""
        return dict(self.conn.execute(
            "SELECT source, content_hash FROM articles WHERE scanner = ?", (SCANNER_VERSION,)))

    def touch_if_unchanged(self, source: str, content_hash: str, now: str | None = None) -> bool:
        """Note a re-scan of an article whose bytes are unchanged; False if it changed."""
        with self.conn:
            cursor = self.conn.execute(
                "UPDATE articles SET last_scanned = ? WHERE source = ? AND content_hash = ?"
                " AND scanner = ?",
                (now or utcnow(), source, content_hash, SCANNER_VERSION),
            )
            if cursor.rowcount:
                self.conn.execute("DELETE FROM source_failures WHERE source = ?", (source,))
            return cursor.rowcount > 0

    def _replace_children(self, table: str, column: str, article_id: int, wanted: dict) -> set:
        """Make the article's rows in `table` those of `wanted`; returns the values removed."""
        have = {
            r[0] for r in self.conn.execute(
                f"SELECT {column} FROM {table} WHERE article_id = ?", (article_id,)
            )
        }
        for gone in have - set(wanted):
            self.conn.execute(
                f"DELETE FROM {table} WHERE article_id = ? AND {column} = ?", (article_id, gone)
            )
        for value, extra in wanted.items():
            cols = ["article_id", column, *extra]
            sql = f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
            if extra:
                sql += (
                    " ON CONFLICT DO UPDATE SET "
                    + ", ".join(f"{k} = excluded.{k}" for k in extra)
                    + " WHERE " + " OR ".join(f"{k} IS NOT excluded.{k}" for k in extra)
                )
            else:
                sql = sql.replace("INSERT", "INSERT OR IGNORE", 1)
            self.conn.execute(sql, (article_id, value, *extra.values()))
        return have - set(wanted)

    def find_post(self, embed: Embed) -> int | None:
        if embed.id:
            row = self.conn.execute(
                "SELECT pk FROM posts WHERE platform = ? AND id = ?", (embed.platform, embed.id)
            ).fetchone()
            if row:
                return row[0]
        key = post_key(embed)
        row = self.conn.execute(
            "SELECT pk FROM posts WHERE key = ? UNION ALL"
            " SELECT post_pk FROM post_aliases WHERE key = ?", (key, key)
        ).fetchone()
        return row[0] if row else None

    def _upsert_post(self, embed: Embed, now: str) -> int:
        pk = self.find_post(embed)
        fields = {
            "handle": embed.handle, "author": embed.author, "date": embed.date,
            "date_text": embed.date_text, "text": embed.text, "url": embed.url,
        }
        if pk is None:
            pk = self.conn.execute(
                "INSERT INTO posts (key, platform, id, handle, author, date, date_text, text, url,"
                " status, first_seen, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)",
                (post_key(embed), embed.platform, embed.id, *fields.values(), now, now),
            ).lastrowid
        else:
            # Only fill what is still unknown: the first article's record is kept.
            self._fill_nulls(pk, fields, now)
        codes = [self._upsert_link(link) for link in embed.links]
        for code in codes:
            self.conn.execute(
                "INSERT OR IGNORE INTO post_links (post_pk, code) VALUES (?, ?)", (pk, code)
            )
        return pk

    def _fill_nulls(self, pk: int, fields: dict, now: str) -> None:
        fields = {k: v for k, v in fields.items() if v is not None}
        if not fields:
            return
        sets = ", ".join(f"{k} = coalesce({k}, ?)" for k in fields)
        where = " OR ".join(f"{k} IS NULL" for k in fields)
        self.conn.execute(
            f"UPDATE posts SET {sets}, updated_at = ? WHERE pk = ? AND ({where})",
            (*fields.values(), now, pk),
        )

    def _upsert_link(self, link: str) -> str:
        code = link.rsplit("/", 1)[1]
        is_pic = 1 if "pic.twitter.com" in link else 0
        self.conn.execute(
            "INSERT INTO links (code, url, is_pic) VALUES (?, ?, ?) ON CONFLICT(code) DO UPDATE"
            " SET url = excluded.url, is_pic = 1 WHERE excluded.is_pic = 1 AND links.is_pic = 0",
            (code, link, is_pic),
        )
        return code

    def record_failure(self, source: str, reason: str, now: str | None = None) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT INTO source_failures (source, reason, failed_at) VALUES (?, ?, ?)"
                " ON CONFLICT(source) DO UPDATE SET reason = excluded.reason,"
                " failed_at = excluded.failed_at",
                (source, reason, now or utcnow()),
            )

    # -- learning ids -----------------------------------------------------
    def assign_post_id(self, pk: int, platform_id: str, handle: str | None = None,
                       now: str | None = None) -> int:
        """Give an id-less post its platform id; merge it into a record of that id if one exists.

        Returns the surviving post's pk. The merged record keeps every article,
        link and capture of both, and the id-less key stays an alias so a later
        scan of the same article finds the merged post.
        """
        now = now or utcnow()
        with self.conn:
            row = self.conn.execute(
                "SELECT platform, key, handle FROM posts WHERE pk = ?", (pk,)
            ).fetchone()
            if row is None:
                raise KeyError(pk)
            platform, key, known_handle = row
            other = self.conn.execute(
                "SELECT pk FROM posts WHERE platform = ? AND id = ? AND pk != ?",
                (platform, platform_id, pk),
            ).fetchone()
            handle = known_handle or handle
            url = f"https://twitter.com/{handle}/status/{platform_id}" if handle else (
                f"https://twitter.com/i/web/status/{platform_id}"
            )
            if other is None:
                # The key becomes the id's; the digest stays an alias for re-scans.
                self.conn.execute(
                    "UPDATE posts SET id = ?, key = ?, url = coalesce(url, ?), updated_at = ?"
                    " WHERE pk = ?",
                    (platform_id, f"{platform}:{platform_id}", url, now, pk),
                )
                if key != f"{platform}:{platform_id}":
                    self.conn.execute(
                        "INSERT OR REPLACE INTO post_aliases (key, post_pk) VALUES (?, ?)",
                        (key, pk),
                    )
                return pk
            target = other[0]
            merged = dict(
                zip(
                    ("handle", "author", "date", "date_text", "text"),
                    self.conn.execute(
                        "SELECT handle, author, date, date_text, text FROM posts WHERE pk = ?",
                        (pk,),
                    ).fetchone(),
                    strict=True,
                )
            )
            self._fill_nulls(target, merged, now)
            for table in ("article_posts", "post_links", "snapshots"):
                self.conn.execute(
                    f"UPDATE OR IGNORE {table} SET post_pk = ? WHERE post_pk = ?", (target, pk)
                )
                self.conn.execute(f"DELETE FROM {table} WHERE post_pk = ?", (pk,))
            self.conn.execute(
                "UPDATE post_aliases SET post_pk = ? WHERE post_pk = ?", (target, pk)
            )
            self.conn.execute("DELETE FROM posts WHERE pk = ?", (pk,))
            self.conn.execute(
                "INSERT OR REPLACE INTO post_aliases (key, post_pk) VALUES (?, ?)", (key, target)
            )
            return target


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)

