"""Web archive benchmarks: `archiver scan CRAWL.warc.gz` next to the bare limit in the
same run (fastwarc reading the same WARC's records and the fastest HTML parser at
hand, selectolax's lexbor, parsing each body, one core), the same scan on a Dask
LocalCluster of 1 and 2 workers, and the peak memory of a scan of a WARC of at
least 500 MB. The WARCs are made from the scan corpus and cached in BENCH_CACHE.
"""

from __future__ import annotations

import io
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import proc

VERSION = 1
COPIES = 10  # the large WARC: the corpus WARC this many times over (>= 500 MB)


def ensure_warc(cache: Path, corpus: Path) -> Path:
    """The corpus as a Common Crawl-like WARC: request, response, metadata per page."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = cache / f"crawl-v{VERSION}-{corpus.name}.warc.gz"
    if path.exists():
        return path
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    partial = path.with_suffix(".partial")
    with open(partial, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for f in files:
            uri = f"https://news.example/{f.name}"
            writer.write_record(writer.create_warc_record(
                uri, "request", payload=io.BytesIO(b""), http_headers=StatusAndHeaders(
                    f"GET /{f.name} HTTP/1.1", [("Host", "news.example")],
                    is_http_request=True)))
            kind = "text/plain" if f.suffix == ".txt" else "text/html"
            writer.write_record(writer.create_warc_record(
                uri, "response", payload=io.BytesIO(f.read_bytes()), http_headers=StatusAndHeaders(
                    "200 OK", [("Content-Type", f"{kind}; charset=utf-8")], protocol="HTTP/1.1")))
            writer.write_record(writer.create_warc_record(
                uri, "metadata", payload=io.BytesIO(b"fetchTimeMs: 120\r\n"),
                warc_content_type="application/warc-fields"))
    partial.rename(path)
    return path


def ensure_large(cache: Path, warc: Path) -> Path:
    path = cache / f"large-{COPIES}x-{warc.name}"
    if not path.exists():
        partial = path.with_suffix(".partial")
        data = warc.read_bytes()
        with open(partial, "wb") as handle:
            for _ in range(COPIES):
                handle.write(data)  # gzip members concatenated: one valid WARC
        partial.rename(path)
    return path


def bare_limit(warc: Path) -> tuple[float, float]:
    """(wall, CPU) seconds to read every response with fastwarc and parse its body
    with lexbor, in this process, one core."""
    from fastwarc.warc import ArchiveIterator, WarcRecordType
    from selectolax.lexbor import LexborHTMLParser

    wall, cpu = time.perf_counter(), time.process_time()
    for record in ArchiveIterator(str(warc), record_types=WarcRecordType.response,
                                  auto_decode="none", fsspec_args=False):
        LexborHTMLParser(record.reader.read())
    return time.perf_counter() - wall, time.process_time() - cpu


@dataclass
class WarcResult:
    mb: float  # the WARC's size, MB
    scans: list[proc.Measured]
    limits: list[tuple[float, float]]
    cluster: dict  # workers -> list[proc.Measured]
    large: proc.Measured | None
    large_mb: float

    @property
    def scan(self) -> proc.Measured:
        return sorted(self.scans, key=lambda m: m.wall)[len(self.scans) // 2]

    @property
    def per_core(self) -> float:
        """MB of WARC per CPU second of the scan's whole process tree."""
        return self.mb / self.scan.cpu

    @property
    def limit_per_core(self) -> float:
        return self.mb / statistics.median(c for _, c in self.limits)

    @property
    def ratio(self) -> float:
        return self.per_core / self.limit_per_core

    def cluster_wall(self, workers: int) -> float:
        return statistics.median(m.wall for m in self.cluster[workers])

    @property
    def scaling(self) -> float:
        return self.cluster_wall(1) / self.cluster_wall(2)


def run(cache: Path, corpus: Path, archiver: str, runs: int = 3, log=print,
        parts: tuple = ("warc", "cluster")) -> WarcResult:
    warc = ensure_warc(cache, corpus)
    mb = warc.stat().st_size / 1e6
    warc.read_bytes()  # page cache
    scans, limits, cluster, large = [], [], {1: [], 2: []}, None
    large_mb = 0.0
    with tempfile.TemporaryDirectory(prefix="bench-warc-") as tmp:
        def scan(*extra: str) -> proc.Measured:
            archive = Path(tmp) / "archive"
            m = proc.run([archiver, "--archive", str(archive), "scan", *extra, "--quiet"],
                         cwd=tmp)
            shutil.rmtree(archive, ignore_errors=True)
            if m.returncode != 0:
                raise RuntimeError(f"scan failed ({m.returncode}): {m.stderr[-2000:]}")
            return m

        if "warc" in parts:
            for i in range(runs):
                limits.append(bare_limit(warc))
                scans.append(scan(str(warc)))
                log(f"  warc run {i + 1}: scan {scans[-1].wall:.2f} s wall, "
                    f"{scans[-1].cpu:.1f} CPU s; limit {limits[-1][1]:.2f} CPU s")
            big = ensure_large(cache, warc)
            large_mb = big.stat().st_size / 1e6
            large = scan(str(big))
            log(f"  large WARC ({large_mb:.0f} MB): {large.wall:.1f} s, largest process "
                f"{large.maxrss_mb:.0f} MB")
        if "cluster" in parts:
            for i in range(runs):
                for workers in (1, 2):
                    cluster[workers].append(scan(str(warc), "--cluster", f"local:{workers}"))
                    log(f"  cluster run {i + 1}, {workers} worker(s): "
                        f"{cluster[workers][-1].wall:.2f} s")
    return WarcResult(mb, scans, limits, cluster, large, large_mb)
