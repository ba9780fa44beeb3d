"""Awareness campaigns (plan §2.2): who subscribed where, and the campaigns sent to them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

# How a campaign goes: written, waiting for its time, going out, all handed over, stopped.
CAMPAIGN_STATES = ("draft", "scheduled", "sending", "sent", "cancelled")
CAMPAIGN_LANGUAGES = ("sq", "sr", "en")
CAMPAIGN = "campaign"  # the outbox purpose of a campaign's messages


class Subscription(Base):
    """A person who asked for the awareness messages of one municipality, in their language.

    Unsubscribing (CK) deletes the row: nothing is kept of someone who wants no more messages.
    """

    __tablename__ = "subscriptions"
    __table_args__ = (
        UniqueConstraint("contact_id", "municipality_id",
                         name="uq_subscriptions_contact_municipality"),
        # The fan-out reads a campaign's municipalities' subscribers in id order, in chunks.
        Index("ix_subscriptions_municipality_id", "municipality_id", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id"))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    language: Mapped[str] = mapped_column(String(5), default="sq")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Campaign(Base):
    """One awareness message, a text per language, for the subscribers of some municipalities.

    The fan-out into outbox rows is done by one worker at a time (`fanout_owner` holds it
    until `fanout_until`), a chunk per transaction, each moving `fanout_cursor` (the last
    subscription id written) on: a worker that dies half-way is followed by another that
    carries on from the cursor, and nobody is written to twice.
    """

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(160))
    texts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # {"sq": …, "sr": …}
    municipality_ids: Mapped[list[Any]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    scheduled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recipients: Mapped[int] = mapped_column(Integer, default=0)  # outbox rows written
    fanout_cursor: Mapped[int] = mapped_column(Integer, default=0)
    fanout_done: Mapped[bool] = mapped_column(Boolean, default=False)
    fanout_owner: Mapped[str | None] = mapped_column(String(64))
    fanout_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
