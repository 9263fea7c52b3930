"""What resolved links teach the archive, between resolving them and fetching posts.

A pic link leads back to its own post: that gives a plain-text tweet its id. Any
other post URL among a post's links, or written out in its text, is a post it
quotes; one in an article's prose is a post the article cites.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import clock, platforms
from .ledger import FetchLedger
from .model import Embed
from .platforms import Platform
from .settings import Settings
from .store import Store

# A URL written out in a post's text (not behind a shortener).
_URL_IN_TEXT = re.compile(r"(?:https?:)?//[^\s<>\"'“”‘’]+", re.IGNORECASE)


def from_links(store: Store, ledger: FetchLedger, settings: Settings, since: str, now: str,
               report, events: Callable[[dict], None]) -> None:
    """Learn from the links resolved since `since`: ids (report.ids_learned), the
    posts articles cite (report.cited) and the posts posts quote (report.quotes)."""
    merged: dict[int, int] = {}
    for pk, post_id, handle, code, is_pic, resolved in ledger.resolved_status_links(since):
        pk = merged.get(pk, pk)
        ref = platforms.post_ref(resolved)
        if not ref:
            continue
        url_handle, status_id = ref.handle, ref.id
        row = store.conn.execute("SELECT id, platform FROM posts WHERE pk = ?",
                                 (pk,)).fetchone()
        post_id = row[0] if row else post_id
        if is_pic and post_id is None and row and row[1] == ref.platform:
            if handle and url_handle and handle.lower() != url_handle.lower():
                continue  # media of another account's post: not this tweet's id
            if not _dates_agree(pk, platforms.get(ref.platform), status_id, store):
                events({"event": "id", "post": status_id, "via": code,
                        "refused": "the attribution's date is not the id's date"})
                continue
            new_pk = store.assign_post_id(pk, status_id, url_handle, now=now)
            merged[pk] = new_pk
            report.ids_learned += 1
            events({"event": "id", "post": status_id, "via": code})
        elif status_id != post_id and not (is_pic and post_id):
            report.quotes += add_quote(ledger, settings, pk, ref, "link", now)
    # A link in an article's prose that leads to a post: the article cites it.
    for article_id, resolved in ledger.resolved_article_links(since):
        ref = platforms.post_ref(resolved)
        if ref and platforms.get(ref.platform).valid_id(ref.id):
            embed = Embed(ref.platform, id=ref.id, handle=ref.handle,
                          url=platforms.get(ref.platform).post_url(ref.id, ref.handle),
                          form="cited")
            report.cited += store.add_cited_post(article_id, embed, now)
    # A post's URL written out in a post's text (not behind a shortener) is a quote too.
    for pk, post_id, text in ledger.unsettled_texts_with_urls():
        for m in _URL_IN_TEXT.finditer(text or ""):
            ref = platforms.post_ref(m.group(0))
            if ref and ref.id != post_id:
                report.quotes += add_quote(ledger, settings, pk, ref, "text", now)


def add_quote(ledger: FetchLedger, settings: Settings, pk: int, ref: platforms.PostRef,
              via: str, now: str) -> int:
    """Record that the post at pk quotes the post ref names; 1 when that is new."""
    platform = platforms.get(ref.platform)
    if not platform.valid_id(ref.id):
        return 0
    url = platform.post_url(ref.id, ref.handle, settings)
    _, created = ledger.add_quote(pk, ref.platform, ref.id, ref.handle, url, via, now)
    return int(created)


def _dates_agree(pk: int, platform: Platform, post_id: str, store: Store) -> bool:
    """A plain-text post's attribution date against the date its would-be id
    encodes: a day apart at most (the attribution is in the publisher's zone)."""
    row = store.conn.execute("SELECT date FROM posts WHERE pk = ?", (pk,)).fetchone()
    encoded = platform.date_from_id(post_id)
    if not row or not row[0] or not encoded:
        return True
    return abs(clock.parse(row[0] + "T00:00:00Z") - clock.parse(encoded + "T00:00:00Z")).days <= 1
