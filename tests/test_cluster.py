"""The scan on a Dask cluster: a real `dask scheduler` and `dask worker` processes,
a worker killed mid-scan, schedulers that refuse or never answer, a local cluster
that leaves nothing behind, and no Dask at all without --cluster."""

import io
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from conftest import FIXTURES

TWEET = (FIXTURES / "scan" / "oembed_mdash.html").read_bytes()
DASK = Path(sys.executable).parent / "dask"


def write_crawl(path: Path, pages: int) -> None:
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for i in range(pages):
            body = TWEET if i % 10 == 0 else b"<html><title>p%d</title><p>%s t.co/x%d</p></html>" % (
                i, b"word " * 300, i)
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://news.example/{i}", "response", payload=io.BytesIO(body), http_headers=http))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def contents(archive: Path) -> list:
    db = sqlite3.connect(archive / "archive.db")
    return [db.execute("SELECT source, title, content_hash, warc_offset FROM articles"
                       " ORDER BY source").fetchall(),
            db.execute("SELECT key, handle, text FROM posts ORDER BY key").fetchall(),
            db.execute("SELECT code FROM links ORDER BY code").fetchall()]


@pytest.fixture(scope="module")
def crawl(tmp_path_factory):
    folder = tmp_path_factory.mktemp("crawl")
    write_crawl(folder / "crawl.warc.gz", 6000)
    (folder / "pages").mkdir()
    for i in range(40):
        (folder / "pages" / f"{i}.html").write_bytes(TWEET.replace(b"</title>", b" %d</title>" % i))
    return folder


@pytest.fixture
def scheduler(tmp_path):
    port = free_port()
    procs = [subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, cwd=tmp_path)]
    address = f"tcp://127.0.0.1:{port}"
    workers = []
    for _ in range(2):
        workers.append(subprocess.Popen(
            [str(DASK), "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp_path))
    procs += workers
    yield address, workers
    for proc in procs:
        proc.kill()
        proc.wait()


def test_a_cluster_scan_equals_a_local_one_and_survives_a_killed_worker(crawl, run, tmp_path,
                                                                        scheduler, monkeypatch):
    address, workers = scheduler
    sources = [str(crawl / "crawl.warc.gz"), str(crawl / "pages")]
    local = run("--archive", str(tmp_path / "local"), "scan", *sources, "--quiet")
    assert local.returncode == 0, local.stderr_text

    # Segments small enough that the crawl is many tasks, so one runs when the worker dies.
    env = {"PYTHONPATH": str(tmp_path / "site")}
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(
        "from archiver.scan import webarchive\nwebarchive.SEGMENT_BYTES = 200_000\n")
    def kill_when_results_arrive():
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                db = sqlite3.connect(tmp_path / "cluster" / "archive.db", timeout=1)
                if db.execute("SELECT count(*) FROM articles").fetchone()[0]:
                    break
            except sqlite3.Error:
                pass
            time.sleep(0.05)
        workers[0].kill()

    killer = threading.Thread(target=kill_when_results_arrive, daemon=True)
    killer.start()
    proc = run("--archive", str(tmp_path / "cluster"), "scan", *sources, "--quiet",
               "--cluster", address, env=env)
    killer.join()
    assert proc.returncode == 0, proc.stderr_text
    assert workers[0].poll() is not None  # it was killed during the scan
    assert contents(tmp_path / "cluster") == contents(tmp_path / "local")


def test_a_source_over_the_scan_budget_fails_alone_on_a_cluster_too(crawl, run, archive,
                                                                     tmp_path):
    folder = tmp_path / "news"
    folder.mkdir()
    embed = ('<blockquote class="twitter-tweet"><p>Words</p>&mdash; Some One (@someone) <a'
             ' href="https://twitter.com/someone/status/{}">April 13, 2024</a></blockquote>')
    slow = folder / "long.html"  # forty thousand embeds: seconds to read
    slow.write_text("<html><title>Long</title><body>" + "".join(
        embed.format(1780000000000000000 + i) for i in range(40000)) + "</body></html>")
    small = [crawl / "pages" / f"{i}.html" for i in range(3)]
    proc = run("scan", str(slow), *map(str, small), "--quiet", "--cluster", "local:1",
               env={"ARCHIVER_SCAN_TIMEOUT": "0.5"})
    assert proc.returncode == 1, proc.stderr_text
    db = sqlite3.connect(archive / "archive.db")
    assert db.execute("SELECT source, reason FROM source_failures").fetchall() == [
        (str(slow), "took longer than 0.5 s to scan (setting SCAN_TIMEOUT)")]
    assert sorted(r[0] for r in db.execute("SELECT source FROM articles")) == sorted(
        map(str, small))


def test_a_scheduler_that_refuses_or_never_answers_is_one_line_and_exit_3(run, crawl):
    refused = run("scan", str(crawl / "pages"), "--cluster", f"tcp://127.0.0.1:{free_port()}")
    assert refused.returncode == 3
    assert refused.stderr_text.startswith("Error: cannot reach the Dask scheduler")
    assert len(refused.stderr_text.strip().splitlines()) == 1

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # accepts, never answers
    try:
        started = time.monotonic()
        proc = run("run", str(crawl / "pages"), "--quiet",
                   "--cluster", f"tcp://127.0.0.1:{silent.getsockname()[1]}")
        assert time.monotonic() - started < 30
    finally:
        silent.close()
    assert proc.returncode == 3
    assert "did not answer within" in proc.stderr_text and "Traceback" not in proc.stderr_text


def test_a_local_cluster_leaves_no_process_behind_however_the_command_ends(crawl, tmp_path):
    command = [sys.executable, "-m", "archiver.cli", "--archive", str(tmp_path / "a"), "scan",
               str(crawl / "crawl.warc.gz"), "--quiet", "--cluster", "local:2"]
    done = subprocess.run(command, capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    for how in (signal.SIGTERM, signal.SIGKILL):
        proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        me = psutil.Process(proc.pid)
        deadline = time.monotonic() + 60
        while len(me.children(recursive=True)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        children = me.children(recursive=True)
        assert len(children) >= 2  # the cluster's worker processes
        proc.send_signal(how)
        proc.wait(timeout=60)
        _, alive = psutil.wait_procs(children, timeout=30)
        assert alive == [], how


def test_without_cluster_nothing_of_dask_is_imported(crawl, tmp_path):
    probe = (
        "import sys\n"
        "from archiver.cli import cli\n"
        "try:\n"
        "    cli(['--archive', sys.argv[1], 'scan', sys.argv[2], sys.argv[3], '--quiet'])\n"
        "except SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')]\n"
        "assert not loaded, loaded\n"
        "print('clean')\n")
    proc = subprocess.run([sys.executable, "-c", probe, str(tmp_path / "a"),
                           str(crawl / "crawl.warc.gz"), str(crawl / "pages")],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "ARCHIVER_SCAN_WORKERS": "1"})
    assert proc.stdout.strip() == "clean", proc.stderr
