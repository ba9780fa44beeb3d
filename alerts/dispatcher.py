"""The outbox dispatcher: claim due messages under a lease, deliver them, record every attempt.

Delivery is at-least-once. A message is marked sent only after its sender returned; if the
worker dies between the send and the record, another worker sends it again once the lease
has run out. Leases are short (10 s by default) and renewed every third of that by a
heartbeat while the worker lives, so a dead worker's messages go out again within seconds,
and a send in flight at its death is repeated at most once. Recording applies only while
this worker still holds the lease, so a slow worker whose lease was taken over never
overwrites the newer owner's outcome.

Rows are claimed lane by lane (alerts and escalations, then updates, then bulk sends), a few
at a time, so a dead worker holds little and an alert never waits behind a bulk send: between
two bulk sends of a batch, a due alert makes the worker hand the rest back and take it. Before
each send the dispatcher takes a slot in the sender's rate buckets (alerts/limits.py, shared
through the database by every process); a message whose bucket is full or paused for longer
than a moment is put back, due when the bucket frees, so one throttled channel never holds
up another.
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, insert, or_, select, update
from sqlalchemy.orm import Session

from alerts.clock import Clock
from alerts.limits import SharedLimits
from alerts.pacing import Limit, Limiter
from alerts.senders import OutgoingMessage, Permanent, RetryLater, Sender, SendResult, Sent
from models.db import UNREACHABLE, Database
from models.messaging import ALERT_LANE, BULK_LANE, DeliveryAttempt, OutboxMessage

log = logging.getLogger(__name__)

OUTBOX = cast(Table, OutboxMessage.__table__)
ATTEMPTS = cast(Table, DeliveryAttempt.__table__)
ERROR_LIMIT = 2000  # keep error texts bounded; a provider may answer with a whole HTML page
LEASE_SECONDS = 10.0
BATCH = 10  # rows claimed at once: few, so a dead worker holds little and lanes stay sharp
# Wait in place for a bucket this close to a slot (the 1/30 s of Telegram's overall rate);
# anything longer puts the message back, due when its bucket frees.
PACE_SLEEP_AT_MOST = 0.25
PAUSE_WITHOUT_RETRY_AFTER = 5.0  # a provider throttled us without saying for how long


@dataclass(frozen=True)
class Skip:
    """What `prepare` returns when a message should not go out, and why."""

    reason: str


Prepared = str | Skip
Prepare = Callable[[Session, OutboxMessage], Prepared]
OnPermanent = Callable[[Session, OutboxMessage, str, datetime], None]


def default_prepare(session: Session, row: OutboxMessage) -> Prepared:
    """Use the payload's text, or a plain summary; skip a payload that is not an object."""
    del session
    payload: Any = row.payload
    if not isinstance(payload, dict):
        return Skip(f"malformed payload: expected an object, got {type(payload).__name__}")
    given = payload.get("text")
    if isinstance(given, str) and given.strip():
        return given
    reference = payload.get("reference", "")
    event = payload.get("event", row.purpose)
    return f"{row.purpose}: {event} {reference}".strip()


