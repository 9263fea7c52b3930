"""Datasette metadata for the archive: what every table and column holds, sort
orders, facets, labels for foreign keys, full-text search, canned queries.

`python -m archiver.datasette.metadata > metadata.json` writes it for a plain
`datasette archive/archive.db -m metadata.json`.
"""

from __future__ import annotations

import copy
import json

DATABASE = "archive"  # Datasette names a database after its file: archive.db

TITLE = "Posts embedded in news articles"
DESCRIPTION = (
    "What news articles showed their readers from social media: the posts they embedded, "
    "with the text the article preserved, captures of each post (screenshot, page, raw "
    "answers), the post's status since, and where every t.co link leads. "
    "Start with posts; search their text; the queries below answer the usual questions."
)

STATUS = ("pending: not fetched yet; archived: fetched and captured; deleted: both sources "
          "answer 404; unavailable: tombstoned, protected, suspended or age-restricted; "
          "failed: could not be fetched, tried again when due")

TABLES: dict[str, dict] = {
    "articles": {
        "description": "One row per source scanned: a file, folder entry, URL, or a page "
                       "inside a web archive (WARC, WACZ).",
        "label_column": "title",
        "sort_desc": "last_scanned",
        "facets": ["kind"],
        "columns": {
            "id": "Row id.",
            "source": "The source as given: a path or an http(s) URL.",
            "title": "The article's title, when it has one.",
            "kind": "html or text, told apart by the content, not the extension.",
            "content_hash": "SHA-256 of the source's bytes; an unchanged article is not "
                            "parsed again.",
            "first_scanned": "When the source was first scanned (UTC).",
            "last_scanned": "When the source was last scanned (UTC).",
            "scanner": "The scanner version that read it; an older one's articles are "
                       "read again once.",
            "warnings": "JSON list of what the scan could not read whole (e.g. markup "
                        "nested deeper than the parser goes); empty when all was read.",
            "warc_file": "For a page read from a web archive: the WARC file (a WACZ's as "
                         "WACZ#archive/NAME); null otherwise.",
            "warc_offset": "Offset of the page's record in that WARC (bytes; of its gzip "
                           "member in a .warc.gz), as CDX indexes give it.",
            "warc_date": "The record's WARC-Date: when the page was captured.",
        },
    },
    "posts": {
        "description": "One row per post embedded in an article. `text` is what the article "
                       "preserved and is never replaced; `live_text` is what the platform "
                       "shows. The thumbnail is the latest screenshot captured.",
        "label_column": "handle",
        "sort_desc": "date",
        "facets": ["status", "role", "handle", "platform", {"date": "date"}],
        "fts_table": "posts_fts",
        "fts_pk": "pk",
        "columns": {
            "pk": "Row id.",
            "key": "Unique key: platform:ID, or platform:text:DIGEST for a plain-text post "
                   "whose id is not known yet. Shown with the latest screenshot.",
            "platform": "The platform the post is on (twitter, bluesky, mastodon, youtube, "
                        "...): the first part of its key and of its capture folders.",
            "id": "The platform's id of the post; empty until known.",
            "handle": "The account, without '@'.",
            "author": "The account's display name, as the article showed it.",
            "date": "The post's date (ISO), from the attribution or the id.",
            "date_text": "The date as the article's attribution wrote it.",
            "text": "The post's text as the article preserved it.",
            "url": "The post's status URL.",
            "live_text": "The post's text as the platform served it when fetched.",
            "status": STATUS + ".",
            "status_reason": "Why the post has its status.",
            "first_seen": "When an article first showed the post (UTC).",
            "updated_at": "When this row last changed (UTC).",
            "created_at": "The exact creation time the platform gives (UTC).",
            "media": "The post's photos and videos (JSON).",
            "edited": "1 when the live text differs from the preserved text, or the "
                      "platform says the post was edited.",
            "edit_info": "The platform's edit history (JSON).",
            "role": "embedded (some article embeds it), cited (articles only link to it "
                    "in their prose) or quoted (known only as the post another quotes).",
            "live_source": "Where the live data came from: syndication, or oembed (text "
                           "only: no media, no exact time until archiver refresh).",
            "live_truncated": "1 when the platform gave only the start of a long post's "
                              "text; a preserved text beginning with it is not an edit.",
            "attempts": "Fetch attempts since the last success.",
            "last_error": "The last fetch error.",
            "next_attempt_at": "When a failed post is due again (UTC).",
            "checked_at": "When the post was last fetched or rechecked (UTC).",
            "archived_at": "When the post was first archived (UTC).",
            "gone_since": "When the post was first seen deleted or unavailable (UTC).",
        },
    },
    "article_posts": {
        "description": "Which article shows which post, in the article's order: embedded "
                       "in the page, or cited (linked to in its prose).",
        "sort": "article_id",
        "facets": ["role"],
        "columns": {
            "article_id": "The article.",
            "post_pk": "The post.",
            "position": "The post's position in the article, from 0 (embedded posts first).",
            "role": "embedded, or cited: the article links to the post in its prose.",
        },
    },
    "post_aliases": {
        "description": "Keys of id-less posts merged into the record of their id, so a "
                       "re-scan finds the merged post.",
        "columns": {"key": "The former key.", "post_pk": "The post it now belongs to."},
    },
    "links": {
        "description": "One row per t.co code found in an article or a post, with where it "
                       "leads.",
        "label_column": "resolved",
        "sort_desc": "resolved_at",
        "facets": ["is_pic"],
        "columns": {
            "code": "The link's key, as its platform gives it: a t.co link's bare code, "
                    "another platform's short link by host and path (vm.tiktok.com/CODE).",
            "url": "The link as found: https://t.co/CODE, https://pic.twitter.com/CODE, or "
                   "another platform's short link.",
            "is_pic": "1 for a link to a post's own media (pic.twitter.com): resolved, it "
                      "names the post it belongs to.",
            "resolved": "The final URL the chain leads to; empty when it failed.",
            "error": "Why the link could not be resolved.",
            "hops": "Every hop of the chain: URL and HTTP status (JSON).",
            "resolved_at": "When the link was resolved (UTC).",
            "attempts": "Resolution attempts since the last success.",
            "next_attempt_at": "When a failed link is due again (UTC).",
            "note": "A remark on the resolution, e.g. that the destination did not answer.",
        },
    },
    "article_links": {
        "description": "Which article holds which link.",
        "columns": {"article_id": "The article.", "code": "The link."},
    },
    "post_links": {
        "description": "Which post holds which link.",
        "columns": {"post_pk": "The post.", "code": "The link."},
    },
    "post_quotes": {
        "description": "Which post quotes which; quoted posts are archived too.",
        "facets": ["via"],
        "columns": {
            "quoter_pk": "The quoting post.",
            "quoted_pk": "The quoted post.",
            "via": "How the quote was found: link (a status URL among the post's links) "
                   "or syndication.",
        },
    },
    "snapshots": {
        "description": "Capture files of each post, under ARCHIVE/snapshots/. Screenshots "
                       "and media open full size; pages and WACZ files download and never "
                       "run.",
        "sort_desc": "captured_at",
        "facets": ["kind"],
        "columns": {
            "id": "Row id.",
            "post_pk": "The post captured.",
            "kind": "png (screenshot), html (rendered page), mhtml (page snapshot), "
                    "syndication or oembed (the raw answers), media (a photo or video at "
                    "full quality), wacz (every HTTP exchange of the capture, to replay).",
            "path": "The file, relative to the archive folder.",
            "sha256": "SHA-256 of the file, as written (also in the folder's manifest.json).",
            "size": "Size in bytes.",
            "source_url": "Where the content came from (a media file: after redirects).",
            "http_status": "The HTTP status of the answer the file holds or came from.",
            "captured_at": "When it was captured (UTC).",
        },
    },
    "media_failures": {
        "description": "Photos and videos a capture could not keep, and why (a refused "
                       "address, an answer over MAX_MEDIA_MB, the wrong type, an error).",
        "sort_desc": "failed_at",
        "facets": ["media_type"],
        "columns": {
            "id": "Row id.",
            "post_pk": "The post.",
            "capture": "The capture folder it belongs to, relative to the archive folder.",
            "position": "Its place among the post's media (1 is the first).",
            "media_type": "photo, video or gif.",
            "source_url": "The URL asked for (a photo's original, a video's best MP4).",
            "http_status": "The HTTP status of the last answer, if there was one.",
            "reason": "Why the file was not kept.",
            "failed_at": "When (UTC).",
        },
    },
    "source_failures": {
        "description": "Sources that could not be read, with the reason.",
        "sort_desc": "failed_at",
        "columns": {
            "source": "The source as given.",
            "reason": "Why it could not be read.",
            "failed_at": "When (UTC).",
        },
    },
    "status_history": {
        "description": "Every status change of a post.",
        "sort_desc": "at",
        "facets": ["to_status"],
        "columns": {
            "id": "Row id.",
            "post_pk": "The post.",
            "at": "When (UTC).",
            "from_status": "The status before.",
            "to_status": "The status after.",
            "reason": "Why.",
        },
    },
    "runs": {
        "description": "One row per job (run, fetch, recheck). A job killed midway has no "
                       "end.",
        "sort_desc": "id",
        "facets": ["command", "exit_code"],
        "columns": {
            "id": "Row id.",
            "command": "run, fetch, recheck, refresh or upgrade-captures.",
            "pid": "The job's process id.",
            "started_at": "Start (UTC).",
            "ended_at": "End (UTC); empty when the job was killed or is running.",
            "exit_code": "0 complete, 1 complete with failures, 3 fatal, 5 internal error "
                         "(a bug), 130 interrupted (Ctrl-C), 143 stopped (SIGTERM).",
            "error": "Why the job ended early: a fatal error, a bug, an interrupt.",
            "sources": "Sources read.",
            "sources_failed": "Sources that could not be read.",
            "links_resolved": "Links resolved.",
            "links_failed": "Links that failed.",
            "archived": "Posts archived.",
            "deleted": "Posts found deleted.",
            "unavailable": "Posts found unavailable.",
            "failed": "Posts that failed.",
            "deferred": "Posts and links left for a later run (rate limits).",
            "rechecked": "Posts rechecked.",
            "refreshed": "Posts archived from oEmbed alone whose media and exact time "
                         "syndication has now given (archiver refresh).",
            "log": "The job's JSON-lines log file.",
        },
    },
    "migrations": {
        "description": "Schema migrations applied, by name.",
        "hidden": True,
        "columns": {"name": "The migration.", "applied_at": "When (UTC)."},
    },
}


