"""Faults that must neither brick the archive nor pass for a normal night, through the
real command: interrupted and concurrent creation and upgrades, a full disk, damaged,
foreign, older and read-only archives, crashes and interrupts."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request

import pytest
import sqlite_utils

from archiver.schema import MIGRATIONS
from standin import StandIn, Tweet

ALL_MIGRATIONS = [name for name, _ in MIGRATIONS]

SOURCE = """<html><head><title>Story</title></head><body><p>Prose.</p>
<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Preserved words</p>&mdash; Someone
(@someone) <a href="https://twitter.com/someone/status/1800000000000000001">March 1, 2026</a>
</blockquote></body></html>"""


def command(archive, *args, env=None, cwd=None):
    full = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    full.update(env or {})
    return [sys.executable, "-m", "archiver.cli", "--archive", str(archive), *args], full


def _default_sigint():
    # A parent that ignores SIGINT (a background shell job, a pytest-xdist worker)
    # passes that on, and Python then keeps ignoring it, as a command should.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def popen(archive, *args, env=None, cwd=None):
    argv, full = command(archive, *args, env=env)
    return subprocess.Popen(argv, env=full, cwd=cwd, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=_default_sigint)


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "story.html"
    path.write_text(SOURCE)
    return path


def migrations(archive):
    conn = sqlite3.connect(archive / "archive.db")
    try:
        return [r[0] for r in conn.execute("SELECT name FROM migrations ORDER BY name")]
    finally:
        conn.close()


def older_archive(archive, posts: int):
    """An archive as the first release left it (only 0001_initial), with many posts."""
    archive.mkdir(parents=True)
    db = sqlite_utils.Database(archive / "archive.db")
    db.conn.execute("PRAGMA journal_mode=WAL")
    db["migrations"].create({"name": str, "applied_at": str}, pk="name")
    MIGRATIONS[0][1](db)
    db["migrations"].insert({"name": MIGRATIONS[0][0], "applied_at": "2026-01-01T00:00:00Z"})
    with db.conn:
        db.conn.executemany(
            "INSERT INTO posts (key, platform, id, handle, text, status) VALUES (?, ?, ?, ?, ?,"
            " 'pending')",
            ((f"twitter:{i}", "twitter", str(i), f"acct{i % 500}", f"words number {i} here")
             for i in range(1, posts + 1)),
        )
    db.close()


def test_killing_an_upgrade_at_any_moment_leaves_an_archive_that_opens(run, archive, article):
    older_archive(archive, 150_000)
    for delay in (0.4, 0.7, 1.0, 1.4):
        proc = popen(archive, "scan", str(article))
        time.sleep(delay)
        proc.kill()
        proc.wait()
        applied = migrations(archive)
        # Each step is all or nothing: never a table without its migrations row.
        status = run("status", "--json")
        assert status.returncode == 0, status.stderr_text
        assert "Traceback" not in status.stderr_text
        if "0002_fetch" not in applied:
            assert "attempts" not in sqlite_utils.Database(archive / "archive.db")[
                "posts"].columns_dict
    done = run("scan", str(article))
    assert done.returncode == 0, done.stderr_text
    assert migrations(archive) == ALL_MIGRATIONS
    found = run("lookup", "acct7", "--search", "number 1007", "--json", check_json=True).json
    assert [p["id"] for p in found] == ["1007"]


def test_an_archive_half_made_by_an_older_archiver_is_completed_not_refused(run, archive,
                                                                            article):
    # What the non-atomic creation left when killed: tables, but no migrations row.
    older_archive(archive, 10)
    db = sqlite_utils.Database(archive / "archive.db")
    db["posts"].add_column("created_at", str)
    db["post_quotes"].create({"quoter_pk": int, "quoted_pk": int, "via": str},
                             pk=("quoter_pk", "quoted_pk"))
    db.close()
    proc = run("scan", str(article))
    assert proc.returncode == 0, proc.stderr_text
    assert "0002_fetch" in migrations(archive)


def test_two_jobs_started_together_on_a_new_folder_never_crash(tmp_path):
    for trial in range(6):
        archive = tmp_path / f"new{trial}"
        procs = [popen(archive, "fetch") for _ in range(2)]
        codes = sorted(p.wait(timeout=60) for p in procs)
        errors = "".join(p.stderr.read() for p in procs)
        assert "Traceback" not in errors
        assert codes in ([0, 0], [0, 4]), errors
        assert migrations(archive) == ALL_MIGRATIONS


def test_a_full_disk_while_creating_is_one_line_and_the_archive_opens_later(run, small_disk,
                                                                           article):
    archive = small_disk / "archive"
    filler = small_disk / "filler"
    free = os.statvfs(small_disk)
    filler.write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 48 * 1024))
    argv, env = command(archive, "scan", str(article))
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("Error: cannot open the archive")
    assert "full" in proc.stderr or "No space" in proc.stderr
    filler.unlink()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert migrations(archive) == ALL_MIGRATIONS


@pytest.mark.parametrize("make, reason", [
    (lambda p: p.write_bytes(b"this is not a database at all" * 100), "damaged or not an SQLite"),
    (lambda p: sqlite3.connect(p).execute("CREATE TABLE photos (id)"), "not an archiver archive"),
])
def test_status_lookup_and_writers_on_a_foreign_or_damaged_file_say_why(run, archive, article,
                                                                       make, reason):
    archive.mkdir()
    make(archive / "archive.db")
    for args in (["status"], ["lookup", "someone"], ["scan", str(article)], ["fetch"]):
        proc = run(*args)
        assert proc.returncode == 3, (args, proc.stderr_text)
        assert reason in proc.stderr_text, (args, proc.stderr_text)
        assert "Traceback" not in proc.stderr_text
        assert len(proc.stderr_text.strip().splitlines()) == 1


def test_status_and_lookup_read_an_older_archive_without_upgrading_it(run, archive):
    older_archive(archive, 3)
    status = run("status", "--json", check_json=True)
    assert status.json["posts"] == {"pending": 3}
    assert status.json["due"]["posts"] is None
    assert status.json["upgrade_pending"] == ALL_MIGRATIONS[1:]
    assert "older archiver" in run("status").stdout_text
    assert [p["id"] for p in run("lookup", "acct1", "--json", check_json=True).json] == ["1"]
    assert migrations(archive) == ["0001_initial"]


@pytest.fixture
def read_only_copy(tmp_path):
    """Mounts a folder read-only on top of itself (bind, then remount ro)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    yield folder
    subprocess.run(["umount", "-l", str(folder)], capture_output=True)


