"""What the scanner reads before parsing (the marks of archiver/scan/marks.py, the
platforms' URLs in archiver/scan/registry.py) decides which pages are read for
which platform: forms the readers know must not be skipped for want of a mark."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from archiver.scan import _page_marks, registry

VIDEO = '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>'
PAGES = {
    # Jetpack's shortcode with a tab, or in capitals, beside another platform's embed:
    # read before the marks, missed after (TWEET_MARKUP knows only "[tweet ").
    "tab.html": f"<html><body><p>Story</p>{VIDEO}<p>[tweet\t1234567890123]</p></body></html>",
    "capitals.html": f"<html><body><p>Story</p>{VIDEO}<p>[TWEET 1234567890124]</p></body></html>",
    "newline.html": "<html><body><p>Story (@ noon)</p><p>[tweet\n1234567890125]</p></body></html>",
    "alone.html": "<html><body><p>Story</p><p>[tweet\t1234567890126]</p></body></html>",
    # A platform's host in capitals is read as in lower case.
    "capital-host.html": '<html><body><p>As <a href="HTTPS://WWW.YOUTUBE.COM/watch?v=dQw4w9WgXcQ">'
                         "he said</a>, it stands.</p></body></html>",
}


@pytest.fixture(scope="module")
def scanned(tmp_path_factory):
    import json
    import os
    import subprocess
    import sys

    folder = tmp_path_factory.mktemp("pages")
    for name, page in PAGES.items():
        (folder / name).write_text(page)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    proc = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "--archive", str(folder / "archive"), "scan",
         str(folder), "--json"], capture_output=True, env=env, cwd=folder, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()
    return {Path(a["source"]).name: a for a in json.loads(proc.stdout)}


@pytest.mark.parametrize("name, tweet", [
    ("tab.html", "1234567890123"), ("capitals.html", "1234567890124"),
    ("newline.html", "1234567890125"), ("alone.html", "1234567890126")])
def test_a_shortcode_in_any_case_and_white_space_is_read(scanned, name, tweet):
    embeds = [(e["platform"], e["id"]) for e in scanned[name]["embeds"]]
    assert ("twitter", tweet) in embeds
    if VIDEO in PAGES[name]:
        assert embeds == [("youtube", "dQw4w9WgXcQ"), ("twitter", tweet)]


def test_a_platform_host_in_capitals_is_read(scanned):
    cited = [(c["platform"], c["id"]) for c in scanned["capital-host.html"]["cited"]]
    assert cited == [("youtube", "dQw4w9WgXcQ")]


def test_a_url_is_read_from_its_scheme_not_from_the_page_start():
    # A scheme glued to the words before it: read from the page's start, the URL of
    # each of a page's many such marks made the scan quadratic in the page.
    page = b"x" * 100_000 + b"at://did:plc:abc/app.bsky.feed.post/3k"
    url = registry.url_at(page, page.index(b"//"))
    assert url.endswith("at://did:plc:abc/app.bsky.feed.post/3k") and len(url) < 64
    page = b'<p><a href="https://youtu.be/dQw4w9WgXcQ">x</a> see: https://bsky.app/x.</p>'
    assert registry.url_at(page, page.index(b"//")) == "https://youtu.be/dQw4w9WgXcQ"
    assert registry.url_at(page, page.rindex(b"//")) == "https://bsky.app/x"
    assert registry.url_at(b"//t.me/x", 0) == "https://t.me/x"


def test_marks_are_found_alike_by_threads_at_once():
    """Hyperscan lets other threads run while it reads: each thread needs a scratch
    space of its own (one shared fails with ScratchInUseError)."""
    pytest.importorskip("hyperscan")
    marks = _page_marks()
    root = Path(__file__).resolve().parent / "fixtures"
    pages = [p.read_bytes() for p in sorted(root.rglob("*.html"))][:60] * 4
    expected = [(m.names, [m.starts(n) for n in sorted(m.names)]) for m in map(marks.find, pages)]
    failures: list = []

    def read():
        try:
            for page, want in zip(pages, expected, strict=True):
                found = marks.find(page)
                if (found.names, [found.starts(n) for n in sorted(found.names)]) != want:
                    failures.append("different marks")
        except Exception as exc:  # noqa: BLE001 - what a thread raised is the failure
            failures.append(repr(exc))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
