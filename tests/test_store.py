"""The SQLite store: schema, idempotent re-scans, merging an id-less tweet."""

import sqlite3

import pytest
import sqlite_utils

from archiver.model import Article, Embed
from archiver.scan import scan_bytes
from archiver.schema import MIGRATIONS
from archiver.store import Store
from conftest import SEED

CONTENT_TABLES = [
    "articles", "posts", "post_aliases", "article_posts", "links", "article_links",
    "post_links", "snapshots",
]


def dump(path):
    conn = sqlite3.connect(path)
    try:
        return {
            table: sorted(map(repr, conn.execute(f"SELECT * FROM {table}").fetchall()))
            for table in CONTENT_TABLES
        }
    finally:
        conn.close()


@pytest.fixture
def store(archive):
    store = Store(archive)
    yield store
    store.close()


def seed_article():
    return scan_bytes(SEED.read_bytes(), str(SEED))


def test_schema_declares_foreign_keys_indexes_fts_and_records_migrations(store):
    db = sqlite_utils.Database(store.conn)
    fks = {(fk.table, fk.column, fk.other_table) for t in db.tables for fk in t.foreign_keys}
    assert ("article_posts", "post_pk", "posts") in fks
    assert ("article_posts", "article_id", "articles") in fks
    assert ("post_links", "code", "links") in fks
    assert ("snapshots", "post_pk", "posts") in fks
    assert db["posts"].detect_fts() == "posts_fts"
    index_sql = " ".join(
        r[0] for r in store.conn.execute("SELECT sql FROM sqlite_master WHERE type = 'index'")
        if r[0]
    )
    assert "handle COLLATE NOCASE" in index_sql
    assert "date" in {c for i in db["posts"].indexes for c in i.columns}
    assert [r["name"] for r in db["migrations"].rows] == [name for name, _ in MIGRATIONS]
    assert store.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_rescanning_an_unchanged_article_changes_no_content_row(store, archive):
    store.record_article(seed_article(), now="2026-01-01T00:00:00Z")
    before = dump(archive / "archive.db")
    result = store.record_article(seed_article(), now="2026-02-01T00:00:00Z")
    after = dump(archive / "archive.db")
    assert result.outcome == "unchanged"
    assert {t: v for t, v in before.items() if t != "articles"} == {
        t: v for t, v in after.items() if t != "articles"
    }
    row = store.conn.execute("SELECT first_scanned, last_scanned FROM articles").fetchone()
    assert row == ("2026-01-01T00:00:00Z", "2026-02-01T00:00:00Z")


def test_same_tweet_in_two_articles_is_one_post_linked_to_both(store):
    store.record_article(seed_article())
    copy = seed_article()
    copy.source = "elsewhere.txt"
    store.record_article(copy)
    assert store.conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 6
    assert store.conn.execute("SELECT count(*) FROM article_posts").fetchone()[0] == 12


def test_changed_article_drops_embeds_it_no_longer_holds(store):
    article = seed_article()
    store.record_article(article)
    article.embeds = article.embeds[:2]
    article.content_hash = "changed"
    assert store.record_article(article).outcome == "changed"
    assert store.conn.execute("SELECT count(*) FROM article_posts").fetchone()[0] == 2
    # the posts themselves are the archive's record and stay
    assert store.conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 6


