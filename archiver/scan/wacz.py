"""WACZ files (Browsertrix, ArchiveWeb.page): a zip whose archive/ folder holds WARCs.

The spec stores those WARCs uncompressed in the zip (ZIP_STORED), so each one is a
range of the zip's bytes and is read in segments like any WARC, from a file or,
over HTTP, with range requests (the zip's directory sits at its end). A member the
zip deflated anyway is refused with a reason: it could only be read whole, through
the zip, and the spec does not allow it.
"""

from __future__ import annotations

import io
import struct
import zipfile

from ..errors import SourceError
from . import sources as source_io

_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")


def members(source: str, location: str, timeout: float) -> list[tuple[str, int, int]]:
    """The WACZ's WARCs: (name inside the zip, offset of its bytes in the zip, size)."""
    opened = _RangeFile(location, source, timeout) if _is_url(location) else None
    try:
        handle = opened or open(location, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise SourceError(source, exc.strerror or str(exc)) from None
    try:
        with zipfile.ZipFile(handle) as archive:
            found = []
            for info in archive.infolist():
                name = info.filename
                if not (name.startswith("archive/") and name.lower().endswith((".warc",
                                                                                ".warc.gz"))):
                    continue
                if info.compress_type != zipfile.ZIP_STORED:
                    raise SourceError(source, f"{name} is compressed inside the WACZ (the"
                                      " format stores its WARCs uncompressed)")
                handle.seek(info.header_offset)
                fields = _LOCAL_HEADER.unpack(handle.read(_LOCAL_HEADER.size))
                if fields[0] != b"PK\x03\x04":
                    raise SourceError(source, f"{name}: the zip's directory points nowhere")
                data = info.header_offset + _LOCAL_HEADER.size + fields[9] + fields[10]
                found.append((name, data, info.file_size))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise SourceError(source, f"not a readable WACZ (zip): {exc}") from None
    finally:
        handle.close()
    if not found:
        raise SourceError(source, "a WACZ without WARC files in its archive/ folder")
    return sorted(found)


def _is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


class _RangeFile(io.RawIOBase):
    """A URL read as a seekable file, by range requests (zipfile reads the end first)."""

    def __init__(self, url: str, source: str, timeout: float):
        super().__init__()
        self.url, self.source, self.timeout = url, source, timeout
        self.position = 0
        self.size = self._size()

    def _size(self) -> int:
        with source_io.open_url(self.url, self.timeout, {"Range": "bytes=0-0"}) as response:
            total = response.headers.get("Content-Range", "").rpartition("/")[2]
            if response.status_code != 206 or not total.isdigit():
                raise SourceError(self.source, "the server does not answer range requests"
                                  " (needed to read a WACZ over HTTP)")
            return int(total)

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self.position, 2: self.size}[whence]
        self.position = max(0, base + offset)
        return self.position

    def readinto(self, buffer) -> int:
        want = min(len(buffer), self.size - self.position)
        if want <= 0:
            return 0
        span = f"bytes={self.position}-{self.position + want - 1}"
        with source_io.open_url(self.url, self.timeout, {"Range": span}) as response:
            if response.status_code != 206:
                raise SourceError(self.source, "the server does not answer range requests")
            data = response.raw.read(want, decode_content=False)
        buffer[:len(data)] = data
        self.position += len(data)
        return len(data)
