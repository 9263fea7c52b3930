"""`archiver serve` through the real path: an archive built by `archiver run` against
the stand-in network, the real command serving it, real Chromium reading it."""

import html
import http.client
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest
from playwright.sync_api import sync_playwright
from test_fetch import seed_standin

from archiver.browser import find_browser, launch_args
from archiver.datasette import captures
from archiver.datasette.metadata import TABLES
from conftest import ROOT, SEED
from standin import StandIn, Tweet

ARTIFACTS = ROOT / "test-artifacts"
DOCS_SCREENSHOT = ROOT / "docs" / "posts-page.png"

HOSTILE_ID = "1800000000000000001"
HOSTILE_TEXT = '<script>document.title="pwned"</script> <img src=x onerror="window.__xss=1">'
HOSTILE_AUTHOR = "Web Dev <b>Daily</b>"
HOSTILE_HANDLE = "webdevdaily"  # an account that posts markup: its words are data


def clean_env(extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARCHIVER_")}
    env.update(extra)
    return env


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    """One archive for the module: the seed article and an article whose embed holds
    markup as text, run through scan, resolve, fetch and capture."""
    work = tmp_path_factory.mktemp("serve")
    hostile = work / "hostile.html"
    hostile.write_text(
        "<html><head><title>A story with hostile text</title></head><body><p>Prose.</p>"
        f'<blockquote class="twitter-tweet"><p lang="en" dir="ltr">{html.escape(HOSTILE_TEXT)}'
        f"</p>&mdash; {html.escape(HOSTILE_AUTHOR)} (@{HOSTILE_HANDLE}) "
        f'<a href="https://twitter.com/{HOSTILE_HANDLE}/status/{HOSTILE_ID}">January 5, 2022</a>'
        "</blockquote></body></html>")
    folder = work / "archive"
    with StandIn(embed_render_delay=0.1) as standin:
        seed_standin(standin)
        standin.add_tweet(Tweet(HOSTILE_ID, handle=HOSTILE_HANDLE, name=HOSTILE_AUTHOR,
                                text=HOSTILE_TEXT))
        proc = subprocess.run(
            [sys.executable, "-m", "archiver.cli", "--archive", str(folder), "run", str(SEED),
             str(hostile)],
            cwd=work, env=clean_env({**standin.env(), "ARCHIVER_TIMEOUT": "4"}),
            capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return folder


def wait_until_serving(proc, url, log, timeout=30):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"archiver serve exited {proc.returncode}: {log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"archiver serve did not answer at {url}: {log.read_text()}")


@pytest.fixture(scope="module")
def server(archive, tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("serve-log") / "stderr.txt"
    with open(log, "wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "archiver.cli", "--archive", str(archive), "serve",
             "--port", str(port)],
            cwd=archive.parent, env=clean_env({}), stdout=subprocess.DEVNULL, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(proc, base + "/archive/posts", log)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    executable = find_browser()
    if not executable:
        pytest.skip("no Chromium (set ARCHIVER_BROWSER or run `make test`)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=executable, headless=True,
                                      args=launch_args())
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000},
                                  accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def db(archive):
    conn = sqlite3.connect(archive / "archive.db")
    conn.row_factory = sqlite3.Row
    return conn


def column(page, name):
    return [t.strip() for t in page.locator(f"td.col-{name}").all_inner_texts()]


def wait_for_thumbnails(page):
    thumbs = page.locator(".archiver-thumb img")
    for thumb in thumbs.all():
        thumb.scroll_into_view_if_needed()  # they load lazily
    page.wait_for_function(
        "() => [...document.querySelectorAll('.archiver-thumb img')]"
        ".every(img => img.complete && img.naturalWidth > 0)")
    page.evaluate("window.scrollTo(0, 0)")
    return thumbs.evaluate_all("imgs => imgs.map(img => img.naturalWidth)")


def get(server, path):
    """A raw request: the path is sent exactly as written (no client normalising '..')."""
    host, port = server.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", path)
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


def capture_paths(archive, kind):
    rows = db(archive).execute("SELECT path FROM snapshots WHERE kind = ? ORDER BY id", (kind,))
    return [r["path"] for r in rows]


# -- in Chromium --------------------------------------------------------------------------

def test_posts_table_shows_capture_thumbnails_that_loaded(server, archive, page):
    page.goto(server + "/archive/posts")
    widths = wait_for_thumbnails(page)
    archived = db(archive).execute(
        "SELECT count(*) FROM posts WHERE status = 'archived'").fetchone()[0]
    assert archived == 7
    assert len(widths) == archived and all(w > 0 for w in widths)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "posts-page.png"))
    if os.environ.get("UPDATE_DOCS_SCREENSHOT"):  # the README's picture
        page.set_viewport_size({"width": 1440, "height": 1400})
        wait_for_thumbnails(page)
        page.screenshot(path=str(DOCS_SCREENSHOT))

    # A thumbnail opens the full screenshot, served as an image.
    page.locator("a.archiver-thumb").first.click()
    page.wait_for_load_state()
    assert page.url.startswith(server + captures.ROUTE) and page.url.endswith(".png")
    assert page.evaluate("document.images[0].naturalWidth") > 0


