"""A large archive for the lookup benchmark: 1,000,000 posts over 50,000 handles.

The schema is the product's own: archiver.store.Store creates (and migrates) an
empty archive, then the rows go in by bulk insert (sqlite3 executemany, one
transaction). The FTS index is kept in sync by rebuilding it once at the end
(its insert trigger is dropped for the load and recreated from the schema's own
SQL), and secondary indexes are dropped for the load and recreated, which is
much faster than maintaining them row by row.

One handle (HUNDRED) has exactly 100 posts. The rest follow a long-tailed
distribution (a few accounts with thousands of posts, many with a handful).
Every post is in an article; a part have t.co links and, when archived,
five capture files (png, html, mhtml, syndication, oembed).

The archive is cached under the bench cache folder, keyed by a hash of the
schema SQL and of this generator's parameters.

    python -m bench.archive FOLDER [--posts N] [--handles N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

VERSION = 2
HUNDRED = "Bench_Hundred"  # the handle with exactly 100 posts (looked up in lower case)
TWEPOCH_MS = 1288834974657
STATUS_WEIGHTS = [("archived", 60), ("pending", 8), ("deleted", 12), ("unavailable", 6),
                  ("failed", 14)]
KINDS = [("png", "screenshot.png"), ("html", "page.html"), ("mhtml", "page.mhtml"),
         ("syndication", "syndication.json"), ("oembed", "oembed.json")]


def schema_sql() -> str:
    """The SQL of the product's schema, as Store creates it today."""
    import tempfile

    from archiver.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(tmp)
        rows = store.conn.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"
        ).fetchall()
        store.close()
    return "\n".join(f"{t} {n} {tb} {s}" for t, n, tb, s in rows)


def cache_key(posts: int, handles: int, seed: int) -> str:
    basis = json.dumps([VERSION, posts, handles, seed, schema_sql()])
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def _handles(rng: random.Random, n: int) -> list[str]:
    from .corpus import FIRST, LAST

    seen, out = {HUNDRED.lower()}, []
    while len(out) < n:
        h = (rng.choice(FIRST) + rng.choice(["", "_", ""]) + rng.choice(LAST))[:11]
        h += str(rng.randint(0, 9999))
        if rng.random() < 0.5:
            h = h.lower()
        if h.lower() not in seen:
            seen.add(h.lower())
            out.append(h)
    return out


