"""Acknowledgement and status changes: who may, which transitions, events, reporter updates."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.lifecycle import Actor, Refused, StatusChange, change_status, decide
from models import Contact, ContactPoint, OutboxMessage, Report, ReportEvent
from models.db import Database
from tests.dialog import Chat, references, rows

REPORTER = "+38344999001"
HAZARD = rows(("Tung", ""), ("1", ""), ("1", ""), ("Drenas", ""), ("kalo", ""),
              ("Pusetë pa kapak te rruga kryesore", ""), ("po", "R-"))
STAFF = Actor("staff", 1, "Dashboard user")


def file_hazard(chat: Callable[..., Chat], address: str = REPORTER) -> str:
    """File a hazard in Drenas by SMS and return its reference."""
    person = chat("sms", address)
    person.replay(HAZARD)
    [reference] = references(person)
    return reference


def report_of(session: Session, reference: str) -> Report:
    """Load a report by reference."""
    report = session.scalar(select(Report).where(Report.reference == reference))
    assert report is not None
    return report


def updates(session: Session, report: Report) -> list[OutboxMessage]:
    """Return the reporter updates queued for a report."""
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.report_id == report.id, OutboxMessage.purpose == "reporter_update")))


@pytest.mark.parametrize(("current", "target", "reason", "verdict"), [
    ("routed", "acknowledged", None, "ok"),
    ("acknowledged", "acknowledged", None, "noop"),
    ("in_progress", "acknowledged", None, "noop"),
    ("routed", "resolved", None, "not_allowed"),
    ("acknowledged", "in_progress", None, "ok"),
    ("in_progress", "closed", None, "reason_required"),
    ("in_progress", "closed", "because", "reason_required"),
    ("in_progress", "closed", "referred", "ok"),
    ("closed", "in_progress", None, "not_allowed"),
])
def test_decide(current: str, target: str, reason: str | None, verdict: str) -> None:
    """The transition table as a pure decision."""
    assert decide(current, target, reason) == verdict


def test_ack_by_the_routed_contact_point(chat: Callable[..., Chat], demo_db: Database) -> None:
    """The routed contact point acknowledges: status, event, routes, one reporter update."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        point = report.routes[0].contact_point
        assert point is not None
        now = report.created_at + timedelta(minutes=5)
        actor = Actor("contact_point", point.id, point.name)
        result = change_status(session, reference.lower(), actor, "acknowledged", now=now)
        assert result == StatusChange(reference, "routed", "acknowledged", reporter_told=True)
        again = change_status(session, reference, actor, "acknowledged", now=now)
        assert again == StatusChange(reference, "acknowledged", "acknowledged", changed=False)
    with demo_db.session() as session:
        report = report_of(session, reference)
        assert report.status == "acknowledged" and report.acknowledged_at == now
        assert [r.state for r in report.routes] == ["acknowledged"]
        event = report.events[-1]
        assert (event.actor, event.from_status, event.to_status) == (
            f"contact_point:{point.id}", "routed", "acknowledged")
        [update] = updates(session, report)
        assert (update.channel, update.address, update.language) == ("sms", REPORTER, "sq")
        assert update.payload["status"] == "acknowledged"


def test_others_get_the_same_not_found(chat: Callable[..., Chat], demo_db: Database) -> None:
    """A contact point not routed the report sees exactly what an unknown reference gives."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        stranger = session.scalar(select(ContactPoint).where(ContactPoint.role == "national"))
        assert stranger is not None
        actor = Actor("contact_point", stranger.id)
        now = report.created_at
        refused = change_status(session, reference, actor, "acknowledged", now=now)
        missing = change_status(session, "R-ZZZZZZ", actor, "acknowledged", now=now)
        assert refused == Refused(reference, "not_found")
        assert missing == Refused("R-ZZZZZZ", "not_found")
        assert report.status == "routed"
        assert not session.scalars(select(ReportEvent).where(
            ReportEvent.report_id == report.id, ReportEvent.to_status == "acknowledged")).all()


def test_close_needs_a_reason(chat: Callable[..., Chat], demo_db: Database) -> None:
    """Staff take it through in progress and close it with a reason; the reporter hears twice."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        now = report.created_at + timedelta(hours=1)
        assert isinstance(change_status(session, reference, STAFF, "acknowledged", now=now),
                          StatusChange)
        resolved = change_status(session, reference, STAFF, "resolved", now=now)
        assert resolved == StatusChange(reference, "acknowledged", "resolved", reporter_told=True)
        assert change_status(session, reference, STAFF, "closed", reason="duplicate",
                             now=now) == Refused(reference, "not_allowed", "resolved")
    reference = file_hazard(chat, "+38344999002")
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        now = report.created_at + timedelta(hours=1)
        change_status(session, reference, STAFF, "acknowledged", now=now)
        change_status(session, reference, STAFF, "in_progress", now=now)
        assert change_status(session, reference, STAFF, "closed", now=now) == Refused(
            reference, "reason_required", "in_progress")
        closed = change_status(session, reference, STAFF, "closed", reason="duplicate",
                               note="same as R-AAAAAA", now=now)
        assert closed == StatusChange(reference, "in_progress", "closed", reporter_told=True)
        assert (report.status, report.close_reason, report.resolved_at) == (
            "closed", "duplicate", now)
        assert report.events[-1].note == "duplicate: same as R-AAAAAA"
        assert [u.payload["status"] for u in updates(session, report)] == [
            "acknowledged", "closed"]


def test_no_update_to_an_opted_out_reporter(chat: Callable[..., Chat],
                                            demo_db: Database) -> None:
    """A reporter who opted out is not written to; the change itself still happens."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        contact = session.get(Contact, report.reporter_contact_id)
        assert contact is not None
        contact.opted_out = True
        result = change_status(session, reference, STAFF, "acknowledged", now=report.created_at)
        assert isinstance(result, StatusChange) and not result.reporter_told
        assert report.status == "acknowledged" and not updates(session, report)


def test_no_update_for_a_simulated_report(chat: Callable[..., Chat], demo_db: Database) -> None:
    """A simulated report changes status but writes to nobody."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        report.simulated = True
        result = change_status(session, reference, STAFF, "acknowledged", now=report.created_at)
        assert isinstance(result, StatusChange) and not result.reporter_told
        assert not updates(session, report)
