"""Media downloads against the stand-in's hostile answers, the platform's choice of the
original, and WACZ files written from exchanges: no browser needed."""

import base64
import gzip
import hashlib
import io
import json
import zipfile

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver import media, platforms
from archiver.net import Client
from archiver.platforms.base import Platform
from archiver.settings import load
from archiver.traffic import Exchange
from archiver.verify import validate_wacz
from archiver.wacz_writer import Notes, Page, Resource, read_index, write_wacz
from standin import Media, StandIn, Tweet
from standin.render import mp4, photo

TWITTER = platforms.get("twitter")


@pytest.mark.parametrize("url, original", [
    ("https://pbs.twimg.com/media/FxYz12.jpg", "https://pbs.twimg.com/media/FxYz12.jpg?name=orig"),
    ("https://pbs.twimg.com/media/FxYz12?format=jpg&name=small",
     "https://pbs.twimg.com/media/FxYz12?format=jpg&name=orig"),
    ("https://mirror.example/m/FxYz12.png?name=900x900&x=1",
     "https://mirror.example/m/FxYz12.png?x=1&name=orig"),
])
def test_twitter_asks_a_photo_for_its_original_whatever_host_serves_it(url, original):
    assert TWITTER.original_media_url({"type": "photo", "url": url}) == original


def test_a_video_keeps_its_mp4_never_a_playlist_and_names_come_from_the_media_key():
    video = {"type": "video", "url": "https://pbs.twimg.com/ext_tw_video_thumb/1/pu/img/Ab.jpg",
             "video": "https://video.twimg.com/ext_tw_video/1/pu/vid/1280x720/Cd.mp4?tag=12"}
    playlist = {**video, "video": "https://video.twimg.com/ext_tw_video/1/pu/pl/Cd.m3u8"}
    gif = {"type": "animated_gif", "url": "https://pbs.twimg.com/tweet_video_thumb/Gf.jpg",
           "video": "https://video.twimg.com/tweet_video/Gf.mp4", "key": "16_99"}
    planned = media.plan(TWITTER, [video, playlist, gif, "junk"])
    assert [(f.position, f.kind, f.key) for f in planned] == [
        (1, "video", "Ab"), (2, "poster", "Ab"), (3, "gif", "16_99")]
    # A video listed only as a playlist: its poster is what can be kept, and says so.
    assert planned[0].url == video["video"] and planned[1].url == video["url"]
    assert "only as a stream" in planned[1].note and planned[0].note is None
    assert planned[2].url == gif["video"]
    # A platform that says nothing of sizes keeps the URLs it was given.
    assert Platform().original_media_url({"type": "photo", "url": "https://x/p.jpg"}) == (
        "https://x/p.jpg")
    assert Platform().original_media_url({"type": "photo", "url": "javascript:1"}) is None


@pytest.fixture(scope="module")
def standin():
    with StandIn() as s:
        s.add_tweet(Tweet("1800000000000000040", media=[
            Media(width=640, height=480), Media(type="video"), Media(answer="endless"),
            Media(type="video", answer="huge_length"), Media(answer="wrong_type"),
            Media(answer="redirect_private"), Media(type="video", answer="flaky")]))
        yield s


@pytest.fixture
def client(standin):
    settings = load(env={**standin.env(), "ARCHIVER_TIMEOUT": "4"})
    client = Client(settings, backoff=0, sleep=lambda seconds: None)
    yield client
    client.close()


def wanted(standin, index):
    item = {**standin.tweet_json(standin.tweet("1800000000000000040"))["mediaDetails"][index]}
    from archiver.platforms.twitter.syndication import _media

    return media.plan(TWITTER, [_media(item)])[0]


def test_the_original_photo_and_the_best_mp4_are_downloaded_whole(standin, client, tmp_path):
    kept = media.download(client, wanted(standin, 0), tmp_path, 1 << 20)
    assert kept.error is None and kept.name == "media/01-1800000000000000040_0.png"
    data = (tmp_path / kept.name).read_bytes()
    assert data == photo("#3b7dd8", 640, 480, "orig")
    assert kept.sha256 == hashlib.sha256(data).hexdigest() and kept.size == len(data)
    assert kept.exchanges[0].body_file == tmp_path / kept.name
    video = media.download(client, wanted(standin, 1), tmp_path, 1 << 20)
    assert (tmp_path / video.name).read_bytes() == mp4("2176000")


