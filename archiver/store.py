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


def _initial_schema(db: sqlite_utils.Database) -> None:
    db["articles"].create(
        {
            "id": int, "source": str, "title": str, "kind": str, "content_hash": str,
            "first_scanned": str, "last_scanned": str,
        },
        pk="id", not_null={"source"},
    )
    db["articles"].create_index(["source"], unique=True)
    db["posts"].create(
        {
            "pk": int, "key": str, "platform": str, "id": str, "handle": str, "author": str,
            "date": str, "date_text": str, "text": str, "url": str, "live_text": str,
            "status": str, "status_reason": str, "first_seen": str, "updated_at": str,
        },
        pk="pk", not_null={"key", "platform", "status"}, defaults={"status": "pending"},
    )
    db["posts"].create_index(["key"], unique=True)
    db["posts"].create_index(["platform", "id"], unique=True)
    db.execute("CREATE INDEX idx_posts_handle_nocase ON posts(handle COLLATE NOCASE)")
    db["posts"].create_index(["date"])
    db["posts"].create_index(["status"])
    db["post_aliases"].create(
        {"key": str, "post_pk": int}, pk="key", foreign_keys=[("post_pk", "posts", "pk")]
    )
    db["article_posts"].create(
        {"article_id": int, "post_pk": int, "position": int},
        pk=("article_id", "post_pk"),
        foreign_keys=[("article_id", "articles", "id"), ("post_pk", "posts", "pk")],
    )
    db["article_posts"].create_index(["post_pk"])
    db["links"].create(
        {
            "code": str, "url": str, "is_pic": int, "resolved": str, "error": str,
            "hops": str, "resolved_at": str,
        },
        pk="code",
    )
    db["article_links"].create(
        {"article_id": int, "code": str},
        pk=("article_id", "code"),
        foreign_keys=[("article_id", "articles", "id"), ("code", "links", "code")],
    )
    db["article_links"].create_index(["code"])
    db["post_links"].create(
        {"post_pk": int, "code": str},
        pk=("post_pk", "code"),
        foreign_keys=[("post_pk", "posts", "pk"), ("code", "links", "code")],
    )
    db["post_links"].create_index(["code"])
    db["snapshots"].create(
        {
            "id": int, "post_pk": int, "kind": str, "path": str, "sha256": str, "size": int,
            "source_url": str, "captured_at": str,
        },
        pk="id", foreign_keys=[("post_pk", "posts", "pk")],
    )
    db["snapshots"].create_index(["post_pk"])
    db["source_failures"].create(
        {"source": str, "reason": str, "failed_at": str}, pk="source"
    )
    db["posts"].enable_fts(["text", "author"], create_triggers=True, tokenize="unicode61")


def _fetch_columns(db: sqlite_utils.Database) -> None:
    """What the fetcher learns: live data, retry bookkeeping, quoted posts."""
    posts = db["posts"]
    for name, kind in [
        ("created_at", str), ("media", str), ("edited", int), ("edit_info", str),
        ("attempts", int), ("last_error", str), ("next_attempt_at", str), ("checked_at", str),
        ("archived_at", str),
    ]:
        posts.add_column(name, kind)
    db.execute("UPDATE posts SET attempts = 0")
    db["posts"].create_index(["next_attempt_at"])
    for name, kind in [("attempts", int), ("next_attempt_at", str), ("note", str)]:
        db["links"].add_column(name, kind)
    db.execute("UPDATE links SET attempts = 0")
    db["post_quotes"].create(
        {"quoter_pk": int, "quoted_pk": int, "via": str},
        pk=("quoter_pk", "quoted_pk"),
        foreign_keys=[("quoter_pk", "posts", "pk"), ("quoted_pk", "posts", "pk")],
    )
    db["post_quotes"].create_index(["quoted_pk"])
    # Live text is searchable too: rebuild the index over three columns.
    db["posts"].disable_fts()
    db["posts"].enable_fts(
        ["text", "author", "live_text"], create_triggers=True, tokenize="unicode61"
    )


