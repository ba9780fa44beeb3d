"""Reports of every kind with a long history, for the tests that read case pages.

Each report is filed through the conversations and then lives through the same functions
the worker, the focal points and the dashboard call: routing, escalation, messages held
back, passing on, status changes with each closing reason, the reporter adding answers, a
second reporter joining. One more report carries events written before events kept their
data (notes only), in every shape the code wrote them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from alerts.content import prepare
from alerts.escalation import escalate_route
from alerts.lifecycle import Actor, change_status
from alerts.reassign import reassign
from handlers.i18n import msg
from handlers.types import JoinReport, Reply
from locales import Catalogs
from models import (
    Contact,
    ContactPoint,
    OutboxMessage,
    Report,
    ReportEvent,
    ReportRoute,
    User,
)
from models.db import Database
from service.filing import sent_to_entry
from service.joining import join_report
from sinjalizo.settings import Settings
from tests.dialog import Chat, references, rows
from tests.test_dialogs import CHILD_IN_DANGER, HAZARD_BY_SMS
from tests.test_dialogs import test_hazard_by_telegram_with_pin_and_photo as file_pinned_hazard

SETTINGS = Settings.from_env()
# Said by the people in these reports: nothing here may look like a code.
HAZARD_NOTE = "Qentë u larguan nga oborri i shkollës."
PASSED_NOTE = "Është në Prizren, jo në Drenas."
DUPLICATE_NOTE = "E njëjta pusetë si raportimi i djeshëm."
TEACHER_LINE = "BRAKTISJE 7A AK 12 babai e merr në ndërtim"
# Gjilan has no contact points in the demo data: the national fallback takes it.
UNROUTED_HAZARD = (*HAZARD_BY_SMS[:3], ("Gjilan", HAZARD_BY_SMS[3][1]),
                   (HAZARD_BY_SMS[4][0], "Gjilan"), ("po", "R-"))


def reference_of(person: Chat) -> str:
    """Return the one reference a person was given."""
    [reference] = references(person)
    return reference


def report_of(session: Session, reference: str) -> Report:
    """Return a report by reference."""
    return session.scalars(select(Report).where(Report.reference == reference)).one()


def point(session: Session, name_part: str, role: str) -> ContactPoint:
    """Return the demo contact point of a role in a municipality."""
    return session.scalars(select(ContactPoint).where(
        ContactPoint.name.like(f"%{name_part}%"), ContactPoint.role == role)).one()


def pending(session: Session, report: Report, purpose: str) -> list[OutboxMessage]:
    """Return a report's pending outbox rows of one purpose."""
    return list(session.scalars(select(OutboxMessage).where(
        OutboxMessage.report_id == report.id, OutboxMessage.purpose == purpose,
        OutboxMessage.status == "pending").order_by(OutboxMessage.id)))


def staff(db: Database, email: str) -> Actor:
    """Return the lifecycle actor of a dashboard user."""
    with db.session() as session:
        return Actor("staff", session.scalars(select(User.id).where(User.email == email)).one())


def hazard_on_telegram(chat: Callable[..., Chat], db: Database, catalogs: Catalogs) -> str:
    """A pinned hazard a second person joins; taken up, worked on, resolved; an alert held."""
    file_pinned_hazard(chat, db)
    with db.transaction() as session:
        report = session.scalars(select(Report).where(Report.channel == "telegram")).one()
        other = Contact(channel="sms", address="+38349500001", language="sq")
        session.add(other)
        session.flush()
        done = Reply((msg("Thank you."),))
        join_report(session, JoinReport(report.reference, done, done), other.id, "sms",
                    report.created_at + timedelta(minutes=5))
        holder = Actor("contact_point", point(session, "Drenas", "public_services").id)
        at = report.created_at + timedelta(hours=1)
        for status, note in (("acknowledged", ""), ("in_progress", ""),
                             ("resolved", HAZARD_NOTE)):
            change_status(session, report.reference, holder, status, note=note, now=at)
        for alert in pending(session, report, "alert"):
            prepare(session, alert, catalogs, SETTINGS)  # resolved before it went out
        return report.reference


