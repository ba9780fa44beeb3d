"""Escalation deadlines and the chain primary → backup → coordinator → national, on stored times."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.deadlines import DeadlineError, Deadlines
from alerts.escalation import chain, escalate_due, escalate_now, escalate_row, next_in_chain
from alerts.lifecycle import Actor, change_status
from models import ContactPoint, OutboxMessage, Report, ReportEvent
from models.db import Database
from routing.rules import Candidate
from tests.dialog import Chat
from tests.test_lifecycle import file_hazard, report_of

DEFAULTS = Deadlines.load(None)
HAZARD_DEADLINE = timedelta(hours=72)


def test_default_deadlines() -> None:
    """The built-in file holds the documented defaults."""
    assert DEFAULTS.deadline_for("child_at_risk", True) == timedelta(minutes=15)
    assert DEFAULTS.deadline_for("child_at_risk", False) == timedelta(hours=24)
    assert DEFAULTS.deadline_for("dropout", True) == timedelta(hours=72)
    assert DEFAULTS.deadline_for("hazard", False) == timedelta(hours=72)
    assert DEFAULTS.deadline_for("unknown", False) == timedelta(hours=24)


def test_a_settings_file_overrides(tmp_path: Path) -> None:
    """A deployer's file replaces the defaults."""
    path = tmp_path / "deadlines.toml"
    path.write_text('default = "2d"\n[hazard]\nnormal = "90m"\nurgent = "0.5h"\n')
    deadlines = Deadlines.load(path)
    assert deadlines.deadline_for("hazard", False) == timedelta(minutes=90)
    assert deadlines.deadline_for("hazard", True) == timedelta(minutes=30)
    assert deadlines.deadline_for("dropout", False) == timedelta(days=2)


@pytest.mark.parametrize(("text", "error"), [
    ("[hazard\n", "not valid TOML"),
    ('[hazard]\nnormal = "soon"\n', "hazard.normal"),
    ('[hazard]\nnormal = "0m"\n', "longer than zero"),
    ('[hazard]\nlater = "1h"\n', "unknown keys"),
    ('hazard = "1h"\n', "must be a table"),
])
def test_bad_files_are_explained(tmp_path: Path, text: str, error: str) -> None:
    """A bad file names itself and the faulty entry."""
    path = tmp_path / "deadlines.toml"
    path.write_text(text)
    with pytest.raises(DeadlineError, match=error):
        Deadlines.load(path)
    with pytest.raises(DeadlineError, match="does not exist"):
        Deadlines.load(tmp_path / "missing.toml")


def test_chain_order_is_pure() -> None:
    """Holders by escalation order, then the coordinator, then national; inactive skipped."""
    people = [Candidate(1, "public_services", 7), Candidate(2, "public_services", 7, None, 2),
              Candidate(3, "coordinator", 7), Candidate(4, "national", None),
              Candidate(5, "public_services", 8), Candidate(6, "public_services", 7, None, 3,
                                                            active=False)]
    ordered = chain("public_services", 7, None, people)
    assert [c.id for c in ordered] == [1, 2, 6, 3, 4]
    assert next_in_chain(ordered, 2, {1, 2}) == people[2]
    assert next_in_chain(ordered, 4, {1, 2, 3, 4}) is None
    school = [Candidate(9, "school", 7, 11), Candidate(10, "school", 7, 12)]
    assert [c.id for c in chain("school", 7, 11, school + people)] == [9, 3, 4]


def add_backup(session: Session, report: Report) -> ContactPoint:
    """Add a second public-services contact point in the report's municipality."""
    backup = ContactPoint(name="Backup public services", role="public_services",
                          municipality_id=report.municipality_id, phone="+38344777002",
                          escalation_order=2, language="en")
    session.add(backup)
    session.flush()
    return backup


def holders(session: Session, report: Report) -> list[tuple[str | None, int, str]]:
    """Return (contact point role, level, state) of the report's routes, in order."""
    session.refresh(report)
    return [(r.contact_point.role if r.contact_point else None, r.level, r.state)
            for r in report.routes]


def step(session: Session, at: datetime) -> int:
    """Run one escalation pass with the default deadlines at `at`."""
    return escalate_due(session, at, DEFAULTS)


def test_the_whole_chain(chat: Callable[..., Chat], demo_db: Database) -> None:
    """Unacknowledged past each deadline: backup, coordinator, national, then it stops once."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        backup = add_backup(session, report)
        t = report.created_at
        assert step(session, t + HAZARD_DEADLINE - timedelta(minutes=1)) == 0
        for expected in ("public_services", "coordinator", "national"):
            t += HAZARD_DEADLINE
            assert step(session, t) == 1
            assert holders(session, report)[-1] == (expected, len(report.routes) - 1, "alerted")
        assert report.routes[1].contact_point_id == backup.id
        assert [r.state for r in report.routes] == ["escalated"] * 3 + ["alerted"]
        escalations = session.scalars(select(OutboxMessage).where(
            OutboxMessage.report_id == report.id, OutboxMessage.purpose == "escalation")).all()
        assert [e.payload["level"] for e in escalations] == [1, 2, 3]
        assert escalations[0].address == "+38344777002" and escalations[0].language == "en"
        t += HAZARD_DEADLINE
        assert step(session, t) == 0
        assert step(session, t + HAZARD_DEADLINE) == 0
        events = session.scalars(select(ReportEvent).where(
            ReportEvent.report_id == report.id, ReportEvent.kind == "escalation")
            .order_by(ReportEvent.id)).all()
        assert len(events) == 4 and "exhausted" in events[-1].note
        assert all(e.actor == "system" for e in events)


def test_acknowledgement_stops_the_chain(chat: Callable[..., Chat], demo_db: Database) -> None:
    """Once the backup acknowledges, no deadline escalates the report any further."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        backup = add_backup(session, report)
        t = report.created_at + HAZARD_DEADLINE
        assert step(session, t) == 1
        change_status(session, reference, Actor("contact_point", backup.id), "acknowledged",
                      now=t + timedelta(minutes=3))
        assert step(session, t + 10 * HAZARD_DEADLINE) == 0
        assert [state for _, _, state in holders(session, report)] == [
            "escalated", "acknowledged"]


def test_a_permanent_failure_escalates_at_once(chat: Callable[..., Chat],
                                               demo_db: Database) -> None:
    """An undeliverable alert marks its route failed and alerts the next one immediately."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        add_backup(session, report)
        [alert] = session.scalars(select(OutboxMessage).where(
            OutboxMessage.report_id == report.id)).all()
        now = report.created_at + timedelta(seconds=30)
        escalate_now(session, alert, "SMS number opted out", now)
        assert not escalate_row(session, alert, "SMS number opted out", now)
        assert holders(session, report) == [("public_services", 0, "failed"),
                                            ("public_services", 1, "alerted")]
        assert "SMS number opted out" in report.events[-1].note


def test_a_deactivated_contact_point_is_skipped(chat: Callable[..., Chat],
                                                demo_db: Database) -> None:
    """A backup switched off is passed over: the coordinator is next."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        backup = add_backup(session, report)
        backup.active = False
        assert step(session, report.created_at + HAZARD_DEADLINE) == 1
        assert holders(session, report)[-1] == ("coordinator", 1, "alerted")