def no_escalation(session: Session, row: OutboxMessage, error: str, now: datetime) -> None:
    """Do nothing on a permanent failure (the default until escalation is plugged in)."""
    del session, row, error, now


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off with full jitter, giving up after an age or a number of attempts."""

    base_seconds: float = 5.0
    cap_seconds: float = 15 * 60.0
    max_age: timedelta = timedelta(hours=24)
    max_attempts: int = 200

    def backoff(self, attempts: int, rng: random.Random) -> float:
        """Return a random delay before retry number `attempts` (1 for the first retry)."""
        # Full jitter spreads the retries of many failed messages over the whole window,
        # so a provider coming back is not hit by all of them at the same instant.
        ceiling = min(self.cap_seconds, self.base_seconds * 2.0 ** max(0, attempts - 1))
        return rng.uniform(0.0, ceiling)

    def gives_up(self, attempts: int, created_at: datetime, now: datetime) -> bool:
        """Tell whether a message tried `attempts` times since `created_at` should stop."""
        return attempts >= self.max_attempts or now - created_at >= self.max_age


def default_worker_id() -> str:
    """Return an id unique to this worker: host, process and a random part."""
    return f"{socket.gethostname()[:30]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def _bounded(error: str) -> str:
    """Cut an error text down to what the outbox keeps."""
    return error if len(error) <= ERROR_LIMIT else error[:ERROR_LIMIT] + "…"


class Dispatcher:
    """Claims due outbox rows and delivers them through the channel senders."""

    def __init__(self, db: Database, senders: Mapping[str, Sender], clock: Clock, *,
                 worker_id: str | None = None, lease_seconds: float = LEASE_SECONDS,
                 batch: int = BATCH, policy: RetryPolicy | None = None,
                 limits: Limiter | None = None, prepare: Prepare = default_prepare,
                 on_permanent: OnPermanent = no_escalation, rng: random.Random | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        """Deliver `db`'s outbox with `senders`, reading deadlines from `clock`."""
        self.db = db
        self.senders = dict(senders)
        self.clock = clock
        self.worker_id = worker_id or default_worker_id()
        self.lease_seconds = lease_seconds
        self.heartbeat_seconds = lease_seconds / 3
        self.batch = batch
        self.policy = policy or RetryPolicy()
        self.limits = limits or SharedLimits(db)
        self.prepare = prepare
        self.on_permanent = on_permanent
        self.rng = rng or random.Random()
        self.sleep = sleep
        self.monotonic = monotonic
        # The rows this worker holds now, whose leases the heartbeat renews.
        self._held: set[int] = set()
        self._bulk: set[int] = set()  # the bulk-lane rows of the last claim
        self._held_lock = threading.Lock()

    # -- claiming -------------------------------------------------------------------------

    def claim(self, now: datetime) -> list[int]:
        """Lease up to `batch` due rows to this worker in one short transaction; return ids."""
        due = (select(OUTBOX.c.id)
               .where(OUTBOX.c.status == "pending", OUTBOX.c.due_at <= now,
                      or_(OUTBOX.c.lease_until.is_(None), OUTBOX.c.lease_until < now))
               .order_by(OUTBOX.c.priority, OUTBOX.c.due_at, OUTBOX.c.id).limit(self.batch))
        chosen = due.cte("due")
        if not self.db.is_sqlite:
            # Concurrent workers skip the rows another is claiming instead of waiting on them.
            # Materialized: as a plain subquery PostgreSQL may run it again per row it
            # updates, and each run past the skipped rows leases more than `batch`.
            chosen = due.with_for_update(skip_locked=True).cte("due").prefix_with(
                "MATERIALIZED")
        # One UPDATE: SQLite takes its single write lock at once, so two workers can never
        # read the same free rows and both lease them.
        claim = (update(OUTBOX).where(OUTBOX.c.id.in_(select(chosen.c.id)))
                 .values(lease_owner=self.worker_id,
                         lease_until=now + timedelta(seconds=self.lease_seconds))
                 .returning(OUTBOX.c.id, OUTBOX.c.priority, OUTBOX.c.due_at))
        with self.db.transaction() as session:
            rows = session.execute(claim).all()
        ids = [row.id for row in sorted(rows, key=lambda r: (r.priority, r.due_at, r.id))]
        self._bulk = {row.id for row in rows if row.priority == BULK_LANE}
        self._hold(ids)
        return ids

    def alert_waiting(self, now: datetime) -> bool:
        """Tell whether an alert or escalation is due and free (read between bulk sends)."""
        try:
            with self.db.session() as session:
                return session.execute(select(OUTBOX.c.id).where(
                    OUTBOX.c.status == "pending", OUTBOX.c.priority == ALERT_LANE,
                    OUTBOX.c.due_at <= now,
                    or_(OUTBOX.c.lease_until.is_(None), OUTBOX.c.lease_until < now)).limit(1)
                ).first() is not None
        except Exception:
            # The batch goes on as before; the next claim takes the alert lane first anyway.
            log.exception("dispatcher %s: looking for waiting alerts failed", self.worker_id)
            return False

    def renew(self) -> int:
        """Extend the leases of the rows this worker holds; return how many were renewed."""
        with self._held_lock:
            ids = sorted(self._held)
        if not ids:
            return 0
        until = self.clock.now() + timedelta(seconds=self.lease_seconds)
        with self.db.transaction() as session:
            done = session.execute(update(OUTBOX).where(
                OUTBOX.c.id.in_(ids), OUTBOX.c.lease_owner == self.worker_id,
                OUTBOX.c.status == "pending").values(lease_until=until))
        return int(getattr(done, "rowcount", 0) or 0)

    @contextmanager
    def heartbeat(self) -> Iterator[None]:
        """Renew this worker's leases every third of a lease while the block runs."""
        stop = threading.Event()
        thread = threading.Thread(target=self._beat, args=(stop,), daemon=True,
                                  name="outbox-lease-heartbeat")
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    def _beat(self, stop: threading.Event) -> None:
        """Renew the leases until `stop` is set; a failed renewal is logged and tried again."""
        while not stop.wait(self.heartbeat_seconds):
            try:
                self.renew()
            except Exception:
                # The database may be restarting: if the leases run out meanwhile, another
                # worker takes the rows and this one's late outcome is dropped.
                log.exception("dispatcher %s: renewing leases failed", self.worker_id)

    def _hold(self, ids: list[int]) -> None:
        """Note rows as held by this worker."""
        with self._held_lock:
            self._held.update(ids)

    def _let_go(self, ids: Sequence[int]) -> None:
        """Note rows as no longer held by this worker."""
        with self._held_lock:
            self._held.difference_update(ids)

    # -- running --------------------------------------------------------------------------

    def run_once(self) -> int:
        """Claim what is due now and deliver it; return how many rows were claimed."""
        started = self.monotonic()
        ids = self.claim(self.clock.now())
        for position, outbox_id in enumerate(ids):
            # A bulk batch paced by its buckets takes a while: an alert filed meanwhile goes
            # first, and the rest of the batch is handed back.
            yields = position > 0 and outbox_id in self._bulk \
                and self.alert_waiting(self.clock.now())
            if yields or self.monotonic() - started > self.lease_seconds / 2:
                # Slow sends made this batch slow: hand back the rest, for another worker
                # (or this one's next claim, lane by lane) to take.
                try:
                    self._release(ids[position:])
                finally:
                    # Even if the database cannot take them back now, stop renewing their
                    # leases, so they lapse and any worker sends them when it returns.
                    self._let_go(ids[position:])
                break
            try:
                self.deliver(outbox_id)
            except Exception:
                # A database hiccup on one row must not stop the others; the lease expires
                # and the row is tried again.
                log.exception("outbox %s: delivery failed unexpectedly", outbox_id)
            finally:
                self._let_go([outbox_id])
        return len(ids)

    def drain(self) -> int:
        """Deliver what is due until nothing is left, renewing leases; return rows claimed."""
        total = 0
        with self.heartbeat():
            while (claimed := self.run_once()) > 0:
                total += claimed
        return total

    def run(self, stop: threading.Event, poll_seconds: float = 0.2) -> None:
        """Deliver until `stop` is set, looking for due rows every `poll_seconds` when idle."""
        log.info("dispatcher %s started", self.worker_id)
        with self.heartbeat():
            while not stop.is_set():
                try:
                    busy = self.run_once() > 0
                except Exception:
                    # The database may be restarting; keep the worker alive and try again.
                    log.exception("dispatcher %s: claiming failed", self.worker_id)
                    busy = False
                if not busy:
                    stop.wait(poll_seconds)
        log.info("dispatcher %s stopped", self.worker_id)

    def _release(self, ids: list[int]) -> None:
        """Give back leases this worker still holds, so the rows are due again at once."""
        with self.db.transaction() as session:
            session.execute(update(OUTBOX).where(
                OUTBOX.c.id.in_(ids), OUTBOX.c.lease_owner == self.worker_id,
                OUTBOX.c.status == "pending").values(lease_owner=None, lease_until=None))
        self._let_go(ids)

    def _defer(self, outbox_id: int, seconds: float) -> str:
        """Give a row back, due when its rate bucket frees; it is no attempt."""
        due = self.clock.now() + timedelta(seconds=seconds)
        with self.db.transaction() as session:
            session.execute(update(OUTBOX).where(
                OUTBOX.c.id == outbox_id, OUTBOX.c.lease_owner == self.worker_id,
                OUTBOX.c.status == "pending").values(due_at=due, lease_owner=None,
                                                     lease_until=None))
        self._let_go([outbox_id])
        log.debug("outbox %s: rate limited, due again in %.2f s", outbox_id, seconds)
        return "deferred"

    # -- delivering one row -------------------------------------------------------------

    def deliver(self, outbox_id: int) -> str:
        """Prepare, pace, send and record one claimed row; return the recorded outcome."""
        try:
            message = self._prepare(outbox_id)
        except UNREACHABLE:
            # The database went away, which says nothing about the message: keep it pending,
            # and it is claimed again once its lease lapses.
            raise
        except Exception as exc:
            log.exception("outbox %s: could not be prepared", outbox_id)
            return self._fail_unprepared(outbox_id, f"prepare failed: {exc!r}")
        if isinstance(message, str):
            return message  # skipped, gone or no longer ours: already recorded
        sender = self.senders.get(message.channel)
        if sender is None:
            result: SendResult = Permanent(f"no sender for channel {message.channel!r}")
        else:
            wait = self._take_slot(sender.limits(message))
            if wait > 0:
                return self._defer(outbox_id, wait)
            try:
                result = sender.send(message)
            except Exception as exc:
                # A sender should answer with a result; an exception is treated as passing.
                log.exception("outbox %s: the %s sender raised", outbox_id, message.channel)
                result = RetryLater(f"sender raised: {exc!r}")
            if isinstance(result, RetryLater) and result.pause:
                self._pause(result.pause, result.retry_after)
        return self._record(outbox_id, result)

    def _take_slot(self, limits: Sequence[Limit]) -> float:
        """Take a slot in every bucket, waiting a moment if need be; else return the wait."""
        if not limits:
            return 0.0
        started = self.monotonic()
        while (wait := self.limits.take(limits)) > 0:
            if wait > PACE_SLEEP_AT_MOST or self.monotonic() - started > self.lease_seconds / 2:
                return wait
            self.sleep(wait)
        return 0.0

    def _pause(self, key: str, retry_after: float | None) -> None:
        """Pause a whole bucket the provider throttled, for every process; log a failure."""
        try:
            self.limits.pause(key, retry_after if retry_after is not None
                              else PAUSE_WITHOUT_RETRY_AFTER)
        except Exception:
            log.exception("could not pause %s after the provider throttled it", key)

    def _prepare(self, outbox_id: int) -> OutgoingMessage | str:
        """Load the row while it is ours and render it, or record a skip; say which."""
        with self.db.transaction() as session:
            row = session.get(OutboxMessage, outbox_id)
            if row is None or row.lease_owner != self.worker_id or row.status != "pending":
                return "lost"
            prepared = self.prepare(session, row)
            if isinstance(prepared, Skip):
                now = self.clock.now()
                self._finish(row, "skipped", now, error=prepared.reason)
                session.add(self._attempt(outbox_id, now, "skipped", error=prepared.reason))
                log.info("outbox %s skipped: %s", outbox_id, prepared.reason)
                return "skipped"
            payload = row.payload if isinstance(row.payload, dict) else {}
            return OutgoingMessage(outbox_id=row.id, purpose=row.purpose, channel=row.channel,
                                   address=row.address, language=row.language, text=prepared,
                                   payload=dict(payload))

    def _record(self, outbox_id: int, result: SendResult) -> str:
        """Store the outcome of a send, if this worker still holds the lease."""
        if isinstance(result, Sent):
            return self._record_sent(outbox_id, result)
        with self.db.transaction() as session:
            now = self.clock.now()
            row = session.get(OutboxMessage, outbox_id, with_for_update=not self.db.is_sqlite)
            ours = row is not None and row.lease_owner == self.worker_id \
                and row.status == "pending"
            if row is None or not ours:
                log.warning("outbox %s: outcome %r dropped, the lease was lost", outbox_id, result)
                return "lost"
            row.attempts += 1
            if isinstance(result, RetryLater):
                if not self.policy.gives_up(row.attempts, row.created_at, now):
                    delay = max(self.policy.backoff(row.attempts, self.rng),
                                result.retry_after or 0.0)
                    row.due_at = now + timedelta(seconds=delay)
                    row.last_error = _bounded(result.error)
                    row.lease_owner = row.lease_until = None
                    session.add(self._attempt(outbox_id, now, "retry", error=result.error,
                                              retry_after=result.retry_after))
                    log.info("outbox %s: retry %d in %.1f s: %s", outbox_id, row.attempts,
                             delay, result.error)
                    return "retry"
                error = f"gave up after {row.attempts} attempts: {result.error}"
            else:
                error = result.error
            self._finish(row, "failed", now, error=error)
            session.add(self._attempt(outbox_id, now, "permanent", error=error))
            log.warning("outbox %s failed for good: %s", outbox_id, error)
            self.on_permanent(session, row, error, now)
            return "failed"

    def _record_sent(self, outbox_id: int, result: Sent) -> str:
        """Mark a row sent in two plain statements: the path every delivery takes."""
        now = self.clock.now()
        with self.db.transaction() as session:
            done = session.execute(update(OUTBOX).where(
                OUTBOX.c.id == outbox_id, OUTBOX.c.lease_owner == self.worker_id,
                OUTBOX.c.status == "pending").values(
                status="sent", sent_at=now, provider_id=result.provider_id,
                attempts=OUTBOX.c.attempts + 1, last_error="", lease_owner=None,
                lease_until=None))
            # The send happened whoever holds the lease now: the audit trail keeps it.
            session.execute(insert(ATTEMPTS).values(
                outbox_id=outbox_id, at=now, worker=self.worker_id, outcome="sent", error="",
                provider_id=result.provider_id))
        if not getattr(done, "rowcount", 0):
            log.warning("outbox %s: sent after losing the lease; it may be sent twice",
                        outbox_id)
        return "sent"

    def _fail_unprepared(self, outbox_id: int, error: str) -> str:
        """Mark a row that could not even be loaded or rendered as failed, then escalate."""
        try:
            with self.db.transaction() as session:
                now = self.clock.now()
                row = session.get(OutboxMessage, outbox_id)
                if row is None or row.lease_owner != self.worker_id or row.status != "pending":
                    return "lost"
                row.attempts += 1
                self._finish(row, "failed", now, error=error)
                session.add(self._attempt(outbox_id, now, "permanent", error=error))
                self.on_permanent(session, row, error, now)
                return "failed"
        except Exception:
            # The row itself cannot be loaded (say, its payload is not JSON at all):
            # fail it without the ORM, and without escalation, which needs the row.
            log.exception("outbox %s: cannot be loaded; failing it as it stands", outbox_id)
            return self._fail_raw(outbox_id, error)

    def _fail_raw(self, outbox_id: int, error: str) -> str:
        """Fail a row with plain SQL, touching only the columns that do not need decoding."""
        with self.db.transaction() as session:
            now = self.clock.now()
            done = session.execute(update(OUTBOX).where(
                OUTBOX.c.id == outbox_id, OUTBOX.c.lease_owner == self.worker_id,
                OUTBOX.c.status == "pending").values(
                status="failed", last_error=_bounded(error), lease_owner=None, lease_until=None,
                attempts=OUTBOX.c.attempts + 1))
            if not getattr(done, "rowcount", 0):
                return "lost"
            session.execute(insert(ATTEMPTS).values(
                outbox_id=outbox_id, at=now, worker=self.worker_id, outcome="permanent",
                error=_bounded(error)))
            return "failed"

    @staticmethod
    def _finish(row: OutboxMessage, status: str, now: datetime, error: str) -> None:
        """Close a row with its final status and drop the lease."""
        del now
        row.status = status
        row.last_error = _bounded(error)
        row.lease_owner = None
        row.lease_until = None

    def _attempt(self, outbox_id: int, now: datetime, outcome: str, *, error: str = "",
                 provider_id: str | None = None,
                 retry_after: float | None = None) -> DeliveryAttempt:
        """Build the audit row of one attempt by this worker."""
        return DeliveryAttempt(outbox_id=outbox_id, at=now, worker=self.worker_id,
                               outcome=outcome, error=_bounded(error), provider_id=provider_id,
                               retry_after_seconds=retry_after)


__all__ = ["Dispatcher", "OnPermanent", "Prepare", "Prepared", "RetryPolicy", "Skip",
           "default_prepare", "no_escalation"]
