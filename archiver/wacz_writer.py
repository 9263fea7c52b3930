"""A capture's traffic as a WACZ: WARC records written with warcio, packaged with
the `wacz` package's indexer (CDXJ index, pages list, datapackage and its digest).

Each exchange becomes a `response` record and a `request` record (WARC-Concurrent-To
the response); the screenshot a `resource` record. Bodies are the payloads as the
client received them once decoded: HTTP/2 and chunked answers are written as
HTTP/1.1 messages with a Content-Length, and a Content-Encoding the client
removed is kept as `X-Archive-Orig-Content-Encoding` so the record stays true to
its payload. The payload digest is over that body, the block digest over the
HTTP headers and body, as the WARC standard defines them.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

from .traffic import Exchange

WARC_NAME = "data.warc.gz"
# Already compressed: deflating them again costs CPU and saves nothing.
_STORED_TYPES = ("image/", "video/", "audio/", "font/woff2", "application/zip",
                 "application/octet-stream", "application/gzip", "application/wasm")
# Headers that describe the bytes on the wire rather than the payload kept.
_WIRE_HEADERS = {"content-encoding", "transfer-encoding"}


@dataclass
class Resource:
    """A file the capture made itself (the screenshot), kept as a WARC resource record."""

    uri: str
    content_type: str
    data: bytes
    at: float


@dataclass
class Page:
    url: str
    title: str
    at: float


@dataclass
class Notes:
    """What the WARC does not hold, said in its warcinfo record."""

    unrecorded: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)


class _GzipMembers:
    """The WARC file as warcio writes it, one gzip member per record (warcio flushes
    after each), at a level chosen per record: 1 for payloads already compressed."""

    def __init__(self, raw):
        self.raw = raw
        self.level = 6
        self._zip = None

    def write(self, data: bytes) -> None:
        if self._zip is None:
            self._zip = zlib.compressobj(self.level, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        self.raw.write(self._zip.compress(data))

    def flush(self) -> None:
        if self._zip is not None:
            self.raw.write(self._zip.flush())
            self._zip = None


def warc_date(at: float) -> str:
    from warcio.timeutils import datetime_to_iso_date

    moment = datetime.fromtimestamp(at, timezone.utc).replace(tzinfo=None)
    return datetime_to_iso_date(moment, use_micros=True)


def _clean(value: str) -> str:
    return " ".join(str(value).splitlines())


def response_headers(exchange: Exchange) -> list[tuple[str, str]]:
    """The answer's headers as kept beside its decoded payload."""
    kept = []
    for name, value in exchange.response_headers:
        low = name.lower()
        if low.startswith(":") or low == "content-length":
            continue  # an HTTP/2 pseudo-header; the length is the payload's, below
        if low in _WIRE_HEADERS:
            kept.append((f"X-Archive-Orig-{name}", _clean(value)))
        else:
            kept.append((name, _clean(value)))
    kept.append(("Content-Length", str(exchange.body_size)))
    return kept


def request_headers(exchange: Exchange) -> list[tuple[str, str]]:
    kept, host = [], None
    for name, value in exchange.request_headers:
        low = name.lower()
        if low in (":authority", "host"):
            host = host or value
        if not low.startswith(":") and low != "host":
            kept.append((name, _clean(value)))
    return [("Host", _clean(host or urlsplit(exchange.url).netloc)), *kept]


def _content_type(headers: list[tuple[str, str]]) -> str:
    return next((v for k, v in headers if k.lower() == "content-type"), "").lower()