def build(folder: str | Path, posts: int = 1_000_000, handles: int = 50_000,
          seed: int = 6, log=print) -> dict:
    """Create the archive in folder (replacing it); return what was made and how long it took."""
    from archiver.store import Store

    from .corpus import Writer, date_text

    folder = Path(folder)
    if folder.exists():
        shutil.rmtree(folder)
    t0 = time.perf_counter()
    store = Store(folder)  # the product's schema and migrations
    store.close()
    conn = sqlite3.connect(folder / "archive.db")
    conn.execute("PRAGMA journal_mode=OFF")  # a bulk load: no rollback journal, no WAL copy
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("PRAGMA cache_size=-400000")
    rng = random.Random(seed)
    writer = Writer(seed)
    names = _handles(rng, handles - 1)
    authors = {h: writer.name() for h in names}
    authors[HUNDRED] = "Bench Hundred"

    # Posts per handle: exactly 100 for HUNDRED, a long tail for the rest (at least 1 each).
    rest = posts - 100
    weights = [1.0 / (i + 20) ** 1.1 for i in range(len(names))]
    assigned = names + rng.choices(names, weights, k=rest - len(names))
    assigned += [HUNDRED] * 100
    rng.shuffle(assigned)
    counts: dict[str, int] = {}
    for h in assigned:
        counts[h] = counts.get(h, 0) + 1

    # Drop secondary indexes and the FTS insert trigger for the load.
    saved = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL"
        " AND tbl_name IN ('posts', 'articles', 'article_posts', 'links', 'post_links',"
        " 'snapshots')"
    ).fetchall()
    for name, sql in saved:
        kind = "TRIGGER" if sql.upper().startswith("CREATE TRIGGER") else "INDEX"
        conn.execute(f'DROP {kind} "{name}"')

    start = datetime(2012, 1, 1, tzinfo=timezone.utc)
    span = int((datetime(2026, 1, 1, tzinfo=timezone.utc) - start).total_seconds())
    now = "2026-03-01T00:00:00Z"
    statuses, status_w = zip(*STATUS_WEIGHTS, strict=True)
    sentences = writer.sentences
    n_articles = posts // 5
    sites = ["elmcityrecord.com", "portellispost.com", "northgatenow.com", "marlowweekly.com"]

    post_rows, ap_rows, link_rows, pl_rows, snap_rows = [], [], [], [], []
    code_n = 0
    offsets = sorted(rng.randrange(span) for _ in range(posts))
    all_status = rng.choices(statuses, status_w, k=posts)
    for pk, (handle, offset) in enumerate(zip(assigned, offsets, strict=True), start=1):
        when = start + timedelta(seconds=offset)
        ms = int(when.timestamp() * 1000) - TWEPOCH_MS
        status = all_status[pk - 1]
        known_id = rng.random() > 0.04 or handle == HUNDRED
        post_id = str((ms << 22) | (pk & 0x3FFFFF)) if known_id else None
        text = rng.choice(sentences)[: rng.randint(60, 240)].rstrip()
        key = f"twitter:{post_id}" if post_id else (
            "twitter:text:" + hashlib.sha256(f"{pk}{handle}{text}".encode()).hexdigest()[:20])
        url = f"https://twitter.com/{handle}/status/{post_id}" if post_id else None
        archived = status == "archived"
        post_rows.append((
            pk, key, "twitter", post_id, handle, authors[handle], when.strftime("%Y-%m-%d"),
            date_text(when), text, url, text if archived else None, status,
            None if archived or status == "pending" else f"{status}: as the sources said",
            now, now, when.strftime("%Y-%m-%dT%H:%M:%S.000Z") if post_id else None,
            0 if archived or status == "pending" else rng.randint(1, 6),
            now if archived else None, now if archived else None,
        ))
        ap_rows.append((1 + (pk * 7919) % n_articles, pk, rng.randint(0, 5)))
        if rng.random() < 0.3:
            code_n += 1
            code = f"b{code_n:09d}"
            link_rows.append((code, f"https://t.co/{code}", 0,
                              f"https://www.{rng.choice(sites)}/story/{code_n}" if archived
                              else None, None))
            pl_rows.append((pk, code))
        if archived and post_id:
            stamp = "20260301T000000Z"
            source = f"https://platform.twitter.com/embed/Tweet.html?id={post_id}"
            for k, (kind, name) in enumerate(KINDS):
                digest = f"{(pk * 0x9E3779B97F4A7C15 + k) * 0xBF58476D1CE4E5B9:064x}"[-64:]
                snap_rows.append((pk, kind, f"snapshots/twitter/{post_id}/{stamp}/{name}",
                                  digest, 2_000 + (pk * 7 + k * 104729) % 900_000, source, now))
    t_rows = time.perf_counter()
    article_rows = [
        (i, f"https://www.{sites[i % len(sites)]}/2024/{i % 12 + 1:02d}/story-{i}/",
         sentences[i % len(sentences)][:90], "html", f"{i:064x}", now, now)
        for i in range(1, n_articles + 1)
    ]
    with conn:
        conn.executemany("INSERT INTO articles (id, source, title, kind, content_hash,"
                         " first_scanned, last_scanned) VALUES (?,?,?,?,?,?,?)", article_rows)
        conn.executemany(
            "INSERT INTO posts (pk, key, platform, id, handle, author, date, date_text, text,"
            " url, live_text, status, status_reason, first_seen, updated_at, created_at,"
            " attempts, checked_at, archived_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", post_rows)
        conn.executemany("INSERT OR IGNORE INTO article_posts (article_id, post_pk, position)"
                         " VALUES (?,?,?)", ap_rows)
        conn.executemany("INSERT INTO links (code, url, is_pic, resolved, error)"
                         " VALUES (?,?,?,?,?)", link_rows)
        conn.executemany("INSERT INTO post_links (post_pk, code) VALUES (?,?)", pl_rows)
        conn.executemany("INSERT INTO snapshots (post_pk, kind, path, sha256, size, source_url,"
                         " captured_at) VALUES (?,?,?,?,?,?,?)", snap_rows)
    t_insert = time.perf_counter()
    with conn:
        conn.execute("INSERT INTO posts_fts (posts_fts) VALUES ('rebuild')")
    t_fts = time.perf_counter()
    with conn:
        for _name, sql in saved:
            conn.execute(sql)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")  # as the product leaves it
    conn.close()
    t_end = time.perf_counter()
    info = {
        "posts": len(post_rows), "handles": len(counts), "articles": n_articles,
        "article_posts": len(ap_rows), "links": len(link_rows), "snapshots": len(snap_rows),
        "handle": HUNDRED, "handle_posts": counts[HUNDRED],
        "max_posts_per_handle": max(counts.values()),
        "seconds": {"rows": round(t_rows - t0, 1), "insert": round(t_insert - t_rows, 1),
                    "fts_rebuild": round(t_fts - t_insert, 1),
                    "indexes": round(t_end - t_fts, 1), "total": round(t_end - t0, 1)},
        "db_mb": round((folder / "archive.db").stat().st_size / 1e6),
    }
    return info


def cached(cache: Path, posts: int = 1_000_000, handles: int = 50_000, seed: int = 6,
           log=print) -> tuple[Path, dict, bool]:
    """The archive for these parameters, built once per schema; (folder, info, was_cached)."""
    key = cache_key(posts, handles, seed)
    folder = cache / f"archive-{posts}-{key}"
    meta = folder / "bench.json"
    if meta.exists():
        return folder, json.loads(meta.read_text()), True
    for old in cache.glob(f"archive-{posts}-*"):  # another schema: stale
        shutil.rmtree(old, ignore_errors=True)
    # In a process of its own: the rows take gigabytes, which this process should not keep.
    done = subprocess.run(
        [sys.executable, "-m", "bench.archive", str(folder), "--posts", str(posts),
         "--handles", str(handles), "--seed", str(seed)],
        cwd=Path(__file__).resolve().parent.parent, stdout=subprocess.PIPE, check=True,
    )
    info = json.loads(done.stdout)
    log(f"  archive built in {info['seconds']['total']} s: {json.dumps(info['seconds'])}")
    meta.write_text(json.dumps(info))
    return folder, info, False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("folder")
    parser.add_argument("--posts", type=int, default=1_000_000)
    parser.add_argument("--handles", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=6)
    args = parser.parse_args()
    info = build(args.folder, args.posts, args.handles, args.seed,
                 log=lambda m: print(m, file=sys.stderr))
    print(json.dumps(info, indent=1))


if __name__ == "__main__":
    main()
