"""Lookup benchmark: the whole `archiver lookup @HANDLE --json` process against a
minimal `python -c` that opens the same database read-only and runs the same query.

Both are timed as whole processes (interpreter start included), interleaved, after
warm-up runs; the median is reported.
"""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from pathlib import Path

from . import proc

# The query of archiver/lookup.py for a handle with no --since/--until/--search.
QUERY = ("SELECT p.* FROM posts p WHERE p.handle = ? COLLATE NOCASE"
         " ORDER BY p.date IS NULL, p.date DESC, CAST(p.id AS INTEGER) DESC, p.pk DESC")

MINIMAL = (
    "import sqlite3,sys\n"
    "c=sqlite3.connect(sys.argv[1],uri=True)\n"
    "r=c.execute(sys.argv[2],(sys.argv[3],)).fetchall()\n"
    "assert len(r)==int(sys.argv[4]),len(r)\n"
)
# The minimal process doing all of lookup's work: the post query, each post's
# articles, links and captures, and the JSON (what --json prints).
SAME_WORK = MINIMAL.replace("assert", "import json\nout=[]\nfor p in r:\n"
    " pk=p[0]\n"
    " a=[x[0] for x in c.execute('SELECT a.source FROM article_posts ap JOIN articles a ON"
    " a.id=ap.article_id WHERE ap.post_pk=? ORDER BY a.first_scanned, a.id',(pk,))]\n"
    " l=c.execute('SELECT l.url,l.resolved,l.error FROM post_links pl JOIN links l ON"
    " l.code=pl.code WHERE pl.post_pk=? ORDER BY pl.rowid',(pk,)).fetchall()\n"
    " s=c.execute('SELECT kind,path,sha256,captured_at FROM snapshots WHERE post_pk=?"
    " ORDER BY captured_at, id',(pk,)).fetchall()\n"
    " out.append([list(p),a,l,s])\n"
    "sys.stdout.write(json.dumps(out,ensure_ascii=False,indent=2))\n"
    "assert")


@dataclass
class LookupResult:
    handle: str
    posts: int
    runs: int
    archiver: list[float]
    minimal: list[float]
    same_work: list[float]
    bare: list[float]
    json_ok: bool

    @staticmethod
    def med(values: list[float]) -> float:
        return statistics.median(values)

    @property
    def ratio(self) -> float:
        return self.med(self.archiver) / self.med(self.minimal)


def run(archive: Path, handle: str, expected: int, python: str, archiver: str,
        runs: int = 15, warmup: int = 3, log=print) -> LookupResult:
    db_uri = f"{(archive / 'archive.db').resolve().as_uri()}?mode=ro"
    lookup_key = "@" + handle.lower()
    cmds = {
        "archiver": [archiver, "--archive", str(archive), "lookup", lookup_key, "--json"],
        "minimal": [python, "-c", MINIMAL, db_uri, QUERY, handle.lower(), str(expected)],
        "same_work": [python, "-c", SAME_WORK, db_uri, QUERY, handle.lower(), str(expected)],
        "bare": [python, "-c", "pass"],
    }
    times: dict[str, list[float]] = {k: [] for k in cmds}
    json_ok = False
    for i in range(warmup + runs):
        for name, args in cmds.items():
            m = proc.run(args, sample=False)
            if m.returncode != 0:
                raise RuntimeError(f"{name} failed ({m.returncode}): {m.stderr[-1500:]}")
            if name == "archiver" and i == 0:
                json_ok = len(json.loads(m.stdout)) == expected
            if i >= warmup:
                times[name].append(m.wall)
    result = LookupResult(handle, expected, runs, times["archiver"], times["minimal"],
                          times["same_work"], times["bare"], json_ok)
    log(f"  lookup: archiver {result.med(result.archiver) * 1000:.0f} ms, minimal "
        f"{result.med(result.minimal) * 1000:.0f} ms, ratio {result.ratio:.2f}x")
    return result