def write_warc(path: Path, exchanges: list[Exchange], resources: list[Resource],
               notes: Notes, software: str) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as raw:
        out = _GzipMembers(raw)
        writer = WARCWriter(out, gzip=False, warc_version="1.1")
        fields = [("software", software), ("format", "WARC File Format 1.1"),
                  ("description", "the HTTP exchanges of one archiver capture")]
        fields += [("unrecorded", u) for u in notes.unrecorded]
        fields += [("blocked", b) for b in notes.blocked]
        info = "".join(f"{k}: {_clean(v)}\r\n" for k, v in fields).encode("utf-8")
        # Built here, not by create_warcinfo_record: it takes a dict, and a field
        # (one per request left out) may repeat.
        record = writer.create_warc_record(
            "", "warcinfo", payload=io.BytesIO(info), length=len(info),
            warc_headers_dict={"WARC-Filename": WARC_NAME})
        writer.write_record(record)
        for exchange in exchanges:
            headers = response_headers(exchange)
            body = (open(exchange.body_file, "rb") if exchange.body_file  # noqa: SIM115
                    else io.BytesIO(exchange.body))
            try:
                date = warc_date(exchange.at)
                status = StatusAndHeaders(f"{exchange.status} {_clean(exchange.reason)}".strip(),
                                          headers, protocol="HTTP/1.1")
                response = writer.create_warc_record(
                    exchange.url, "response", payload=body, length=exchange.body_size,
                    http_headers=status, warc_headers_dict={"WARC-Date": date})
                parts = urlsplit(exchange.url)
                target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                line = StatusAndHeaders(f"{exchange.method} {target} HTTP/1.1",
                                        request_headers(exchange), is_http_request=True)
                request = writer.create_warc_record(
                    exchange.url, "request", payload=io.BytesIO(exchange.request_body),
                    length=len(exchange.request_body), http_headers=line,
                    warc_headers_dict={"WARC-Date": date})
                out.level = 1 if _content_type(headers).startswith(_STORED_TYPES) else 6
                writer.write_request_response_pair(request, response)
                out.level = 6
            finally:
                body.close()
        for resource in resources:
            out.level = 1 if resource.content_type.startswith(_STORED_TYPES) else 6
            writer.write_record(writer.create_warc_record(
                resource.uri, "resource", payload=io.BytesIO(resource.data),
                length=len(resource.data), warc_content_type=resource.content_type,
                warc_headers_dict={"WARC-Date": warc_date(resource.at)}))
        raw.flush()
        os.fsync(raw.fileno())


def package(wacz_path: Path, warc_path: Path, page: Page, description: str) -> None:
    """Index the WARC and write the WACZ beside it: the WARC stored (not deflated),
    indexes/index.cdxj, pages/pages.jsonl, datapackage.json and its digest."""
    from wacz.waczindexer import WACZIndexer

    index = io.StringIO()
    indexer = WACZIndexer(
        index, [str(warc_path)], sort=True, post_append=True, fields="referrer",
        hash_type="sha256", main_url=None, detect_pages=False,
        passed_pages_dict={page.url: {"url": page.url, "title": page.title}},
    )
    indexer.process_all()
    pages = list(indexer.pages.values()) or [
        {"url": page.url, "title": page.title, "ts": warc_date(page.at)}]
    # Given only now: given to the constructor, the indexer prints its progress.
    indexer.main_url = page.url
    indexer.main_ts = pages[0].get("timestamp") or ""
    # ZIP dates start in 1980.
    stamp = max(tuple(datetime.fromtimestamp(page.at, timezone.utc).timetuple()[:6]),
                (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(wacz_path, "w", allowZip64=True) as wacz:
        wacz.write(warc_path, f"archive/{WARC_NAME}", compress_type=zipfile.ZIP_STORED)
        wacz.writestr(zipfile.ZipInfo("indexes/index.cdxj", stamp), index.getvalue(),
                      compress_type=zipfile.ZIP_DEFLATED)
        indexer.write_page_list(wacz, "pages/pages.jsonl", indexer.serialize_json_pages(
            pages, id="pages", title="Pages"))
        datapackage = indexer.generate_datapackage(
            SimpleNamespace(title=page.title, desc=description, date=None), wacz)
        wacz.writestr(zipfile.ZipInfo("datapackage.json", stamp), datapackage,
                      compress_type=zipfile.ZIP_DEFLATED)
        wacz.writestr(zipfile.ZipInfo("datapackage-digest.json", stamp),
                      indexer.generate_datapackage_digest(datapackage.encode("utf-8")),
                      compress_type=zipfile.ZIP_DEFLATED)


def write_wacz(wacz_path: Path, exchanges: list[Exchange], resources: list[Resource],
               page: Page, notes: Notes, software: str, description: str) -> tuple[str, int]:
    """Write the WACZ of one capture at wacz_path (whole, or not at all); returns its
    SHA-256 and size."""
    warc_path = wacz_path.with_name(f".{WARC_NAME}.tmp")
    partial = wacz_path.with_name(f".{wacz_path.name}.tmp")
    try:
        write_warc(warc_path, exchanges, resources, notes, software)
        package(partial, warc_path, page, description)
        digest, size = hashlib.sha256(), 0
        with open(partial, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
            os.fsync(handle.fileno())
        os.replace(partial, wacz_path)
    finally:
        warc_path.unlink(missing_ok=True)
        partial.unlink(missing_ok=True)
    return digest.hexdigest(), size


def read_index(wacz_path: Path) -> list[tuple[str, str, dict]]:
    """The CDXJ lines of a WACZ as (url key, timestamp, fields)."""
    with zipfile.ZipFile(wacz_path) as wacz:
        text = wacz.read("indexes/index.cdxj").decode("utf-8")
    lines = []
    for line in text.splitlines():
        if line.strip():
            key, ts, rest = line.split(" ", 2)
            lines.append((key, ts, json.loads(rest)))
    return lines
