"""Web archives as sources: the articles inside WARC files (.warc, .warc.gz), record by record.

A WARC is read in segments: the records whose start lies in [start, stop) of it,
so one large file is spread over several workers (a WACZ's WARCs are segments of
the zip, see wacz.py). Every `response` record with HTTP 200 and an HTML or
plain-text Content-Type is an article; anything else is skipped without a word.

fastwarc walks the records (about three times warcio's speed on gzipped WARCs, see
bench/warc.py); its iterator reads a stream without complaint where it is cut
short, and leaps over a damaged plain-WARC block, so the reading here checks what
it is handed: a record counts only once the next one is seen to start where it
ends (or, for the last, once its full length is seen before the end of the file).
Damage ends the segment with one line (where, why); the records before it stand.
Bodies are decoded as a browser would (httpbody.py).
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..errors import SourceError
from . import sources as source_io
from .httpbody import decode_body, read_head, read_up_to

SEGMENT_BYTES = 8 << 20  # a worker's share of a large WARC: small enough to spread one file
# A smaller WARC is cut in about this many segments, so that a few workers share it
# evenly (7 segments on 2 workers is 4 and 3), each of MIN_SEGMENT bytes at least
# (a segment costs a task and a search for its first record).
SEGMENTS = 16
MIN_SEGMENT = 1 << 20
ARTICLE_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
SUFFIXES = (".warc", ".warc.gz", ".wacz")
GZIP_MAGIC = b"\x1f\x8b\x08"
_HEAD_KEEP = 65536  # bytes of a record's start kept for the checks (its WARC header)
_TAIL_LIMIT = 8 << 20  # a record's raw bytes kept for the end-of-file check, at most


def segment_size(size: int) -> int:
    """Bytes per segment of a WARC of `size` bytes."""
    return max(min(SEGMENT_BYTES, size // SEGMENTS), min(SEGMENT_BYTES, MIN_SEGMENT))


def is_web_archive_name(name: str) -> bool:
    path = name.split("?", 1)[0].split("#", 1)[0].lower()
    return path.endswith(SUFFIXES)


def sniff(head: bytes) -> str | None:
    """"warc", "warc.gz", "wacz" or None, from a file's first bytes."""
    if head.startswith(b"WARC/1."):
        return "warc"
    if head.startswith(GZIP_MAGIC):
        try:
            inner = zlib.decompressobj(31).decompress(head, 16)  # head: a few KiB
        except zlib.error:
            return None
        return "warc.gz" if inner.startswith(b"WARC/") else None
    if head.startswith(b"PK\x03\x04"):
        return "wacz"
    return None


@dataclass(frozen=True)
class Segment:
    """Work for one worker: the records of one WARC whose start lies in [start, stop).

    Offsets are within the WARC; `base` is where its bytes begin in `location` (a
    WACZ member's data), `size` its length there (None: to the end). Unless `exact`,
    `start` is any byte and the first record at or after it is found by its marks
    (a gzip member holding "WARC/1.", or "WARC/1." after a record's blank line); the
    scan then checks that the segments meet, record to record (see SegmentEnd).
    """

    source: str  # as the user named it, for messages
    location: str  # path or URL to open
    warc: str  # the WARC's name in provenance: the source, or "WACZ#member"
    gzip: bool
    start: int = 0
    stop: int | None = None
    exact: bool = True
    base: int = 0
    size: int | None = None


@dataclass
class Origin:
    """Where an article came from: the WARC, the record's offset in it, its WARC-Date."""

    warc_file: str
    offset: int
    date: str | None

    def to_json(self) -> dict:
        return {"file": self.warc_file, "offset": self.offset, "date": self.date}


@dataclass
class Record:
    """An article record's decoded body and what the scan needs besides."""

    uri: str
    body: bytes
    content_type: str | None
    origin: Origin
    warnings: list[str] = field(default_factory=list)


