"""The sending limits of every process, held in the database (the `rate_buckets` table).

Taking a slot is one INSERT … ON CONFLICT DO UPDATE … RETURNING of a row per bucket of the
message, in its own short transaction: a bucket that allows the message moves its TAT on and is
returned; one that does not is left alone. All returned: commit, send. Any missing: roll
back, so nothing was taken, and read how long to wait. PostgreSQL locks the buckets' rows
for the statement and its commit (in key order, so two takers never deadlock); SQLite has
one writer at a time. Either way two workers on two machines never both take the last slot.

Time is the database server's (PostgreSQL's statement_timestamp(), SQLite's 'now'), so
processes whose clocks differ still agree; tests may pass their own.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any, cast

from sqlalchemy import (
    Float,
    Table,
    and_,
    bindparam,
    delete,
    func,
    literal,
    literal_column,
    select,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from alerts.pacing import Limit, wait_before
from models.db import Database
from models.rates import RateBucket

log = logging.getLogger(__name__)

RATES = cast(Table, RateBucket.__table__)
# A refused take whose bucket freed up in the meantime: ask again after this long.
RETRY_SOON = 0.001
# Buckets untouched this long are full again, whatever their rate: forgetting them is safe.
FORGET_AFTER = 3600.0


class SharedLimits:
    """Rate buckets in the database, shared by every worker and web process (a `Limiter`)."""

    def __init__(self, db: Database, clock: Callable[[], float] | None = None) -> None:
        """Keep the buckets in `db`; `clock` (epoch seconds) replaces the database's, in tests."""
        self.db = db
        self._clock = clock
        self._statements: dict[bool, Any] = {}

    def now(self) -> ColumnElement[float]:
        """Return the SQL expression of the current time, in epoch seconds."""
        if self._clock is not None:
            return literal(self._clock(), Float)
        return self._server_now()

    def _server_now(self) -> ColumnElement[float]:
        """Return the database server's time in epoch seconds, fixed for one statement."""
        if self.db.is_sqlite:
            # 'now' is fixed for the whole statement and has milliseconds.
            return literal_column("((julianday('now') - 2440587.5) * 86400.0)", Float)
        return sql_cast(func.extract("epoch", func.statement_timestamp()), Float)

    def take(self, limits: Sequence[Limit], *, force: bool = False) -> float:
        """Take one slot in every bucket of `limits` and return 0, or none and the wait."""
        wanted = sorted({limit.key: limit for limit in limits}.values(), key=lambda x: x.key)
        if not wanted:
            return 0.0
        now = {} if self._clock is None else {"now": self._clock()}
        rows = [{"bucket": limit.key, "every": limit.rate.interval,
                 "slack": limit.rate.tolerance, **now} for limit in wanted]
        with self.db.session() as session:
            # One row per bucket, sent as one INSERT of several rows (SQLAlchemy's
            # "insertmanyvalues"), in key order so that two takers lock rows alike.
            granted = session.execute(self._taking(force), rows).scalars().all()
            if len(granted) == len(wanted):
                session.commit()
                return 0.0
            session.rollback()
            return self._wait(session, [limit.key for limit in wanted], force)

    def _taking(self, force: bool) -> Any:
        """Return the statement taking a slot in one bucket (built once, then cached)."""
        built = self._statements.get(force)
        if built is not None:
            return built
        now = self._server_now() if self._clock is None else bindparam("now", type_=Float)
        statement = self._insert().values(
            key=bindparam("bucket"), interval=bindparam("every", type_=Float),
            tolerance=bindparam("slack", type_=Float),
            tat=now + bindparam("every", type_=Float), paused_until=0.0)
        allowed = RATES.c.paused_until <= now
        if not force:
            allowed = and_(allowed, RATES.c.tat - statement.excluded.tolerance <= now)
        if force:
            # A reply counts as a message just sent, but a burst of replies runs up no debt
            # that would hold the worker's next alert to the chat back for seconds.
            tat = self._later(RATES.c.tat, now + statement.excluded.interval)
        else:
            tat = self._later(RATES.c.tat, now) + statement.excluded.interval
        built = statement.on_conflict_do_update(
            index_elements=[RATES.c.key], where=allowed,
            set_={"interval": statement.excluded.interval,
                  "tolerance": statement.excluded.tolerance, "tat": tat},
        ).returning(RATES.c.key)
        self._statements[force] = built
        return built

    def pause(self, key: str, seconds: float) -> None:
        """Refuse every slot of bucket `key` for `seconds` from now (a longer pause stays)."""
        now = self.now()
        statement = self._insert().values(key=key, interval=0.0, tolerance=0.0, tat=0.0,
                                          paused_until=now + seconds)
        statement = statement.on_conflict_do_update(
            index_elements=[RATES.c.key],
            set_={"paused_until": self._later(RATES.c.paused_until,
                                              statement.excluded.paused_until)})
        with self.db.transaction() as session:
            session.execute(statement)
        log.warning("sending on %s paused for %.1f s", key, seconds)

    def paused_for(self, key: str) -> float:
        """Return how many seconds bucket `key` is still paused (0 if it is not)."""
        with self.db.session() as session:
            row = session.execute(select(RATES.c.paused_until, self.now().label("now"))
                                  .where(RATES.c.key == key)).first()
        return max(0.0, row.paused_until - row.now) if row is not None else 0.0

    def forget_idle(self, session: Session) -> int:
        """Delete buckets idle for an hour (full again anyway); return how many went."""
        cutoff = self.now() - FORGET_AFTER
        done = session.execute(delete(RATES).where(RATES.c.tat < cutoff,
                                                   RATES.c.paused_until < cutoff))
        return int(getattr(done, "rowcount", 0) or 0)

    def _wait(self, session: Session, keys: list[str], force: bool) -> float:
        """Return how long until every bucket of `keys` gives a slot (a refused take)."""
        rows = session.execute(select(RATES.c.tat, RATES.c.tolerance, RATES.c.paused_until,
                                      self.now().label("now"))
                               .where(RATES.c.key.in_(keys))).all()
        session.rollback()
        wait = max((wait_before(row.tat, row.tolerance, row.paused_until, row.now, force=force)
                    for row in rows), default=0.0)
        return max(wait, RETRY_SOON)

    def _insert(self) -> Any:
        """Return the backend's INSERT, the one that knows ON CONFLICT."""
        return sqlite.insert(RATES) if self.db.is_sqlite else postgresql.insert(RATES)

    def _later(self, first: Any, second: Any) -> ColumnElement[float]:
        """Return the SQL for the later of two times (greatest() or SQLite's two-argument max())."""
        if self.db.is_sqlite:
            return cast(ColumnElement[float], func.max(first, second))
        return cast(ColumnElement[float], func.greatest(first, second))
