"""Web archives as sources: WARC and WACZ files built here (chunked, gzip- and
br-encoded, non-HTML, revisit, 404 and truncated records), scanned through the real
command and compared with scanning the same pages as files."""

import gzip
import http.server
import io
import json
import sqlite3
import threading
import zipfile
import zlib
from pathlib import Path

import brotli
import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archiver.scan import httpbody, webarchive
from archiver.scan.stage import scan_sources
from archiver.settings import Settings
from conftest import FIXTURES

PAGES = ["oembed_mdash.html", "lang_de.html", "amp_with_placeholder.html",
         "cnn_embed_twitter.html", "rendered_widget_iframe.html", "neg_status_link_in_prose.html"]
TEXT = (FIXTURES.parent.parent / "seeds" / "000_e03851435a1492d4.txt").read_bytes()


def chunked(body: bytes, size: int = 500) -> bytes:
    out = b""
    for i in range(0, len(body), size):
        part = body[i:i + size]
        out += b"%x;name=value\r\n" % len(part) + part + b"\r\n"
    return out + b"0\r\n\r\n"


def pages() -> dict[str, tuple[bytes, str]]:
    """URI -> (body, Content-Type) of every article the test WARC holds."""
    found = {f"https://news.example/{name}": ((FIXTURES / "scan" / name).read_bytes(),
                                               "text/html; charset=utf-8") for name in PAGES}
    found["https://news.example/seed.txt"] = (TEXT, "text/plain; charset=utf-8")
    return found


def write_warc(path: Path, gz: bool = True, date: str = "2024-05-01T10:00:00Z") -> dict:
    """The test WARC: every page in a different transfer or content encoding, between
    records that are not articles. Returns URI -> record offset."""
    offsets = {}
    encodings = ["", "chunked", "gzip", "chunked+gzip", "br", "deflate", ""]
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))

        def response(uri, body, headers, status="200 OK"):
            http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
            record = writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                               http_headers=http,
                                               warc_headers_dict={"WARC-Date": date})
            offsets[uri] = handle.tell()
            writer.write_record(record)

        for (uri, (body, ctype)), encoding in zip(pages().items(), encodings, strict=True):
            request = writer.create_warc_record(uri, "request", payload=io.BytesIO(b""),
                                                http_headers=StatusAndHeaders(
                                                    "GET / HTTP/1.1", [("Host", "news.example")],
                                                    is_http_request=True))
            writer.write_record(request)
            headers = [("Content-Type", ctype)]
            if "gzip" in encoding:
                body = gzip.compress(body)
                headers.append(("Content-Encoding", "gzip"))
            if encoding == "br":
                body = brotli.compress(body)
                headers.append(("Content-Encoding", "br"))
            if encoding == "deflate":
                body = zlib.compress(body)
                headers.append(("Content-Encoding", "deflate"))
            if "chunked" in encoding:
                body = chunked(body)
                headers.append(("Transfer-Encoding", "chunked"))
            response(uri, body, headers)
            offsets.setdefault("_last", 0)
        # Not articles: an image, a PDF, a 404, a redirect, a revisit, metadata.
        png = (FIXTURES.parent.parent / "docs" / "posts-page.png").read_bytes()[:2000]
        response("https://news.example/a.png", png, [("Content-Type", "image/png")])
        response("https://news.example/a.pdf", b"%PDF-1.4 ...", [("Content-Type",
                                                                   "application/pdf")])
        response("https://news.example/gone.html", b"<html><title>404</title></html>",
                 [("Content-Type", "text/html")], status="404 Not Found")
        response("https://news.example/moved", b"", [("Location", "/x")],
                 status="301 Moved Permanently")
        writer.write_record(writer.create_revisit_record(
            "https://news.example/lang_de.html", digest="sha1:AAAA", refers_to_uri="x",
            refers_to_date=date))
        writer.write_record(writer.create_warc_record(
            "https://news.example/lang_de.html", "metadata",
            payload=io.BytesIO(b"fetchTimeMs: 12\r\n"), warc_content_type="application/warc-fields"))
    offsets.pop("_last")
    return offsets


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("warcs")
    offsets = write_warc(folder / "crawl.warc.gz")
    write_warc(folder / "crawl.warc", gz=False)
    files = folder / "files"
    files.mkdir()
    for uri, (body, _) in pages().items():
        (files / uri.rsplit("/", 1)[1]).write_bytes(body)
    return folder, offsets


def by_page(results: list[dict]) -> dict[str, dict]:
    return {r["source"].rsplit("/", 1)[1]: {k: r[k] for k in ("title", "embeds", "links",
                                                              "cited")} for r in results}