def test_full_text_search_finds_a_post_by_a_word_of_its_text(server, page):
    page.goto(server + "/archive/posts")
    page.fill("input[name=_search]", "Telegram")
    page.press("input[name=_search]", "Enter")
    page.wait_for_url("**_search=Telegram**")
    assert column(page, "handle") == ["shaunwalker7"]
    assert "seeping out on Telegram" in column(page, "text")[0]


def test_canned_query_posts_by_handle_returns_that_handles_posts(server, page):
    page.goto(server + "/archive/posts_by_handle")
    page.fill("input[name=handle]", "@DWNews")
    page.click("input[type=submit][value='Run SQL']")
    page.wait_for_url("**handle=%40DWNews**")
    assert column(page, "handle") == ["dwnews"]
    assert "soldiers opened fire" in column(page, "text")[0]
    assert wait_for_thumbnails(page)[0] > 0
    assert page.locator("td.col-status .archiver-status-archived").count() == 1


@pytest.mark.parametrize("kind", ["html", "mhtml"])
def test_a_captured_page_opened_from_its_link_downloads_and_never_runs(server, archive, page,
                                                                      kind):
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(server + f"/archive/snapshots?kind={kind}")
    listing = page.url
    links = page.locator("a.archiver-download")
    assert links.count() == 7
    # The captured embed page's script fetches /embed/data and builds the post: if it
    # ran on the archive's origin, that request would show here.
    assert "embed/data" in (archive / capture_paths(archive, "html")[0]).read_text()
    link = links.first
    # Not only the link's download attribute: the server's answer alone must not render.
    link.evaluate("a => a.removeAttribute('download')")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename.endswith(f"page.{kind}")
    page.wait_for_timeout(500)
    assert page.url == listing
    assert page.title().startswith("archive: snapshots")
    assert not [u for u in requests if "/embed/data" in u]


@pytest.mark.parametrize("path", [
    "/archive/posts?handle={handle}",
    "/archive/posts?_search=onerror",
    "/archive/posts_by_handle?handle={handle}",
    "/archive/posts/{pk}",
    "/archive/posts?_facet=author&handle={handle}",
    "/archive?sql=select+text,+author+from+posts+where+handle+%3D+%27{handle}%27",
])
def test_post_text_holding_script_or_img_onerror_shows_as_text(server, archive, page, path):
    pk = db(archive).execute("SELECT pk FROM posts WHERE handle = ?",
                             (HOSTILE_HANDLE,)).fetchone()[0]
    page.goto(server + path.format(pk=pk, handle=HOSTILE_HANDLE))
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None
    assert page.title() != "pwned"
    assert page.locator("img[src=x]").count() == 0
    assert page.locator("td b, dd b, .facet-info b").count() == 0
    texts = column(page, "text") or column(page, "preserved_text")
    assert HOSTILE_TEXT in texts
    assert HOSTILE_AUTHOR in column(page, "author")


# -- over HTTP ---------------------------------------------------------------------------

def test_every_canned_query_runs_on_a_real_archive(server):
    def query(name, **params):
        url = f"{server}/archive/{name}.json?_shape=array&" + urllib.parse.urlencode(params)
        with urllib.request.urlopen(url, timeout=10) as answer:
            return json.load(answer)

    assert [r["handle"] for r in query("posts_by_handle", handle="KENROTH")] == ["KenRoth"]
    assert [r["platform"] for r in query("posts_by_handle", handle="KenRoth",
                                         platform="Twitter")] == ["twitter"]
    assert query("posts_by_handle", handle="KenRoth", platform="bluesky") == []
    assert query("gone_posts") == []
    assert query("failures") == []
    edited = query("edited_posts")  # the stand-in's live texts are shorter than the seed's
    assert edited and all(r["preserved_text"] != r["live_text"] for r in edited)
    assert HOSTILE_HANDLE not in {r["handle"] for r in edited}
    ranked = query("articles_by_embeds")
    assert [r["embeds"] for r in ranked] == [6, 1]
    links = {r["code"]: r for r in query("link_resolutions")}
    assert len(links) == 9
    assert links["stnQeuMDva"]["resolved"].endswith("/articles/abc-story")
    assert links["stnQeuMDva"]["hops"] == 3


