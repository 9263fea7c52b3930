"""`archiver serve`: Datasette over ARCHIVE/archive.db with the archive's metadata
and plugin, run by uvicorn on a socket bound here (so a busy port is a one-line
error and port 0 picks a free one).

The database is opened the way Datasette opens a mutable file: every connection
is `mode=ro`, so it never takes a write lock and a nightly run writing in WAL
mode is never blocked. Not `--immutable`: that tells SQLite the file never
changes (no locking, no change detection) and caches the table counts at start,
so pages would go stale or read a half-applied transaction while a run writes.
"""

from __future__ import annotations

import os
import socket
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..errors import ArchiverError
from ..lookup import ArchiveMissing, ArchiveUnreadable, open_readonly
from .metadata import DATABASE, metadata

__all__ = ["ArchiveMissing", "ServeError", "ServeOptions", "make_datasette", "serve_archive"]

# A post's row page with its evidence (screenshot, media, downloads).
TEMPLATES = Path(__file__).resolve().parent / "templates"
SETTINGS = {
    "default_page_size": 50,  # thumbnails make rows tall
    "sql_time_limit_ms": 3000,  # canned queries count per row
    "facet_time_limit_ms": 500,
    "suggest_facets": False,  # the configured facets are the useful ones
}


class ServeError(ArchiverError):
    """The archive cannot be served: unreadable database, address in use."""


@dataclass
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8001
    open_browser: bool = False
    max_attempts: int = 6  # the setting, for the failures query


def make_datasette(archive_dir: str | Path, max_attempts: int = 6):
    """A Datasette instance on the archive's database, with our metadata and plugin."""
    from datasette.app import Datasette
    from datasette.plugins import pm

    from . import plugin

    db_path = (Path(archive_dir) / "archive.db").resolve()
    try:
        conn = open_readonly(archive_dir)
    except ArchiveMissing:
        raise
    except ArchiveUnreadable as exc:
        raise ServeError(str(exc)) from None
    try:
        conn.execute("SELECT count(*) FROM posts").fetchone()
    except sqlite3.Error as exc:  # not an archive, or a damaged one
        raise ServeError(f"cannot read the archive at {db_path}: {exc}") from exc
    finally:
        conn.close()
    if not pm.is_registered(plugin):
        pm.register(plugin, name="archiver")
    # On a read-only mount SQLite cannot make the WAL index mode=ro needs; nothing
    # can write there either, so the file is served as immutable.
    writable = os.access(db_path.parent, os.W_OK)
    return Datasette(files=[str(db_path)] if writable else [],
                     immutables=[] if writable else [str(db_path)],
                     metadata=metadata(max_attempts), settings=SETTINGS,
                     template_dir=str(TEMPLATES))


def bind(host: str, port: int) -> socket.socket:
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
    except OSError as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc}") from exc
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
    sock.set_inheritable(True)
    return sock


def serve_archive(archive_dir: str | Path, options: ServeOptions, on_ready=None) -> None:
    """Serve until interrupted. `on_ready(url)` is called with the posts page's URL."""
    import uvicorn

    ds = make_datasette(archive_dir, options.max_attempts)
    sock = bind(options.host, options.port)
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}{ds.urls.table(DATABASE, 'posts')}"
    if on_ready:
        on_ready(url)
    if options.open_browser:
        import webbrowser

        webbrowser.open(url)
    server = uvicorn.Server(uvicorn.Config(ds.app(), log_level="warning", lifespan="on"))
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
