"""Settings: defaults, then archiver.toml, then ARCHIVER_* environment variables.

General settings sit at the top of archiver.toml; each platform's endpoints sit
in a section of their own (`[twitter]`, `[bluesky]` ...), in the environment as
ARCHIVER_<PLATFORM>_<NAME>. Endpoints are URL templates so tests (and users
behind a mirror) can point them anywhere.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from .errors import ArchiverError

CONFIG_NAME = "archiver.toml"


@dataclass
class Settings:
    archive: str = "archive"
    browser: str = ""
    concurrency: int = 4
    timeout: float = 20.0
    max_source_mb: float = 32.0
    scan_workers: int = 0  # processes parsing articles; 0: one per core
    scan_timeout: float = 30.0  # seconds one source may take to read and parse; then it fails
    max_response_mb: float = 8.0  # cap on any answer the fetcher reads
    max_media_mb: float = 512.0  # cap on one photo or video kept, and on a capture's traffic
    retries: int = 3  # tries per request within a run (429, 5xx, resets, timeouts)
    max_attempts: int = 6  # runs that may retry a failed post or link; then --retry-failed
    retry_base_minutes: float = 60.0  # backoff across runs: base, doubling per attempt
    host_rate: float = 10.0  # requests per second to any one host
    host_429_limit: int = 3  # a host still answering 429 after retries this often stops for the run
    now: str = ""  # pretend it is this UTC time (ISO 8601): for testing schedules
    # platform -> endpoint name -> URL template; every platform's defaults unless set
    endpoints: dict = field(default_factory=lambda: _default_endpoints())

    def endpoint(self, platform: str, name: str) -> str:
        """The URL template of one of a platform's endpoints."""
        return self.endpoints[platform][name]

    @property
    def max_source_bytes(self) -> int:
        return int(self.max_source_mb * 1024 * 1024)

    @property
    def max_response_bytes(self) -> int:
        return int(self.max_response_mb * 1024 * 1024)

    @property
    def max_media_bytes(self) -> int:
        return int(self.max_media_mb * 1024 * 1024)


# The largest value each number may take: past these a setting is a typo, and
# some would overflow where they are used (a socket timeout, a backoff date).
MAXIMA = {
    "concurrency": 64, "timeout": 3600, "max_source_mb": 4096, "scan_workers": 256,
    "max_response_mb": 4096, "max_media_mb": 65536, "retries": 20, "max_attempts": 1000,
    "retry_base_minutes": 7 * 24 * 60, "host_rate": 1000, "host_429_limit": 1000,
    "scan_timeout": 3600,
}


def _coerce(name: str, raw, kind):
    if isinstance(raw, bool) or (kind is int and isinstance(raw, float)):
        raise ArchiverError(f"setting {name.upper()}: {raw!r} is not a {_KIND_NAMES[kind]}")
    try:
        value = kind(raw.strip() if isinstance(raw, str) else raw)
    except (TypeError, ValueError, OverflowError):
        raise ArchiverError(
            f"setting {name.upper()}: {raw!r} is not a {_KIND_NAMES[kind]}") from None
    if kind is float and not math.isfinite(value):
        raise ArchiverError(f"setting {name.upper()}: must be a finite number, not {raw!r}")
    if kind in (int, float):
        low = 0 if name == "scan_workers" else None
        if (value < low) if low is not None else (value <= 0):
            raise ArchiverError(f"setting {name.upper()}: must be positive, not {raw!r}")
        if name in MAXIMA and value > MAXIMA[name]:
            raise ArchiverError(
                f"setting {name.upper()}: {raw!r} is over the limit of {MAXIMA[name]}")
    return value


_KIND_NAMES = {int: "whole number", float: "number", str: "string"}


def load(config: str | os.PathLike | None = None, env: dict | None = None) -> Settings:
    """Read settings; an explicit --config file must exist, ./archiver.toml may."""
    env = os.environ if env is None else env
    values: dict = {}
    path = Path(config) if config else Path(CONFIG_NAME)
    if config and not path.is_file():
        raise ArchiverError(f"config file not found: {path}")
    if path.is_file():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ArchiverError(f"cannot read {path}: {exc}") from exc
        values.update({str(k).lower(): v for k, v in data.items()})
    known = {f.name: f for f in fields(Settings) if f.name != "endpoints"}
    for name in known:
        key = f"ARCHIVER_{name.upper()}"
        if env.get(key):
            values[name] = env[key]
    settings = Settings()
    _load_endpoints(settings, values, env, path)
    for name, raw in values.items():
        if name not in known:
            raise ArchiverError(
                f"unknown setting {name!r} in {path} (known: {', '.join(sorted(known))})"
            )
        kind = type(getattr(settings, name))
        setattr(settings, name, _coerce(name, raw, kind) if kind is not str else str(raw))
    if settings.now:
        from .clock import parse

        try:
            parse(settings.now)
        except ValueError:
            raise ArchiverError(f"setting NOW: {settings.now!r} is not an ISO 8601 time") from None
    return settings


def _default_endpoints() -> dict:
    from . import platforms

    return {p.name: {name: e.default for name, e in p.endpoints.items()}
            for p in platforms.all_platforms()}


def _load_endpoints(settings: Settings, values: dict, env, path: Path) -> None:
    """Each platform's section of the file, then its environment variables; every
    template checked to be an http(s) URL holding the fields it needs."""
    from . import platforms

    for platform in platforms.all_platforms():
        section = values.pop(platform.name, None)
        if section is not None and not isinstance(section, dict):
            raise ArchiverError(f"{path}: {platform.name} must be a section ([{platform.name}])")
        chosen = {str(k).lower(): v for k, v in (section or {}).items()}
        unknown = sorted(set(chosen) - set(platform.endpoints))
        if unknown:
            raise ArchiverError(
                f"unknown setting {unknown[0]!r} in [{platform.name}] of {path} (known: "
                + ", ".join(sorted(platform.endpoints)) + ")")
        for alias in platform.top_level_settings:
            if alias in values:
                chosen.setdefault(alias, values.pop(alias))
            if env.get(f"ARCHIVER_{alias.upper()}"):
                chosen[alias] = env[f"ARCHIVER_{alias.upper()}"]
        for name, endpoint in platform.endpoints.items():
            variable = f"ARCHIVER_{platform.name.upper()}_{name.upper()}"
            if env.get(variable):
                chosen[name] = env[variable]
            template = str(chosen.get(name, endpoint.default))
            missing = [f for f in endpoint.fields if "{" + f + "}" not in template]
            if missing or not template.startswith(("http://", "https://")):
                raise ArchiverError(
                    f"setting {variable}: {template!r} must be an http(s) URL holding "
                    + ", ".join("{" + f + "}" for f in endpoint.fields))
            settings.endpoints[platform.name][name] = template
