"""The SQLite archive's writes (the schema is in schema.py, reads for lookup in lookup.py).

The writes of one source run as plain SQL inside one transaction so a failure
leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import platforms
from .model import Article, Embed
from .scan.version import SCANNER_VERSION
from .schema import (
    POST_ROLE,
    connect,
    merge_other_ids,
    merge_post,
    other_ids,
    settle_other_ids,
    utcnow,
)

if TYPE_CHECKING:
    from .scan.webarchive import Origin

STATUSES = ("pending", "archived", "deleted", "unavailable", "failed")


def post_key(embed: Embed) -> str:
    """Stable key: the platform's id when known, else a digest of what the article shows."""
    if embed.id:
        return f"{embed.platform}:{embed.id}"
    basis = "\n".join([(embed.handle or "").lower(), embed.date or "", embed.text or ""])
    return f"{embed.platform}:text:{hashlib.sha256(basis.encode()).hexdigest()[:20]}"


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
        self._batch_every: float | None = None
        self._batch_since = 0.0

    def close(self) -> None:
        self.conn.close()

    @contextlib.contextmanager
    def batch(self, every: float = 1.0) -> Iterator[None]:
        """Sources recorded inside are committed together, at most `every` seconds
        apart (a scan writes thousands a minute): each source stays whole or absent,
        as its own savepoint, and a source that fails to write rolls back alone."""
        self._batch_every, self._batch_since = every, time.monotonic()
        try:
            yield
        finally:
            self._batch_every = None
            if self.conn.in_transaction:
                self.conn.commit()

    @contextlib.contextmanager
    def _source(self) -> Iterator[None]:
        """One source's writes: a transaction, or a savepoint inside a batch."""
        if self._batch_every is None:
            with self.conn:
                yield
            return
        if not self.conn.in_transaction:
            self.conn.execute("BEGIN IMMEDIATE")
        self.conn.execute("SAVEPOINT source")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO source")
            self.conn.execute("RELEASE source")
            raise
        self.conn.execute("RELEASE source")
        if time.monotonic() - self._batch_since >= self._batch_every:
            self.conn.commit()
            self._batch_since = time.monotonic()

    # -- scanning ---------------------------------------------------------
    def record_article(self, article: Article, now: str | None = None,
                       origin: Origin | None = None) -> Recorded:
        """Record one scanned source in one transaction; re-recording changes nothing new.

        `origin` is the WARC record the article was read from (kept for provenance;
        an article read anew from elsewhere has none)."""
        now = now or utcnow()
        warnings = dumps(article.warnings) if getattr(article, "warnings", None) else None
        warc = (origin.warc_file, origin.offset, origin.date) if origin else (None, None, None)
        with self._source():
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
                    " warnings = ?, scanner = ?, warc_file = ?, warc_offset = ?, warc_date = ?"
                    " WHERE id = ?",
                    (article.title, article.kind, article.content_hash, now, warnings,
                     SCANNER_VERSION, *warc, article_id),
                )
            else:
                outcome = "new"
                article_id = self.conn.execute(
                    "INSERT INTO articles (source, title, kind, content_hash, first_scanned,"
                    " last_scanned, warnings, scanner, warc_file, warc_offset, warc_date)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (article.source, article.title, article.kind, article.content_hash, now, now,
                     warnings, SCANNER_VERSION, *warc),
                ).lastrowid
            self.conn.execute("DELETE FROM source_failures WHERE source = ?", (article.source,))
            # An article's posts in order, embedded first; a post both embedded and
            # cited is one embedded post. A post new here is written with its role.
            roles: dict[int, str] = {}
            added: set[int] = set()
            for role, found in (("embedded", article.embeds),
                                ("cited", getattr(article, "cited", ()))):
                for embed in found:
                    pk = self._upsert_post(embed, now, role, added)
                    roles.setdefault(pk, role)
            fresh = outcome == "new"  # no rows of its own yet: nothing to compare
            gone = self._replace_children(
                "article_posts", "post_pk", article_id,
                {pk: {"position": i, "role": role} for i, (pk, role) in enumerate(roles.items())},
                fresh,
            )
            # Being embedded outranks being cited, which outranks being only quoted;
            # a post this article no longer shows is judged again from what is left.
            # (An update of posts re-indexes its text for search: only where it changes.)
            for pk, role in roles.items():
                if pk not in added:
                    self.conn.execute(
                        "UPDATE posts SET role = ? WHERE pk = ? AND role IS NOT 'embedded'"
                        " AND role IS NOT ?", (role, pk, role))
            for pk in gone:
                self.conn.execute(f"UPDATE posts SET role = {POST_ROLE} WHERE pk = ?", (pk,))
            codes = [self._upsert_link(link) for link in article.links]
            self._replace_children("article_links", "code", article_id, {c: {} for c in codes},
                                   fresh)
            return Recorded(article_id, outcome, len(roles))

    def article_hashes(self) -> dict[str, str]:
        """Content hashes of the articles this scanner version read: those need no
        second reading while their bytes stay the same."""
        return dict(self.conn.execute(
            "SELECT source, content_hash FROM articles WHERE scanner = ?", (SCANNER_VERSION,)))

    def touch_if_unchanged(self, source: str, content_hash: str, now: str | None = None) -> bool:
        """Note a re-scan of an article whose bytes are unchanged; False if it changed."""
        with self._source():
            cursor = self.conn.execute(
                "UPDATE articles SET last_scanned = ? WHERE source = ? AND content_hash = ?"
                " AND scanner = ?",
                (now or utcnow(), source, content_hash, SCANNER_VERSION),
            )
            if cursor.rowcount:
                self.conn.execute("DELETE FROM source_failures WHERE source = ?", (source,))
            return cursor.rowcount > 0

    def _replace_children(self, table: str, column: str, article_id: int, wanted: dict,
                          fresh: bool = False) -> set:
        """Make the article's rows in `table` those of `wanted`; returns the values
        removed. `fresh`: the article was just inserted, so it has none yet."""
        have = set() if fresh else {
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
        """The post's pk: by its id, by another id of it (Platform.other_ids), or by
        its key or an alias of it."""
        if embed.id:
            row = self.conn.execute(
                "SELECT pk FROM posts WHERE platform = ? AND id = ?", (embed.platform, embed.id)
            ).fetchone()
            if row:
                return row[0]
            for other in other_ids(embed.platform, embed.id, embed.handle):
                row = self.conn.execute("SELECT pk FROM posts WHERE platform = ? AND id = ?",
                                        (embed.platform, other)).fetchone()
                if row:
                    return row[0]
        key = post_key(embed)
        row = self.conn.execute(
            "SELECT pk FROM posts WHERE key = ? UNION ALL"
            " SELECT post_pk FROM post_aliases WHERE key = ?", (key, key)
        ).fetchone()
        return row[0] if row else None

    def _upsert_post(self, embed: Embed, now: str, role: str | None = None,
                     added: set | None = None) -> int:
        """The post's pk, its row made or completed; a new row gets `role` and its
        pk goes into `added`."""
        pk = self.find_post(embed)
        fields = {
            "handle": embed.handle, "author": embed.author, "date": embed.date,
            "date_text": embed.date_text, "text": embed.text, "url": embed.url,
        }
        if pk is None:
            pk = self.conn.execute(
                "INSERT INTO posts (key, platform, id, handle, author, date, date_text, text, url,"
                " status, first_seen, updated_at, role)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)",
                (post_key(embed), embed.platform, embed.id, *fields.values(), now, now, role),
            ).lastrowid
            if added is not None:
                added.add(pk)
        else:
            # Only fill what is still unknown: the first article's record is kept.
            self._fill_nulls(pk, fields, now)
        if embed.id:
            self._one_post_for_ids(pk, embed, now)
        codes = [self._upsert_link(link) for link in embed.links]
        for code in codes:
            self.conn.execute(
                "INSERT OR IGNORE INTO post_links (post_pk, code) VALUES (?, ?)", (pk, code)
            )
        return pk

    def _one_post_for_ids(self, pk: int, embed: Embed, now: str) -> None:
        """The post at pk, met under embed.id, is one post whatever id names it: a
        row found under another id of it takes this one (the one the others are
        told from), and the other ids become aliases of it. Another row kept under
        one of them stays until a fetch job merges it (merge_other_ids)."""
        others = other_ids(embed.platform, embed.id, embed.handle)
        if not others:
            return
        row = self.conn.execute("SELECT id FROM posts WHERE pk = ?", (pk,)).fetchone()
        if row and row[0] in others:
            self.conn.execute("UPDATE posts SET id = ?, key = ? WHERE pk = ?",
                              (embed.id, post_key(embed), pk))
        settle_other_ids(self.conn, pk, embed.platform, others, now)

    def merge_other_ids(self, now: str | None = None) -> None:
        """Make one record of each post kept under two of its ids: only for a job
        holding the run lock, before it processes posts (schema.merge_other_ids)."""
        merge_other_ids(self.conn, now or utcnow())

    def add_cited_post(self, article_id: int, embed: Embed, now: str) -> bool:
        """A post an article's link turned out to lead to, once resolved: cited by
        that article (unless it shows the post already). True when it is new there."""
        with self.conn:
            pk = self._upsert_post(embed, now)
            position = self.conn.execute(
                "SELECT coalesce(max(position), -1) + 1 FROM article_posts WHERE article_id = ?",
                (article_id,)).fetchone()[0]
            added = self.conn.execute(
                "INSERT OR IGNORE INTO article_posts (article_id, post_pk, position, role)"
                " VALUES (?, ?, ?, 'cited')", (article_id, pk, position)).rowcount
            if added:
                self.conn.execute(
                    "UPDATE posts SET role = 'cited' WHERE pk = ? AND role IS NOT 'embedded'",
                    (pk,))
            return bool(added)

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
        """The link's row (its key is its platform's: a t.co link's bare code); a
        link to a post's own media marks the row once seen in that form."""
        owner = platforms.link_key(link)
        code = owner[1] if owner else link
        is_pic = 1 if owner and owner[0].is_media_link(link) else 0
        self.conn.execute(
            "INSERT INTO links (code, url, is_pic) VALUES (?, ?, ?) ON CONFLICT(code) DO UPDATE"
            " SET url = excluded.url, is_pic = 1 WHERE excluded.is_pic = 1 AND links.is_pic = 0",
            (code, link, is_pic),
        )
        return code

    def clear_failure(self, source: str) -> None:
        """A source read whole this time (a web archive once damaged, now mended)."""
        with self._source():
            self.conn.execute("DELETE FROM source_failures WHERE source = ?", (source,))

    def record_failure(self, source: str, reason: str, now: str | None = None) -> None:
        with self._source():
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

        Returns the surviving post's pk. The merged record keeps every row of both
        (articles, links, captures, status history: schema.merge_post), and the
        id-less key stays an alias so a later scan of the same article finds it.
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
            url = platforms.get(platform).post_url(platform_id, handle)
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
            merge_post(self.conn, pk, target, now)
            return target


def dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)

