"""The scan stage end to end: sources -> scanner -> store, one source at a time.

A source that cannot be read is reported and recorded, and the others go on.
"""

from __future__ import annotations

import hashlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import SourceError
from .model import Article, Embed
from .scan import feeds, scan_bytes
from .scan import sources as source_io
from .settings import Settings
from .store import Store


@dataclass
class ScanResult:
    source: str
    title: str | None = None
    embeds: list[Embed] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    outcome: str = ""  # new, changed, unchanged
    error: str | None = None

    def to_json(self) -> dict:
        data = {"source": self.source, "title": self.title,
                "embeds": [e.to_json() for e in self.embeds], "links": list(self.links)}
        if self.error:
            data["error"] = self.error
        return data

    @classmethod
    def of(cls, article: Article, outcome: str) -> ScanResult:
        return cls(article.source, article.title, article.embeds, article.links, outcome)


@dataclass
class ScanReport:
    scanned: int = 0
    failed: int = 0
    embeds: int = 0
    links: int = 0
    lists: int = 0  # feeds and sitemaps expanded
    outcomes: dict = field(default_factory=dict)

    def summary(self) -> str:
        parts = [f"Scanned {self.scanned} source{'s' if self.scanned != 1 else ''}"]
        parts.append(f"{self.embeds} embed{'s' if self.embeds != 1 else ''}")
        parts.append(f"{self.links} link{'s' if self.links != 1 else ''}")
        if self.outcomes:
            parts.append(", ".join(f"{n} {k}" for k, n in sorted(self.outcomes.items())))
        if self.lists:
            parts.append(f"{self.lists} feed{'s' if self.lists != 1 else ''} or sitemaps expanded")
        if self.failed:
            parts.append(f"{self.failed} failed")
        return "; ".join(parts) + "."


def scan_sources(
    specs: list[str],
    settings: Settings,
    on_result: Callable[[ScanResult], None] = lambda r: None,
    on_error: Callable[[SourceError], None] = lambda e: None,
    progress: Callable[[int, int | None], None] | None = None,
    store: Store | None = None,
    skip_unchanged: bool = False,
) -> ScanReport:
    """Scan every source; feeds and sitemaps are expanded to the articles they list.

    With skip_unchanged, an article whose bytes have the hash already recorded
    is not parsed again.
    """
    own_store = store is None
    store = store or Store(settings.archive)
    report = ScanReport()
    queue = deque(source_io.expand(specs))
    seen: set[str] = set()
    done = 0
    try:
        while queue:
            item = queue.popleft()
            if isinstance(item, str):
                if item in seen:
                    continue
                seen.add(item)
            result, listed = _scan_one(item, settings, store, skip_unchanged)
            if listed is not None:
                queue.extend(u for u in listed if u not in seen)
                report.lists += 1
                continue
            done += 1
            if result.error:
                report.failed += 1
                error = item if isinstance(item, SourceError) else SourceError(
                    result.source, result.error
                )
                on_error(error)
            else:
                report.scanned += 1
                report.embeds += len(result.embeds)
                report.links += len(result.links)
                report.outcomes[result.outcome] = report.outcomes.get(result.outcome, 0) + 1
            on_result(result)
            if progress:
                progress(done, done + len(queue))
    finally:
        if own_store:
            store.close()
    return report


def _scan_one(item, settings: Settings, store: Store, skip_unchanged: bool):
    """(result, None) for an article, (None, urls) for a feed or sitemap."""
    try:
        if isinstance(item, SourceError):
            raise item
        loaded = source_io.load(item, settings.max_source_bytes, settings.timeout)
        if feeds.is_feed(loaded.data):
            _kind, urls = feeds.entries(loaded.data, loaded.source)
            return None, urls
        if skip_unchanged:
            digest = hashlib.sha256(loaded.data).hexdigest()
            if store.touch_if_unchanged(loaded.source, digest):
                return ScanResult(loaded.source, outcome="unchanged"), None
        article = scan_bytes(loaded.data, loaded.source, loaded.content_type)
    except SourceError as exc:
        store.record_failure(exc.source, exc.reason)
        return ScanResult(exc.source, error=exc.reason), None
    recorded = store.record_article(article)
    return ScanResult.of(article, recorded.outcome), None