@dataclass
class SegmentEnd:
    """How a segment ended: `first` is its first record's offset (None: no record
    starts in it), `next` the offset of the first record past its stop (None: the
    WARC ended), `damage` the line saying where reading stopped, and why."""

    first: int | None = None
    next: int | None = None
    damage: str | None = None


class Damaged(Exception):
    def __init__(self, offset: int, reason: str):
        super().__init__(f"damaged at offset {offset}: {reason}")
        self.offset = offset
        self.reason = reason


def read_segment(segment: Segment, max_bytes: int, timeout: float,
                 end: SegmentEnd) -> Iterator[Record | SourceError]:
    """The segment's articles in order (a SourceError for one that cannot be read);
    `end` is filled in as the reading ends. Damage is said there, never raised."""
    try:
        with _Opened(segment, timeout) as raw:
            yield from _records(segment, raw, max_bytes, end)
    except Damaged as exc:
        end.damage = f"{exc}; the records from there on were not read"
        end.next = None
    except SourceError as exc:  # the file or URL could not be opened or read
        where = end.first if end.first is not None else segment.start
        end.damage = f"unreadable from offset {where}: {exc.reason}"
        end.next = None


class _Opened:
    """The WARC's bytes from the segment's start (4 bytes before it for a plain WARC
    whose first record must be found: a record's start follows a blank line)."""

    def __init__(self, segment: Segment, timeout: float):
        self.segment, self.timeout, self.closers = segment, timeout, []

    def __enter__(self) -> _Raw:
        seg = self.segment
        back = 0 if seg.exact or seg.gzip else min(seg.start, 4)
        at = seg.base + seg.start - back
        limit = None if seg.size is None else seg.size - (seg.start - back)
        if seg.location.startswith(("http://", "https://")):
            context = source_io.open_url(seg.location, self.timeout,
                                         {"Range": f"bytes={at}-"} if at else None)
            response = context.__enter__()
            self.closers.append(lambda: context.__exit__(None, None, None))
            if at and response.status_code != 206:
                raise SourceError(seg.source, "the server does not answer range requests"
                                  " (needed to read a part of a web archive)")
            read = response.raw.read  # the file's own bytes, whatever its Content-Encoding
            return _Raw(lambda n: read(n, decode_content=False), seg.start - back, limit)
        try:
            handle = open(seg.location, "rb")
            self.closers.append(handle.close)
            handle.seek(at)
        except OSError as exc:
            raise SourceError(seg.source, exc.strerror or str(exc)) from None
        return _Raw(handle.read, seg.start - back, limit)

    def __exit__(self, *exc) -> None:
        for close in reversed(self.closers):
            close()


class _Raw:
    """A forward-only byte stream that knows the WARC offset of its next byte."""

    def __init__(self, read, offset: int, limit: int | None):
        self._read, self.offset, self.limit = read, offset, limit

    def read(self, n: int = 1 << 20) -> bytes:
        if self.limit is not None:
            n = min(n, self.limit)
            if n <= 0:
                return b""
        try:
            data = self._read(n)
        except OSError as exc:
            raise Damaged(self.offset, f"read failed: {exc}") from None
        self.offset += len(data)
        if self.limit is not None:
            self.limit -= len(data)
        return data