def hazard_passed_on(chat: Callable[..., Chat], db: Database) -> str:
    """A typed hazard the admin passes to Prizren, then closes as a duplicate."""
    person = chat("sms", "+38349500002")
    person.replay(HAZARD_BY_SMS)
    reference = reference_of(person)
    admin = staff(db, "admin@example.org")
    with db.transaction() as session:
        report = report_of(session, reference)
        at = report.created_at + timedelta(hours=2)
        reassign(session, reference, point(session, "Prizren", "public_services").id, admin,
                 PASSED_NOTE, at)
        change_status(session, reference, admin, "closed", reason="duplicate",
                      note=DUPLICATE_NOTE, now=at + timedelta(hours=1))
    return reference


def child_in_danger(chat: Callable[..., Chat], db: Database) -> str:
    """An urgent child filed early, completed by the reporter, escalated to the end, closed."""
    person = chat("sms", "+38349500003")
    person.replay(CHILD_IN_DANGER)
    reference = reference_of(person)
    with db.transaction() as session:
        report = report_of(session, reference)
        at = report.created_at + timedelta(minutes=30)
        police = point(session, "Prishtinë", "police_liaison")
        session.add(ReportEvent(  # as service/adding.py writes it when a new role is reached
            report_id=report.id, at=at, actor="system", kind="routing",
            note=f"police_liaison: {police.name} (the category changed)",
            data={"routes": [sent_to_entry("police_liaison", police)], "why": "category"}))
        route = session.scalars(select(ReportRoute).where(
            ReportRoute.report_id == report.id, ReportRoute.role == "child_protection")).one()
        for why in ("deadline", "failed", "deadline"):
            escalate_route(session, route, at, why)
            session.flush()
            route = session.scalars(select(ReportRoute).where(
                ReportRoute.report_id == report.id, ReportRoute.role == "child_protection")
                .order_by(ReportRoute.id.desc())).first() or route
        holder = Actor("contact_point", point(session, "Prishtinë", "child_protection").id)
        change_status(session, reference, holder, "acknowledged", now=at)
        change_status(session, reference, holder, "closed", reason="not_actionable",
                      now=at + timedelta(days=1))
    return reference


def teacher_flag(chat: Callable[..., Chat], db: Database, catalogs: Catalogs,
                 teacher_phone: str) -> str:
    """A teacher's one-line flag whose team was switched off, then referred elsewhere."""
    teacher = chat("sms", teacher_phone)
    teacher.replay(rows((TEACHER_LINE, "R-")))
    reference = reference_of(teacher)
    with db.transaction() as session:
        report = report_of(session, reference)
        team = point(session, "Drenas", "dropout_team")
        team.active = False
        for alert in pending(session, report, "alert"):
            prepare(session, alert, catalogs, SETTINGS)  # passed on to the next in line
        team.active = True
        holder = Actor("contact_point", point(session, "Drenas", "coordinator").id)
        at = report.created_at + timedelta(days=1)
        change_status(session, reference, holder, "acknowledged", now=at)
        change_status(session, reference, holder, "closed", reason="referred", now=at)
    return reference


def unrouted_hazard(chat: Callable[..., Chat], db: Database, catalogs: Catalogs) -> str:
    """A hazard where nobody is set up goes to the national fallback; its reporter opted out."""
    person = chat("sms", "+38349500004")
    person.replay(UNROUTED_HAZARD)
    reference = reference_of(person)
    with db.transaction() as session:
        report = report_of(session, reference)
        change_status(session, reference, staff(db, "admin@example.org"), "acknowledged",
                      now=report.created_at + timedelta(hours=3))
        session.execute(update(Contact).where(Contact.id == report.reporter_contact_id)
                        .values(opted_out=True))
        for told in pending(session, report, "reporter_update"):
            prepare(session, told, catalogs, SETTINGS)
    return reference