@pytest.mark.parametrize("index, reason", [
    (2, "larger than the 1,048,576-byte cap (MAX_MEDIA_MB)"),
    (3, "announces 5,368,709,120 bytes, over the 1,048,576-byte cap (MAX_MEDIA_MB)"),
    (4, "answered text/html, not a photo"),
    (5, "refused localhost: 127.0.0.1 is a non-public address"),
    (6, "HTTP 500"),
])
def test_a_hostile_media_answer_fails_that_file_alone_and_leaves_nothing(
        standin, client, tmp_path, index, reason):
    before = standin.count("/media/")
    kept = media.download(client, wanted(standin, index), tmp_path, 1 << 20)
    assert kept.error == reason and kept.name is None
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    asked = standin.count("/media/") - before
    assert asked == (3 if index == 6 else 1)  # a 500 is tried again, as any request


def exchange(url, body, headers, **kw):
    return Exchange(url=url, status=200, reason="OK", body=body, response_headers=headers,
                    request_headers=[(":authority", "cdn.example"), ("accept", "*/*")],
                    at=1767225600.5, **kw)


def test_a_wacz_of_exchanges_keeps_decoded_payloads_with_true_headers_and_digests(tmp_path):
    text = json.dumps({"text": "The words of the post"}).encode()
    exchanges = [
        exchange("https://cdn.example/tweet-result?id=1", text,
                 [(":status", "200"), ("content-type", "application/json"),
                  ("content-encoding", "gzip"), ("content-length", "31"),
                  ("transfer-encoding", "chunked"), ("set-cookie", "a=1"),
                  ("set-cookie", "b=2")]),
        exchange("https://cdn.example/v.mp4", b"", [("content-type", "video/mp4")],
                 body_file=tmp_path / "v.mp4"),
    ]
    (tmp_path / "v.mp4").write_bytes(mp4("2176000"))
    shot = Resource("urn:screenshot:https://cdn.example/embed", "image/png", b"\x89PNG", 0.0)
    page = Page("https://cdn.example/tweet-result?id=1", "A post", 1767225600.5)
    wacz_path = tmp_path / "capture.wacz"
    digest, size = write_wacz(wacz_path, exchanges, [shot], page,
                              Notes(unrecorded=["https://x/late.js: not finished"]),
                              "archiver test", "a test")
    assert digest == hashlib.sha256(wacz_path.read_bytes()).hexdigest()
    assert size == wacz_path.stat().st_size
    assert sorted(p.name for p in tmp_path.iterdir()) == ["capture.wacz", "v.mp4"]
    assert validate_wacz(wacz_path) is None
    with zipfile.ZipFile(wacz_path) as wacz:
        data = wacz.read("archive/data.warc.gz")
    found = {}
    for record in ArchiveIterator(io.BytesIO(data), check_digests="raise"):
        found.setdefault(record.rec_type, []).append(
            (record.rec_headers, record.http_headers, record.raw_stream.read()))
    info = found["warcinfo"][0][2].decode()
    assert "unrecorded: https://x/late.js: not finished" in info
    (rec, http, body) = found["response"][0]
    assert body == text
    assert rec.get_header("WARC-Payload-Digest") == "sha1:" + base64.b32encode(
        hashlib.sha1(text).digest()).decode()
    assert rec.get_header("WARC-Date") == "2026-01-01T00:00:00.500000Z"
    assert http.get_header("Content-Length") == str(len(text))
    assert http.get_header("X-Archive-Orig-content-encoding") == "gzip"
    assert http.get_header("content-encoding") is None
    assert http.get_header("transfer-encoding") is None and http.get_header(":status") is None
    assert [v for k, v in http.headers if k == "set-cookie"] == ["a=1", "b=2"]
    assert found["response"][1][2] == mp4("2176000")
    (req, req_http, _) = found["request"][0]
    assert req_http.protocol == "GET" and req_http.get_header("Host") == "cdn.example"
    assert req.get_header("WARC-Concurrent-To") == rec.get_header("WARC-Record-ID")
    assert found["resource"][0][2] == b"\x89PNG"
    urls = [fields["url"] for _, _, fields in read_index(wacz_path)]
    assert sorted(urls) == sorted([e.url for e in exchanges] + [shot.uri])


def test_a_damaged_or_altered_wacz_does_not_validate(tmp_path):
    page = Page("https://cdn.example/a", "A", 0.0)
    good = tmp_path / "good.wacz"
    write_wacz(good, [exchange(page.url, b"<html>a</html>", [("content-type", "text/html")])],
               [], page, Notes(), "archiver test", "")
    altered = tmp_path / "altered.wacz"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(altered, "w") as out:
        for item in src.infolist():
            body = src.read(item)
            out.writestr(item, body.replace(b'"title": "A"', b'"title": "B"')
                         if item.filename == "pages/pages.jsonl" else body)
    assert " failed" in (validate_wacz(altered) or "")  # frictionless sees the hash first
    broken = tmp_path / "broken.wacz"
    broken.write_bytes(gzip.compress(b"not a zip"))
    assert validate_wacz(broken).startswith("unreadable: BadZipFile")