def test_a_warc_gives_the_same_articles_as_its_pages_scanned_as_files(built, run, tmp_path):
    folder, offsets = built
    as_files = run("scan", str(folder / "files"), "--json", check_json=True)
    assert as_files.returncode == 0, as_files.stderr_text
    for name in ("crawl.warc.gz", "crawl.warc"):
        proc = run("--archive", str(tmp_path / name), "scan", str(folder / name), "--json",
                   check_json=True)
        assert proc.returncode == 0, proc.stderr_text
        assert "Error" not in proc.stderr_text  # records that are not articles: not a word
        assert by_page(proc.json) == by_page(as_files.json)
        assert sum(len(r["embeds"]) for r in proc.json) >= 5
    gz = run("--archive", str(tmp_path / "crawl.warc.gz"), "scan", str(folder / "crawl.warc.gz"),
             "--json", check_json=True).json
    first = next(r for r in gz if r["source"].endswith("oembed_mdash.html"))
    assert first["warc"] == {"file": str(folder / "crawl.warc.gz"), "date": "2024-05-01T10:00:00Z",
                             "offset": offsets["https://news.example/oembed_mdash.html"]}


def test_provenance_is_kept_and_a_second_scan_adds_no_rows(built, run, archive):
    folder, offsets = built
    warc = str(folder / "crawl.warc.gz")
    assert run("scan", warc, "--quiet").returncode == 0
    db = sqlite3.connect(archive / "archive.db")
    rows = db.execute("SELECT source, warc_file, warc_offset, warc_date FROM articles"
                      " ORDER BY source").fetchall()
    assert [r[0] for r in rows] == sorted(pages())
    for source, warc_file, offset, date in rows:
        assert (warc_file, offset, date) == (warc, offsets[source], "2024-05-01T10:00:00Z")
    counts = [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("articles", "posts", "links", "article_posts")]
    again = run("run", warc, "--quiet", env={"ARCHIVER_TIMEOUT": "1"})
    assert "7 unchanged" in again.stdout_text, again.stdout_text + again.stderr_text
    assert counts == [db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                      for t in ("articles", "posts", "links", "article_posts")]


def test_a_later_crawl_with_the_same_bytes_is_not_parsed_again(built, tmp_path):
    folder, _ = built
    later = tmp_path / "later.warc.gz"
    write_warc(later, date="2025-01-01T00:00:00Z")
    settings = Settings(archive=str(tmp_path / "archive"))
    scan_sources([str(folder / "crawl.warc.gz")], settings)
    results = []
    report = scan_sources([str(later)], settings, on_result=results.append)
    assert report.outcomes == {"unchanged": 7}
    assert all(r.origin.warc_file == str(later) for r in results)


@pytest.mark.parametrize("gz", [True, False])
def test_a_truncated_warc_keeps_the_articles_before_the_damage_and_says_where(gz, tmp_path, run):
    whole = tmp_path / ("whole.warc.gz" if gz else "whole.warc")
    offsets = write_warc(whole, gz=gz)
    cut_at = offsets["https://news.example/cnn_embed_twitter.html"] + 200
    cut = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    cut.write_bytes(whole.read_bytes()[:cut_at])
    before = cut.read_bytes()
    proc = run("scan", str(cut), "--json", check_json=True)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr_text
    errors = [line for line in proc.stderr_text.splitlines() if line.startswith("Error:")]
    damaged_at = offsets["https://news.example/cnn_embed_twitter.html"]
    assert errors == [f"Error: {cut}: damaged at offset {damaged_at}: the record is cut short"
                      f"{errors[0].split('cut short', 1)[1]}"]
    read = [r["source"].rsplit("/", 1)[1] for r in proc.json if "error" not in r]
    assert read == ["oembed_mdash.html", "lang_de.html", "amp_with_placeholder.html"]
    assert cut.read_bytes() == before


def test_garbage_after_the_last_record_is_damage_too(built, tmp_path, run):
    folder, _ = built
    bad = tmp_path / "tail.warc.gz"
    bad.write_bytes((folder / "crawl.warc.gz").read_bytes() + b"not a record at all")
    proc = run("scan", str(bad), "--quiet")
    assert proc.returncode == 1
    assert "unreadable" in proc.stderr_text and "Traceback" not in proc.stderr_text
    assert "Scanned 7 sources" in proc.stderr_text and "1 failed" in proc.stderr_text