def test_capture_files_are_sent_so_that_no_page_can_render(server, archive):
    expected = {"png": "image/png", "html": "text/plain; charset=utf-8",
                "mhtml": "text/plain; charset=utf-8",
                "syndication": "application/json; charset=utf-8",
                "oembed": "application/json; charset=utf-8"}
    for kind, content_type in expected.items():
        stored = capture_paths(archive, kind)[0]
        status, headers, body = get(server, captures.url_path(stored))
        assert status == 200, stored
        assert headers["content-type"] == content_type
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["content-security-policy"].startswith("sandbox")
        assert body == (archive / stored).read_bytes()
        attachment = headers.get("content-disposition", "")
        assert attachment.startswith("attachment;") == (kind in ("html", "mhtml"))
    manifest = capture_paths(archive, "png")[0].rsplit("/", 1)[0] + "/manifest.json"
    status, headers, body = get(server, captures.url_path(manifest))
    assert status == 200 and json.loads(body)["files"]


def test_a_wacz_downloads_and_media_show_as_what_they_are(server, archive):
    (wacz,) = capture_paths(archive, "wacz")[:1]
    status, headers, body = get(server, captures.url_path(wacz))
    assert status == 200 and body == (archive / wacz).read_bytes()
    assert headers["content-type"] == "application/zip"
    assert headers["content-disposition"].startswith("attachment;")
    assert headers["content-disposition"].endswith('-capture.wacz"')
    assert headers["x-content-type-options"] == "nosniff"
    kinds = {}
    for stored in capture_paths(archive, "media"):
        status, headers, body = get(server, captures.url_path(stored))
        assert status == 200 and body == (archive / stored).read_bytes()
        assert headers["content-security-policy"].startswith("sandbox")
        assert "content-disposition" not in headers
        kinds[stored.rsplit(".", 1)[-1]] = headers["content-type"]
    assert kinds == {"png": "image/png", "mp4": "video/mp4"}


def test_a_posts_page_shows_its_screenshot_media_and_downloads(server, archive, page):
    pk = db(archive).execute("SELECT pk FROM posts WHERE handle = 'shaunwalker7'").fetchone()[0]
    page.goto(f"{server}/archive/posts/{pk}")
    evidence = page.locator("section.archiver-evidence")
    shot = evidence.locator(".archiver-latest .archiver-shot img")
    shot.scroll_into_view_if_needed()
    page.wait_for_function("img => img.complete && img.naturalWidth > 600", arg=shot.element_handle())
    video = evidence.locator("video")
    assert video.count() == 1
    page.wait_for_function("v => v.readyState >= 1 || v.error", arg=video.element_handle())
    assert video.get_attribute("src").endswith(".mp4")
    labels = evidence.locator(".archiver-downloads a").all_inner_texts()
    assert labels == ["MHTML snapshot", "WACZ (replay)", "manifest.json"]
    with page.expect_download() as download:
        evidence.locator(".archiver-downloads a", has_text="WACZ").click()
    assert download.value.suggested_filename.endswith("capture.wacz")


@pytest.mark.parametrize("path", [
    "../archive.db",
    "%2e%2e/archive.db",
    "%2E%2E%2Farchive.db",
    "twitter/../../archive.db",
    "twitter/%2e%2e/%2e%2e/archive.db",
    "..%5c..%5carchive.db",
    "/etc/passwd",
    "%2Fetc%2Fpasswd",
    "twitter/x.png%00.png",
    "stray.png",  # inside the folder, but no capture of the archive
    "twitter/.hidden.png",
])
def test_capture_route_reaches_only_recorded_files_inside_snapshots(server, archive, path):
    (archive / "snapshots" / "stray.png").write_bytes(b"\x89PNG not a capture")
    status, headers, body = get(server, captures.ROUTE + path)
    assert status == 404
    assert b"SQLite format" not in body and b"root:" not in body
    assert headers["x-content-type-options"] == "nosniff"


