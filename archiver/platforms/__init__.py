"""The platforms archiver knows, one package each, behind one small contract
(base.Platform). The stages look platforms up here and never name one.

Adding a platform: a package under archiver/platforms/ whose PLATFORM is an
instance of base.Platform, listed in _PACKAGES below.
"""

from __future__ import annotations

import importlib

from .base import (
    EmbedPage,
    Endpoint,
    Finding,
    Lookup,
    Platform,
    PostData,
    PostRef,
    Verdict,
)

# In the order their URLs are tried: none claims another's URLs, so the order
# only decides which is asked first.
_PACKAGES = (
    "twitter",
    "telegram",
    "bluesky",
    "mastodon",
    "threads",
    "youtube",
    "tiktok",
    "reddit",
    "instagram",
    "facebook",
)

__all__ = ["EmbedPage", "Endpoint", "Finding", "Lookup", "Platform", "PostData", "PostRef",
           "Verdict", "all_platforms", "get", "link_key", "link_request", "post_ref"]

_loaded: dict[str, Platform] = {}


def all_platforms() -> list[Platform]:
    if not _loaded:
        for package in _PACKAGES:
            platform = importlib.import_module(f"{__name__}.{package}").PLATFORM
            _loaded[platform.name] = platform
    return list(_loaded.values())


def get(name: str) -> Platform:
    """The platform called name; KeyError for one archiver does not know."""
    all_platforms()
    return _loaded[name]


def link_key(url: str) -> tuple[Platform, str] | None:
    """(platform, key) for a short link of any platform, or None."""
    for platform in all_platforms():
        key = platform.link_key(url)
        if key is not None:
            return platform, key
    return None


def link_request(key: str, settings) -> str | None:
    """The first URL to ask to resolve the link stored under key."""
    for platform in all_platforms():
        url = platform.link_request(key, settings)
        if url is not None:
            return url
    return None


def unwrap(url: str) -> str:
    """Where a redirect hop really leads, past any platform's page in between."""
    for platform in all_platforms():
        unwrapped = platform.unwrap(url)
        if unwrapped != url:
            return unwrapped
    return url


def post_ref(url: str | None) -> PostRef | None:
    """The post any platform's URL names, or None."""
    if not url:
        return None
    for platform in all_platforms():
        ref = platform.post_ref(url)
        if ref is not None:
            return ref
    return None
