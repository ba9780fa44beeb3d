"""Focal points act on their reports from the chat: OK, PROCES, ZGJIDHUR with the reference."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select

from models import ContactPoint, Report, ReportEvent
from models.db import Database
from tests.dialog import Chat, references, rows
from tests.test_dialogs import CHILD_IN_DANGER, MENU

NOW_STATUS = "Report {reference} is now: {status}."
NOT_YOURS = "I found no report {reference} assigned to you. Please check the reference."


def phone_of(db: Database, name: str) -> str:
    """Return the phone of a demo contact point."""
    with db.session() as session:
        phone = session.scalar(select(ContactPoint.phone).where(ContactPoint.name == name))
    assert phone
    return phone


def test_focal_point_acknowledges_then_resolves(chat: Callable[..., Chat],
                                                demo_db: Database) -> None:
    """The routed worker takes the report up and resolves it with a note, by SMS."""
    reporter = chat("sms", "+38349111222")
    reporter.replay(CHILD_IN_DANGER)
    [reference] = references(reporter)
    worker = chat("sms", phone_of(demo_db, "Demo: Prishtinë child protection"))
    worker.replay(rows(
        (f"OK {reference}", (reference, "taken up by the responsible office")),
        (f"proces {reference.lower()}", "being handled"),
        (f"ZGJIDHUR {reference} Familja u vizitua, fëmija është i sigurt.", "resolved"),
    ))
    with demo_db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None and report.status == "resolved"
        notes = session.scalars(select(ReportEvent.note).where(
            ReportEvent.report_id == report.id, ReportEvent.to_status == "resolved")).all()
        assert notes == ["Familja u vizitua, fëmija është i sigurt."]


def test_others_are_told_not_found(chat: Callable[..., Chat], demo_db: Database) -> None:
    """A focal point of another municipality gets the same answer as for a made-up reference."""
    reporter = chat("sms", "+38349111223")
    reporter.replay(CHILD_IN_DANGER)
    [reference] = references(reporter)
    other = chat("sms", phone_of(demo_db, "Demo: Prizren child protection"))
    [theirs] = other.replay(rows((f"OK {reference}", reference)))
    [made_up] = other.replay(rows(("OK R-ZZZZZZ", "R-ZZZZZZ")))
    assert theirs.replace(reference, "X") == made_up.replace("R-ZZZZZZ", "X")
    assert other.expects(theirs, NOT_YOURS, "sq")
    with demo_db.session() as session:
        assert session.scalar(select(Report.status).where(
            Report.reference == reference)) == "routed"


def test_a_citizen_writing_ok_is_just_talking(chat: Callable[..., Chat]) -> None:
    """From an address that is no contact point, "OK R-…" is an ordinary message."""
    chat().replay(rows(("OK R-7K3M9Q", MENU)))


def test_closing_needs_a_reason(chat: Callable[..., Chat], demo_db: Database) -> None:
    """MBYLL without a reason asks for one; with DUBLIKATE it closes, keeping the note."""
    reporter = chat("sms", "+38349111224")
    reporter.replay(CHILD_IN_DANGER)
    [reference] = references(reporter)
    worker = chat("sms", phone_of(demo_db, "Demo: Prishtinë child protection"))
    worker.replay(rows(
        (f"MBYLL {reference}", "DUBLIKATE"),
        (f"mbyll {reference} dublikate E njëjta familje si R-2345AB", "closed"),
    ))
    with demo_db.session() as session:
        report = session.scalar(select(Report).where(Report.reference == reference))
        assert report is not None
        assert (report.status, report.close_reason) == ("closed", "duplicate")
        notes = session.scalars(select(ReportEvent.note).where(
            ReportEvent.report_id == report.id, ReportEvent.to_status == "closed")).all()
        assert notes == ["duplicate: E njëjta familje si R-2345AB"]
