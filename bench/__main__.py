"""`make bench` / `python -m bench`: run the benchmarks, print the table, write docs/benchmarks.md.

Generated inputs (the article corpus, the 1,000,000-post archive) live in a cache
folder (BENCH_CACHE, default ~/.cache/archiver-bench), never in the repository;
they are rebuilt when their generator (or, for the archive, the schema) changes.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from . import archive as archive_gen
from . import corpus as corpus_gen
from . import fetch as fetch_bench
from . import fetch_mixed as mixed_bench
from . import hostile as hostile_bench
from . import lookup as lookup_bench
from . import machine
from . import scan as scan_bench
from . import warc as warc_bench

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
SCAN_TARGET = 0.3  # scan throughput / bare Lexbor parse, at least
LOOKUP_TARGET = 3.0  # archiver lookup / minimal python -c, at most
FETCH_TARGET = 0.75  # share of the latency-bound ideal at concurrency 4 and 8, at least
MIXED_TARGET = 0.70  # the same for a live blog of all ten platforms, at concurrency 4
BUDGET_S = 600  # make bench, whole
WARC_TARGET = 0.3  # WARC scan MB per CPU s / bare fastwarc + lexbor, at least
SCALING_TARGET = 1.7  # LocalCluster 2 workers / 1 worker, at least
MEMORY_TARGET_MB = 300  # largest process scanning a >= 500 MB WARC, at most


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _bin(name: str) -> str:
    """A program of the interpreter's own environment (the project's .venv under make)."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else (shutil.which(name) or name)


def ensure_corpus(cache: Path, articles: int, seed: int) -> tuple[Path, dict, float]:
    folder = cache / f"corpus-v{corpus_gen.VERSION}-{articles}-{seed}"
    meta = cache / (folder.name + ".json")
    if folder.is_dir() and meta.exists():
        return folder, json.loads(meta.read_text()), 0.0
    for old in cache.glob("corpus-*"):
        shutil.rmtree(old, ignore_errors=True) if old.is_dir() else old.unlink()
    for old in cache.glob("*crawl-v*-corpus-*"):  # WARCs of the old corpus (bench/warc.py)
        old.unlink()
    start = time.perf_counter()
    summary = corpus_gen.generate(folder, articles, seed)
    return folder, summary, time.perf_counter() - start


def fetch_plan(first_wall: float, first_posts: int, remaining: float) -> list[tuple[int, int]]:
    """Posts for concurrency 1, 2 and 8 that fit the time left, from the concurrency-4 run.

    A conservative guess of seconds per post at concurrency c: the measured one at 4,
    times 4/c when c < 4 (latency-bound), unchanged above (CPU-bound on two cores).
    """
    per_post = first_wall / first_posts
    share = max(remaining, 0) / 3
    plan = []
    for c in (1, 2, 8):
        estimate = per_post * max(1.0, 4 / c)
        plan.append((c, max(10, min(first_posts, int((share - 6) / estimate)))))
    return plan


