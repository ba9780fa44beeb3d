"""A report's whole life: filed by chat, alerted, acknowledged by SMS, the reporter told."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select

from alerts.clock import ManualClock
from alerts.worker import Worker, standard_worker
from models import OutboxMessage, ReportEvent
from models.db import Database
from sinjalizo.settings import Settings
from tests.dialog import START, Chat, references, rows
from tests.fake_senders import FakeSender
from tests.test_dialogs import CHILD_IN_DANGER
from tests.test_focal_points import phone_of

REPORTER = "+38349111222"


def worker_for(db: Database, database_url: str, sms: FakeSender,
               clock: ManualClock) -> Worker:
    """Return the real worker, with recording senders and an injected clock."""
    senders = {"sms": sms, "telegram": FakeSender("telegram"), "email": FakeSender("email"),
               "log": FakeSender("log")}
    return standard_worker(Settings(database_url=database_url), db, senders=senders,
                           clock=clock)


def test_alert_acknowledgement_and_reporter_update(chat: Callable[..., Chat], demo_db: Database,
                                                   database_url: str) -> None:
    """Alerts reach both roles in Albanian; OK by SMS reaches the reporter once, in Albanian."""
    reporter = chat("sms", REPORTER)
    reporter.replay(CHILD_IN_DANGER)
    [reference] = references(reporter)
    sms, clock = FakeSender("sms"), ManualClock(START + timedelta(minutes=5))
    worker = worker_for(demo_db, database_url, sms, clock)
    worker.dispatcher.run_once()
    protection = phone_of(demo_db, "Demo: Prishtinë child protection")
    police = phone_of(demo_db, "Demo: Prishtinë police liaison")
    assert sorted(m.address for m in sms.sent) == sorted([protection, police])
    assert all(reference in m.text and "URGJENT" in m.text for m in sms.sent)
    assert all(REPORTER not in m.text for m in sms.sent)
    chat("sms", protection).replay(rows((f"OK {reference}", reference)))
    worker.dispatcher.run_once()
    [update] = [m for m in sms.sent if m.address == REPORTER]
    assert reference in update.text and update.language == "sq"
    clock.advance(minutes=30)
    worker.run_ticks()  # acknowledged: the deadline passing escalates nothing
    worker.dispatcher.run_once()
    assert len([m for m in sms.sent if m.address == REPORTER]) == 1
    with demo_db.session() as session:
        assert not session.scalars(select(OutboxMessage).where(
            OutboxMessage.purpose == "escalation")).all()


def test_unacknowledged_urgent_report_escalates(chat: Callable[..., Chat], demo_db: Database,
                                                database_url: str) -> None:
    """Fifteen quiet minutes after an urgent report, the chain moves on to the coordinator."""
    chat("sms", REPORTER).replay(CHILD_IN_DANGER)
    sms, clock = FakeSender("sms"), ManualClock(START + timedelta(minutes=5))
    worker = worker_for(demo_db, database_url, sms, clock)
    worker.dispatcher.run_once()
    worker.run_ticks()
    assert len(sms.sent) == 2
    clock.advance(minutes=16)
    worker.run_ticks()
    worker.dispatcher.run_once()
    coordinator = phone_of(demo_db, "Demo: Prishtinë coordinator")
    assert coordinator in [m.address for m in sms.sent[2:]]
    with demo_db.session() as session:
        assert session.scalars(select(ReportEvent).where(
            ReportEvent.kind == "escalation")).all()


def test_a_permanent_failure_escalates_at_once(chat: Callable[..., Chat], demo_db: Database,
                                               database_url: str) -> None:
    """A number that cannot be reached hands the alert to the next in the chain at once."""
    chat("sms", REPORTER).replay(CHILD_IN_DANGER)
    clock = ManualClock(START + timedelta(minutes=5))
    failing = FakeSender("sms", permanent="21610 unsubscribed recipient")
    worker_for(demo_db, database_url, failing, clock).dispatcher.run_once()
    with demo_db.session() as session:
        failed = session.scalars(select(OutboxMessage).where(
            OutboxMessage.purpose == "alert")).all()
        escalations = session.scalars(select(OutboxMessage).where(
            OutboxMessage.purpose == "escalation")).all()
    assert {m.status for m in failed} == {"failed"}
    assert escalations and {m.status for m in escalations} == {"pending"}