def old_events(db: Database) -> str:
    """A report whose events were written before they kept data: English notes of each shape."""
    with db.transaction() as session:
        report = session.scalars(select(Report).where(Report.kind == "hazard")
                                 .order_by(Report.id)).first()
        assert report is not None, "file a hazard first"
        public = point(session, "Drenas", "public_services")
        backup = point(session, "Drenas", "coordinator")
        admin = session.scalars(select(User.id).where(User.email == "admin@example.org")).one()
        copy = Report(reference="R-OLD234", kind="child_at_risk", category="neglect",
                      urgent=True, status="closed", close_reason="duplicate",
                      municipality_id=report.municipality_id, channel="telegram",
                      language="sq", details={"age_band": "unknown", "sex": "girl"},
                      description="Fëmija mbetet vetëm në shtëpi.", anonymous=True,
                      created_at=report.created_at, updated_at=report.created_at)
        session.add(copy)
        session.flush()
        notes = old_notes(public, backup, admin)
        session.add_all(ReportEvent(report_id=copy.id, at=copy.created_at + timedelta(
            minutes=n), actor=actor, kind=kind, from_status=None, to_status=to, note=note,
            data=None) for n, (actor, kind, to, note) in enumerate(notes))
        return copy.reference


def old_notes(public: ContactPoint, backup: ContactPoint,
              admin: int) -> list[tuple[str, str, str | None, str]]:
    """Return (actor, kind, to_status, note) as the code wrote them before migration 0013."""
    skip = "alert #7 not sent: "
    return [
        ("reporter", "status", "received", "filed by telegram"),
        ("system", "status", "routed", f"public_services: {public.name}"),
        ("system", "status", "routed", "unrouted, national fallback (national: Zyra)"),
        ("system", "status", "routed", "unrouted, national fallback (no contact point)"),
        ("reporter", "update", "received",
         "added by the reporter: category, details.age_band, details.sex, incomplete"),
        ("reporter", "confirmation", "routed", "confirmed by a second reporter (telegram)"),
        ("system", "routing", None, f"police_liaison: {public.name} (the category changed)"),
        ("system", "escalation", None, f"public_services: {public.name} -> {backup.name} "
                                       "(deadline)"),
        ("system", "escalation", None, f"public_services: {public.name} -> {backup.name} "
                                       "(failed: HTTP 403: bot was blocked by the user)"),
        ("system", "escalation", None, "public_services: escalation chain exhausted "
                                       "(deadline)"),
        ("system", "message_skipped", None, skip + "malformed payload"),
        ("system", "message_skipped", None, skip + "the report was closed before the alert "
                                            "went out"),
        ("system", "message_skipped", None, "escalation #8 not sent: the report was "
                                            "acknowledged before the escalation went out"),
        ("system", "message_skipped", None, skip + "the contact point no longer exists"),
        ("system", "message_skipped", None, skip + f"contact point {public.id} is "
                                            "deactivated; escalated to the next"),
        ("system", "message_skipped", None, "report_update #9 not sent: the contact point is "
                                            "no longer active"),
        ("system", "message_skipped", None, skip + "the contact point's telegram address "
                                            "takes no messages (the chat blocked the bot)"),
        ("system", "message_skipped", None, "reporter_update #10 not sent: the reporter's "
                                            "contact no longer exists"),
        ("system", "message_skipped", None, "reporter_notice #11 not sent: the reporter "
                                            "opted out"),
        (f"staff:{admin}", "reassigned", "routed", f"to public_services: {public.name} — "
                                                   "Më afër tyre."),
        (f"contact_point:{public.id}", "status", "acknowledged", ""),
        (f"contact_point:{public.id}", "status", "in_progress", "Po e shikojmë."),
        ("staff:99999", "status", "resolved", ""),
        ("contact_point:99999", "status", "closed", "duplicate: Si R-7K3M9Q."),
        (f"staff:{admin}", "status", "closed", "not_actionable"),
        (f"staff:{admin}", "status", "closed", "referred: Te qendra sociale."),
    ]


def every_case(chat: Callable[..., Chat], db: Database, catalogs: Catalogs,
               teacher_phone: str) -> dict[str, str]:
    """File every case above; return their references by name."""
    cases = {
        "hazard": hazard_on_telegram(chat, db, catalogs),
        "passed_on": hazard_passed_on(chat, db),
        "child": child_in_danger(chat, db),
        "dropout": teacher_flag(chat, db, catalogs, teacher_phone),
        "unrouted": unrouted_hazard(chat, db, catalogs),
    }
    cases["old"] = old_events(db)
    return cases