def test_a_run_writing_meanwhile_neither_blocks_nor_goes_unseen(server, archive):
    url = server + "/archive/source_failures.json?_shape=array"

    def rows():
        with urllib.request.urlopen(url, timeout=10) as answer:
            return json.load(answer)

    before = len(rows())
    writer = sqlite3.connect(archive / "archive.db", timeout=2, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")  # a run's transaction, holding the write lock
        writer.execute("INSERT INTO source_failures (source, reason, failed_at)"
                       " VALUES ('during-serve', 'test', '2026-01-01T00:00:00Z')")
        started = time.time()
        assert len(rows()) == before  # not blocked, and nothing half-written shows
        assert time.time() - started < 5
        writer.execute("COMMIT")  # Datasette held no lock that would stop the writer
        assert len(rows()) == before + 1  # no counts cached as if the file were immutable
    finally:
        writer.execute("DELETE FROM source_failures WHERE source = 'during-serve'")
        writer.close()


def test_plain_datasette_without_the_plugin_still_links_and_searches(archive):
    def plain(path):
        proc = subprocess.run(
            [sys.executable, "-m", "datasette", str(archive / "archive.db"), "--get", path],
            capture_output=True, text=True, timeout=60)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return json.loads(proc.stdout)

    rows = plain("/archive/article_posts.json?_shape=array&_labels=on")
    assert rows and all(isinstance(r["post_pk"], dict) for r in rows)  # foreign keys known
    found = plain("/archive/posts.json?_shape=array&_search=Telegram")
    assert [r["handle"] for r in found] == ["shaunwalker7"]


def test_metadata_describes_every_table_and_column(archive):
    conn = db(archive)
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'posts_fts%'"
        " AND name NOT LIKE 'sqlite_%'")]
    for table in tables:
        assert table in TABLES, f"describe table {table} in archiver/datasette/metadata.py"
        for row in conn.execute(f"PRAGMA table_info([{table}])"):
            assert TABLES[table]["columns"].get(row["name"]), f"describe {table}.{row['name']}"


def test_serve_without_an_archive_is_a_one_line_error(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "--archive", str(tmp_path / "none"), "serve",
         "--port", str(free_port())],
        capture_output=True, text=True, timeout=60, env=clean_env({}))
    assert proc.returncode == 3
    assert proc.stderr.startswith("Error: no archive at")


def test_serve_on_a_busy_port_is_a_one_line_error(archive, server):
    port = server.rsplit(":", 1)[1]
    proc = subprocess.run(
        [sys.executable, "-m", "archiver.cli", "--archive", str(archive), "serve", "--port", port],
        capture_output=True, text=True, timeout=60, env=clean_env({}))
    assert proc.returncode == 3
    assert proc.stderr.startswith("Error: cannot listen on")


# -- the path rules, without a server -----------------------------------------------------

def test_locate_refuses_symlinks_that_lead_outside_the_snapshots_folder(tmp_path):
    root = tmp_path / "snapshots"
    (root / "twitter" / "1").mkdir(parents=True)
    (root / "twitter" / "1" / "screenshot.png").write_bytes(b"png")
    secret = tmp_path / "archive.db"
    secret.write_bytes(b"SQLite format 3")
    (root / "twitter" / "1" / "page.html").symlink_to(secret)
    (root / "twitter" / "2").symlink_to(tmp_path)
    (root / "twitter" / "inside.png").symlink_to(root / "twitter" / "1" / "screenshot.png")

    assert captures.locate(root, "twitter/1/screenshot.png") == (
        root / "twitter/1/screenshot.png").resolve()
    assert captures.locate(root, "twitter/inside.png") is not None
    for path in ["twitter/1/page.html", "twitter/2/archive.db", "../archive.db",
                 "twitter/1/../../../archive.db", str(secret), "twitter/1", "twitter/1/\0",
                 "twitter/1/missing.png", "", "twitter//1/screenshot.png"]:
        assert captures.locate(root, path) is None, path


def test_request_paths_are_decoded_once_and_never_step_outside():
    assert captures.request_path("twitter/1/20260101T000000Z/page.html") == (
        "twitter/1/20260101T000000Z/page.html")
    assert captures.request_path("twitter/a%20b.png") == "twitter/a b.png"
    for raw in ["%2e%2e/x", "..", ".", "a/./b", "/etc/passwd", "%2Fetc", "a%00b", "a%5cb",
                "a\\b", "a/%ff", ".hidden", "a//b", "a/"]:
        assert captures.request_path(raw) is None, raw
    # %252e decodes once, to the literal name '%2e', not to '.'
    assert captures.request_path("%252e%252e/x") == "%2e%2e/x"


def test_only_paths_inside_the_snapshots_folder_get_a_capture_url():
    assert captures.url_path("snapshots/twitter/1/s/screenshot.png") == (
        "/-/captures/twitter/1/s/screenshot.png")
    for stored in [None, "archive.db", "snapshots/../archive.db", "snapshots//x",
                   "snapshots/a%2e.png", "/snapshots/x.png", 3]:
        assert captures.url_path(stored) is None, stored
