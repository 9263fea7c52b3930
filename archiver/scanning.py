"""The scan stage end to end: sources -> scanner -> store, one source at a time.

A source that cannot be read is reported and recorded, and the others go on.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from .clean import storable
from .errors import SourceError
from .model import Article, Embed
from .scan import feeds, scan_bytes
from .scan import sources as source_io
from .scan.workers import Overrun, Workers
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
    warnings: list[str] = field(default_factory=list)  # see Article.warnings
    cited: list[Embed] = field(default_factory=list)  # see Article.cited

    def to_json(self) -> dict:
        data = {"source": self.source, "title": self.title,
                "embeds": [e.to_json() for e in self.embeds], "links": list(self.links),
                "cited": [e.cited_json() for e in self.cited]}
        if self.warnings:
            data["warnings"] = list(self.warnings)
        if self.error:
            data["error"] = self.error
        return data

    @classmethod
    def of(cls, article: Article, outcome: str) -> ScanResult:
        return cls(article.source, article.title, article.embeds, article.links, outcome,
                   warnings=list(article.warnings), cited=list(article.cited))


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

    Reading and parsing run in worker processes (one, or one per core when there
    are enough sources to pay for them), each source within SCAN_TIMEOUT seconds;
    the database is written by this process alone, in the sources' order. With
    skip_unchanged, an article whose bytes have the hash already recorded is not
    parsed again.
    """
    own_store = store is None
    store = store or Store(settings.archive)
    report = ScanReport()
    queue = deque(source_io.expand(specs))
    seen: set = set()
    known = store.article_hashes() if skip_unchanged else None
    done = 0
    workers = Workers(functools.partial(_read, settings=settings, known=known),
                      settings.scan_timeout, grace=functools.partial(_grace, settings))
    try:
        while queue:
            batch = []
            while queue and len(batch) < BATCH:
                item = queue.popleft()
                if not isinstance(item, SourceError):
                    if item in seen:
                        continue
                    seen.add(item)
                batch.append(item)
            if len(batch) >= MIN_PARALLEL:  # else one worker, started when first needed
                workers.grow(_workers(settings, batch))
            for item, outcome in zip(batch, _read_all(batch, workers, settings), strict=True):
                result, listed = _record(item, outcome, store, workers)
                if listed is not None:
                    queue.extend(u for u in listed if u not in seen)
                    report.lists += 1
                    continue
                done += 1
                if result.error:
                    report.failed += 1
                    on_error(item if isinstance(item, SourceError)
                             else SourceError(result.source, result.error))
                else:
                    report.scanned += 1
                    report.embeds += len(result.embeds)
                    report.links += len(result.links)
                    report.outcomes[result.outcome] = report.outcomes.get(result.outcome, 0) + 1
                on_result(result)
                if progress:
                    progress(done, done + len(queue))
    finally:
        workers.close()
        if own_store:
            store.close()
    return report


BATCH = 256
# Below this many sources more than one worker process costs more than it saves.
MIN_PARALLEL = 12


def _workers(settings: Settings, batch: list) -> int:
    if len(batch) < MIN_PARALLEL:
        return 1
    return settings.scan_workers or os.cpu_count() or 1


def _grace(settings: Settings, task: tuple) -> float:
    """Seconds a task may take before its scan budget starts: a URL's fetch is
    bounded by its own timeouts (TIMEOUT per read, three times that in all)."""
    return 4 * settings.timeout if _is_url(task[0]) else 0.0


def _is_url(item) -> bool:
    return isinstance(item, str) and item.startswith(("http://", "https://"))


def _read_all(batch: list, workers: Workers, settings: Settings) -> Iterator[tuple]:
    """The outcome of each item, in order: failures known already are not sent to
    a worker, and standard input is read here (a worker has none)."""
    outcomes: list = [None] * len(batch)
    tasks = []
    for i, item in enumerate(batch):
        if item == "-":
            try:
                item = source_io.load("-", settings.max_source_bytes)
            except SourceError as exc:
                item = exc
        if isinstance(item, SourceError):
            outcomes[i] = ("error", item)
        else:
            tasks.append((item, True))
    parsed = workers.map(tasks) if tasks else iter(())
    for item, outcome in zip(batch, outcomes, strict=True):
        yield outcome or _settled(item, next(parsed))


def _settled(item, outcome) -> tuple:
    """A worker's outcome; a source whose worker ran over budget or died, as its failure."""
    if isinstance(outcome, Overrun):
        return ("error", SourceError(source_io.source_name(item), outcome.reason))
    return outcome


def _read(task: tuple, mark: Callable[[], None] = lambda: None, *, settings: Settings,
          known: dict | None) -> tuple:
    """Load and parse one source; touches no database, so it can run anywhere.

    Never raises: whatever goes wrong is this source's failure, so that nothing
    one page holds can stop the others.
    """
    item, check_known = task
    name = item.source if isinstance(item, source_io.Loaded) else source_io.source_name(item)
    try:
        if isinstance(item, source_io.Loaded):
            loaded = item
        else:
            loaded = source_io.load(item, settings.max_source_bytes, settings.timeout)
            if _is_url(item):
                mark()  # fetched: from now on the scan budget counts
        if feeds.is_feed(loaded.data):
            return ("list", feeds.entries(loaded.data, loaded.source)[1])
        if known is not None and check_known:
            digest = hashlib.sha256(loaded.data).hexdigest()
            if known.get(loaded.source) == digest:
                return ("unchanged", loaded.source, digest)
        return ("article", scan_bytes(loaded.data, loaded.source, loaded.content_type))
    except SourceError as exc:
        return ("error", exc)
    except Exception as exc:  # noqa: BLE001 - a scanner bug fails its source, not the run
        return ("error", SourceError(name, f"the scanner failed: {type(exc).__name__}: {exc}"))


def _storable(article: Article) -> Article:
    """Every text the scanner read made storable, whatever reader it came from: JSON
    inside a page may escape half a UTF-16 pair, which SQLite cannot hold."""
    for embed in [*article.embeds, *article.cited]:
        for name in ("id", "handle", "author", "date", "date_text", "text", "url"):
            value = getattr(embed, name)
            if value is not None:
                setattr(embed, name, storable(value))
        embed.links = [storable(link) for link in embed.links]
    article.title = storable(article.title) if article.title else article.title
    article.links = [storable(link) for link in article.links]
    return article


def _record(item, outcome: tuple, store: Store, workers: Workers):
    """(result, None) for an article, (None, urls) for a feed or sitemap."""
    kind = outcome[0]
    if kind == "list":
        return None, outcome[1]
    if kind == "unchanged" and store.touch_if_unchanged(outcome[1], outcome[2]):
        return ScanResult(outcome[1], outcome="unchanged"), None
    if kind == "error":
        exc = outcome[1]
        store.record_failure(exc.source, exc.reason)
        return ScanResult(exc.source, error=exc.reason), None
    if kind == "unchanged":  # the record changed meanwhile: parse after all
        outcome = _settled(item, next(workers.map([(item, False)], first=True)))
        if outcome[0] != "article":
            return _record(item, outcome, store, workers)
    article = _storable(outcome[1])
    recorded = store.record_article(article)
    return ScanResult.of(article, recorded.outcome), None
