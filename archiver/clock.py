"""Time as the archive writes it (ISO 8601 UTC), and the retry schedule across runs.

The clock can be pinned (setting NOW) so schedules are tested without sleeping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

FORMAT = "%Y-%m-%dT%H:%M:%SZ"
MAX_BACKOFF = timedelta(days=7)


def parse(value: str) -> datetime:
    value = value.strip().replace("Z", "+00:00")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def fmt(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime(FORMAT)


def make_clock(pinned: str = "") -> Callable[[], str]:
    if pinned:
        fixed = fmt(parse(pinned))
        return lambda: fixed
    return lambda: fmt(datetime.now(timezone.utc))


def retry_at(now: str, attempts: int, base_minutes: float) -> str:
    """When a thing that failed `attempts` times is due again: base, 2x base, 4x base..."""
    delay = timedelta(minutes=base_minutes) * (2 ** min(max(attempts - 1, 0), 16))
    return fmt(parse(now) + min(delay, MAX_BACKOFF))


def days_before(now: str, days: float) -> str:
    """The time `days` before now; further back than the calendar goes is its start."""
    moment = parse(now)
    try:
        return fmt(moment - timedelta(days=days))
    except OverflowError:
        return fmt(datetime.min.replace(tzinfo=timezone.utc))
