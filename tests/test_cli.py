"""The command line, run as a real subprocess against a temporary archive."""

import http.server
import json
import os
import subprocess
import sys
import threading

import pytest

from conftest import SEED

BLOCKQUOTE = (
    '<html><head><title>Story</title></head><body><p>Prose.</p>'
    '<blockquote class="twitter-tweet"><p lang="en" dir="ltr">Hello from the square '
    '<a href="https://t.co/AbCdEfGh12">pic.twitter.com/AbCdEfGh12</a></p>&mdash; Reporter One '
    '(@reporter1) <a href="https://twitter.com/reporter1/status/1479082912958476290?ref_src=twsrc'
    '%5Etfw">January 6, 2022</a></blockquote></body></html>'
)


@pytest.fixture
def article_server(tmp_path):
    pages = {"/story.html": BLOCKQUOTE.encode(), "/gone.html": None}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_scan_nl_prints_one_object_per_source(run, tmp_path):
    page = tmp_path / "page.bin"  # the extension says nothing; the content says HTML
    page.write_text(BLOCKQUOTE)
    proc = run("scan", str(SEED), str(page), "--nl")
    assert proc.returncode == 0, proc.stderr_text
    objects = [json.loads(line) for line in proc.stdout_text.splitlines()]
    assert [len(o["embeds"]) for o in objects] == [6, 1]
    embed = objects[1]["embeds"][0]
    assert embed == {
        "platform": "twitter", "id": "1479082912958476290", "handle": "reporter1",
        "author": "Reporter One", "date": "2022-01-06", "text": "Hello from the square "
        "pic.twitter.com/AbCdEfGh12",
        "url": "https://twitter.com/reporter1/status/1479082912958476290",
        "links": ["https://pic.twitter.com/AbCdEfGh12"],
    }
    assert "Scanned 2 sources" in proc.stderr_text


def test_scan_reads_stdin_and_urls(run, article_server):
    proc = run("scan", "-", f"{article_server}/story.html", "--json", input=SEED.read_bytes(),
               check_json=True)
    assert proc.returncode == 0, proc.stderr_text
    assert [a["source"] for a in proc.json] == ["-", f"{article_server}/story.html"]
    assert len(proc.json[0]["embeds"]) == 6
    assert proc.json[1]["title"] == "Story"


def test_failing_sources_are_named_and_the_rest_still_scanned(run, tmp_path, article_server):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SEED.read_bytes())
    (folder / "empty.html").write_bytes(b"")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + os.urandom(2000))
    big = folder / "huge.html"
    with open(big, "wb") as f:
        f.write(b"<html><body>" + b"<p>prose prose prose</p>\n" * (50 * 1024 * 1024 // 25))
    unreadable = folder / "locked.txt"
    if os.geteuid() == 0:  # root reads any mode; a dangling link is unreadable to all
        unreadable.symlink_to(folder / "missing-target")
    else:
        unreadable.write_text("secret")
        unreadable.chmod(0)
    (folder / "z.html").write_text(BLOCKQUOTE)
    proc = run("scan", str(folder), str(tmp_path / "nope.txt"), f"{article_server}/gone.html")
    assert proc.returncode == 1
    errors = [line for line in proc.stderr_text.splitlines() if line.startswith("Error:")]
    assert len(errors) == 6, proc.stderr_text
    text = proc.stderr_text
    assert "empty.html: empty" in text
    assert "image.png: binary data" in text
    assert "huge.html:" in text and "over the 32 MB limit" in text
    assert "locked.txt:" in text
    assert "nope.txt: no such file or directory" in text
    assert "gone.html: HTTP 404" in text
    assert "Scanned 2 sources; 7 embeds" in proc.stdout_text
    # the failures are recorded with their reasons
    import sqlite3

    conn = sqlite3.connect(tmp_path / "archive" / "archive.db")
    reasons = dict(conn.execute("SELECT source, reason FROM source_failures"))
    assert len(reasons) == 6
    assert reasons[str(tmp_path / "nope.txt")] == "no such file or directory"


def test_a_large_source_limit_is_a_setting(run, tmp_path):
    page = tmp_path / "page.html"
    page.write_text(BLOCKQUOTE + "<p>" + "x" * 200_000 + "</p>")
    proc = run("scan", str(page), env={"ARCHIVER_MAX_SOURCE_MB": "0.1"})
    assert proc.returncode == 1
    assert "over the 0 MB limit" in proc.stderr_text or "limit" in proc.stderr_text


def test_lookup_filters_by_date_and_text_newest_first(run, tmp_path):
    page = tmp_path / "older.html"
    page.write_text(BLOCKQUOTE.replace("January 6, 2022", "March 1, 2021")
                    .replace("1479082912958476290", "1366400000000000000")
                    .replace("Hello from the square", "Quiet morning"))
    assert run("scan", str(page), str(tmp_path / "older.html")).returncode == 0
    (tmp_path / "newer.html").write_text(BLOCKQUOTE)
    assert run("scan", str(tmp_path / "newer.html")).returncode == 0
    every = run("lookup", "Reporter1", "--json", check_json=True).json
    assert [r["date"] for r in every] == ["2022-01-06", "2021-03-01"]
    since = run("lookup", "@reporter1", "--since", "2022-01-01", "--json", check_json=True).json
    assert [r["date"] for r in since] == ["2022-01-06"]
    until = run("lookup", "reporter1", "--until", "2021-12-31", "--nl")
    assert [json.loads(line)["date"] for line in until.stdout_text.splitlines()] == ["2021-03-01"]
    found = run("lookup", "reporter1", "--search", "quiet", "--json", check_json=True).json
    assert [r["text"] for r in found] == ["Quiet morning pic.twitter.com/AbCdEfGh12"]
    odd = run("lookup", "reporter1", "--search", '"unbalanced OR (', "--json", check_json=True)
    assert odd.returncode == 0 and odd.json == []
    table = run("lookup", "reporter1")
    assert "@reporter1" in table.stdout_text and "Quiet morning" in table.stdout_text
    assert table.stdout_text.rstrip().endswith("2 posts")


def test_lookup_rejects_a_bad_date_and_a_missing_archive(run):
    proc = run("lookup", "x", "--since", "yesterday")
    assert proc.returncode == 2
    assert "not a date" in proc.stderr_text
    proc = run("lookup", "x")
    assert proc.returncode == 3
    assert proc.stderr_text.startswith("Error: no archive at")


def test_lookup_imports_nothing_heavy(run, archive):
    assert run("scan", str(SEED)).returncode == 0
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "archiver.cli", "--archive", str(archive),
         "lookup", "dwnews", "--json"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0
    imported = {line.split("|")[-1].strip().split(".")[0] for line in proc.stderr.splitlines()}
    for heavy in ("playwright", "bs4", "lxml", "requests", "sqlite_utils", "datasette"):
        assert heavy not in imported
    assert json.loads(proc.stdout)[0]["handle"] == "dwnews"
