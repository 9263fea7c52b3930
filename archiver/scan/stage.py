"""The scan stage end to end: sources -> scanner -> store.

Sources are read and parsed by an executor (worker processes on this machine,
or a Dask cluster: cluster.py), each task a source or a segment of a web archive;
this process alone writes the archive, in the sources' order. A source that
cannot be read is reported and recorded, and the others go on.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from ..clean import storable
from ..errors import SourceError
from ..model import Article, Embed
from ..settings import Settings
from ..store import Store
from . import feeds, scan_bytes, webarchive
from . import sources as source_io
from .webarchive import Origin, Segment
from .workers import Overrun, Workers


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
    origin: Origin | None = None  # the WARC record it was read from

    def to_json(self) -> dict:
        data = {"source": self.source, "title": self.title,
                "embeds": [e.to_json() for e in self.embeds], "links": list(self.links),
                "cited": [e.cited_json() for e in self.cited]}
        if self.origin:
            data["warc"] = self.origin.to_json()
        if self.warnings:
            data["warnings"] = list(self.warnings)
        if self.error:
            data["error"] = self.error
        return data

    @classmethod
    def of(cls, article: Article, outcome: str, origin: Origin | None = None) -> ScanResult:
        return cls(article.source, article.title, article.embeds, article.links, outcome,
                   warnings=list(article.warnings), cited=list(article.cited), origin=origin)


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
    cluster: str | None = None,
) -> ScanReport:
    """Scan every source; feeds and sitemaps are expanded to the articles they list,
    web archives (WARC, WACZ) to the articles they hold.

    Reading and parsing run in worker processes (one, or one per core when there
    are enough sources to pay for them), each source within SCAN_TIMEOUT seconds,
    or on the Dask cluster at `cluster` (see cluster.connect); the database is
    written by this process alone, in the sources' order. With skip_unchanged, an
    article whose bytes have the hash already recorded is not parsed again; a web
    archive's record never is.
    """
    own_store = store is None
    store = store or Store(settings.archive)
    report = ScanReport()
    queue = deque(source_io.expand(specs))
    seen: set = set()
    known = store.article_hashes()
    done = 0
    if cluster:
        from ..cluster import connect  # Dask is imported only for a cluster

        workers = connect(cluster, settings, known)
    else:
        warm()
        workers = Workers(functools.partial(_read, settings=settings, known=known),
                          settings.scan_timeout, grace=functools.partial(_grace, settings))
    recorder = _Recorder(store, workers, settings)
    try:
        with store.batch():
            while queue:
                batch = []
                while queue and len(batch) < BATCH:
                    item = queue.popleft()
                    if not isinstance(item, (SourceError, Segment)):
                        if item in seen:
                            continue
                        seen.add(item)
                        if webarchive.is_web_archive_name(source_io.source_name(item)):
                            queue.extendleft(reversed(_segments(item, settings)))
                            continue
                    batch.append(item)
                if len(batch) >= MIN_PARALLEL:  # else one worker, started when first needed
                    workers.grow(_workers(settings, batch))
                outcomes = _read_all(batch, workers, settings, skip_unchanged)
                for item, outcome in zip(batch, outcomes, strict=True):
                    if outcome[0] == "webarchive":  # found by its bytes, not its name
                        queue.extendleft(reversed(_segments(item, settings)))
                        continue
                    for result, listed in recorder.record(item, outcome):
                        if listed is not None:
                            queue.extend(u for u in listed if u not in seen)
                            report.lists += 1
                            continue
                        done += 1
                        if result.error:
                            report.failed += 1
                            on_error(SourceError(result.source, result.error))
                        else:
                            report.scanned += 1
                            report.embeds += len(result.embeds)
                            report.links += len(result.links)
                            report.outcomes[result.outcome] = report.outcomes.get(
                                result.outcome, 0) + 1
                        on_result(result)
                        if progress:
                            progress(done, None if recorder.archives else done + len(queue))
    finally:
        workers.close()
        if own_store:
            store.close()
    return report


def warm() -> None:
    """Build what the scanner compiles on its first page (its Hyperscan database,
    its expressions) in this process, so that every worker forked from it starts
    with it built instead of building it again (0.05-0.1 CPU s each)."""
    scan_bytes(b"<p></p>", "-", "text/html")


def _segments(item, settings: Settings) -> list:
    """A web archive's work: its WARC (each WACZ member's) in segments (segment_size);
    a WARC read from a URL is one segment, streamed. Or the SourceError why not."""
    name = source_io.source_name(item)
    location = getattr(item, "path", item)
    try:
        if location.startswith(("http://", "https://")):
            if name.split("?", 1)[0].lower().endswith(".wacz"):
                return _wacz_segments(name, location, settings)
            gzip = name.split("?", 1)[0].lower().endswith(".gz")
            return [Segment(name, location, name, gzip)]
        try:
            with open(location, "rb") as handle:
                kind = webarchive.sniff(handle.read(4096))
            size = os.path.getsize(location)
        except OSError as exc:
            raise SourceError(name, source_io.unreadable(exc)) from None
        if kind == "wacz":
            return _wacz_segments(name, location, settings)
        if kind is None:
            raise SourceError(name, "not a WARC or WACZ file, though named like one")
        return _split(Segment(name, location, name, kind == "warc.gz"), size)
    except SourceError as exc:
        return [exc]


def _wacz_segments(name: str, location: str, settings: Settings) -> list[Segment]:
    from . import wacz

    found = []
    for member, offset, size in wacz.members(name, location, settings.timeout):
        with_head = _member_head(location, offset, settings) if size else b""
        gzip = with_head.startswith(webarchive.GZIP_MAGIC)
        found += _split(Segment(name, location, f"{name}#{member}", gzip, base=offset,
                                size=size), size)
    return found


def _member_head(location: str, offset: int, settings: Settings) -> bytes:
    if location.startswith(("http://", "https://")):
        span = {"Range": f"bytes={offset}-{offset + 2}"}
        with source_io.open_url(location, settings.timeout, span) as response:
            return response.raw.read(3, decode_content=False)
    with open(location, "rb") as handle:
        handle.seek(offset)
        return handle.read(3)


def _split(whole: Segment, size: int) -> list[Segment]:
    step = webarchive.segment_size(size)
    if size <= step:
        return [whole]
    return [dataclasses.replace(whole, start=a, stop=a + step if a + step < size else None,
                                exact=a == 0) for a in range(0, size, step)]


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
    item = task[0]
    return 4 * settings.timeout if _is_url(getattr(item, "location", item)) else 0.0


def _is_url(item) -> bool:
    return isinstance(item, str) and item.startswith(("http://", "https://"))


def _read_all(batch: list, workers: Workers, settings: Settings,
              skip_unchanged: bool) -> Iterator[tuple]:
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
            tasks.append((item, skip_unchanged or isinstance(item, Segment)))
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
    if isinstance(item, Segment):
        return _read_segment(item, mark, settings, known if check_known else None)
    name = item.source if isinstance(item, source_io.Loaded) else source_io.source_name(item)
    try:
        if not isinstance(item, source_io.Loaded) and not _is_url(item) and item != "-" and (
                webarchive.sniff(_head(item)) is not None):
            return ("webarchive",)
        if isinstance(item, source_io.Loaded):
            loaded = item
        else:
            loaded = source_io.load(item, settings.max_source_bytes, settings.timeout)
            if _is_url(item):
                mark()  # fetched: from now on the scan budget counts
        if feeds.is_feed(loaded.data):
            return ("list", feeds.entries(loaded.data, loaded.source)[1])
        if check_known and _unchanged(known, loaded.source, loaded.data):
            return ("unchanged", loaded.source, known[loaded.source])
        return ("article", scan_bytes(loaded.data, loaded.source, loaded.content_type))
    except SourceError as exc:
        return ("error", exc)
    except Exception as exc:  # noqa: BLE001 - a scanner bug fails its source, not the run
        return ("error", SourceError(name, f"the scanner failed: {type(exc).__name__}: {exc}"))


def _unchanged(known: dict | None, source: str, data: bytes) -> bool:
    """Whether the archive holds these bytes for this source already (hashed only
    when it holds the source at all: the scanner hashes them again)."""
    digest = known.get(source) if known else None
    return digest is not None and hashlib.sha256(data).hexdigest() == digest


def _head(item) -> bytes:
    try:
        with open(getattr(item, "path", item), "rb") as handle:
            return handle.read(4096)
    except (OSError, ValueError):
        return b""  # load() says what is wrong


def _read_segment(segment: Segment, mark: Callable, settings: Settings,
                  known: dict | None) -> tuple:
    """The articles of one segment of a web archive, parsed: ("records", outcomes,
    SegmentEnd). Each record has SCAN_TIMEOUT seconds (mark starts its budget)."""
    outcomes = []
    end = webarchive.SegmentEnd()
    for record in webarchive.read_segment(segment, settings.max_source_bytes,
                                          settings.timeout, end):
        if isinstance(record, SourceError):
            outcomes.append(("error", record))
            continue
        mark()
        if _unchanged(known, record.uri, record.body):
            outcomes.append(("unchanged", record.uri, known[record.uri], record.origin))
            continue
        try:
            article = scan_bytes(record.body, record.uri, record.content_type)
        except Exception as exc:  # noqa: BLE001 - a scanner bug fails its record only
            error = SourceError(record.uri, f"the scanner failed: {type(exc).__name__}: {exc}")
            outcomes.append(("error", error))
            continue
        article.warnings = [*article.warnings, *record.warnings]
        outcomes.append(("article", article, record.origin))
    return ("records", outcomes, end)


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


class _Recorder:
    """Writes what the workers send back; checks that a web archive's segments meet."""

    def __init__(self, store: Store, workers, settings: Settings):
        self.store, self.workers, self.settings = store, workers, settings
        self.chains: dict[str, object] = {}  # WARC -> offset its next segment starts at
        self.archives = False

    def record(self, item, outcome: tuple) -> Iterator[tuple]:
        """(result, None) per article, (None, urls) for a feed or sitemap."""
        if isinstance(item, Segment):
            self.archives = True
            yield from self._segment(item, outcome)
            return
        kind = outcome[0]
        if kind == "list":
            yield None, outcome[1]
        elif kind == "error":
            yield self._failed(outcome[1]), None
        elif kind == "unchanged" and self.store.touch_if_unchanged(outcome[1], outcome[2]):
            yield ScanResult(outcome[1], outcome="unchanged"), None
        else:
            if kind == "unchanged":  # the record changed meanwhile: parse after all
                outcome = self._again((item, False))
                if outcome[0] != "article":
                    yield from self.record(item, outcome)
                    return
            yield self._article(outcome[1]), None

    def _again(self, task: tuple) -> tuple:
        return _settled(task[0], next(self.workers.map([task], first=True)))

    def _failed(self, exc: SourceError) -> ScanResult:
        self.store.record_failure(exc.source, exc.reason)
        return ScanResult(exc.source, error=exc.reason, origin=getattr(exc, "origin", None))

    def _article(self, article: Article, origin: Origin | None = None) -> ScanResult:
        article = _storable(article)
        recorded = self.store.record_article(article, origin=origin)
        return ScanResult.of(article, recorded.outcome, origin)

    def _segment(self, segment: Segment, outcome: tuple) -> Iterator[tuple]:
        chain = self.chains.get(segment.warc, 0 if segment.exact else _UNKNOWN)
        if chain is _DAMAGED:
            return  # an earlier segment stopped at damage, said once
        if outcome[0] == "error":  # the whole segment failed (its worker died, ...)
            exc = outcome[1]
            self.chains[segment.warc] = _UNKNOWN
            yield self._failed(SourceError(segment.warc, f"the records from offset"
                                           f" {segment.start} on were not scanned:"
                                           f" {exc.reason}")), None
            return
        _, records, end = outcome
        if not segment.exact and not _meets(chain, segment, end):
            if not isinstance(chain, int) or (segment.stop is not None
                                              and chain >= segment.stop):
                records, end = [], webarchive.SegmentEnd(next=chain)  # nothing of ours
            else:  # found a false start: read again from where the last one ended
                exact = dataclasses.replace(segment, start=chain, exact=True)
                again = self._again((exact, True))
                if again[0] == "error":
                    yield from self._segment(exact, again)
                    return
                _, records, end = again
        for record in records:
            yield from self._one(record, segment)
        if end.first is not None or segment.exact:  # else the next record is still `chain`'s
            self.chains[segment.warc] = end.next
        if end.damage:
            self.chains[segment.warc] = _DAMAGED
            yield self._failed(SourceError(segment.warc, end.damage)), None
        elif end.next is None:
            self.store.clear_failure(segment.warc)

    def _one(self, outcome: tuple, segment: Segment) -> Iterator[tuple]:
        kind = outcome[0]
        if kind == "error":
            yield self._failed(outcome[1]), None
        elif kind == "unchanged" and self.store.touch_if_unchanged(outcome[1], outcome[2]):
            yield ScanResult(outcome[1], outcome="unchanged", origin=outcome[3]), None
        elif kind == "unchanged":  # changed meanwhile: read that one record again
            yield from self._reread(outcome[3], segment)
        else:
            yield self._article(outcome[1], outcome[2]), None

    def _reread(self, origin: Origin, segment: Segment) -> Iterator[tuple]:
        one = dataclasses.replace(segment, start=origin.offset, stop=origin.offset + 1,
                                  exact=True)
        again = self._again((one, False))
        if again[0] == "records":
            for record in again[1]:
                yield from self._one(record, one)
        else:
            yield self._failed(again[1]), None


_UNKNOWN, _DAMAGED = object(), object()


def _meets(chain, segment: Segment, end: webarchive.SegmentEnd) -> bool:
    """Whether a segment's first record is where the one before it ended: a start
    found by its marks inside another record's bytes (a WARC archived in a WARC)
    is not."""
    if chain is _UNKNOWN:
        return True
    if chain is None or (segment.stop is not None and chain >= segment.stop):
        return end.first is None
    return end.first == chain