class _Tracked(io.RawIOBase):
    """The stream fastwarc reads (a prefix found by resyncing, then the raw bytes).

    It keeps what the checks need of the latest record: its first bytes (the WARC
    header), all its bytes while they are few (to find a gzip member's end), the
    count of bytes since its start, and the last bytes read."""

    def __init__(self, raw: _Raw, offset: int, prefix: bytes):
        super().__init__()
        self.raw, self.pending = raw, prefix
        self.position = self.mark_at = offset
        self.kept: list[bytes] = []
        self.kept_size = 0
        self.overflow = False
        self.head = b""

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True  # fastwarc asks where the stream starts (tell); it never moves

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        if (whence == 0 and offset == self.position) or (whence == 1 and offset == 0):
            return self.position
        raise io.UnsupportedOperation("seek")

    def readinto(self, buffer) -> int:
        if self.pending:
            data, self.pending = self.pending[:len(buffer)], self.pending[len(buffer):]
        else:
            data = self.raw.read(len(buffer))
        buffer[:len(data)] = data
        if data:
            self.kept.append(bytes(data))
            self.kept_size += len(data)
            if self.kept_size > _TAIL_LIMIT:
                self._drop()
        self.position += len(data)
        return len(data)

    def _drop(self) -> None:
        joined = b"".join(self.kept)
        if not self.overflow:
            self.head = joined[:_HEAD_KEEP]
        self.overflow = True
        self.kept = [joined[-_HEAD_KEEP:]]
        self.kept_size = len(self.kept[0])

    def mark(self, offset: int) -> None:
        """A record starts at offset: what came before it is not needed any more."""
        joined = b"".join(self.kept)
        self.kept = [joined[max(0, len(joined) - (self.position - offset)):]]
        self.kept_size = len(self.kept[0])
        self.overflow = False
        self.mark_at = offset

    def record_head(self) -> bytes:
        return self.head if self.overflow else b"".join(self.kept)[:_HEAD_KEEP]

    def record_bytes(self) -> bytes | None:
        """Every byte read since the record's start, when few enough were kept."""
        return None if self.overflow else b"".join(self.kept)

    def rest(self) -> Iterator[bytes]:
        """The bytes fastwarc has not read, to the end of the stream."""
        if self.pending:
            yield self.pending
            self.pending = b""
        while chunk := self.raw.read(1 << 20):
            yield chunk


def _records(seg: Segment, raw: _Raw, max_bytes: int,
             end: SegmentEnd) -> Iterator[Record | SourceError]:
    from fastwarc.warc import ArchiveIterator

    start, prefix = (seg.start, b"") if seg.exact else _resync(seg, raw)
    if start is None or (seg.stop is not None and start >= seg.stop):
        end.next = start  # no record starts here; the next one does there (None: the end)
        return
    tracked = _Tracked(raw, start, prefix)
    records = ArchiveIterator(tracked, parse_http=False, auto_decode="none",
                              stream_detect=True, fsspec_args=False)
    held: _Held | None = None
    while True:
        try:
            record = next(records, None)
        except BaseException as exc:  # fastwarc's panics are BaseExceptions
            if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
                raise
            after = held.end() if held else None
            if after is None:
                raise Damaged(held.offset if held else start, _reason(exc)) from None
            if held.item is not None:
                yield held.item  # whole: the damage is past it
            raise Damaged(after, _reason(exc)) from None
        if record is None:
            break
        offset = record.stream_pos
        if held is None:
            if offset != start:
                raise Damaged(start, "not a WARC record")
            end.first = offset
        else:
            if not seg.gzip:
                held.check_next(offset)
            if held.item is not None:
                yield held.item
        if seg.stop is not None and offset >= seg.stop:
            end.next = offset
            return
        tracked.mark(offset)
        held = _Held(offset, tracked, seg.gzip, _article(seg, record, offset, max_bytes))
    if held is not None:
        held.check_last(seg)
        if held.item is not None:
            yield held.item
    end.next = None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"unreadable ({text[:200]})"


