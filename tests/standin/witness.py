"""A listener on another loopback address (127.0.0.2 by default; Linux routes all
of 127/8 to lo) standing for a machine inside the network: it records every
connection and request made to it, and answers with a page no one outside
should ever read.

    with Witness() as inside:
        ...  # point something at inside.url
        assert inside.connections == 0
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SECRET = "INTERNAL-ONLY admin console: database password hunter2"
SECRET_PAGE = (
    "<!doctype html><html><head><title>Internal admin console</title></head>"
    f"<body><h1>{SECRET}</h1>" + "<p>\u202econfidential\u0007 line</p>" * 40 + "</body></html>"
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    witness: Witness

    def verify_request(self, request, client_address) -> bool:
        with self.witness._lock:
            self.witness.connections += 1  # counted even if no request follows (preconnect)
        return True


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format, *args):
        pass

    def _answer(self):
        witness = self.server.witness
        with witness._lock:
            witness.paths.append(self.path)
        body = SECRET_PAGE.encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_POST = do_HEAD = _answer


class Witness:
    """Starts at once; `connections` and `paths` say whether anything reached it."""

    def __init__(self, host: str = "127.0.0.2"):
        self.connections = 0
        self.paths: list[str] = []
        self._lock = threading.Lock()
        self._httpd = _Server((host, 0), _Handler)
        self._httpd.witness = self
        self.port = self._httpd.server_address[1]
        self.url = f"http://{host}:{self.port}"
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
