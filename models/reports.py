"""Reports, their routing, their audit trail of events, and attachments."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.geo import Municipality
from models.people import Contact, ContactPoint, School
from models.sql import folded_detail

STATUSES = ("received", "routed", "acknowledged", "in_progress", "resolved", "closed",
            "reopened")
# Reopened: resolved, then a reporter said it is not fixed; open again with its holder.
OPEN_STATUSES = ("received", "routed", "acknowledged", "in_progress", "reopened")
CLOSE_REASONS = ("duplicate", "not_actionable", "referred")


class Report(Base):
    """One report as filed: what, where, how urgent, by whom (unless anonymous)."""

    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_municipality_created", "municipality_id", "created_at"),
        Index("ix_reports_status_created", "status", "created_at"),
        # Looking for the same hazard nearby: one category's recent reports, then the box.
        Index("ix_reports_kind_category_created", "kind", "category", "created_at"),
        # The dashboard's list, newest first, for those who see every municipality.
        Index("ix_reports_created_id", "created_at", "id"),
        # Reports nobody has taken up yet, newest first: the "overdue" list over all of them.
        Index("ix_reports_waiting_created", "created_at", "id",
              postgresql_where=text("status IN ('received', 'routed')"),
              sqlite_where=text("status IN ('received', 'routed')")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[str] = mapped_column(String(24))  # hazard | child_at_risk | dropout
    category: Mapped[str] = mapped_column(String(32))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="received")
    close_reason: Mapped[str | None] = mapped_column(String(32))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # The reporter's own words for the place, verbatim ("Rruga Adem Jashari nr 5, Komoran").
    place_text: Mapped[str] = mapped_column(String(200), default="")
    # How the point was found: pin (exact) | settlement | municipality (both approximate: a
    # village's centre or a municipal seat); NULL when there is no point at all.
    location: Mapped[str | None] = mapped_column(String(16))
    settlement: Mapped[str | None] = mapped_column(String(120))  # the village matched, if any
    country: Mapped[str | None] = mapped_column(String(2))  # XK | AL, when known
    description: Mapped[str] = mapped_column(Text, default="")
    # Kind-specific answers: age band, sex, class, pupil initials, days absent, reason…
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False)
    callback_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    reporter_contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    language: Mapped[str] = mapped_column(String(5), default="sq")
    unrouted: Mapped[bool] = mapped_column(Boolean, default=False)
    simulated: Mapped[bool] = mapped_column(Boolean, default=False)
    # Filed before the reporter finished (a child in danger, or a conversation abandoned).
    incomplete: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # People who joined this report instead of filing the same hazard again.
    confirmations: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Publication on /hazards (hazards only). The text staff wrote or approved for the public,
    # with names and phone numbers struck; NULL means no description is published.
    public_description: Mapped[str | None] = mapped_column(Text)
    public_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    public_approved_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # Visitors of the public page who pressed "me too"; no identity is kept for any of them.
    me_too: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    municipality: Mapped[Municipality | None] = relationship()
    school: Mapped[School | None] = relationship()
    reporter: Mapped[Contact | None] = relationship()
    routes: Mapped[list[ReportRoute]] = relationship(
        back_populates="report", order_by="ReportRoute.id")
    events: Mapped[list[ReportEvent]] = relationship(
        back_populates="report", order_by="ReportEvent.id")
    attachments: Mapped[list[Attachment]] = relationship(back_populates="report")


# Each flag a teacher sends first looks for their earlier flag of the same pupil (see
# service/world.py): this serves it however many flags the teacher has sent.
Index("ix_reports_reporter_pupil", Report.reporter_contact_id,
      folded_detail(Report.details, "pupil"))


class ReportRoute(Base):
    """A contact point (and the role it holds) that a report was routed to."""

    __tablename__ = "report_routes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    contact_point_id: Mapped[int | None] = mapped_column(
        ForeignKey("contact_points.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Place in the escalation chain: 0 the first contact point, then backups, coordinator,
    # national. `state` is alerted | failed | escalated | acknowledged.
    level: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    state: Mapped[str] = mapped_column(String(16), default="alerted", server_default="alerted")
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    report: Mapped[Report] = relationship(back_populates="routes")
    contact_point: Mapped[ContactPoint | None] = relationship()


class ReportEvent(Base):
    """One timestamped change to a report, with who made it: the audit trail.

    `note` is the English line of the log, as the code wrote it (plus any note a person
    typed). `data` holds the same facts as data, for the report page to say in the reader's
    language: each kind's keys are listed in web/timeline.py. Events from before `data`
    existed have it NULL; the page reads their notes instead (web/event_notes.py).
    """

    __tablename__ = "report_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(120))  # "reporter", "system", "contact_point:7"…
    kind: Mapped[str] = mapped_column(String(24), default="status")
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    report: Mapped[Report] = relationship(back_populates="events")


class Attachment(Base):
    """A file sent with a report, kept as the channel's own file id."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="photo")
    channel: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str] = mapped_column(String(256))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Published by staff on the public page of the hazard; photos are private until then.
    public: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))

    report: Mapped[Report] = relationship(back_populates="attachments")


class ReportFollower(Base):
    """Someone who joined a report as a confirmation, and is told of its progress."""

    __tablename__ = "report_followers"
    __table_args__ = (UniqueConstraint("report_id", "contact_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
