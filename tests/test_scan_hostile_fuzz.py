"""Generated hostile sources through the real `archiver scan`: deep nesting, repeated
attribution fragments, huge attributes, odd bytes and names. Whatever they hold,
the command ends normally (exit 0 or 1, no traceback) within its per-source time
budget, and every source is either scanned or recorded as failed."""

import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

HOSTILE = st.sampled_from([
    '<blockquote class="twitter-tweet">', "</blockquote>", "<blockquote>", "<p>", "</p>",
    "<div>", "<b>", "<amp-twitter data-tweetid=\"1479082912958476290\">",
    '<figure class="wp-block-embed is-provider-twitter">', "<title>", "</title>",
    " - Jane Doe (@jane_doe) 2021", " -x (@a)", "\u2014 A (@a) January 6, 2022", "&mdash; ",
    "(@handle) ", "\n", " ", "https://t.co/AbC123", "pic.twitter.com/XyZ789",
    '<a href="https://twitter.com/a/status/1479082912958476290">January 6, 2022</a>',
    '<div data-x="' + "a" * 5000 + '">', '<meta charset="utf-16">', "[tweet 1479082912958476290]",
    "<!--", "-->", "\x00", "\ufeff", "\udcff",
])
# Repeated this many times, a fragment builds deep nesting or long lines.
PIECE = st.tuples(HOSTILE, st.sampled_from([1, 3, 40, 700, 3000]))
SOURCE = st.tuples(st.lists(PIECE, min_size=1, max_size=6),
                   st.sampled_from(["utf-8", "utf-16", "latin-1"]),
                   st.sampled_from([b"story", b"caf\xe9", b"x" * 200]))


def write(folder: bytes, index: int, pieces, encoding: str, name: bytes) -> None:
    text = "".join(fragment * times for fragment, times in pieces)
    errors = {"utf-8": "surrogateescape", "utf-16": "surrogatepass", "latin-1": "replace"}
    data = text.encode(encoding, errors[encoding])  # "\udcff" in UTF-8: the byte 0xff
    path = os.path.join(folder, b"%02d-%s.html" % (index, name))
    with open(path, "wb") as out:
        out.write(data)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(SOURCE, min_size=1, max_size=4))
def test_generated_hostile_sources_never_stop_the_scan(sources):
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        folder = os.fsencode(Path(tmp, "news"))
        os.mkdir(folder)
        for index, (pieces, encoding, name) in enumerate(sources):
            write(folder, index, pieces, encoding, name)
        archive = Path(tmp, "archive")
        env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
        env["ARCHIVER_SCAN_TIMEOUT"] = "3"
        proc = subprocess.run(
            [sys.executable, "-m", "archiver.cli", "--archive", str(archive), "scan", folder,
             "--json"], capture_output=True, cwd=tmp, env=env, timeout=120)
        stderr = proc.stderr.decode("utf-8", "replace")
        assert proc.returncode in (0, 1), stderr
        assert "Traceback" not in stderr
        results = json.loads(proc.stdout.decode("utf-8"))
        assert len(results) == len(sources)
        with sqlite3.connect(archive / "archive.db") as db:
            scanned = {row[0] for row in db.execute("SELECT source FROM articles")}
            failed = {row[0] for row in db.execute("SELECT source FROM source_failures")}
        for result in results:
            assert (result["source"] in failed) == ("error" in result), result
            assert (result["source"] in scanned) != ("error" in result), result