def test_idless_tweet_merges_into_the_record_of_its_learned_id(store):
    store.record_article(seed_article())
    dw_pk = store.conn.execute("SELECT pk FROM posts WHERE handle = 'dwnews'").fetchone()[0]
    # Another article embedded the same tweet by id only.
    other = Article(
        source="other.html", title="t", kind="html", content_hash="x",
        embeds=[Embed(platform="twitter", id="1479080000000000000", handle="dwnews",
                      url="https://twitter.com/dwnews/status/1479080000000000000",
                      date="2022-01-06")],
    )
    store.record_article(other)
    merged = store.assign_post_id(dw_pk, "1479080000000000000")
    assert merged != dw_pk
    rows = store.conn.execute(
        "SELECT id, text, author FROM posts WHERE handle = 'dwnews'"
    ).fetchall()
    assert len(rows) == 1
    assert rows[0][0] == "1479080000000000000"
    assert rows[0][1].startswith("• Reports")  # the preserved text moved over
    assert rows[0][2] == "DW News"
    sources = {
        r[0] for r in store.conn.execute(
            "SELECT a.source FROM article_posts ap JOIN articles a ON a.id = ap.article_id"
            " WHERE ap.post_pk = ?", (merged,)
        )
    }
    assert sources == {str(SEED), "other.html"}
    assert store.conn.execute("SELECT count(*) FROM post_links WHERE post_pk = ?",
                              (merged,)).fetchone()[0] == 2
    # A later scan of the seed finds the merged post instead of re-creating the id-less one.
    before = dump(store.archive_dir / "archive.db")
    changed = seed_article()
    changed.content_hash = "edited-elsewhere"
    store.record_article(changed)
    assert store.conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 6
    assert dump(store.archive_dir / "archive.db")["posts"] == before["posts"]
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_an_idless_tweet_that_failed_before_its_id_was_learned_merges_with_its_history(store):
    """A night whose t.co answers failed leaves the id-less tweet failed ("id not
    known", in its status history); a later night learns its id, which another
    article's embed has: the two become one, history, quotes and all."""
    from archiver.ledger import FetchLedger

    store.record_article(seed_article())
    dw_pk = store.conn.execute("SELECT pk FROM posts WHERE handle = 'dwnews'").fetchone()[0]
    ledger = FetchLedger(store)
    ledger.save_outcome(dw_pk, "failed", "id not known: its links could not be resolved",
                        "2026-01-01T00:00:00Z")
    other = Article(source="other.html", title="t", kind="html", content_hash="x", embeds=[
        Embed(platform="twitter", id="1479080000000000000", handle="dwnews")])
    store.record_article(other)
    twin = store.find_post(other.embeds[0])
    quoter = store.conn.execute("SELECT pk FROM posts WHERE handle = 'ajplus'").fetchone()[0]
    with store.conn:
        store.conn.execute("INSERT INTO post_quotes (quoter_pk, quoted_pk, via) VALUES (?, ?,"
                           " 'link')", (quoter, dw_pk))
        store.conn.execute("INSERT INTO post_quotes (quoter_pk, quoted_pk, via) VALUES (?, ?,"
                           " 'link')", (dw_pk, twin))  # itself, once merged: dropped

    assert store.assign_post_id(dw_pk, "1479080000000000000") == twin
    assert store.conn.execute("SELECT post_pk, to_status FROM status_history").fetchall() == [
        (twin, "failed")]
    assert store.conn.execute("SELECT quoter_pk, quoted_pk FROM post_quotes").fetchall() == [
        (quoter, twin)]
    assert store.conn.execute("SELECT role FROM posts WHERE pk = ?", (twin,)).fetchone() == (
        "embedded",)
    assert store.conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_assigning_an_id_without_a_twin_keeps_the_post(store):
    store.record_article(seed_article())
    pk = store.conn.execute("SELECT pk FROM posts WHERE handle = 'ajplus'").fetchone()[0]
    assert store.assign_post_id(pk, "1479000000000000001") == pk
    row = store.conn.execute("SELECT id, url, key FROM posts WHERE pk = ?", (pk,)).fetchone()
    assert row == ("1479000000000000001", "https://twitter.com/ajplus/status/1479000000000000001",
                   "twitter:1479000000000000001")
    changed = seed_article()
    changed.content_hash = "edited-elsewhere"
    store.record_article(changed)  # the digest key is an alias now: no second post
    assert store.conn.execute("SELECT count(*) FROM posts").fetchone()[0] == 6


def test_full_text_search_covers_text_and_author(store):
    store.record_article(seed_article())
    hits = store.conn.execute(
        "SELECT p.handle FROM posts_fts f JOIN posts p ON p.pk = f.rowid WHERE posts_fts MATCH ?",
        ("decapitated",),
    ).fetchall()
    assert hits == [("ajplus",)]
    hits = store.conn.execute(
        "SELECT p.handle FROM posts_fts f JOIN posts p ON p.pk = f.rowid WHERE posts_fts MATCH ?",
        ("Liubakova",),
    ).fetchall()
    assert hits == [("HannaLiubakova",)]


def _article(source, embeds=(), cited=()):
    article = Article(source=source, title=None, kind="html", content_hash=source,
                      embeds=list(embeds))
    article.cited = list(cited)
    return article


def test_cited_posts_are_recorded_with_their_role_and_embedding_wins(store):
    one = Embed(platform="twitter", id="101", handle="a")
    two = Embed(platform="twitter", id="202", handle="b")
    store.record_article(_article("first", embeds=[one], cited=[two, one]))
    rows = dict(store.conn.execute(
        "SELECT p.id, ap.role FROM article_posts ap JOIN posts p ON p.pk = ap.post_pk"))
    assert rows == {"101": "embedded", "202": "cited"}
    roles = dict(store.conn.execute("SELECT id, role FROM posts"))
    assert roles == {"101": "embedded", "202": "cited"}
    # Another article embeds the cited post: the post is embedded somewhere now.
    store.record_article(_article("second", embeds=[two]))
    assert dict(store.conn.execute("SELECT id, role FROM posts"))["202"] == "embedded"
    # The first article changes and no longer shows post 101 at all.
    store.record_article(_article("first-changed", cited=[one]))
    changed = _article("first", cited=[])
    changed.content_hash = "new"
    store.record_article(changed)
    assert dict(store.conn.execute("SELECT id, role FROM posts"))["101"] == "cited"


def test_an_article_an_older_scanner_read_is_read_again_once(run, archive, tmp_path):
    page = tmp_path / "a.html"
    page.write_text('<html><body><amp-twitter data-tweetid="20" width="1" height="1">'
                    "</amp-twitter></body></html>")
    nowhere = "http://127.0.0.1:9"  # nothing listens: every fetch fails at once
    quiet = {"ARCHIVER_TCO_URL": f"{nowhere}/{{code}}",
             "ARCHIVER_EMBED_URL": f"{nowhere}/e?id={{id}}",
             "ARCHIVER_SYNDICATION_URL": f"{nowhere}/s?id={{id}}&t={{token}}",
             "ARCHIVER_OEMBED_URL": f"{nowhere}/o?url={{url}}"}
    assert run("scan", str(page)).returncode == 0
    conn = sqlite3.connect(archive / "archive.db")
    with conn:
        conn.execute("UPDATE articles SET scanner = scanner - 1")
        conn.execute("DELETE FROM article_posts")
    again = run("run", str(page), env=quiet)
    assert "1 reread" in again.stdout_text
    assert conn.execute("SELECT count(*) FROM article_posts").fetchone()[0] == 1
    once_more = run("run", str(page), env=quiet)
    assert "1 unchanged" in once_more.stdout_text