@pytest.mark.parametrize("gz", [True, False])
def test_segments_found_by_their_marks_read_every_record_once(gz, tmp_path, monkeypatch):
    warc = tmp_path / ("big.warc.gz" if gz else "big.warc")
    with open(warc, "wb") as handle:
        writer = WARCWriter(handle, gzip=gz)
        for i in range(60):
            body = b"<html><title>p%d</title><p>%s</p></html>" % (i, b"word " * (i * 40))
            # A page that quotes a WARC record: a false start for the plain reader.
            if i % 7 == 3:
                body += b"\r\n\r\nWARC/1.0\r\nWARC-Type: response\r\nContent-Length: 5\r\n\r\n"
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                    protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://news.example/{i}", "response", payload=io.BytesIO(body),
                http_headers=http))
    monkeypatch.setattr(webarchive, "SEGMENT_BYTES", 1500)
    results = []
    report = scan_sources([str(warc)], Settings(archive=str(tmp_path / "a")),
                          on_result=results.append)
    assert report.failed == 0
    assert [r.source for r in results] == [f"https://news.example/{i}" for i in range(60)]


def wacz_of(warc: Path, path: Path, stored: bool = True) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("datapackage.json", json.dumps({"profile": "data-package"}))
        archive.write(warc, "archive/data.warc.gz",
                      compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
        archive.writestr("pages/pages.jsonl", "{}\n")


class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder with range requests, as archive hosts do."""

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        wanted = self.headers.get("Range")
        if wanted:
            first, _, last = wanted.split("=", 1)[1].partition("-")
            last = int(last) if last else len(data) - 1
            part = data[int(first):last + 1]
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {first}-{last}/{len(data)}")
        else:
            part = data
            self.send_response(200)
        self.send_header("Content-Length", str(len(part)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self.wfile.write(part)


@pytest.fixture(scope="module")
def served(built):
    folder, _ = built
    wacz_of(folder / "crawl.warc.gz", folder / "crawl.wacz")

    def handler(*args, **kwargs):
        return RangeHandler(*args, directory=str(folder), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_wacz_files_and_web_archives_over_http_give_the_same_articles(served, run, tmp_path):
    folder, base = served
    expected = by_page(run("--archive", str(tmp_path / "w"), "scan", str(folder / "crawl.warc.gz"),
                           "--json", check_json=True).json)
    for n, source in enumerate([str(folder / "crawl.wacz"), f"{base}/crawl.warc.gz",
                                f"{base}/crawl.wacz", f"{base}/crawl.warc"]):
        proc = run("--archive", str(tmp_path / str(n)), "scan", source, "--json",
                   check_json=True)
        assert proc.returncode == 0, (source, proc.stderr_text)
        assert by_page(proc.json) == expected, source
        if source.endswith(".wacz"):
            assert proc.json[0]["warc"]["file"] == f"{source}#archive/data.warc.gz"


def test_a_wacz_whose_warc_is_deflated_is_refused_with_its_reason(built, tmp_path, run):
    folder, _ = built
    wacz_of(folder / "crawl.warc.gz", tmp_path / "odd.wacz", stored=False)
    proc = run("scan", str(tmp_path / "odd.wacz"), str(folder / "files" / "lang_de.html"))
    assert proc.returncode == 1
    assert "compressed inside the WACZ" in proc.stderr_text
    assert "lang_de.html: 1 embeds" in proc.stdout_text


def test_a_warc_named_otherwise_is_known_by_its_bytes(built, tmp_path, run):
    folder, _ = built
    odd = tmp_path / "download.bin"
    odd.write_bytes((folder / "crawl.warc.gz").read_bytes())
    proc = run("scan", str(odd), "--quiet")
    assert proc.returncode == 0, proc.stderr_text
    assert "Scanned 7 sources" in proc.stderr_text


def test_bodies_are_decoded_as_a_browser_would():
    page = b"<html><title>x</title></html>" * 50
    assert httpbody.decode_body(chunked(gzip.compress(page)), "chunked", "gzip", 10**6) == page
    raw = zlib.compressobj(wbits=-15)
    assert httpbody.decode_body(raw.compress(page) + raw.flush(), None, "deflate",
                                  10**6) == page
    assert httpbody.decode_body(brotli.compress(page), None, "br", 10**6) == page
    with pytest.raises(Exception, match="over the"):
        httpbody.decode_body(gzip.compress(b"\0" * 10**7), None, "gzip", 10**6)
    with pytest.raises(Exception, match="not one a browser reads"):
        httpbody.decode_body(page, None, "compress", 10**6)
