"""The Datasette plugin `archiver serve` registers: captures shown as thumbnails and
download links, statuses as coloured labels, status URLs as links, and the route
that serves capture files read-only.

Every cell is built with markupsafe: `Markup.format` escapes each value it is
given, so a post's text, a handle or a path can never become markup.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from datasette import hookimpl
from datasette.utils.asgi import AsgiFileDownload, Response
from markupsafe import Markup

from . import captures

DB_FILE = "archive.db"
STATUSES = ("pending", "archived", "deleted", "unavailable", "failed")
STATUS_COLUMNS = ("status", "from_status", "to_status")
CAPTURE_COLUMNS = ("path", "screenshot")  # snapshots.path; canned queries' screenshot
LINK_COLUMNS = ("url", "source", "resolved", "source_url")
CSS_PATH = "/-/archiver.css"

LATEST_PNG = (
    "SELECT s.path FROM snapshots s JOIN posts p ON p.pk = s.post_pk"
    " WHERE p.key = ? AND s.kind = 'png' ORDER BY s.captured_at DESC, s.id DESC LIMIT 1"
)

CSS = """
.archiver-thumb img { display: block; width: 160px; height: 120px; object-fit: cover;
  object-position: top left; border: 1px solid #cfd9de; border-radius: 6px; background: #fff; }
.archiver-thumb:hover img { border-color: #1d9bf0; }
.archiver-key { display: block; margin-top: 2px; font-size: 0.8em; color: #536471; }
.archiver-status { display: inline-block; padding: 1px 8px; border-radius: 10px;
  font-size: 0.85em; font-weight: 600; color: #fff; white-space: nowrap; }
.archiver-status-pending { background: #6b7280; }
.archiver-status-archived { background: #15803d; }
.archiver-status-deleted { background: #b91c1c; }
.archiver-status-unavailable { background: #c2410c; }
.archiver-status-failed { background: #7e22ce; }
.archiver-download small { color: #536471; }
.archiver-columns { margin: 0.5em 0 1em; }
.archiver-columns summary { cursor: pointer; color: #536471; }
.archiver-evidence .archiver-shot img { display: block; max-width: 100%; width: 640px;
  border: 1px solid #cfd9de; border-radius: 8px; background: #fff; }
.archiver-evidence .archiver-capture:not(.archiver-latest) .archiver-shot img { width: 240px; }
.archiver-media { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
.archiver-media figure { margin: 0; }
.archiver-media img, .archiver-media video { display: block; max-width: 320px; max-height: 320px;
  border: 1px solid #cfd9de; border-radius: 6px; }
.archiver-media figcaption, .archiver-downloads small { font-size: 0.8em; color: #536471; }
.archiver-failures { color: #b91c1c; }
"""


def archive_database(datasette, name: str | None = None):
    """The archive's Database (`name`'s, or the first), when its file is archive.db."""
    for db_name, db in datasette.databases.items():
        if name is not None and db_name != name:
            continue
        if db.path and Path(db.path).name == DB_FILE:
            return db
    return None


def status_label(value: str) -> Markup:
    return Markup('<span class="archiver-status archiver-status-{0}">{0}</span>').format(value)


def capture_cell(datasette, stored: str, route: str) -> Markup:
    href = datasette.urls.path(route)
    name = stored.rsplit("/", 1)[-1]
    shown = captures.media_kind(name) if "/media/" in stored else None
    if shown == "video":
        return Markup('<video class="archiver-thumb" controls preload="none" src="{0}"'
                      ' title="{1}"></video>').format(href, stored)
    if name.endswith(".png") or shown == "image":
        return Markup('<a class="archiver-thumb" href="{0}" title="{1}">'
                      '<img src="{0}" alt="Screenshot {1}" loading="lazy"></a>').format(
                          href, stored)
    if name.endswith((".html", ".mhtml")):
        return Markup('<a class="archiver-download" href="{0}" download title="{1}">{2}</a>'
                      " <small>(download, never opened as a page)</small>").format(
                          href, stored, name)
    if name.endswith(".wacz"):
        return Markup('<a class="archiver-download" href="{0}" download title="{1}">{2}</a>'
                      " <small>(download; replay in ReplayWeb.page)</small>").format(
                          href, stored, name)
    return Markup('<a href="{0}" title="{1}">{2}</a>').format(href, stored, name)


def link(url: str) -> Markup:
    return Markup('<a href="{0}" rel="noopener noreferrer nofollow">{0}</a>').format(url)


def is_web_url(value) -> bool:
    if not isinstance(value, str) or value != value.strip():
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


@hookimpl
def render_cell(value, column, table, database, datasette):
    db = archive_database(datasette, database)
    if db is None:
        return None
    if table is None and column == "pk" and isinstance(value, int):
        # In the canned queries `pk` is always a post's: link it to the post's page.
        return Markup('<a href="{0}">{1}</a>').format(
            datasette.urls.row(database, "posts", str(value)), value)
    if not isinstance(value, str):
        return None
    if column in STATUS_COLUMNS and value in STATUSES:
        return status_label(value)
    if column in CAPTURE_COLUMNS:
        route = captures.url_path(value)
        return capture_cell(datasette, value, route) if route else None
    if table == "posts" and column == "key":
        return _key_with_thumbnail(db, datasette, value)
    if column in LINK_COLUMNS and is_web_url(value):
        return link(value)
    return None


async def _key_with_thumbnail(db, datasette, key: str):
    row = (await db.execute(LATEST_PNG, [key])).first()
    route = captures.url_path(row[0]) if row else None
    if not route:
        return None  # Datasette shows the key as it is, escaped
    return Markup('<a class="archiver-thumb" href="{0}" title="Latest screenshot">'
                  '<img src="{0}" alt="Screenshot of {1}" loading="lazy"></a>'
                  '<span class="archiver-key">{1}</span>').format(datasette.urls.path(route), key)


# A table's column descriptions fill the screen above its rows: fold them away.
FOLD_DESCRIPTIONS = """
document.querySelectorAll('dl.column-descriptions').forEach(function (dl) {
  var details = document.createElement('details');
  var summary = document.createElement('summary');
  summary.textContent = 'What each column holds';
  details.className = 'archiver-columns';
  dl.parentNode.insertBefore(details, dl);
  details.appendChild(summary);
  details.appendChild(dl);
});
"""


EVIDENCE = (
    "SELECT s.kind, s.path, s.size, s.captured_at FROM snapshots s JOIN posts p"
    " ON p.pk = s.post_pk WHERE p.pk = ? ORDER BY s.captured_at DESC, s.id"
)
FAILURES = (
    "SELECT capture, position, media_type, reason FROM media_failures WHERE post_pk = ?"
    " ORDER BY id"
)


@hookimpl
def extra_template_vars(view_name, table, database, request, datasette):
    """A post's row page: its captures, newest first (row-archive-posts.html)."""
    if view_name != "row" or table != "posts" or request is None:
        return {}
    db = archive_database(datasette, database)
    if db is None:
        return {}

    async def captures_of_post():
        try:
            pk = int(request.url_vars.get("pks", ""))
        except ValueError:
            return {}
        rows = (await db.execute(EVIDENCE, [pk])).rows
        tables = await db.table_names()
        failures = (await db.execute(FAILURES, [pk])).rows if "media_failures" in tables else []
        row = (await db.execute("SELECT media FROM posts WHERE pk = ?", [pk])).first()
        return {"archiver_captures": evidence(datasette, rows, failures, row and row[0])}

    return captures_of_post


def evidence(datasette, rows, failures, media_json: str | None = None) -> list[dict]:
    """Each capture folder's screenshot, media (with the post's alt texts) and
    downloads, with their URLs."""
    import json

    from ..evidence import folder_of

    try:
        items = json.loads(media_json) if media_json else []
    except ValueError:
        items = []
    alts = [i.get("alt") if isinstance(i, dict) else None
            for i in (items if isinstance(items, list) else [])]

    folders: dict[str, dict] = {}
    for kind, path, size, captured_at in rows:
        route = captures.url_path(path)
        if route is None:
            continue
        folder = folder_of(path)
        capture = folders.setdefault(folder, {
            "captured_at": captured_at, "screenshot": None, "media": [], "downloads": [],
            "failures": [f for f in failures if f[0] == folder]})
        href, name = datasette.urls.path(route), path[len(folder) + 1:]
        if kind == "png" and capture["screenshot"] is None:
            capture["screenshot"] = href
        elif kind == "media":
            prefix = name.removeprefix("media/")[:2]
            position = int(prefix) if prefix.isdigit() else 0
            alt = alts[position - 1] if 0 < position <= len(alts) else None
            capture["media"].append({"href": href, "name": name, "size": human_size(size),
                                     "shown": captures.media_kind(name), "position": position,
                                     "alt": alt if isinstance(alt, str) else None})
        elif kind in ("wacz", "mhtml"):
            label = "WACZ (replay)" if kind == "wacz" else "MHTML snapshot"
            capture["downloads"].append({"href": href, "label": label,
                                         "size": human_size(size)})
    for folder, capture in folders.items():
        manifest = captures.url_path(f"{folder}/{captures.MANIFEST}")
        if manifest:
            capture["downloads"].append({"href": datasette.urls.path(manifest),
                                         "label": "manifest.json", "size": None})
        capture["failures"] = [{"position": f[1], "media_type": f[2], "reason": f[3]}
                               for f in capture["failures"]]
    return list(folders.values())


def human_size(size) -> str | None:
    if not isinstance(size, int):
        return None
    for unit in ("bytes", "KB", "MB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} GB"


@hookimpl
def extra_css_urls(datasette):
    return [datasette.urls.path(CSS_PATH)]


@hookimpl
def extra_body_script(view_name):
    return FOLD_DESCRIPTIONS if view_name == "table" else None


@hookimpl
def register_routes():
    return [
        (r"^/-/captures/(?P<path>.+)$", capture_file),
        (r"^/-/archiver\.css$", stylesheet),
    ]


def stylesheet():
    return Response(CSS, content_type="text/css; charset=utf-8")


def _not_found() -> Response:
    return Response("Not found", status=404, headers=dict(captures.SAFETY_HEADERS),
                    content_type="text/plain; charset=utf-8")


async def capture_file(request, datasette):
    """A capture file, only when the archive records it (or its folder's manifest)
    and it really lies inside ARCHIVE/snapshots."""
    relative = captures.request_path(request.url_vars["path"])
    db = archive_database(datasette)
    if relative is None or db is None:
        return _not_found()
    kind = await _recorded_kind(db, relative)
    if kind not in captures.DELIVERIES:
        return _not_found()
    target = captures.locate(Path(db.path).parent / captures.SNAPSHOTS, relative)
    if target is None:
        return _not_found()
    content_type, headers = captures.headers(kind, relative)
    return AsgiFileDownload(target, content_type=content_type, headers=headers)


async def _recorded_kind(db, relative: str) -> str | None:
    row = (await db.execute("SELECT kind FROM snapshots WHERE path = ? LIMIT 1",
                            [captures.stored_path(relative)])).first()
    if row:
        return row[0]
    folder = captures.manifest_folder(relative)
    if folder:
        row = (await db.execute(
            "SELECT 1 FROM snapshots WHERE substr(path, 1, length(:f) + 1) = :f || '/' LIMIT 1",
            {"f": folder})).first()
        if row:
            return "manifest"
    return None
