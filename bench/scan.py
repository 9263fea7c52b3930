"""Scan benchmark: `archiver scan DIR` (a real process, database writes included)
next to a bare lxml.html parse of the same files, measured in the same run.

The bare parse is lxml.html.document_fromstring on each file's bytes, in this
process, one core; reading the file is included (as the scanner must read it).
Each side runs RUNS times (a fresh archive for each scan); medians are reported.
"""

from __future__ import annotations

import re
import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from . import proc

RUNS = 3


@dataclass
class ScanResult:
    articles: int
    bytes: int
    planted: int
    found: int | None
    scans: list[proc.Measured]
    lxml: list[float]
    lxml_parse_only: list[float]

    @property
    def scan(self) -> proc.Measured:
        """The median run (by wall time)."""
        return sorted(self.scans, key=lambda m: m.wall)[len(self.scans) // 2]

    @property
    def scan_mb_s(self) -> float:
        return self.bytes / 1e6 / self.scan.wall

    @property
    def lxml_wall(self) -> float:
        return statistics.median(self.lxml)

    @property
    def lxml_mb_s(self) -> float:
        return self.bytes / 1e6 / self.lxml_wall

    @property
    def ratio(self) -> float:
        return self.scan_mb_s / self.lxml_mb_s


def bare_parse(files: list[Path]) -> tuple[float, float]:
    """(seconds to read and parse every file, seconds to parse bytes already read)."""
    import lxml.html

    start = time.perf_counter()
    for f in files:
        lxml.html.document_fromstring(f.read_bytes())
    read_parse = time.perf_counter() - start
    data = [f.read_bytes() for f in files]
    start = time.perf_counter()
    for d in data:
        lxml.html.document_fromstring(d)
    parse_only = time.perf_counter() - start
    return read_parse, parse_only


def run(corpus: Path, planted: int, archiver: str, runs: int = RUNS, log=print) -> ScanResult:
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    total = sum(f.stat().st_size for f in files)
    for f in files:  # warm the page cache for both sides
        f.read_bytes()
    scans, lxml_times, parse_only = [], [], []
    found = None
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        for i in range(runs):
            a, b = bare_parse(files)
            lxml_times.append(a)
            parse_only.append(b)
            archive = Path(tmp) / f"archive{i}"
            m = proc.run([archiver, "--archive", str(archive), "scan", str(corpus), "--quiet"],
                         cwd=tmp)
            if m.returncode != 0:
                raise RuntimeError(f"scan failed ({m.returncode}): {m.stderr[-2000:]}")
            summary = re.search(r"Scanned (\d+) sources?; (\d+) embeds?", m.stdout + m.stderr)
            if summary:
                found = int(summary.group(2))
            scans.append(m)
            shutil.rmtree(archive, ignore_errors=True)
            log(f"  scan run {i + 1}: {m.wall:.2f} s ({total / 1e6 / m.wall:.1f} MB/s, "
                f"CPU {m.cpu:.1f} s); lxml {a:.2f} s ({total / 1e6 / a:.1f} MB/s)")
    return ScanResult(len(files), total, planted, found, scans, lxml_times, parse_only)
