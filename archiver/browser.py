"""Finding a Chromium: ARCHIVER_BROWSER, else Playwright's own, else the system's.

`python -m archiver.browser` prints the path found, or exits 1 (the Makefile uses it).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

# The headless shell first: it renders the same pages without the full browser's
# window machinery, at about a third of the CPU per capture (docs/benchmarks.md).
SYSTEM_NAMES = ("chromium-headless-shell", "chromium", "chromium-browser", "google-chrome",
                "google-chrome-stable")

# Flags for headless capture on a closed network: without the background
# networking ones Chromium keeps dialling Google's hosts at every start.
LAUNCH_ARGS = [
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-gpu",
    "--disable-quic",
    # WebRTC's own sockets bypass request routing; its objects are removed from
    # pages too (capture_guard), this keeps any UDP off interfaces all the same.
    "--force-webrtc-ip-handling-policy=disable_non_proxied_udp",
]


def launch_args() -> list[str]:
    args = list(LAUNCH_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(0, "--no-sandbox")  # Chromium refuses to sandbox as root
    return args


def _playwright_chromium() -> str | None:
    root = Path(os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or Path.home() / ".cache/ms-playwright")
    if not root.is_dir():
        return None
    for pattern in ("chromium_headless_shell*/chrome-*/*headless_shell",
                    "chromium*/chrome-linux*/chrome"):
        for candidate in sorted(root.glob(pattern), reverse=True):
            if os.access(candidate, os.X_OK):
                return str(candidate)
    return None


def find_browser(configured: str | None = None) -> str | None:
    configured = configured or os.environ.get("ARCHIVER_BROWSER")
    if configured:
        path = shutil.which(configured) or configured
        return path if os.access(path, os.X_OK) else None
    found = _playwright_chromium()
    if found:
        return found
    for name in SYSTEM_NAMES:
        path = shutil.which(name)
        if path:
            return path
    return None


if __name__ == "__main__":
    path = find_browser()
    if not path:
        print("no Chromium found (set ARCHIVER_BROWSER)", file=sys.stderr)
        sys.exit(1)
    print(path)
