"""Capture folders: only validated parts make a path; files land whole or not at all."""

import hashlib
import json

import pytest

from archiver.evidence import Piece, capture_folder, remove_unreferenced, write_capture


@pytest.mark.parametrize("platform, post_id", [
    ("twitter", "../../etc"), ("twitter", "12/../../x"), ("twitter", "1\x002"),
    ("../x", "123"), ("twitter", ""), ("Twitter", "1"), ("twitter", "1" * 30),
])
def test_unsafe_parts_never_make_a_path(tmp_path, platform, post_id):
    with pytest.raises(ValueError):
        capture_folder(tmp_path, platform, post_id, "20260101T000000Z")


def test_a_capture_is_written_whole_with_its_manifest(tmp_path):
    pieces = [Piece("a.png", "png", b"\x89PNG data", "http://x/a", 200),
              Piece("b.json", "syndication", b"{}", "http://x/b", 404)]
    written = write_capture(tmp_path, "twitter", "20", "20260101T000000Z",
                            "2026-01-01T00:00:00Z", pieces)
    folder = tmp_path / "snapshots/twitter/20/20260101T000000Z"
    manifest = json.loads((folder / "manifest.json").read_text())
    assert [f["name"] for f in manifest["files"]] == ["a.png", "b.json"]
    for entry, w in zip(manifest["files"], written, strict=True):
        data = (folder / entry["name"]).read_bytes()
        assert entry["sha256"] == w.sha256 == hashlib.sha256(data).hexdigest()
        assert entry["size"] == len(data)
    assert manifest["files"][1]["http_status"] == 404
    assert sorted(p.name for p in folder.iterdir()) == ["a.png", "b.json", "manifest.json"]
    again = write_capture(tmp_path, "twitter", "20", "20260101T000000Z",
                          "2026-01-01T00:00:00Z", pieces)
    assert again[0].path.endswith("20260101T000000Z-2/a.png")


def test_unreferenced_and_partial_folders_are_removed(tmp_path):
    keep = write_capture(tmp_path, "twitter", "1", "T1", "now", [Piece("a", "png", b"1")])
    write_capture(tmp_path, "twitter", "2", "T1", "now", [Piece("a", "png", b"1")])
    (tmp_path / "snapshots/twitter/3/T1.partial").mkdir(parents=True)
    removed = remove_unreferenced(tmp_path, {keep[0].path.rsplit("/", 1)[0]})
    assert removed == 2
    left = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    assert left == ["snapshots/twitter/1/T1/a", "snapshots/twitter/1/T1/manifest.json"]