def test_readers_work_on_a_read_only_mount(run, archive, article, tmp_path, read_only_copy):
    assert run("scan", str(article)).returncode == 0
    subprocess.run(["cp", "-a", f"{archive}/.", str(read_only_copy)], check=True)
    for argv in (["mount", "--bind", str(read_only_copy), str(read_only_copy)],
                 ["mount", "-o", "remount,ro,bind", str(read_only_copy)]):
        if subprocess.run(argv, capture_output=True).returncode != 0:
            pytest.skip("cannot make a read-only mount here")
    assert not (read_only_copy / "archive.db-shm").exists()
    argv, env = command(read_only_copy, "lookup", "someone", "--json")
    proc = subprocess.run(argv, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert [p["id"] for p in json.loads(proc.stdout)] == ["1800000000000000001"]
    argv, env = command(read_only_copy, "status")
    proc = subprocess.run(argv, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "Posts: 1 pending" in proc.stdout
    argv, env = command(read_only_copy, "fetch")
    proc = subprocess.run(argv, env=env, capture_output=True, text=True)
    assert proc.returncode == 3 and "Traceback" not in proc.stderr, proc.stderr
    argv, env = command(read_only_copy, "serve", "--port", "0")
    serving = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    try:
        line = serving.stderr.readline()
        assert "Browse the archive at" in line, line + serving.stderr.read()
        base = line.split(" at ", 1)[1].split()[0]
        base = base[:base.index("/", len("http://"))]
        deadline = time.time() + 20  # the socket is bound before uvicorn listens on it
        while True:
            try:
                with urllib.request.urlopen(f"{base}/archive/posts.json?_shape=array") as answer:
                    posts = json.load(answer)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        assert [p["id"] for p in posts] == ["1800000000000000001"]
    finally:
        serving.terminate()
        serving.wait(timeout=10)


# A library failing in a way nobody planned for: sha256 of one post's key raises. The
# stand-in for a bug is planted in the standard library, not in archiver's own code.
CRASHING_SITE = """
import hashlib
_real = hashlib.sha256
def sha256(data=b"", **kw):
    if bytes(data).startswith(b"someone\\n"):
        raise RuntimeError("planted failure")
    return _real(data, **kw)
hashlib.sha256 = sha256
"""


def test_a_crash_has_its_own_exit_code_and_is_recorded(run, archive, tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(CRASHING_SITE)
    plain = tmp_path / "plain.txt"
    plain.write_text("Story.\n\nPreserved words\n\n— Someone (@someone) March 1, 2026\n\n"
                     "More prose.\n")
    proc = run("run", str(plain), env={"PYTHONPATH": str(site)})
    assert proc.returncode == 5, proc.stderr_text
    assert "planted failure" in proc.stderr_text
    assert "internal error" in proc.stderr_text.splitlines()[-1]
    conn = sqlite3.connect(archive / "archive.db")
    exit_code, error, ended = conn.execute(
        "SELECT exit_code, error, ended_at FROM runs").fetchone()
    assert (exit_code, ended is not None) == (5, True)
    assert "planted failure" in error
    log = next((archive / "logs").glob("*.jsonl")).read_text().splitlines()
    events = [json.loads(line)["event"] for line in log]
    assert "crash" in events and events[-1] == "end"


def _own_group():
    _default_sigint()
    os.setpgrp()


@pytest.mark.parametrize("sig, code, said, group", [
    (signal.SIGINT, 130, "Interrupted", False),
    # Ctrl-C on a terminal: the whole process group, Chromium and Playwright's driver too.
    (signal.SIGINT, 130, "Interrupted", True),
    (signal.SIGTERM, 143, "Terminated", False),
])
def test_an_interrupt_exits_130_or_143_says_so_and_records_the_run(archive, tmp_path, sig, code,
                                                                   said, group):
    with StandIn(embed_render_delay=0.2, latency=1.0) as standin:
        ids = [str(1800000000000000100 + i) for i in range(8)]
        blocks = []
        for i in ids:
            standin.add_tweet(Tweet(i, handle="slow", text=f"Live {i}"))
            blocks.append(
                f'<blockquote class="twitter-tweet"><p>Words {i}</p>&mdash; Slow (@slow) '
                f'<a href="https://twitter.com/slow/status/{i}">March 1, 2026</a></blockquote>')
        page = tmp_path / "slow.html"
        page.write_text("<html><body>" + "".join(blocks) + "</body></html>")
        argv, env = command(archive, "run", str(page),
                            env={**standin.env(), "ARCHIVER_TIMEOUT": "5"})
        proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True, preexec_fn=_own_group if group else _default_sigint)
        deadline = time.time() + 30
        while time.time() < deadline and standin.count("/embed") == 0:
            time.sleep(0.05)
        time.sleep(0.3)
        if group:
            os.killpg(proc.pid, sig)
        else:
            proc.send_signal(sig)
        _out, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    how = "SIGTERM" if code == 143 else "Ctrl-C"
    assert err.strip().splitlines()[-1] == f"{said} ({how}): stopped.", err
    assert "Traceback" not in err and "never retrieved" not in err
    conn = sqlite3.connect(archive / "archive.db")
    exit_code, error, ended = conn.execute(
        "SELECT exit_code, error, ended_at FROM runs").fetchone()
    assert exit_code == code and ended is not None
    assert said.lower() in error


def test_a_disk_that_fills_during_a_scan_is_one_line_and_exit_3(run, small_disk, article,
                                                                tmp_path):
    archive = small_disk / "archive"
    argv, env = command(archive, "scan", str(article))
    assert subprocess.run(argv, env=env, capture_output=True).returncode == 0
    big = tmp_path / "big.txt"
    big.write_text("\n\n".join(
        f"Words of post {i} " * 20 + f"\n— Person {i} (@p{i}) March 1, 2026" for i in range(3000)))
    free = os.statvfs(small_disk)
    (small_disk / "filler").write_bytes(b"\0" * (free.f_bavail * free.f_frsize - 64 * 1024))
    argv, env = command(archive, "scan", str(big))
    proc = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stdout[-500:] + proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1].startswith("Error: cannot write to the archive")


def test_readers_during_an_upgrade_see_the_archive_as_it_was(run, archive, article):
    older_archive(archive, 150_000)
    upgrade = popen(archive, "scan", str(article))
    answers = []
    while upgrade.poll() is None:
        found = run("lookup", "acct7", "--search", "number 1007", "--json")
        assert found.returncode == 0, found.stderr_text
        answers.append([p["id"] for p in json.loads(found.stdout_text)])
    assert upgrade.returncode == 0, upgrade.stderr.read()
    assert answers and all(a == ["1007"] for a in answers)