class _Held:
    """A record read but not yet counted: it counts once it is seen to be whole and
    to end where the next begins."""

    def __init__(self, offset: int, tracked: _Tracked, gzip: bool, item):
        self.offset, self.tracked, self.gzip, self.item = offset, tracked, gzip, item

    def _length(self, head: bytes) -> int:
        """The record's whole length from its header: header, block, "\r\n\r\n"."""
        cut = head.find(b"\r\n\r\n")
        if cut < 0 or not head.startswith(b"WARC/1."):
            raise Damaged(self.offset, "the record is cut short (in its WARC header)")
        for line in head[:cut].split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length" and value.strip().isdigit():
                return cut + 4 + int(value.strip()) + 4
        raise Damaged(self.offset, "a WARC record without a Content-Length")

    def end(self) -> int | None:
        """Where this record ends, when all of it was read; else None."""
        try:
            if not self.gzip:
                whole = self._length(self.tracked.record_head())
                return self.offset + whole if (
                    self.tracked.position - self.offset >= whole) else None
            data = self.tracked.record_bytes()
            if data is None:
                return None
            inflated, used, _ = _inflate_member(data, iter(()), self.offset)
            return self.offset + used if inflated.total >= self._length(inflated.head) - 4 \
                else None
        except Damaged:
            return None

    def check_next(self, offset: int) -> None:
        """A plain WARC's next record starts right after this one."""
        whole = self._length(self.tracked.record_head())
        if offset != self.offset + whole:
            raise Damaged(self.offset, "the record's length does not match what follows it")

    def check_last(self, seg: Segment) -> None:
        """The last record: all of it is there, and nothing but blank lines follows."""
        data = self.tracked.record_bytes()
        rest = self.tracked.rest()
        if not self.gzip:
            whole = self._length(self.tracked.record_head())
            read = self.tracked.position - self.offset
            tail, total = _tail(data or b"".join(self.tracked.kept), rest)
            total += read
            if total < whole - 4:
                raise Damaged(self.offset, f"the record is cut short ({total} of"
                              f" {whole - 4} bytes)")
            if total > whole and tail[-(total - whole):].strip(b"\r\n"):
                raise Damaged(self.offset + whole, "unreadable data after the last record")
            return
        if data is None:  # a large member: read it again from the file, if there is one
            if seg.location.startswith(("http://", "https://")):
                return  # fastwarc inflated it to its end; the transfer's length is checked
            data = _reread(seg, self.offset)
            rest = iter(())
        inflated, used, after = _inflate_member(data, rest, self.offset)
        whole = self._length(inflated.head)
        if inflated.total < whole - 4:
            raise Damaged(self.offset, f"the record is cut short ({inflated.total} of"
                          f" {whole - 4} bytes)")
        if after:
            raise Damaged(self.offset + used, "unreadable data after the last record")


def _tail(first: bytes, rest: Iterator[bytes]) -> tuple[bytes, int]:
    """The last bytes of the stream (from `first` on) and how many there were after
    `first`."""
    tail, total = bytearray(first[-_HEAD_KEEP:]), 0
    for chunk in rest:
        total += len(chunk)
        tail += chunk
        if len(tail) > 2 * _HEAD_KEEP:
            del tail[:-_HEAD_KEEP]
    return bytes(tail), total


def _reread(seg: Segment, offset: int) -> bytes:
    with open(seg.location, "rb") as handle:
        handle.seek(seg.base + offset)
        size = None if seg.size is None else seg.size - offset
        return handle.read(size if size is not None else -1)


@dataclass
class _Member:
    head: bytes
    total: int


def _inflate_member(data: bytes, rest: Iterator[bytes],
                    offset: int) -> tuple[_Member, int, bool]:
    """Inflate the gzip member at the start of data (then rest): its first bytes and
    size, the compressed bytes it took, and whether anything but blank lines follows."""
    inflater = zlib.decompressobj(31)
    head, total, used = bytearray(), 0, 0
    chunks = iter([data, *[]])
    source = _chain(chunks, rest)
    for chunk in source:
        while chunk:
            try:
                out = inflater.decompress(chunk, 1 << 20)
            except zlib.error as exc:
                raise Damaged(offset, f"unreadable ({exc})") from None
            total += len(out)
            if len(head) < _HEAD_KEEP:
                head += out[:_HEAD_KEEP - len(head)]
            if inflater.eof:
                used += len(chunk) - len(inflater.unused_data)
                after = inflater.unused_data.strip(b"\r\n\x00") != b"" or any(
                    c.strip(b"\r\n\x00") for c in source)
                return _Member(bytes(head), total), used, after
            used += len(chunk) - len(inflater.unconsumed_tail)
            chunk = inflater.unconsumed_tail
    raise Damaged(offset, "the record is cut short (its gzip member ends early)")


def _chain(*iterables):
    for iterable in iterables:
        yield from iterable


