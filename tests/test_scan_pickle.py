"""Every value that crosses a process boundary survives pickle: what a scan worker
is given and hands back (errors included), today to local processes, tomorrow to a
Dask cluster. An error that cannot be unpickled broke the whole pool."""

import dataclasses
import importlib
import inspect
import pickle
import pkgutil

import archiver
from archiver.errors import ArchiverError, SourceError
from archiver.model import Article, Embed
from archiver.scan import stage as scanning
from archiver.scan.sources import EscapedPath, Loaded
from archiver.scan.workers import Overrun
from archiver.settings import Settings


def round_trip(value):
    return pickle.loads(pickle.dumps(value))


def every_error_class() -> list[type]:
    for module in pkgutil.walk_packages(archiver.__path__, "archiver."):
        importlib.import_module(module.name)
    found, todo = [], [ArchiverError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return found


def an_instance(cls: type) -> ArchiverError:
    """Built the way the code builds it: one text per required argument."""
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    required = [p for p in params if p.default is p.empty
                and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return cls(*[f"{p.name} value" for p in required] or ["what went wrong"])


def test_every_archiver_error_survives_pickle():
    classes = every_error_class()
    assert SourceError in classes and len(classes) >= 4
    for cls in classes:
        error = an_instance(cls)
        back = round_trip(error)
        assert type(back) is cls
        assert (back.args, back.__dict__, str(back)) == (error.args, error.__dict__, str(error))
    back = round_trip(SourceError("news/story.html", "permission denied"))
    assert (back.source, back.reason) == ("news/story.html", "permission denied")


def test_every_scan_value_survives_pickle():
    embed = Embed(platform="twitter", id="1780000000000000000", handle="someone",
                  links=["https://t.co/AbCdEf1234"], date_text="April 13, 2024", form="oembed")
    article = Article("news/story.html", "Story", "html", "ab" * 32, [embed],
                      ["https://t.co/AbCdEf1234"], warnings=["markup nested deeper"])
    values = [
        embed, article, scanning.ScanResult.of(article, "new"),
        scanning.ScanResult("news/bad.html", error="empty: nothing to scan"),
        scanning.ScanReport(scanned=3, failed=1, outcomes={"new": 3}),
        Loaded("-", b"<p>x</p>", "text/html"), EscapedPath("caf\\xe9.html", "caf\udce9.html"),
        Overrun("took longer than 30 s to scan"), Settings(),
    ]
    for value in values:
        assert dataclasses.is_dataclass(value)
        assert round_trip(value) == value


def test_what_a_worker_hands_back_survives_pickle(tmp_path):
    """The outcomes of real reads: an article, a failure, a feed, an unchanged article."""
    (tmp_path / "story.html").write_text(
        '<html><title>T</title><blockquote class="twitter-tweet"><p>x</p>&mdash; A (@a) '
        '<a href="https://twitter.com/a/status/1479082912958476290">January 6, 2022</a>'
        "</blockquote></html>")
    (tmp_path / "empty.html").write_bytes(b"")
    (tmp_path / "feed.xml").write_text(
        '<?xml version="1.0"?><rss><channel><item><link>https://example.com/a</link></item>'
        "</channel></rss>")
    settings = Settings()
    story = str(tmp_path / "story.html")
    outcomes = [scanning._read((str(tmp_path / name), True), settings=settings, known=None)
                for name in ("story.html", "empty.html", "feed.xml")]
    digest = outcomes[0][1].content_hash
    outcomes.append(scanning._read((story, True), settings=settings, known={story: digest}))
    assert [o[0] for o in outcomes] == ["article", "error", "list", "unchanged"]
    for outcome in outcomes:
        back = round_trip(outcome)
        assert back[0] == outcome[0]
        if outcome[0] == "error":
            assert (back[1].source, back[1].reason) == (outcome[1].source, outcome[1].reason)
        else:
            assert back == outcome
