"""Every file source is named by one canonical path, whatever was typed: the
real `archiver scan` run from different folders records one article, not two."""

from __future__ import annotations

import os
import sqlite3

PAGE = ("<html><head><title>Story</title></head><body><p>Prose.</p>"
        '<blockquote class="twitter-tweet"><p>Words</p>&mdash; Some One (@someone) '
        '<a href="https://twitter.com/someone/status/1780000000000000000">April 13, 2024</a>'
        "</blockquote></body></html>")


def archive_db(archive):
    found = list(archive.rglob("*.db"))
    assert found, "no database written"
    return found[0]


def recorded(archive) -> list[str]:
    with sqlite3.connect(archive_db(archive)) as conn:
        return sorted(row[0] for row in conn.execute("SELECT source FROM articles"))


def test_relative_and_absolute_paths_are_one_article(run, tmp_path, archive):
    (tmp_path / "news").mkdir()
    story = tmp_path / "news" / "story.html"
    story.write_text(PAGE)

    proc = run("scan", "news/story.html", "--json", check_json=True)  # run in tmp_path
    assert proc.returncode == 0, proc.stderr_text
    assert [r["source"] for r in proc.json] == [str(story)]

    for typed in (str(story), "./news/../news//story.html", "news"):
        proc = run("scan", typed, "--json", check_json=True)
        assert proc.returncode == 0, proc.stderr_text
        assert [r["source"] for r in proc.json] == [str(story)]
    assert recorded(archive) == [str(story)]


def test_a_symlink_keeps_its_own_name(run, tmp_path, archive):
    (tmp_path / "news").mkdir()
    story = tmp_path / "news" / "story.html"
    story.write_text(PAGE)
    os.symlink(story, tmp_path / "link.html")

    proc = run("scan", "link.html", "--json", check_json=True)
    assert proc.returncode == 0, proc.stderr_text
    assert [r["source"] for r in proc.json] == [str(tmp_path / "link.html")]


def test_a_relative_name_that_is_not_utf8_is_absolute_and_escaped(run, tmp_path, archive):
    (tmp_path / "news").mkdir()
    odd = b"news/caf\xe9.html"
    handle = os.open(os.fsencode(tmp_path) + b"/" + odd, os.O_CREAT | os.O_WRONLY, 0o644)
    os.write(handle, PAGE.encode())
    os.close(handle)

    proc = run("scan", odd, "--json", check_json=True)
    assert proc.returncode == 0, proc.stderr_text
    assert [r["source"] for r in proc.json] == [str(tmp_path / "news" / "caf\\xe9.html")]


def test_urls_and_stdin_are_kept_as_typed(run, tmp_path):
    proc = run("scan", "-", "--json", input=PAGE.encode(), check_json=True)
    assert proc.returncode == 0, proc.stderr_text
    assert [r["source"] for r in proc.json] == ["-"]
    assert proc.json[0]["cited"] == []