def _resync(seg: Segment, raw: _Raw) -> tuple[int | None, bytes]:
    """The first record at or after the segment's start: its offset and the bytes
    from there already read; (None, b"") when the WARC ends before one."""
    buffer = bytearray()
    origin = raw.offset  # the WARC offset of buffer[0]
    scan_from = seg.start - origin
    at_end = False
    while True:
        while not at_end and len(buffer) - scan_from < 65536 + 16:
            chunk = raw.read(1 << 20)
            at_end = not chunk
            buffer += chunk
        found = _candidate(buffer, scan_from, seg.gzip, origin, at_end)
        if found is not None:
            return origin + found, bytes(buffer[found:])
        if at_end:
            return None, b""
        scan_from = len(buffer) - 65536  # every start before it was tried
        drop = scan_from - 4
        del buffer[:drop]
        origin += drop
        scan_from -= drop


def _candidate(buffer: bytearray, scan_from: int, gzip: bool, origin: int,
               at_end: bool) -> int | None:
    """Index in buffer of the first plausible record start at or after scan_from
    (and before the last 64 KiB, unless the stream ended: those wait for more)."""
    i = scan_from
    limit = len(buffer) if at_end else len(buffer) - 65536
    mark = GZIP_MAGIC if gzip else b"WARC/1."
    while True:
        i = buffer.find(mark, i)
        if i < 0 or i >= limit:
            return None
        if gzip:
            try:
                inner = zlib.decompressobj(31).decompress(bytes(buffer[i:i + 65536]), 64)
            except zlib.error:
                inner = b""
            if inner.startswith((b"WARC/1.0\r\n", b"WARC/1.1\r\n")):
                return i
        elif (origin + i == 0 or buffer[max(i - 4, 0):i] == b"\r\n\r\n") and bytes(
                buffer[i:i + 10]) in (b"WARC/1.0\r\n", b"WARC/1.1\r\n"):
            return i
        i += 1


def _article(seg: Segment, record, offset: int, max_bytes: int) -> Record | SourceError | None:
    """The record as an article; None when it is not one; a SourceError when it is
    one that cannot be read (too large, undecodable, binary). Reads the record to its
    end, and raises Damaged when it holds fewer bytes than its header declares."""
    from fastwarc.warc import WarcRecordType

    headers = record.headers
    wanted = record.record_type == WarcRecordType.response and (
        headers.get("Content-Type") or "").lower().startswith("application/http")
    used = status = 0
    item = None
    if wanted:
        status, http, used = read_head(record.reader)
        content_type = http.get("content-type")
        mime = (content_type or "").split(";", 1)[0].strip().lower()
        uri = (headers.get("WARC-Target-URI") or "").strip().strip("<>")
        if status == 200 and mime in ARTICLE_TYPES and uri:
            raw = read_up_to(record.reader, max_bytes + 1)
            used += len(raw)
            item = _body(seg, headers, http, uri, content_type, raw, offset, max_bytes)
    used += record.consume()
    if used != record.content_length:
        raise Damaged(offset, f"the record is cut short ({used} of {record.content_length}"
                      " bytes)")
    return item


def _body(seg: Segment, headers, http: dict, uri: str, content_type: str | None, raw: bytes,
          offset: int, max_bytes: int) -> Record | SourceError:
    origin = Origin(seg.warc, offset, headers.get("WARC-Date"))
    try:
        if len(raw) > max_bytes:
            raise SourceError(uri, source_io.too_large(len(raw), max_bytes))
        body = decode_body(raw, http.get("transfer-encoding"), http.get("content-encoding"),
                           max_bytes, uri)
        loaded = source_io.checked(source_io.Loaded(uri, body, content_type), max_bytes)
    except SourceError as exc:
        exc.origin = origin
        return exc
    warnings = []
    truncated = headers.get("WARC-Truncated")
    if truncated:
        warnings.append(f"the crawler kept only part of this page (WARC-Truncated: {truncated})")
    return Record(uri, loaded.data, content_type, origin, warnings)
