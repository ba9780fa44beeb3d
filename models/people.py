"""People and units: contacts who write to us, schools, teachers and contact points."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.geo import Municipality


class Contact(Base):
    """An address (Telegram chat or phone) that has written to the service."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_contacts_channel_address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    language: Mapped[str | None] = mapped_column(String(5))
    role: Mapped[str] = mapped_column(String(16), default="citizen")
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the address last wrote to us on WhatsApp: free text may go to it for 24 hours
    # after; later only an approved template (alerts/whatsapp_window.py).
    last_inbound_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class School(Base):
    """A school, identified by its code, whose dropout team receives flags."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    municipality: Mapped[Municipality] = relationship()


class Teacher(Base):
    """A registered teacher: the only people who may flag a school dropout."""

    __tablename__ = "teachers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)  # E.164
    name: Mapped[str] = mapped_column(String(120))
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"), index=True)
    telegram_chat_id: Mapped[str | None] = mapped_column(String(32), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    school: Mapped[School] = relationship()


class ContactPoint(Base):
    """A person or unit holding a role in a municipality, who is alerted and acts."""

    __tablename__ = "contact_points"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    role: Mapped[str] = mapped_column(String(32), index=True)
    # NULL municipality: a national contact point (the fallback of last resort).
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    # A national contact point's country (XK | AL): it takes that country's unroutable
    # reports. NULL for municipal points (their municipality says it) and for a national
    # point serving both countries.
    country: Mapped[str | None] = mapped_column(String(2))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    telegram_chat_id: Mapped[str | None] = mapped_column(String(32))
    phone: Mapped[str | None] = mapped_column(String(20))
    whatsapp: Mapped[str | None] = mapped_column(String(20))  # E.164, alerted on WhatsApp
    email: Mapped[str | None] = mapped_column(String(254))
    escalation_order: Mapped[int] = mapped_column(Integer, default=1)
    language: Mapped[str] = mapped_column(String(5), default="sq")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    note: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120), default="")

    municipality: Mapped[Municipality | None] = relationship()
    school: Mapped[School | None] = relationship()


class RoutingRule(Base):
    """A routing rule kept as data; it overrides the built-in table where it matches."""

    __tablename__ = "routing_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))
    category: Mapped[str | None] = mapped_column(String(32))  # NULL: any category
    urgent: Mapped[bool | None] = mapped_column(Boolean)  # NULL: either
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    roles: Mapped[str] = mapped_column(String(200))  # space-separated role slugs
    note: Mapped[str] = mapped_column(Text, default="")


class DeadlineSetting(Base):
    """An escalation deadline set from the dashboard; it overrides the deadlines file."""

    __tablename__ = "deadline_settings"
    __table_args__ = (UniqueConstraint("kind", "urgent", name="uq_deadline_settings_kind_urgent"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(24))  # a report kind, or "default" for the rest
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    minutes: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
