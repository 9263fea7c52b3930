"""What the numbers were measured on."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import sys
from importlib import metadata


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _ram_gb() -> float:
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return 0.0


def _chromium() -> str:
    from archiver.browser import find_browser

    path = find_browser()
    if not path:
        return "not found"
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30)
        return f"{out.stdout.strip() or out.stderr.strip()} ({path})"
    except (OSError, subprocess.SubprocessError) as exc:
        return f"{path} (version unknown: {exc})"


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def describe() -> dict:
    import lxml.etree
    from selectolax import lexbor

    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {
        "CPU": _cpu_model(),
        "Cores": f"{os.cpu_count()} logical, {usable} usable by this process",
        "RAM": f"{_ram_gb():.1f} GiB",
        "OS": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": f"{sys.version.split()[0]} ({sys.executable})",
        "selectolax": f"{_version('selectolax')} (Lexbor {lexbor.LEXBOR_VERSION_MAJOR}."
                      f"{lexbor.LEXBOR_VERSION_MINOR}; HTML)",
        "lxml": f"{lxml.etree.__version__} (libxml2 "
                f"{'.'.join(map(str, lxml.etree.LIBXML_VERSION))}; feeds and sitemaps)",
        "SQLite": sqlite3.sqlite_version,
        "Chromium": _chromium(),
        "Playwright": _version("playwright"),
        "click": _version("click"),
    }


def load() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def commit() -> str:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root,
                              capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "archiver"], cwd=root,
                               capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + (" with uncommitted changes under archiver/" if dirty else "")
