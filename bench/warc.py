"""Web archive benchmarks: `archiver scan CRAWL.warc.gz` next to the bare limit in the
same run (fastwarc reading the same WARC's records and the fastest HTML parser at
hand, selectolax's lexbor, parsing each body, one core), the same scan on a Dask
LocalCluster of 1 and 2 workers, and the peak memory of a scan of a WARC of at
least 500 MB.

Two WARCs, made from the scan corpus and cached in BENCH_CACHE: the corpus once
(about 50 MB, where the command's start-up is a fifth of the run), and the corpus
as SCALE_CRAWLS crawls of it, each page under its own address in each (about 1 GB:
a Common Crawl file's size, which research-scale scans read by the thousand).
"""

from __future__ import annotations

import io
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import proc

VERSION = 1
SCALE_CRAWLS = 20  # the at-scale WARC: the corpus crawled this many times (about 1 GB)


def ensure_warc(cache: Path, corpus: Path, crawls: int = 1, log=print) -> Path:
    """The corpus as a Common Crawl-like WARC (request, response, metadata per page),
    crawled `crawls` times: crawl K's pages are under https://news.example/crawlK/."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    many = f"{crawls}x-" if crawls > 1 else ""
    path = cache / f"crawl-v{VERSION}-{many}{corpus.name}.warc.gz"
    if path.exists():
        return path
    if crawls > 1:
        log(f"  writing a WARC of {crawls} crawls of the corpus (once; cached) ...")
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    partial = path.with_suffix(".partial")
    with open(partial, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for crawl in range(crawls):
            folder = f"/crawl{crawl}" if crawl else ""
            for f in files:
                uri = f"https://news.example{folder}/{f.name}"
                writer.write_record(writer.create_warc_record(
                    uri, "request", payload=io.BytesIO(b""), http_headers=StatusAndHeaders(
                        f"GET {folder}/{f.name} HTTP/1.1", [("Host", "news.example")],
                        is_http_request=True)))
                kind = "text/plain" if f.suffix == ".txt" else "text/html"
                writer.write_record(writer.create_warc_record(
                    uri, "response", payload=io.BytesIO(f.read_bytes()),
                    http_headers=StatusAndHeaders(
                        "200 OK", [("Content-Type", f"{kind}; charset=utf-8")],
                        protocol="HTTP/1.1")))
                writer.write_record(writer.create_warc_record(
                    uri, "metadata", payload=io.BytesIO(b"fetchTimeMs: 120\r\n"),
                    warc_content_type="application/warc-fields"))
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
    mb: float  # the small WARC's size, MB
    scans: list[proc.Measured]
    limits: list[tuple[float, float]]
    cluster: dict  # workers -> list[proc.Measured]
    scale_mb: float = 0.0  # the at-scale WARC's size, MB
    scale_scan: proc.Measured | None = None
    scale_limit: float = 0.0  # CPU s
    scale_cluster: dict = field(default_factory=dict)  # workers -> proc.Measured

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

    @property
    def scale_per_core(self) -> float:
        return self.scale_mb / self.scale_scan.cpu

    @property
    def scale_limit_per_core(self) -> float:
        return self.scale_mb / self.scale_limit

    @property
    def scale_ratio(self) -> float:
        return self.scale_per_core / self.scale_limit_per_core

    def cluster_wall(self, workers: int) -> float:
        return statistics.median(m.wall for m in self.cluster[workers])

    @property
    def scaling(self) -> float:
        return self.cluster_wall(1) / self.cluster_wall(2)

    @property
    def scale_scaling(self) -> float:
        return self.scale_cluster[1].wall / self.scale_cluster[2].wall


def run(cache: Path, corpus: Path, archiver: str, runs: int = 3, log=print,
        parts: tuple = ("warc", "cluster")) -> WarcResult:
    warc = ensure_warc(cache, corpus)
    mb = warc.stat().st_size / 1e6
    warc.read_bytes()  # page cache
    big = ensure_warc(cache, corpus, SCALE_CRAWLS, log=log)
    result = WarcResult(mb, [], [], {1: [], 2: []}, big.stat().st_size / 1e6)
    with tempfile.TemporaryDirectory(prefix="bench-warc-") as tmp:
        def scan(path: Path, *extra: str) -> proc.Measured:
            archive = Path(tmp) / "archive"
            m = proc.run([archiver, "--archive", str(archive), "scan", str(path), *extra,
                          "--quiet"], cwd=tmp)
            shutil.rmtree(archive, ignore_errors=True)
            if m.returncode != 0:
                raise RuntimeError(f"scan failed ({m.returncode}): {m.stderr[-2000:]}")
            return m

        if "warc" in parts:
            for i in range(runs):
                result.limits.append(bare_limit(warc))
                result.scans.append(scan(warc))
                log(f"  warc run {i + 1}: scan {result.scans[-1].wall:.2f} s wall, "
                    f"{result.scans[-1].cpu:.1f} CPU s; limit {result.limits[-1][1]:.2f} CPU s")
            result.scale_limit = bare_limit(big)[1]
            result.scale_scan = scan(big)
            log(f"  at scale ({result.scale_mb:.0f} MB): scan {result.scale_scan.wall:.1f} s"
                f" wall, {result.scale_scan.cpu:.1f} CPU s, largest process"
                f" {result.scale_scan.maxrss_mb:.0f} MB; limit {result.scale_limit:.1f} CPU s")
        if "cluster" in parts:
            for i in range(runs):
                for workers in (1, 2):
                    result.cluster[workers].append(scan(warc, "--cluster", f"local:{workers}"))
                    log(f"  cluster run {i + 1}, {workers} worker(s): "
                        f"{result.cluster[workers][-1].wall:.2f} s")
            for workers in (1, 2):
                result.scale_cluster[workers] = scan(big, "--cluster", f"local:{workers}")
                log(f"  cluster at scale, {workers} worker(s):"
                    f" {result.scale_cluster[workers].wall:.1f} s")
    return result
