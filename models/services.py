"""Local services children and families are referred to, and the referrals themselves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.geo import Municipality
from models.reports import Report

# What a service helps with (plan §1.1); labels in handlers/needs.py.
NEEDS = ("psychosocial", "health", "education", "legal_aid", "shelter", "financial_aid",
         "disability", "violence")
# Languages a service may be reached in; labels in handlers/needs.py.
SERVICE_LANGUAGES = ("sq", "sr", "en", "tr", "bs", "rom")
# A referral's life: sent, then accepted or declined (with a reason), then done; the focal
# point may revoke one still open.
REFERRAL_STATES = ("sent", "accepted", "declined", "done", "revoked")
OPEN_REFERRAL = ("sent", "accepted")


class Service(Base):
    """A service in a municipality: who provides it, what needs it meets, how to reach it."""

    __tablename__ = "services"
    # A service is the same service when its name and municipality are (the import's key).
    __table_args__ = (UniqueConstraint("municipality_id", "name",
                                       name="uq_services_municipality_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    provider: Mapped[str] = mapped_column(String(160), default="")
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    needs: Mapped[list[str]] = mapped_column(JSON, default=list)  # slugs of NEEDS
    phone: Mapped[str | None] = mapped_column(String(20))  # E.164
    email: Mapped[str | None] = mapped_column(String(254))  # for referrals, when no phone
    address: Mapped[str] = mapped_column(String(200), default="")
    hours: Mapped[str] = mapped_column(String(120), default="")
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # SERVICE_LANGUAGES
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120), default="")

    municipality: Mapped[Municipality] = relationship()


class Referral(Base):
    """A report referred by a focal point to a service, and where that referral stands."""

    __tablename__ = "referrals"
    __table_args__ = (Index("ix_referrals_service_state", "service_id", "state"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"))
    need: Mapped[str | None] = mapped_column(String(24))  # the need it is for, if said
    state: Mapped[str] = mapped_column(String(16), default="sent")
    note: Mapped[str] = mapped_column(Text, default="")  # the focal point's, for the service
    reason: Mapped[str] = mapped_column(Text, default="")  # why it was declined or revoked
    referred_by: Mapped[str] = mapped_column(String(120))  # actor label, e.g. contact_point:7
    notified: Mapped[bool] = mapped_column(Boolean, default=False)  # the service was told
    # The report was closed as "referred" to this referral.
    closes_report: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    report: Mapped[Report] = relationship()
    service: Mapped[Service] = relationship()
