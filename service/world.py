"""The engine's `World` over the database: places, teachers, statuses, routing, references."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, bindparam, func, or_, select
from sqlalchemy.orm import Session

from handlers.types import (
    Directory,
    EarlierFlag,
    NearbyReport,
    Place,
    Routing,
    StatusView,
    TeacherInfo,
)
from models import (
    Contact,
    ContactPoint,
    Municipality,
    Report,
    ReportFollower,
    School,
    Teacher,
)
from models.services import Service
from models.sql import folded_detail
from routing.countries import country_of_phone
from service.directory import directory
from service.joining import open_hazards_near
from service.places import PlaceIndex
from service.routes import route_report

# No 0/O, 1/I/L: a reference read aloud over the phone cannot be misheard.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
REFERENCE_LENGTH = 6


def random_reference() -> str:
    """Return a random reference such as R-7K3M9Q."""
    return "R-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(REFERENCE_LENGTH))


def _teacher_query(column: Any) -> Select[int, int, str, int, str, str]:
    """Return the teacher lookup by one address column, with school and municipality."""
    return (select(Teacher.id, School.id, School.name, School.municipality_id,
                   Municipality.name_sq, Municipality.country)
            .join(School, Teacher.school_id == School.id)
            .join(Municipality, School.municipality_id == Municipality.id)
            .where(column == bindparam("address"), Teacher.active, School.active))


# Built once: the menu asks on every idle message whether the sender is a teacher.
TEACHER_BY_PHONE = _teacher_query(Teacher.phone)
TEACHER_BY_CHAT = _teacher_query(Teacher.telegram_chat_id)
POINT_BY_PHONE = select(ContactPoint.id).where(
    or_(ContactPoint.phone == bindparam("address"),
        ContactPoint.whatsapp == bindparam("address")),
    ContactPoint.active).order_by(ContactPoint.id)
POINT_BY_CHAT = select(ContactPoint.id).where(
    ContactPoint.telegram_chat_id == bindparam("address"), ContactPoint.active
).order_by(ContactPoint.id)
LAST_MUNICIPALITY = (
    select(Municipality).join(Report, Report.municipality_id == Municipality.id)
    .join(Contact, Report.reporter_contact_id == Contact.id)
    .where(Contact.channel == bindparam("channel"), Contact.address == bindparam("address"))
    .order_by(Report.created_at.desc(), Report.id.desc()).limit(1))
SERVICE_AT = select(Service.id).where(Service.phone == bindparam("address"), Service.active)
REPEAT_WINDOW = timedelta(days=14)  # a pupil flagged again within it is offered for adding
EARLIER_FLAGS = (
    select(Report.reference, Report.category, Report.created_at, Report.details)
    # The reporter as a value, not a join: with the pupil it picks the index made for this
    # (ix_reports_reporter_pupil) even before the planner has statistics of a new table.
    .where(Report.reporter_contact_id == select(Contact.id).where(
               Contact.channel == bindparam("channel"),
               Contact.address == bindparam("address")).scalar_subquery(),
           folded_detail(Report.details, "pupil") == bindparam("pupil"),
           folded_detail(Report.details, "class") == bindparam("class_name"),
           Report.kind == "dropout", Report.school_id == bindparam("school_id"),
           Report.created_at >= bindparam("since"), Report.simulated == bindparam("simulated"),
           func.coalesce(Report.close_reason, "") != "duplicate")
    .order_by(Report.created_at.desc(), Report.id.desc()))
LAST_COUNTRY = (select(Report.country).join(Contact, Report.reporter_contact_id == Contact.id)
                .where(Contact.channel == bindparam("channel"),
                       Contact.address == bindparam("address"), Report.country.is_not(None))
                .order_by(Report.created_at.desc(), Report.id.desc()).limit(1))


class DbWorld:
    """Answers the engine's questions from one database session."""

    def __init__(self, session: Session, places: PlaceIndex, simulated: bool = False,
                 teacher: TeacherInfo | None = None) -> None:
        self.session = session
        self.places = places
        self.simulated = simulated  # the simulator's world: only simulated reports nearby
        self.acting = teacher  # the teacher the sender stands in for (simulator), if any
        self._teachers: dict[tuple[str, str], TeacherInfo | None] = {}
        # Contact points routing read this turn, by id: filing takes their addresses from here.
        self.points: dict[int, Any] = {}

    def remember_teacher(self, channel: str, address: str, teacher: TeacherInfo | None) -> None:
        """Take the teacher of an address as already looked up (the turn's first statement)."""
        self._teachers[(channel, address)] = teacher

    def match_place(self, text: str, language: str, country: str | None = None) -> list[Place]:
        """Return places matching typed text, best first, the reporter's country first."""
        return self.places.match_place(self.session, text, language, country)

    def reporter_country(self, channel: str, address: str) -> str | None:
        """Return a phone's country by its prefix, else the country of the last report filed.

        Telegram chat ids carry no country: once a place is settled and filed, the reporter's
        next reports prefer its country.
        """
        found = country_of_phone(address)
        if found is not None:
            return found
        return self.session.connection().scalar(LAST_COUNTRY, {"channel": channel,
                                                               "address": address})

    def locate(self, lat: float, lon: float, language: str) -> Place | None:
        """Return the municipality of a pin, or None when far outside the service area."""
        return self.places.locate(self.session, lat, lon, language)

    def teacher(self, channel: str, address: str) -> TeacherInfo | None:
        """Return the active registered teacher writing from this address (cached per turn)."""
        if self.acting is not None:
            return self.acting
        key = (channel, address)
        if key not in self._teachers:
            self._teachers[key] = self._find_teacher(channel, address)
        return self._teachers[key]

    def _find_teacher(self, channel: str, address: str) -> TeacherInfo | None:
        """Look a teacher up by phone number or linked Telegram chat."""
        query = TEACHER_BY_CHAT if channel == "telegram" else TEACHER_BY_PHONE
        row = self.session.connection().execute(query, {"address": address}).first()
        return TeacherInfo(*row) if row is not None else None

    def report_status(self, reference: str, channel: str, address: str) -> StatusView | None:
        """Return the status of a report filed, or joined, from this address; else None."""
        report = self.session.scalar(
            select(Report).join(Contact, Report.reporter_contact_id == Contact.id).where(
                Report.reference == reference.upper(), Contact.channel == channel,
                Contact.address == address))
        if report is None:
            report = self.session.scalar(
                select(Report).join(ReportFollower, ReportFollower.report_id == Report.id)
                .join(Contact, ReportFollower.contact_id == Contact.id).where(
                    Report.reference == reference.upper(), Contact.channel == channel,
                    Contact.address == address))
        return _view(report) if report else None

    def my_reports(self, channel: str, address: str, limit: int = 5) -> list[StatusView]:
        """Return the newest reports filed from this address."""
        reports = self.session.scalars(
            select(Report).join(Contact, Report.reporter_contact_id == Contact.id).where(
                Contact.channel == channel, Contact.address == address)
            .order_by(Report.created_at.desc(), Report.id.desc()).limit(limit))
        return [_view(r) for r in reports]

    def route(self, kind: str, category: str, urgent: bool, municipality_id: int | None,
              school_id: int | None, language: str, country: str | None = None) -> Routing:
        """Route a report through the rule table to contact points."""
        return route_report(self.session, kind, category, urgent, municipality_id, school_id,
                            language, country, places=self.places, seen=self.points)

    def is_contact_point(self, channel: str, address: str) -> bool:
        """Tell whether this address belongs to an active contact point."""
        return bool(contact_points_at(self.session, channel, address))

    def open_hazards_near(self, category: str, lat: float, lon: float,
                          now: datetime) -> list[NearbyReport]:
        """Return open pinned hazards of this category within 100 m from the last 30 days."""
        return open_hazards_near(self.session, category, lat, lon, now, self.simulated)

    def earlier_flag(self, channel: str, address: str, school_id: int, class_name: str,
                     pupil: str, now: datetime) -> EarlierFlag | None:
        """Return this address's latest flag of the pupil in 14 days not closed as a duplicate."""
        rows = self.session.connection().execute(EARLIER_FLAGS, {
            "channel": channel, "address": address, "school_id": school_id,
            "since": now - REPEAT_WINDOW, "simulated": self.simulated,
            "class_name": class_name.upper(), "pupil": pupil.upper()})
        # The database compares the class and pupil ignoring case and spacing, on SQLite
        # and PostgreSQL alike; the same comparison here keeps only text values.
        for row in rows:
            details = row.details if isinstance(row.details, dict) else {}
            if (_same(details.get("class"), class_name)
                    and _same(details.get("pupil"), pupil)):
                return EarlierFlag(row.reference, row.category, row.created_at,
                                   str(details.get("reason_text") or ""))
        return None

    def services(self, municipality_id: int, need: str | None, language: str) -> Directory:
        """Return the active services of a municipality meeting a need (None: any need)."""
        return directory(self.session, municipality_id, need, language)

    def last_place(self, channel: str, address: str, language: str) -> Place | None:
        """Return the municipality of the last report filed from this address, if any."""
        found = self.session.scalar(LAST_MUNICIPALITY, {"channel": channel, "address": address})
        if found is None:
            return None
        return Place(found.id, found.name(language), found.country)

    def is_service(self, channel: str, address: str) -> bool:
        """Tell whether this address is an active service's phone (never a Telegram chat)."""
        if channel == "telegram" or not address.startswith("+"):
            return False
        return self.session.connection().scalar(SERVICE_AT, {"address": address}) is not None

    def new_reference(self) -> str:
        """Return a new random reference.

        References are drawn from 31^6 (about 900 million); the unique index is the guard, and
        a turn that draws a taken one fails on it and is run again with another.
        """
        return random_reference()