def _nightly(db: sqlite_utils.Database) -> None:
    """Unattended runs: status history, when a post was first seen gone, the runs."""
    db["posts"].add_column("gone_since", str)
    db["status_history"].create(
        {"id": int, "post_pk": int, "at": str, "from_status": str, "to_status": str,
         "reason": str},
        pk="id", foreign_keys=[("post_pk", "posts", "pk")],
    )
    db["status_history"].create_index(["post_pk"])
    db["runs"].create(
        {"id": int, "command": str, "pid": int, "started_at": str, "ended_at": str,
         "exit_code": int, "sources": int, "sources_failed": int, "links_resolved": int,
         "links_failed": int, "archived": int, "deleted": int, "unavailable": int,
         "failed": int, "deferred": int, "rechecked": int, "log": str},
        pk="id",
    )


# Append only: each migration runs once, in order, and is recorded by name.
MIGRATIONS = [
    ("0001_initial", _initial_schema),
    ("0002_fetch", _fetch_columns),
    ("0003_nightly", _nightly),
]


def migrate(db: sqlite_utils.Database) -> list[str]:
    db["migrations"].create({"name": str, "applied_at": str}, pk="name", if_not_exists=True)
    done = {row["name"] for row in db["migrations"].rows}
    applied = []
    for name, step in MIGRATIONS:
        if name in done:
            continue
        with db.conn:
            step(db)
            db["migrations"].insert({"name": name, "applied_at": utcnow()})
        applied.append(name)
    return applied


def connect(archive_dir: str | os.PathLike) -> sqlite_utils.Database:
    """Open (creating if needed) the archive's database with the project's pragmas."""
    folder = Path(archive_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(folder / DB_NAME, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
    except (OSError, sqlite3.Error) as exc:
        raise ArchiveError(f"cannot open the archive at {folder}: {exc}") from exc
    conn.execute("PRAGMA foreign_keys=ON")
    # In WAL mode NORMAL survives a killed process; only an OS crash or power cut
    # can lose the last commits, never corrupt the database.
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    db = sqlite_utils.Database(conn)
    migrate(db)
    return db


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
        with self.conn:
            row = self.conn.execute(
                "SELECT id, content_hash FROM articles WHERE source = ?", (article.source,)
            ).fetchone()
            if row and row[1] == article.content_hash:
                self.conn.execute(
                    "UPDATE articles SET last_scanned = ? WHERE id = ?", (now, row[0])
                )
                self.conn.execute("DELETE FROM source_failures WHERE source = ?", (article.source,))
                count = self.conn.execute(
                    "SELECT count(*) FROM article_posts WHERE article_id = ?", (row[0],)
                ).fetchone()[0]
                return Recorded(row[0], "unchanged", count)
            if row:
                article_id, outcome = row[0], "changed"
                self.conn.execute(
                    "UPDATE articles SET title = ?, kind = ?, content_hash = ?, last_scanned = ?"
                    " WHERE id = ?",
                    (article.title, article.kind, article.content_hash, now, article_id),
                )
            else:
                outcome = "new"
                article_id = self.conn.execute(
                    "INSERT INTO articles (source, title, kind, content_hash, first_scanned,"
                    " last_scanned) VALUES (?, ?, ?, ?, ?, ?)",
                    (article.source, article.title, article.kind, article.content_hash, now, now),
                ).lastrowid
            self.conn.execute("DELETE FROM source_failures WHERE source = ?", (article.source,))
            post_pks = [self._upsert_post(embed, now) for embed in article.embeds]
            self._replace_children(
                "article_posts", "post_pk", article_id,
                {pk: {"position": i} for i, pk in enumerate(post_pks)},
            )
            codes = [self._upsert_link(link) for link in article.links]
            self._replace_children("article_links", "code", article_id, {c: {} for c in codes})
            return Recorded(article_id, outcome, len(post_pks))

    def article_hashes(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT source, content_hash FROM articles"))

    def touch_if_unchanged(self, source: str, content_hash: str, now: str | None = None) -> bool:
        """Note a re-scan of an article whose bytes are unchanged; False if it changed."""
        with self.conn:
            cursor = self.conn.execute(
                "UPDATE articles SET last_scanned = ? WHERE source = ? AND content_hash = ?",
                (now or utcnow(), source, content_hash),
            )
            if cursor.rowcount:
                self.conn.execute("DELETE FROM source_failures WHERE source = ?", (source,))
            return cursor.rowcount > 0

    def _replace_children(self, table: str, column: str, article_id: int, wanted: dict) -> None:
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