def met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def fmt_table(rows: list[list[str]], header: list[str]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def plain_table(rows: list[list[str]], header: list[str]) -> str:
    cells = [header, *rows]
    widths = [max(len(r[i].replace("**", "")) for r in cells) for i in range(len(header))]
    out = []
    for n, r in enumerate(cells):
        out.append("  ".join(c.replace("**", "").ljust(w) for c, w in zip(r, widths, strict=True)))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="scan,hostile,lookup,mixed,fetch,warc,cluster",
                        help="comma-separated: scan, hostile, lookup, mixed (the fetch of a "
                        "live blog of all ten platforms), fetch, warc, cluster")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--posts", type=int, default=1_000_000, help="archive size for lookup")
    parser.add_argument("--handles", type=int, default=50_000)
    parser.add_argument("--fetch-posts", type=int, default=200)
    parser.add_argument("--mixed-posts", type=int, default=mixed_bench.POSTS,
                        help="posts of each platform in the mixed fetch")
    parser.add_argument("--mixed-runs", type=int, default=mixed_bench.RUNS)
    parser.add_argument("--scan-runs", type=int, default=scan_bench.RUNS)
    parser.add_argument("--lookup-runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=20260301)
    parser.add_argument("--cache", default=os.environ.get("BENCH_CACHE")
                        or str(Path.home() / ".cache" / "archiver-bench"))
    parser.add_argument("--doc", default=str(DOC), help="where to write the report ('' = don't)")
    parser.add_argument("--command", default="make bench",
                        help="the command named in the report as having produced it")
    args = parser.parse_args()
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    cache = Path(args.cache).expanduser()
    cache.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    when = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_before = machine.load()
    commit_before = machine.commit()
    archiver, python = _bin("archiver"), sys.executable
    log(f"bench: archiver {archiver}; cache {cache}; load average {load_before}")
    info = machine.describe()
    notes: dict[str, object] = {}

    scan = lookup = None
    hostile: list[hostile_bench.ShapeResult] = []
    fetches: list[fetch_bench.FetchResult] = []
    mixed = None
    if "scan" in only:
        corpus, summary, gen_s = ensure_corpus(cache, args.articles, args.seed)
        log(f"scan: corpus of {summary['articles']} articles, {summary['bytes'] / 1e6:.0f} MB"
            + (f" (generated in {gen_s:.1f} s)" if gen_s else " (cached)"))
        notes["corpus"] = summary
        notes["corpus_seconds"] = gen_s
        scan = scan_bench.run(corpus, summary["embeds"], archiver, args.scan_runs, log=log)
    warc = None
    if only & {"warc", "cluster"}:
        corpus, summary, _ = ensure_corpus(cache, args.articles, args.seed)
        log("warc: the corpus as a WARC; " + ", ".join(sorted(only & {"warc", "cluster"})))
        warc = warc_bench.run(cache, corpus, archiver, runs=2, log=log,
                              parts=tuple(only & {"warc", "cluster"}))
    if "hostile" in only:
        log(f"hostile: {len(hostile_bench.SHAPES)} shapes at "
            + ", ".join(f"{k}x" for k in hostile_bench.SCALES))
        hostile = hostile_bench.run(log=log)
    if "lookup" in only:
        log(f"lookup: archive of {args.posts:,} posts over {args.handles:,} handles")
        t = time.perf_counter()
        folder, ainfo, was_cached = archive_gen.cached(cache, args.posts, args.handles, log=log)
        notes["archive"] = ainfo
        notes["archive_cached"] = was_cached
        notes["archive_seconds"] = time.perf_counter() - t
        lookup = lookup_bench.run(folder, ainfo["handle"], ainfo["handle_posts"], python,
                                  archiver, runs=args.lookup_runs, log=log)
    if "mixed" in only:  # before the Twitter fetch, which fits its runs to the time left
        log(f"mixed: ten stand-ins with {mixed_bench.LATENCY * 1000:.0f} ms per answer")
        mixed = mixed_bench.run(args.mixed_posts, args.mixed_runs, archiver=archiver, log=log)
    if "fetch" in only:
        log("fetch: stand-in with 200 ms per answer")
        fetches += fetch_bench.run_all([(4, args.fetch_posts)], archiver, log=log)
        first = fetches[0]
        remaining = BUDGET_S - 30 - (time.perf_counter() - started)
        plan = fetch_plan(first.run.wall, first.posts, remaining)
        plan = [(c, min(n, args.fetch_posts)) for c, n in plan]
        fetches += fetch_bench.run_all(plan, archiver, log=log)
        fetches.sort(key=lambda r: r.concurrency)
    total_s = time.perf_counter() - started
    load_after = machine.load()
    commit_after = machine.commit()
    commit = commit_before if commit_before == commit_after else (
        f"{commit_before} at the start and {commit_after} at the end (the code changed during "
        "the run)")

    # -- the table ------------------------------------------------------------------------
    summary_rows: list[list[str]] = []
    verdicts: list[tuple[str, bool | None, str]] = []
    if scan:
        s = scan.scan
        summary_rows.append([
            "Scan", f"{scan.scan_mb_s:.1f} MB/s, {scan.articles / s.wall:.0f} articles/s",
            f"bare Lexbor parse {scan.lexbor_mb_s:.1f} MB/s, "
            f"{scan.articles / scan.lexbor_wall:.0f} articles/s",
            f"{scan.ratio:.2f}x", f">= {SCAN_TARGET}x", met(scan.ratio >= SCAN_TARGET)])
        verdicts.append(("Scan throughput >= 0.3x bare Lexbor parse", scan.ratio >= SCAN_TARGET,
                         f"{scan.ratio:.2f}x"))
    if warc and warc.scans:
        s, big = warc.scan, warc.scale_scan
        summary_rows.append([
            f"WARC scan (per core), {warc.scale_mb:.0f} MB WARC",
            f"{warc.scale_per_core:.1f} MB/s of WARC per CPU s "
            f"({warc.scale_mb / big.wall:.1f} MB/s wall)",
            f"fastwarc + lexbor parse {warc.scale_limit_per_core:.1f} MB/s, one core",
            f"{warc.scale_ratio:.2f}x", f">= {WARC_TARGET}x", met(warc.scale_ratio >= WARC_TARGET)])
        verdicts.append((f"WARC scan per core >= 0.3x fastwarc + fastest parser"
                         f" ({warc.scale_mb:.0f} MB WARC)", warc.scale_ratio >= WARC_TARGET,
                         f"{warc.scale_ratio:.2f}x"))
        summary_rows.append([
            f"WARC scan (per core), {warc.mb:.0f} MB WARC", f"{warc.per_core:.1f} MB/s of WARC"
            f" per CPU s ({warc.mb / s.wall:.1f} MB/s wall)",
            f"fastwarc + lexbor parse {warc.limit_per_core:.1f} MB/s, one core",
            f"{warc.ratio:.2f}x", "reported (start-up included)", "reported"])
        summary_rows.append([
            f"Memory: {warc.scale_mb:.0f} MB WARC scan", f"{big.maxrss_mb:.0f} MB largest process",
            f"{big.peak_pss_mb:.0f} MB all processes (PSS)", "", f"<= {MEMORY_TARGET_MB} MB"
            " per process", met(big.maxrss_mb <= MEMORY_TARGET_MB)])
        verdicts.append((f"Peak memory scanning a {warc.scale_mb:.0f} MB WARC <= 300 MB per"
                         " process", big.maxrss_mb <= MEMORY_TARGET_MB,
                         f"{big.maxrss_mb:.0f} MB"))
    if warc and warc.cluster[1]:
        summary_rows.append([
            f"LocalCluster scaling, {warc.scale_mb:.0f} MB WARC",
            f"2 workers {warc.scale_cluster[2].wall:.1f} s",
            f"1 worker {warc.scale_cluster[1].wall:.1f} s", f"{warc.scale_scaling:.2f}x",
            f">= {SCALING_TARGET}x", met(warc.scale_scaling >= SCALING_TARGET)])
        verdicts.append((f"Scan on a LocalCluster: 2 workers >= 1.7x 1 worker"
                         f" ({warc.scale_mb:.0f} MB WARC)", warc.scale_scaling >= SCALING_TARGET,
                         f"{warc.scale_scaling:.2f}x"))
        summary_rows.append([
            f"LocalCluster scaling, {warc.mb:.0f} MB WARC",
            f"2 workers {warc.cluster_wall(2):.1f} s",
            f"1 worker {warc.cluster_wall(1):.1f} s", f"{warc.scaling:.2f}x",
            "reported (start-up included)", "reported"])
    for h in hostile:
        summary_rows.append([
            f"Hostile: {h.name}", ", ".join(f"{k}x {t * 1000:.1f} ms" for k, t in
                                           zip(hostile_bench.SCALES, h.seconds, strict=True)),
            f"input {h.sizes[0] / 1000:.0f} KB at 1x", f"{h.ratio:.1f}x",
            f"<= {h.limit:g}x", met(h.linear)])
    if hostile:
        slowest = max(hostile, key=lambda h: h.ratio)
        verdicts.append(("Hostile inputs scan in linear time (16x input, <= "
                         f"{slowest.limit:g}x time)", all(h.linear for h in hostile),
                         f"worst {slowest.ratio:.1f}x ({slowest.name})"))
    if lookup:
        summary_rows.append([
            "Lookup", f"{lookup.med(lookup.archiver) * 1000:.0f} ms (`archiver lookup --json`)",
            f"minimal `python -c` {lookup.med(lookup.minimal) * 1000:.0f} ms",
            f"{lookup.ratio:.2f}x", f"<= {LOOKUP_TARGET:g}x", met(lookup.ratio <= LOOKUP_TARGET)])
        verdicts.append(("Lookup <= 3x a minimal python -c", lookup.ratio <= LOOKUP_TARGET,
                         f"{lookup.ratio:.2f}x"))
    four = next((f for f in fetches if f.concurrency == 4), None)
    if four:
        summary_rows.append([
            "Fetch (concurrency 4)", f"{four.posts_per_min:.0f} posts/min",
            f"latency-bound ideal {four.ideal_per_min:.0f} posts/min",
            f"{four.of_ideal:.0%}", f">= {FETCH_TARGET:.0%}", met(four.of_ideal >= FETCH_TARGET)])
        verdicts.append((f"Fetch at concurrency 4 >= {FETCH_TARGET:.0%} of the latency-bound"
                         " ideal", four.of_ideal >= FETCH_TARGET, f"{four.of_ideal:.0%}"))
        summary_rows.append([
            "Fetch CPU per post (concurrency 4)", f"{four.cpu_per_post:.2f} CPU s/post",
            "PNG, HTML, MHTML, WACZ and media", "", "as low as possible (reported)",
            "reported"])
    if mixed:
        ok = mixed.median("of_ideal") >= MIXED_TARGET
        summary_rows.append([
            f"Fetch, all ten platforms (concurrency {mixed.concurrency})",
            f"{mixed.median('posts_per_min'):.0f} posts/min (median of {len(mixed.runs)})",
            f"latency-bound ideal {mixed.median('ideal_per_min'):.0f} posts/min",
            f"{mixed.median('of_ideal'):.0%}", f">= {MIXED_TARGET:.0%}", met(ok)])
        verdicts.append((f"Fetch of a live blog of all ten platforms at concurrency "
                         f"{mixed.concurrency} >= {MIXED_TARGET:.0%} of the latency-bound ideal",
                         ok, f"{mixed.median('of_ideal'):.0%}, median of {len(mixed.runs)} runs"
                         f" ({', '.join(f'{r.of_ideal:.0%}' for r in mixed.runs)})"))
    eight = next((f for f in fetches if f.concurrency == 8), None)
    if eight:
        summary_rows.append([
            "Fetch (concurrency 8)", f"{eight.posts_per_min:.0f} posts/min",
            f"latency-bound ideal {eight.ideal_per_min:.0f} posts/min",
            f"{eight.of_ideal:.0%}", f">= {FETCH_TARGET:.0%}", met(eight.of_ideal >= FETCH_TARGET)])
        verdicts.append((f"Fetch at concurrency 8 >= {FETCH_TARGET:.0%} of the latency-bound"
                         " ideal", eight.of_ideal >= FETCH_TARGET, f"{eight.of_ideal:.0%}"))
    if scan:
        s = scan.scan
        summary_rows.append(["Memory: scan", f"{s.maxrss_mb:.0f} MB largest process",
                             f"{s.peak_pss_mb:.0f} MB all processes (PSS)", "", "reported",
                             "reported"])
    if four:
        summary_rows.append([f"Memory: {four.posts}-post fetch",
                             f"{four.run.maxrss_mb:.0f} MB largest process",
                             f"{four.run.peak_pss_mb:.0f} MB all processes (PSS)", "",
                             "reported", "reported"])
    full = {"scan", "hostile", "lookup", "mixed", "fetch", "warc", "cluster"} <= only
    if full:
        verdicts.append(("`make bench` under 10 minutes on 2 cores", total_s < BUDGET_S,
                         f"{total_s / 60:.1f} min (this run, {os.cpu_count()} cores)"))
    header = ["Benchmark", "Measured", "Limit, same run", "Ratio", "Target", "Verdict"]

    fetch_rows = [[
        str(f.concurrency), str(f.archived) + ("" if f.archived == f.posts else f" of {f.posts}"),
        f"{f.run.wall:.1f}", f"{f.posts_per_min:.1f}", f"{f.steady_per_min:.1f}",
        f"{f.ideal_per_min:.1f}",
        f"{f.of_ideal:.0%}", f"{f.requests_per_post:.2f}", f"{f.cpu_per_post:.2f}",
        f"{f.run.cpu / f.run.wall:.2f}", f"{f.kb_per_post:.0f}", f"{f.run.maxrss_mb:.0f}",
        f"{f.run.peak_pss_mb:.0f}",
    ] for f in fetches]
    fetch_header = ["Concurrency", "Posts", "Wall s", "Posts/min",
                    "Posts/min, first to last request", "Ideal posts/min",
                    "Of ideal", "Requests/post", "CPU s/post", "Cores busy", "KB written/post",
                    "Largest process MB", "All processes MB (PSS)"]

    print()
    print(plain_table(summary_rows, header))
    if fetches:
        print()
        print(plain_table(fetch_rows, fetch_header))
    if mixed:
        print()
        print(plain_table(mixed_rows(mixed), MIXED_HEADER))
    print()
    for name, ok, value in verdicts:
        print(f"{'MET    ' if ok else 'NOT MET'}  {name}: {value}")
    print(f"\nTotal {total_s:.0f} s; load average before {load_before}, after {load_after}")

    if args.doc:
        doc = render_doc(args, info, when, commit, load_before, load_after, total_s, header,
                         summary_rows, verdicts, scan, lookup, fetches, fetch_header, fetch_rows,
                         notes, hostile, warc, mixed)
        Path(args.doc).write_text(doc, encoding="utf-8")
        log(f"wrote {args.doc}")
    return 0


def render_doc(args, info, when, commit, load_before, load_after, total_s, header, summary_rows,
               verdicts, scan, lookup, fetches, fetch_header, fetch_rows, notes,
               hostile=(), warc=None, mixed=None) -> str:
    out = [
        "# Benchmarks",
        "",
        "<!-- Written by `make bench` (bench/__main__.py) on every run: edits here are lost. -->",
        "",
        f"Produced by `{args.command}` (`.venv/bin/python -m bench`) on {when}, at commit "
        f"{commit}, in {total_s / 60:.1f} minutes.",
        "",
        "## Machine",
        "",
        fmt_table([[k, v] for k, v in info.items()]
                  + [["Load average (1/5/15 min)", f"before {load_before}; after {load_after}"]],
                  ["", ""]),
        "",
        "The load average counts everything on the machine: other work running at the same "
        "time (other test suites, browsers) takes cores from the benchmark and shows there.",
        "",
        "## Results",
        "",
        fmt_table(summary_rows, header),
        "",
        "## Targets",
        "",
    ]
    out += [f"- {met(ok) if ok is not None else 'reported'}: {name} ({value})"
            for name, ok, value in verdicts]
    out.append("")

    if scan:
        c = notes["corpus"]
        s = scan.scan
        forms = ", ".join(f"{k} {v}" for k, v in sorted(c["forms"].items()))
        platforms = ", ".join(f"{k} {v:,}" for k, v in sorted(
            c.get("platforms", {"twitter": c["embeds"]}).items(), key=lambda x: -x[1]))
        out += [
            "## Scan",
            "",
            f"Corpus: {c['articles']:,} generated articles (bench/corpus.py, seed {c['seed']}), "
            f"{c['bytes'] / 1e6:.0f} MB, {c['min_bytes'] / 1000:.0f}-{c['max_bytes'] / 1000:.0f} "
            f"KB each; {c['articles'] - c['with_embeds']:,} with no embed, "
            f"{c['with_embeds']} with 1-40 ({c['embeds']:,} posts in all: {platforms}; "
            f"{c.get('mixed', 0)} articles embed other platforms' posts, tweets among them), "
            f"{c['text']} plain text, {c['amp']} AMP. Pages carry what news pages carry: meta "
            "tags including twitter:card, navigation, share links to twitter.com/intent/tweet "
            "and Facebook's sharer, long prose (sentences drawn from a fixed news vocabulary), "
            "figures, inline CSS, scripts and JSON state, sidebars, footers with links to the "
            "site's own accounts on the platforms; a few carry negatives (timelines, status "
            "links in prose, pull quotes, Bluesky attributions in HTML, \"(@handle)\" in prose, "
            "other platforms' profile, page, playlist and discussion widgets, their posts "
            f"cited in the prose). Embed forms planted: {forms}.",
            "",
            f"`archiver --archive TMP scan CORPUS --quiet` (a fresh archive each run, database "
            f"writes included) against selectolax's `LexborHTMLParser` (the fastest HTML5 "
            f"parser, the one the scanner uses) on each file's bytes (read included) in a "
            f"fresh process, as the scanner's are (in a process that had freed a large block "
            f"before, glibc's raised mmap threshold made the parse twice as fast), one core; "
            f"`lxml.html.document_fromstring` (libxml2) likewise, for context. "
            f"{len(scan.scans)} runs of each, alternating; medians.",
            "",
            fmt_table([
                ["`archiver scan`", f"{s.wall:.2f}", f"{scan.scan_mb_s:.1f}",
                 f"{scan.articles / s.wall:.0f}", f"{s.cpu:.1f} ({s.cpu / s.wall:.2f} cores busy)",
                 ", ".join(f"{m.wall:.2f}" for m in scan.scans)],
                ["bare Lexbor parse", f"{scan.lexbor_wall:.2f}", f"{scan.lexbor_mb_s:.1f}",
                 f"{scan.articles / scan.lexbor_wall:.0f}", "one core",
                 ", ".join(f"{x:.2f}" for x in scan.lexbor)],
                ["bare lxml parse (context)", f"{scan.lxml_wall:.2f}", f"{scan.lxml_mb_s:.1f}",
                 f"{scan.articles / scan.lxml_wall:.0f}", "one core",
                 ", ".join(f"{x:.2f}" for x in scan.lxml)],
            ], ["", "Wall s", "MB/s", "Articles/s", "CPU s", "All runs (s)"]),
            "",
            f"Lexbor's parse alone, bytes already in memory: {min(scan.lexbor_parse_only):.2f} s "
            f"(best run). Embeds found by the scan: {scan.found} of {scan.planted} planted. "
            f"Peak memory of the scan: {s.maxrss_mb:.0f} MB in its largest process, "
            f"{s.peak_pss_mb:.0f} MB PSS over all its processes at once "
            f"({s.peak_procs} processes at most).",
            "",
        ]
    if hostile:
        out += hostile_section(hostile)
    if warc:
        out += warc_section(warc)
    if lookup:
        a = notes["archive"]
        sec = a["seconds"]
        built = ("reused from the cache" if notes["archive_cached"]
                 else f"built in {sec['total']:.0f} s this run")
        ms = lookup.med
        out += [
            "## Lookup",
            "",
            f"Archive: {a['posts']:,} posts over {a['handles']:,} handles, {a['articles']:,} "
            f"articles, {a['article_posts']:,} article-post rows, {a['links']:,} links, "
            f"{a['snapshots']:,} capture rows; {a['db_mb']:,} MB; the busiest handle has "
            f"{a['max_posts_per_handle']:,} posts. Made by bench/archive.py: the schema by "
            "`archiver.store.Store`, rows by `executemany` in one transaction with the FTS "
            "triggers and secondary indexes dropped, then the FTS index rebuilt and indexes "
            f"recreated ({built}; when built: rows {sec['rows']} s, insert {sec['insert']} s, "
            f"FTS {sec['fts_rebuild']} s, indexes {sec['indexes']} s). Cached by a hash of the "
            "schema's SQL.",
            "",
            f"Handle `@{lookup.handle.lower()}` ({lookup.posts} posts, stored as "
            f"`{lookup.handle}`). {lookup.runs} interleaved runs of each process after 3 warm-up "
            "runs; wall time of the whole process, median (min-max):",
            "",
            fmt_table([
                ["`archiver --archive A lookup @HANDLE --json`",
                 f"{ms(lookup.archiver) * 1000:.0f}",
                 f"{min(lookup.archiver) * 1000:.0f}-{max(lookup.archiver) * 1000:.0f}",
                 f"{ms(lookup.archiver) / ms(lookup.minimal):.2f}x"],
                ["minimal `python -c`: open read-only, run lookup's query, fetch all",
                 f"{ms(lookup.minimal) * 1000:.0f}",
                 f"{min(lookup.minimal) * 1000:.0f}-{max(lookup.minimal) * 1000:.0f}", "1.00x"],
                ["`python -c` doing all of lookup's work (per-post articles, links, captures;"
                 " JSON out)", f"{ms(lookup.same_work) * 1000:.0f}",
                 f"{min(lookup.same_work) * 1000:.0f}-{max(lookup.same_work) * 1000:.0f}",
                 f"{ms(lookup.same_work) / ms(lookup.minimal):.2f}x"],
                ["bare interpreter (`python -c pass`)", f"{ms(lookup.bare) * 1000:.0f}",
                 f"{min(lookup.bare) * 1000:.0f}-{max(lookup.bare) * 1000:.0f}",
                 f"{ms(lookup.bare) / ms(lookup.minimal):.2f}x"],
            ], ["Process", "Median ms", "Range ms", "vs minimal"]),
            "",
            f"The lookup printed {'all' if lookup.json_ok else 'NOT all'} {lookup.posts} posts.",
            "",
        ]
    if mixed:
        out += mixed_section(mixed)
    if fetches:
        f4 = next((f for f in fetches if f.concurrency == 4), fetches[0])
        endpoints = {}
        for f in fetches:
            for k, v in f.by_endpoint.items():
                endpoints[k] = endpoints.get(k, 0) + v / f.posts / len(fetches)
        per = ", ".join(f"{k} {v:.2f}" for k, v in sorted(endpoints.items(), key=lambda x: -x[1]))
        scaled = [f for f in fetches if f.posts < args.fetch_posts]
        out += [
            "## Fetch",
            "",
            f"The stand-in network (tests/standin) in the benchmark's process, with "
            f"{fetch_bench.LATENCY * 1000:.0f} ms added to every answer and its embed page's "
            "default 0.3 s render delay (the card appears 0.3 s after load, as the real widget "
            "builds it by script). One article embeds N distinct tweets that exist in the "
            "stand-in (one in four with a photo). For each concurrency a fresh archive and "
            "`archiver --archive A run ARTICLE --quiet` with `ARCHIVER_CONCURRENCY` set and "
            f"`ARCHIVER_HOST_RATE={fetch_bench.HOST_RATE}`, so that the politeness limiter "
            "(10 requests per second per host by default) is not what is measured. Wall time "
            "is the whole process (start, scan, Chromium launch, fetch, captures, exit); CPU is "
            "user+sys of the process and all its descendants (Python, Playwright's driver, "
            "Chromium), read with wait4() with the benchmark acting as child subreaper so "
            "Chromium's orphaned renderers are counted too. Requests per post are counted in "
            f"the stand-in's request log (on average: {per}). "
            "Ideal = concurrency / (requests per post x 0.2 s). Posts/min (and the target) "
            "use the whole process's wall time; \"first to last request\" leaves out start-up "
            "and exit, for comparison.",
            "",
            fmt_table(fetch_rows, fetch_header),
            "",
        ]
        if four_run := next((f for f in fetches if f.concurrency == 4), None):
            kinds = four_run.run.cpu_by_kind
            out += [
                f"Where the CPU goes at concurrency 4 ({four_run.archived} posts; sampled "
                f"per process from /proc, {sum(kinds.values()):.1f} s of the "
                f"{four_run.run.cpu:.1f} s wait4 counted):",
                "",
                fmt_table([[k, f"{v:.1f}", f"{v / max(four_run.archived, 1):.3f}",
                            f"{v / max(sum(kinds.values()), 1e-9):.0%}"]
                           for k, v in kinds.items()],
                          ["Process", "CPU s", "CPU s/post", "Share"]),
                "",
            ]
        one = next((f for f in fetches if f.concurrency == 1 and f.phases), None)
        if one:
            out += [
                f"Where the wall time of a post goes at concurrency 1 (median over "
                f"{one.archived} posts, from the stand-in's request log; every answer takes "
                f"{fetch_bench.LATENCY * 1000:.0f} ms):",
                "",
                fmt_table([[name, what, f"{one.phases[name]:.2f}"]
                           for name, what in fetch_bench.PHASES if name in one.phases]
                          + [["whole post", "", f"{sum(one.phases.values()):.2f}"],
                             ["latency-bound ideal", "requests per post x latency",
                              f"{one.requests_per_post * fetch_bench.LATENCY:.2f}"]],
                          ["Phase", "What happens in it", "Seconds"]),
                "",
            ]
        if scaled:
            out += [
                f"To keep `make bench` under 10 minutes, concurrency "
                f"{', '.join(str(f.concurrency) for f in scaled)} ran with fewer posts "
                f"({', '.join(str(f.posts) for f in scaled)}; chosen from the time left after "
                f"the {f4.posts}-post run at concurrency 4); posts/min is a rate, so it compares "
                "as is, though start-up weighs a little more in a shorter run.",
                "",
            ]
        out += [
            "Memory, sampled from /proc every 0.1 s: \"largest process\" is the highest peak "
            "RSS (VmHWM) of any single process of the run (Python or one Chromium process); "
            "\"all processes\" is the peak of the sum of PSS over the whole process tree "
            "(shared pages counted once).",
            "",
        ]
    out += [
        "## Method",
        "",
        "- `make bench` depends on `setup` like `make test`, and is not part of `make test` "
        "(nothing under bench/ is collected by pytest).",
        "- Generated inputs live in `BENCH_CACHE` (default `~/.cache/archiver-bench`), never in "
        "the repository: the corpus is rebuilt when bench/corpus.py's VERSION changes, the "
        "archive when the schema's SQL or bench/archive.py's VERSION changes.",
        "- Every benchmarked command is a real process of the installed `archiver`, measured "
        "from the outside (bench/proc.py).",
        "- `python -m bench --help` lists the options (sizes, runs, `--only`).",
        "",
    ]
    return "\n".join(out)


MIXED_HEADER = ["Run", "Posts archived", "Wall s", "Posts/min", "Posts/min, first to last request",
                "Requests/post", "Ideal posts/min", "Of ideal", "CPU s/post", "Cores busy",
                "KB written/post", "Load average at start"]


def mixed_rows(m: mixed_bench.MixedResult) -> list[list[str]]:
    rows = [[str(i + 1), f"{r.archived} of {r.posts}", f"{r.run.wall:.1f}",
             f"{r.posts_per_min:.0f}", f"{r.steady_per_min:.0f}", f"{r.requests_per_post:.2f}",
             f"{r.ideal_per_min:.0f}", f"{r.of_ideal:.0%}", f"{r.cpu_per_post:.2f}",
             f"{r.run.cpu / r.run.wall:.2f}", f"{r.written / 1024 / max(r.archived, 1):.0f}",
             r.load] for i, r in enumerate(m.runs)]
    rows.append(["median", "", f"{m.median('wall'):.1f}",
                 f"{m.median('posts_per_min'):.0f}", f"{m.median('steady_per_min'):.0f}",
                 f"{m.median('requests_per_post'):.2f}", f"{m.median('ideal_per_min'):.0f}",
                 f"{m.median('of_ideal'):.0%}", f"{m.median('cpu_per_post'):.2f}", "", "", ""])
    return rows


def mixed_section(m: mixed_bench.MixedResult) -> list[str]:
    latency = mixed_bench.LATENCY
    platforms = [[p, f"{m.requests_per_post(p):.2f}",
                  f"{m.concurrency / (m.requests_per_post(p) * latency) * 60:.0f}"]
                 for p in mixed_bench.PLATFORMS]
    return [
        "## Fetch: a live blog of all ten platforms",
        "",
        f"The ten stand-ins (tests/standin/) in the benchmark's process, each adding "
        f"{latency * 1000:.0f} ms to every answer (as the Twitter fetch below), their embed "
        f"pages building the post 0.3 s after load. One article embeds {m.per_platform} posts "
        f"of each platform ({m.posts} in all) in its official embed code, the platforms taking "
        "turns as a live blog's updates do (bench/fetch_mixed.py); the posts carry the media "
        "the stand-ins give (a photo on Instagram and Facebook, a stream on TikTok, a poster "
        "on YouTube, a picture on one Bluesky post and one tweet in four). Each run: a fresh "
        "archive and `archiver --archive A run ARTICLE --quiet` with `ARCHIVER_CONCURRENCY="
        f"{m.concurrency}` and `ARCHIVER_HOST_RATE={mixed_bench.HOST_RATE}` (all ten "
        "stand-ins are one host, 127.0.0.1). The latency-bound ideal is recomputed from "
        "the requests each platform made per post (its stand-in's request log: data "
        "lookups, embed page, the page's own requests, media): concurrency / (mean requests "
        f"per post x {latency:g} s), each platform weighted by its share of the posts. "
        f"The run is repeated {len(m.runs)} times (other work shares the machine) and the "
        "medians are the result; the load average at each run's start is beside it.",
        "",
        fmt_table(mixed_rows(m), MIXED_HEADER),
        "",
        "Requests per post by platform (median over the runs), and the ideal a live blog of "
        "that platform alone would have:",
        "",
        fmt_table(platforms, ["Platform", "Requests/post", f"Ideal posts/min at concurrency "
                                                            f"{m.concurrency}"]),
        "",
        "The ideal counts every request as if a post made them one after another (the "
        "fetcher in fact asks a post's data endpoints and opens its embed page at once), "
        "and counts nothing for the page's 0.3 s render delay nor for the capture itself "
        "(PNG, HTML, MHTML, WACZ, on the CPU the machine's other work leaves).",
        "",
    ]


def warc_section(w: warc_bench.WarcResult) -> list[str]:
    out = ["## Web archives", "",
           "The scan corpus written as a gzipped WARC (bench/warc.py: a request, a response"
           " and a metadata record per page, like a Common Crawl file): once"
           f" ({w.mb:.0f} MB), and as {warc_bench.SCALE_CRAWLS} crawls of it, each page under"
           f" its own address in each ({w.scale_mb:.0f} MB, a Common Crawl file's size)."
           " On the small one the command's start-up (imports, the archive, the scanner's"
           " expressions, Dask) is a fifth of the run; research-scale scans read files of"
           " the large one's size, thousands of them, so the targets are judged there."]
    if w.scans:
        big = w.scale_scan
        out += [
            "`archiver --archive TMP scan CRAWL.warc.gz --quiet` (worker processes, database"
            " writes included) against the bare limit in the same run: fastwarc reading every"
            " response record and selectolax's lexbor parsing each body, in the benchmark's"
            " process, one core. Per core = MB of WARC per CPU second (the scan's whole"
            " process tree, from wait4).", "",
            fmt_table([[f"{w.mb:.0f} MB, run {i + 1}", f"{m.wall:.2f}", f"{m.cpu:.1f}",
                        f"{w.mb / m.cpu:.1f}", f"{c:.2f}", f"{w.mb / c:.1f}",
                        f"{c / m.cpu:.2f}x"]
                       for i, (m, (_, c)) in enumerate(zip(w.scans, w.limits, strict=True))]
                      + [[f"{w.scale_mb:.0f} MB", f"{big.wall:.1f}", f"{big.cpu:.1f}",
                          f"{w.scale_per_core:.1f}", f"{w.scale_limit:.1f}",
                          f"{w.scale_limit_per_core:.1f}", f"{w.scale_ratio:.2f}x"]],
                      ["", "Scan wall s", "Scan CPU s", "Scan MB/CPU s", "Limit CPU s",
                       "Limit MB/CPU s", "Ratio"]), "",
            f"Memory, the {w.scale_mb:.0f} MB scan: largest process {big.maxrss_mb:.0f} MB"
            f" (peak VmHWM), all processes {big.peak_pss_mb:.0f} MB PSS, {big.peak_procs}"
            " processes at most.", ""]
    if w.cluster[1]:
        out += [
            "The same scans with `--cluster local:1` and `--cluster local:2` (a LocalCluster"
            " started by the command, one thread per worker; this process writes the archive,"
            " on the same two cores):",
            "", fmt_table([[f"{w.mb:.0f} MB", str(n), ", ".join(f"{m.wall:.2f}"
                                                                  for m in w.cluster[n]),
                            f"{w.cluster_wall(n):.2f}",
                            ", ".join(f"{m.cpu:.1f}" for m in w.cluster[n])] for n in (1, 2)]
                          + [[f"{w.scale_mb:.0f} MB", str(n), f"{w.scale_cluster[n].wall:.1f}",
                              f"{w.scale_cluster[n].wall:.1f}", f"{w.scale_cluster[n].cpu:.1f}"]
                             for n in (1, 2)],
                          ["WARC", "Workers", "Wall s", "Median", "CPU s"]), ""]
    return out


def hostile_section(hostile: list[hostile_bench.ShapeResult]) -> list[str]:
    scales = hostile_bench.SCALES
    return [
        "## Hostile inputs",
        "",
        "Pages built to make a scanner slow (each a shape a review found taking tens of "
        "seconds, or minutes, before the scanner was made linear), scanned by "
        "`archiver.scan.scan_bytes` in the benchmark's process at "
        + ", ".join(f"{k}x" for k in scales) + f" their size, best of {hostile_bench.RUNS}. "
        f"Linear means {scales[-1]}x the input in at most {hostile[0].limit:g}x the time "
        f"({scales[-1]}x, with a factor {hostile_bench.SLACK:g} for caches and allocation; "
        f"quadratic time would be {scales[-1] ** 2}x). Every source also has a time budget "
        "in `archiver scan` (SCAN_TIMEOUT, 30 s), past which it fails alone.",
        "",
        fmt_table([[f"`{h.name}`", h.what]
                   + [f"{size / 1000:.0f} KB: {t * 1000:.1f} ms"
                      for size, t in zip(h.sizes, h.seconds, strict=True)]
                   + [f"{h.ratio:.1f}x", met(h.linear)] for h in hostile],
                  ["Shape", "What it is"] + [f"{k}x" for k in scales]
                  + [f"{scales[-1]}x / 1x time", "Linear"]),
        "",
    ]


if __name__ == "__main__":
    sys.exit(main())
