"""Scan benchmark: `archiver scan DIR` (a real process, database writes included)
next to a bare Lexbor parse of the same files, measured in the same run.

The bare parse is selectolax's LexborHTMLParser (the fastest HTML5 parser) on each
file's bytes, in a fresh process, one core; reading the file is included (as the
scanner must read it). lxml.html.document_fromstring (libxml2, the parser the
scanner used before) is timed the same way, for context. Each side runs RUNS
times (a fresh archive for each scan); medians are reported.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
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
    lexbor: list[float]
    lexbor_parse_only: list[float]
    lxml: list[float]

    @property
    def scan(self) -> proc.Measured:
        """The median run (by wall time)."""
        return sorted(self.scans, key=lambda m: m.wall)[len(self.scans) // 2]

    @property
    def scan_mb_s(self) -> float:
        return self.bytes / 1e6 / self.scan.wall

    @property
    def lexbor_wall(self) -> float:
        return statistics.median(self.lexbor)

    @property
    def lexbor_mb_s(self) -> float:
        return self.bytes / 1e6 / self.lexbor_wall

    @property
    def lxml_wall(self) -> float:
        return statistics.median(self.lxml)

    @property
    def lxml_mb_s(self) -> float:
        return self.bytes / 1e6 / self.lxml_wall

    @property
    def ratio(self) -> float:
        """Scan throughput over the bare Lexbor parse's."""
        return self.scan_mb_s / self.lexbor_mb_s


# The bare parses run in a fresh interpreter, as `archiver scan` and its workers do.
# In the benchmark's own process the parse ran twice as fast from its second run on:
# glibc raises its mmap threshold once a large block has been freed, after which the
# parser's arenas are no longer mapped and faulted in afresh for every document. A
# fresh process measures what the scanner's processes get, the same every run.
_BARE = """
import json, sys, time
from pathlib import Path

files = sorted(p for p in Path(sys.argv[1]).rglob("*")
               if p.is_file() and not p.name.startswith("."))
if sys.argv[2] == "lexbor":
    from selectolax.lexbor import LexborHTMLParser as parse
else:
    from lxml.html import document_fromstring as parse
start = time.perf_counter()
for f in files:
    parse(f.read_bytes())
read_parse = time.perf_counter() - start
data = [f.read_bytes() for f in files]
start = time.perf_counter()
for d in data:
    parse(d)
print(json.dumps([read_parse, time.perf_counter() - start]))
"""


def _bare(corpus: Path, parser: str) -> tuple[float, float]:
    """(seconds to read and parse every file, seconds to parse the bytes once read),
    in a fresh process, one core."""
    out = subprocess.run([sys.executable, "-c", _BARE, str(corpus), parser], check=True,
                         capture_output=True, text=True, timeout=600)
    read_parse, parse_only = json.loads(out.stdout)
    return read_parse, parse_only


def bare_parse(corpus: Path) -> tuple[float, float, float]:
    """(seconds to read and parse every file with Lexbor, seconds for Lexbor to parse
    bytes already read, seconds to read and parse every file with lxml)."""
    lexbor, lexbor_only = _bare(corpus, "lexbor")
    lxml, _ = _bare(corpus, "lxml")
    return lexbor, lexbor_only, lxml


def run(corpus: Path, planted: int, archiver: str, runs: int = RUNS, log=print) -> ScanResult:
    files = sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.startswith("."))
    total = sum(f.stat().st_size for f in files)
    for f in files:  # warm the page cache for both sides
        f.read_bytes()
    scans, lexbor_times, parse_only, lxml_times = [], [], [], []
    found = None
    with tempfile.TemporaryDirectory(prefix="bench-scan-") as tmp:
        for i in range(runs):
            a, b, c = bare_parse(corpus)
            lexbor_times.append(a)
            parse_only.append(b)
            lxml_times.append(c)
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
                f"CPU {m.cpu:.1f} s); lexbor {a:.2f} s ({total / 1e6 / a:.1f} MB/s), "
                f"{total / 1e6 / m.wall / (total / 1e6 / a):.2f}x; lxml {c:.2f} s "
                f"({total / 1e6 / c:.1f} MB/s)")
    return ScanResult(len(files), total, planted, found, scans, lexbor_times, parse_only,
                      lxml_times)
