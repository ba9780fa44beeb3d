"""Where the alerts machinery reads the time: the database's clock, or one a test sets."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol

from sqlalchemy import Executable, func, select, text

from models.db import Database


class Clock(Protocol):
    """A source of the current instant, timezone-aware in UTC."""

    def now(self) -> datetime:
        """Return the current instant, aware UTC."""
        ...


def _aware_utc(value: object) -> datetime:
    """Turn what a database returns for its current time into an aware UTC datetime."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if not isinstance(value, datetime):
        raise TypeError(f"the database returned {value!r} for the current time")
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


class DatabaseClock:
    """The database server's clock, so every worker and web process agrees on deadlines.

    It is asked every `refresh_seconds` and counted on with this machine's monotonic clock in
    between: a worker reads the time several times per message, and a round trip to the
    database each time cost more than the rest of the bookkeeping.
    """

    def __init__(self, db: Database, refresh_seconds: float = 10.0,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        """Read the time from `db`, again after `refresh_seconds`."""
        self.db = db
        self.refresh_seconds = refresh_seconds
        self._monotonic = monotonic
        self._anchor: tuple[float, datetime] | None = None
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the database's current time, read afresh every `refresh_seconds`."""
        with self._lock:
            anchor = self._anchor
        at = self._monotonic()
        if anchor is not None and at - anchor[0] < self.refresh_seconds:
            return anchor[1] + timedelta(seconds=at - anchor[0])
        read = self.read()
        with self._lock:
            self._anchor = (self._monotonic(), read)
        return read

    def read(self) -> datetime:
        """Ask the database for its current time (PostgreSQL now(), SQLite 'now')."""
        query: Executable
        if self.db.is_sqlite:
            # CURRENT_TIMESTAMP has whole seconds only; %f keeps the milliseconds that
            # back-off and leases need. SQLite's 'now' is UTC.
            query = text("SELECT strftime('%Y-%m-%d %H:%M:%f', 'now')")
        else:
            query = select(func.now())
        with self.db.session() as session:
            return _aware_utc(session.scalar(query))


class ManualClock:
    """A clock that only moves when told to: for tests and injected time."""

    def __init__(self, start: datetime | None = None) -> None:
        """Start at `start` (aware), or at the current wall-clock time."""
        if start is not None and start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = (start or datetime.now(UTC)).astimezone(UTC)
        # Worker threads read the time while a test moves it.
        self._lock = threading.Lock()

    def now(self) -> datetime:
        """Return the time the clock is set to."""
        with self._lock:
            return self._now

    def set(self, instant: datetime) -> None:
        """Move the clock to `instant` (aware)."""
        if instant.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        with self._lock:
            self._now = instant.astimezone(UTC)

    def advance(self, seconds: float = 0.0, **delta: float) -> datetime:
        """Move the clock forward by seconds (or timedelta keywords); return the new time."""
        with self._lock:
            self._now += timedelta(seconds=seconds, **delta)
            return self._now