def contact_points_at(session: Session, channel: str, address: str) -> list[int]:
    """Return the active contact points reached at this address (one person may hold several)."""
    query = POINT_BY_CHAT if channel == "telegram" else POINT_BY_PHONE
    return list(session.connection().scalars(query, {"address": address}))


def _same(stored: Any, given: str) -> bool:
    """Tell whether a stored class or pupil is the one given, ignoring case and spacing."""
    return isinstance(stored, str) and stored.replace(" ", "").upper() == given.upper()


def _view(report: Report) -> StatusView:
    """Return what a reporter may see of their report: which role holds it (no person), and
    a flag's class and pupil."""
    place = report.municipality
    routes = report.routes
    taken = [r for r in routes if r.state == "acknowledged"]
    holder = (taken or routes)[0] if routes else None
    return StatusView(report.reference, report.kind, report.category, report.status,
                      place.name_sq if place else None, report.created_at,
                      report.updated_at, municipality_code=place.code if place else None,
                      holder_role=holder.role if holder else None,
                      close_reason=report.close_reason, class_name=_flagged(report, "class"),
                      pupil=_flagged(report, "pupil"))


def _flagged(report: Report, key: str) -> str | None:
    """Return one fact of a dropout flag's details (class, pupil); None for other reports."""
    if report.kind != "dropout" or not isinstance(report.details, dict):
        return None
    value = report.details.get(key)
    return str(value) if value else None
