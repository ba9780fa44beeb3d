"""The outbox worker: the dispatcher loop in a thread, plus periodic ticks such as escalation."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

from sqlalchemy.orm import Session

from alerts.clock import Clock, DatabaseClock
from alerts.dispatcher import (
    Dispatcher,
    OnPermanent,
    Prepare,
    RetryPolicy,
    default_prepare,
    no_escalation,
)
from alerts.limits import SharedLimits
from alerts.senders import Sender, log_senders
from locales import Catalogs
from models.db import Database
from sinjalizo.settings import Settings

log = logging.getLogger(__name__)

Tick = Callable[[Session, datetime], None]
TICK_SECONDS = 5.0
JOIN_SECONDS = 30.0  # how long stop() waits for a send in progress


class Worker:
    """Runs a dispatcher and the periodic ticks in background threads (a BackgroundService)."""

    name = "worker"

    def __init__(self, dispatcher: Dispatcher, *, poll_seconds: float = 0.2,
                 ticks: Sequence[Tick] = (), tick_seconds: float = TICK_SECONDS) -> None:
        """Drive `dispatcher`, polling every `poll_seconds`; run `ticks` every `tick_seconds`."""
        self.dispatcher = dispatcher
        self.poll_seconds = poll_seconds
        self.ticks = list(ticks)
        self.tick_seconds = tick_seconds
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        """Start the dispatcher thread and, if there are ticks, the tick thread."""
        self._stop.clear()
        self._threads = [threading.Thread(target=self.dispatcher.run,
                                          args=(self._stop, self.poll_seconds),
                                          name="outbox-dispatcher", daemon=True)]
        if self.ticks:
            # Ticks get their own thread so a slow escalation pass never delays delivery.
            self._threads.append(threading.Thread(target=self._tick_loop, name="outbox-ticks",
                                                  daemon=True))
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Ask the threads to stop and wait for the work in hand to finish."""
        self._stop.set()
        for thread in self._threads:
            thread.join(JOIN_SECONDS)
            if thread.is_alive():
                log.warning("%s did not stop in %.0f s; its lease will expire", thread.name,
                            JOIN_SECONDS)
        self._threads = []

    def run_ticks(self) -> None:
        """Run every tick once, each in its own transaction; a failing tick is only logged."""
        for tick in self.ticks:
            try:
                with self.dispatcher.db.transaction() as session:
                    tick(session, self.dispatcher.clock.now())
            except Exception:
                log.exception("worker tick %s failed", getattr(tick, "__name__", tick))

    def _tick_loop(self) -> None:
        """Run the ticks at once and then every `tick_seconds` until stopped."""
        while not self._stop.is_set():
            self.run_ticks()
            self._stop.wait(self.tick_seconds)


def build_dispatcher(settings: Settings, db: Database, *,
                     senders: dict[str, Sender] | None = None, clock: Clock | None = None,
                     prepare: Prepare = default_prepare,
                     on_permanent: OnPermanent = no_escalation,
                     policy: RetryPolicy | None = None) -> Dispatcher:
    """Build the dispatcher the settings describe, sending with `senders` (else the log).

    The channel senders are chosen by the process that starts the worker
    (sinjalizo/senders.py); alerts/ knows no channel.
    """
    return Dispatcher(db, senders if senders is not None else log_senders(),
                      clock or DatabaseClock(db), lease_seconds=settings.worker_lease_seconds,
                      policy=policy or RetryPolicy(
                          base_seconds=settings.worker_retry_base_seconds),
                      limits=SharedLimits(db), prepare=prepare, on_permanent=on_permanent)


def build_worker(settings: Settings, db: Database, *, ticks: Sequence[Tick] = (),
                 senders: dict[str, Sender] | None = None, clock: Clock | None = None,
                 prepare: Prepare = default_prepare,
                 on_permanent: OnPermanent = no_escalation) -> Worker:
    """Build the worker `sinjalizo worker` and `sinjalizo run` start."""
    dispatcher = build_dispatcher(settings, db, senders=senders, clock=clock, prepare=prepare,
                                  on_permanent=on_permanent)
    return Worker(dispatcher, poll_seconds=settings.worker_poll_seconds, ticks=ticks)


def standard_worker(settings: Settings, db: Database, *,
                    senders: dict[str, Sender] | None = None, clock: Clock | None = None,
                    catalogs: Catalogs | None = None) -> Worker:
    """Build the worker with the real content, escalation on failure, and the deadline check."""
    from alerts.campaigns import FanOut
    from alerts.content import prepare
    from alerts.deadlines import Deadlines
    from alerts.escalation import escalate_due, escalate_now
    from alerts.whatsapp_window import windowed
    from service.deadlines import in_effect
    from service.expiry import file_abandoned
    from service.fixed_check import ask_if_fixed
    from service.retention import DailyRetention
    from service.setup import build_conversations

    deadlines = Deadlines.load(settings.escalation_file or None)
    loaded = catalogs or Catalogs.load()
    clock = clock or DatabaseClock(db)
    # WhatsApp messages go as free text only inside the 24-hour window, else as templates.
    render = windowed(partial(prepare, catalogs=loaded, settings=settings), settings, clock)
    conversations = build_conversations(db, settings, catalogs=loaded)

    def check(session: Session, now: datetime) -> None:
        """Escalate every alert left unacknowledged past its deadline (as set right now)."""
        escalate_due(session, now, in_effect(session, deadlines))

    def abandoned(session: Session, now: datetime) -> None:
        """File what conversations left unanswered hold (a child at risk): nothing is lost."""
        file_abandoned(session, now, conversations)

    def fixed(session: Session, now: datetime) -> None:
        """Ask, a week after a hazard was resolved, whether it is really fixed."""
        ask_if_fixed(session, now, loaded)

    def idle_buckets(session: Session, now: datetime) -> None:
        """Forget the rate buckets of chats and numbers not written to for an hour."""
        del now
        SharedLimits(db).forget_idle(session)

    # Once a day, whichever worker gets there first: identities past the retention period.
    # Due awareness campaigns are written into the bulk lane, one worker per campaign.
    ticks = (check, abandoned, fixed, idle_buckets, DailyRetention(settings.retention_days),
             FanOut(db))
    return build_worker(settings, db, ticks=ticks, senders=senders, clock=clock,
                        prepare=render, on_permanent=escalate_now)