def _latest_png(pk: str) -> str:
    return (f"(SELECT s.path FROM snapshots s WHERE s.post_pk = {pk} AND s.kind = 'png'"
            " ORDER BY s.captured_at DESC LIMIT 1)")


def queries(max_attempts: int = 6) -> dict[str, dict]:
    """Canned queries; `max_attempts` is the setting a failure waits out before it needs
    --retry-failed."""
    max_attempts = int(max_attempts)
    return {
        "posts_by_handle": {
            "title": "Posts by a handle",
            "description": "Every post of one account, newest first ('@' optional, any case);"
                           " platform narrows it to one platform (twitter, bluesky, ...),"
                           " empty for all: the same handle on two platforms is two accounts.",
            "sql": f"""SELECT p.pk, {_latest_png("p.pk")} AS screenshot, p.platform, p.handle,
  p.author, p.date, p.status, p.text, p.url,
  (SELECT count(*) FROM article_posts ap WHERE ap.post_pk = p.pk) AS articles
FROM posts p
WHERE p.handle = ltrim(trim(:handle), '@') COLLATE NOCASE
  AND (coalesce(trim(:platform), '') = '' OR p.platform = lower(trim(:platform)))
ORDER BY p.date IS NULL, p.date DESC, p.pk DESC""",
        },
        "gone_posts": {
            "title": "Posts deleted or unavailable since",
            "description": "Posts the platform no longer shows, with the date they were first "
                           "seen gone; archived_at is empty when the post was already gone at "
                           "its first fetch. Their captures stay.",
            "sql": f"""SELECT p.pk, {_latest_png("p.pk")} AS screenshot, p.platform, p.handle,
  p.date, p.status, p.status_reason, p.gone_since, p.archived_at, p.text, p.url
FROM posts p
WHERE p.status IN ('deleted', 'unavailable')
ORDER BY p.gone_since DESC, p.pk DESC""",
        },
        "failures": {
            "title": "Failures and when they are retried",
            "description": f"Posts and links that failed, with their reasons. due: tried by "
                           f"the next run; waiting: due later; exhausted: {max_attempts} "
                           f"attempts used, only `archiver fetch --retry-failed` retries it.",
            "sql": f"""SELECT 'post' AS item, p.key AS what, p.handle, p.attempts,
  coalesce(p.last_error, p.status_reason) AS reason, p.next_attempt_at,
  CASE WHEN coalesce(p.attempts, 0) >= {max_attempts} THEN 'exhausted'
       WHEN coalesce(p.next_attempt_at, '') <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
       THEN 'due' ELSE 'waiting' END AS retry
FROM posts p WHERE p.status = 'failed'
UNION ALL
SELECT 'link', l.url, NULL, l.attempts, l.error, l.next_attempt_at,
  CASE WHEN coalesce(l.attempts, 0) >= {max_attempts} THEN 'exhausted'
       WHEN coalesce(l.next_attempt_at, '') <= strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
       THEN 'due' ELSE 'waiting' END
FROM links l WHERE l.resolved IS NULL AND l.error IS NOT NULL
ORDER BY retry, next_attempt_at""",
        },
        "articles_by_embeds": {
            "title": "Articles with the most embeds",
            "description": "Articles ranked by the posts they embed.",
            "sql": """SELECT a.id, a.title, a.source, count(ap.post_pk) AS embeds,
  (SELECT count(*) FROM article_links al WHERE al.article_id = a.id) AS links,
  a.last_scanned
FROM articles a LEFT JOIN article_posts ap ON ap.article_id = a.id
GROUP BY a.id
ORDER BY embeds DESC, a.id""",
        },
        "edited_posts": {
            "title": "Posts whose live text differs from the preserved text",
            "description": "The article's words beside the platform's, for posts edited since "
                           "(links compared by code, whitespace and typographic quotes "
                           "ignored).",
            "sql": """SELECT p.pk, p.platform, p.handle, p.date, p.text AS preserved_text,
  p.live_text,
  p.edit_info, p.url
FROM posts p
WHERE p.edited = 1
ORDER BY p.date DESC, p.pk DESC""",
        },
        "link_resolutions": {
            "title": "Link resolutions",
            "description": "Every short link (t.co and other platforms') with where it "
                           "leads, its hops, and why it failed.",
            "sql": """SELECT l.code, l.url, l.resolved, l.error, l.note,
  json_array_length(l.hops) AS hops, l.resolved_at,
  (SELECT count(*) FROM article_links al WHERE al.code = l.code) AS articles,
  (SELECT count(*) FROM post_links pl WHERE pl.code = l.code) AS posts
FROM links l
ORDER BY l.resolved IS NULL, l.resolved_at DESC, l.code""",
        },
    }


def metadata(max_attempts: int = 6) -> dict:
    """The metadata dict Datasette takes (`metadata=` or `-m metadata.json`)."""
    return {
        "title": TITLE,
        "description": DESCRIPTION,
        "databases": {
            DATABASE: {
                "description": DESCRIPTION,
                "tables": copy.deepcopy(TABLES),
                "queries": queries(max_attempts),
            }
        },
    }


if __name__ == "__main__":
    print(json.dumps(metadata(), indent=2, ensure_ascii=False))
