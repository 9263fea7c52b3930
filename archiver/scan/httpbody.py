"""An HTTP answer as a web archive keeps it: its head read from the record, its
body decoded as a browser would (chunked transfer encoding with warcio's reader,
then gzip, deflate, br or zstd), every step capped at MAX_SOURCE_MB."""

from __future__ import annotations

import io
import zlib

from ..errors import SourceError
from . import sources as source_io

HEAD_LIMIT = 256 << 10  # bytes of header lines read, at most


def read_head(reader) -> tuple[int | None, dict, int]:
    """An HTTP answer's status code, its headers (names lower-cased, repeated ones
    joined by ", ") and the bytes they took."""
    line = reader.readline(65536)
    used = len(line)
    parts = line.split(None, 2)
    status = int(parts[1]) if len(parts) > 1 and parts[0].startswith(b"HTTP/") and parts[
        1].isdigit() else None
    headers: dict[str, str] = {}
    while used < HEAD_LIMIT:
        line = reader.readline(65536)
        used += len(line)
        if not line.strip():
            break
        name, sep, value = line.partition(b":")
        if sep:
            key = name.strip().lower().decode("latin-1")
            text = value.strip().decode("latin-1")
            headers[key] = f"{headers[key]}, {text}" if key in headers else text
    return status, headers, used


def read_up_to(reader, n: int) -> bytes:
    parts, total = [], 0
    while total < n:
        chunk = reader.read(n - total)
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def decode_body(raw: bytes, transfer_encoding: str | None, content_encoding: str | None,
                max_bytes: int, source: str = "") -> bytes:
    """An HTTP body as a browser shows it: de-chunked, then each content encoding
    undone in reverse order; larger than max_bytes once decoded is a SourceError."""
    if transfer_encoding and "chunked" in transfer_encoding.lower():
        from warcio.bufferedreaders import ChunkedDataReader

        raw = ChunkedDataReader(io.BytesIO(raw)).read(max_bytes + 1)
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    for coding in reversed([c for c in codings if c and c != "identity"]):
        raw = _decoded(raw, coding, max_bytes, source)
    if len(raw) > max_bytes:
        raise SourceError(source, source_io.too_large(len(raw), max_bytes))
    return raw


def _decoded(data: bytes, coding: str, max_bytes: int, source: str) -> bytes:
    try:
        if coding in ("gzip", "x-gzip", "deflate"):
            # 47: a gzip or zlib header, told apart by zlib itself; raw deflate (what
            # some servers send as "deflate") is tried when neither fits.
            for wbits in (47, -15):
                try:
                    inflater = zlib.decompressobj(wbits)
                    return inflater.decompress(data, max_bytes + 1)
                except zlib.error:
                    if coding != "deflate" or wbits == -15:
                        raise
        if coding == "br":
            import brotli

            return brotli.Decompressor().process(data, output_buffer_limit=max_bytes + 1)
        if coding == "zstd":
            from fastwarc.stream_io import ZstdReader

            return ZstdReader(io.BytesIO(data)).read(max_bytes + 1)
    except Exception as exc:  # noqa: BLE001 - zlib, brotli and zstd name their errors apart
        raise SourceError(source, f"its {coding} content encoding could not be decoded"
                          f" ({exc})") from None
    raise SourceError(source, f"content encoding {coding!r} is not one a browser reads")
