"""Alert and reporter-update text: what a contact point reads, and what is never in it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.content import Skip, prepare
from alerts.lifecycle import Actor, change_status
from handlers.categories import category_label
from locales import Catalogs
from models import Contact, ContactPoint, OutboxMessage, Report, ReportRoute
from models.db import Database
from sinjalizo.settings import Settings
from tests.dialog import Chat, references, rows
from tests.test_lifecycle import file_hazard, report_of

SETTINGS = Settings(public_base_url="https://sinjalizo.example")
URGENT_CHILD = rows(("menu", ""), ("2", ""), ("PO", ""), ("prishtinë", "R-"), ("1", ""),
                    ("2", ""), ("3", ""), ("Fqinji e rrah djalin çdo natë", ""), ("1", "R-"))
REPORTER = "+38349111222"


def alerts_of(session: Session, report: Report) -> list[OutboxMessage]:
    """Return a report's alert rows in order."""
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.report_id == report.id, OutboxMessage.purpose == "alert")
        .order_by(OutboxMessage.id)))


def render(session: Session, row: OutboxMessage, catalogs: Catalogs, language: str) -> str:
    """Render a row in a language and insist that it is text."""
    row.language = language
    text = prepare(session, row, catalogs, SETTINGS)
    assert isinstance(text, str), text
    return text


@pytest.mark.parametrize("language", ["sq", "en", "sr"])
def test_urgent_alert_text(chat: Callable[..., Chat], demo_db: Database, catalogs: Catalogs,
                           language: str) -> None:
    """An urgent child alert: reference, category, URGENT, map, link; never the reporter."""
    person = chat("sms", REPORTER)
    person.replay(URGENT_CHILD)
    [reference] = references(person)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        assert report.urgent and report.reporter_contact_id is not None
        # As if the reporter had shared a pin: only a pin gets a map link with a marker.
        report.latitude, report.longitude, report.location = 42.6629, 21.1655, "pin"
        text = render(session, alerts_of(session, report)[0], catalogs, language)
    assert reference in text
    assert catalogs(category_label(report.kind, report.category), language) in text
    assert catalogs.gettext("URGENT", language) in text
    assert ("https://www.openstreetmap.org/?mlat=42.6629&mlon=21.1655"
            "#map=17/42.6629/21.1655") in text
    assert f"https://sinjalizo.example/reports/{reference}" in text
    assert f"OK {reference}" in text
    assert "Fqinji e rrah djalin" in text
    assert "49111222" not in text and "prishtin" in text.casefold()


def test_hazard_alert_is_not_urgent(chat: Callable[..., Chat], demo_db: Database,
                                    catalogs: Catalogs) -> None:
    """A plain hazard alert says no URGENT and has no map link without a pin."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        text = render(session, alerts_of(session, report)[0], catalogs, "en")
    assert "URGENT" not in text and "openstreetmap" not in text
    assert "Uncovered pit or manhole" in text and "Drenas" in text
    assert "99900" not in text


def test_dropout_alert_names_school_and_class(chat: Callable[..., Chat], teacher_phone: str,
                                              demo_db: Database, catalogs: Catalogs) -> None:
    """A dropout alert says the school, the class and the days absent."""
    person = chat("sms", teacher_phone)
    person.replay(rows(("BRAKTISJE 7A AK 12", "R-")))
    [reference] = references(person)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        assert report.school is not None
        school = report.school.name
        text = render(session, alerts_of(session, report)[0], catalogs, "en")
    assert school in text and "class 7A" in text
    assert teacher_phone[4:] not in text


def test_closed_report_is_skipped(chat: Callable[..., Chat], demo_db: Database,
                                  catalogs: Catalogs) -> None:
    """An alert still pending when the report is closed is not sent."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        staff = Actor("staff", 1)
        change_status(session, reference, staff, "closed", reason="duplicate",
                      now=report.created_at)
        [alert] = alerts_of(session, report)
        result = prepare(session, alert, catalogs, SETTINGS)
        assert isinstance(result, Skip) and "closed" in result.reason
        assert report.events[-1].kind == "message_skipped"


def test_malformed_payload_is_skipped(chat: Callable[..., Chat], demo_db: Database,
                                      catalogs: Catalogs) -> None:
    """A payload without a reference is skipped, not a crash."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        [alert] = alerts_of(session, report_of(session, reference))
        alert.payload = {"event": "new_report"}
        assert prepare(session, alert, catalogs, SETTINGS) == Skip("malformed payload")
        alert.payload = ["nonsense"]  # type: ignore[assignment]
        assert prepare(session, alert, catalogs, SETTINGS) == Skip("malformed payload")


def test_deactivated_contact_point_skips_and_escalates(
        chat: Callable[..., Chat], demo_db: Database, catalogs: Catalogs) -> None:
    """An alert to a contact point switched off since is skipped and goes to the next one."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        [alert] = alerts_of(session, report)
        point = session.get(ContactPoint, alert.contact_point_id)
        assert point is not None
        point.active = False
        result = prepare(session, alert, catalogs, SETTINGS)
        assert isinstance(result, Skip) and "deactivated" in result.reason
        routes = session.scalars(select(ReportRoute).where(
            ReportRoute.report_id == report.id).order_by(ReportRoute.id)).all()
        assert [r.state for r in routes] == ["failed", "alerted"]
        assert routes[1].contact_point is not None
        assert routes[1].contact_point.role == "coordinator"


def test_opted_out_number_skips_and_escalates(
        chat: Callable[..., Chat], demo_db: Database, catalogs: Catalogs) -> None:
    """An alert to a phone that sent STOP (or failed with 21610) goes to the next one instead."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        [alert] = alerts_of(session, report)
        session.add(Contact(channel=alert.channel, address=alert.address, opted_out=True))
        session.flush()
        result = prepare(session, alert, catalogs, SETTINGS)
        assert isinstance(result, Skip) and "takes no messages (it sent STOP" in result.reason
        routes = session.scalars(select(ReportRoute).where(
            ReportRoute.report_id == report.id).order_by(ReportRoute.id)).all()
        assert [r.state for r in routes] == ["failed", "alerted"]


def test_reporter_update_text(chat: Callable[..., Chat], demo_db: Database,
                              catalogs: Catalogs) -> None:
    """The reporter reads who took it up and, at the end, why it was closed, in their language."""
    reference = file_hazard(chat)
    with demo_db.transaction() as session:
        report = report_of(session, reference)
        staff = Actor("staff", 1)
        now = report.created_at + timedelta(hours=2)
        change_status(session, reference, staff, "acknowledged", now=now)
        change_status(session, reference, staff, "closed", reason="referred", now=now)
        updates = session.scalars(select(OutboxMessage).where(
            OutboxMessage.report_id == report.id,
            OutboxMessage.purpose == "reporter_update").order_by(OutboxMessage.id)).all()
        texts = [render(session, row, catalogs, "en") for row in updates]
        albanian = render(session, updates[0], catalogs, "sq")
    assert reference in texts[0] and ("has been taken up by the public services of the "
                                      "municipality of Drenas") in texts[0]
    assert "passed on to another service" in texts[1]
    assert reference in albanian and "u mor përsipër nga shërbimet publike të komunës së " \
        "Drenasit" in albanian
