"""Message plumbing: conversation sessions, processed inbound ids, and the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow


class ConversationSession(Base):
    """Where one address stands in a conversation, so any worker can take the next message."""

    __tablename__ = "conversation_sessions"
    __table_args__ = (UniqueConstraint("channel", "address", name="uq_sessions_channel_address"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(64))
    state: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When an abandoned conversation holds something that must be filed (a child at risk):
    # the worker files it then. NULL for the many conversations with nothing to keep.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)


class ProcessedInbound(Base):
    """An inbound message already handled, keyed by the channel's own id, with our reply."""

    __tablename__ = "processed_inbound"
    __table_args__ = (
        UniqueConstraint("channel", "external_id", name="uq_processed_inbound_channel_external"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(64), default="")
    # The rendered replies, so that a provider's retry gets the same answer again.
    replies: Mapped[list[Any]] = mapped_column(JSON, default=list)
    # Indexed for retention, which deletes the records older than its period every day.
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


# The lanes of the outbox, claimed in this order: an alert is never queued behind updates or
# a bulk send. Purposes not named here (reporter updates, notices, questions, answers,
# referrals) take the middle lane.
ALERT_LANE, UPDATE_LANE, BULK_LANE = 0, 1, 2
LANES = {"alert": ALERT_LANE, "escalation": ALERT_LANE, "fixed_check": BULK_LANE,
         "bulk": BULK_LANE, "campaign": BULK_LANE}


def lane_of(purpose: str) -> int:
    """Return the lane of a message written for `purpose` (0 goes first)."""
    return LANES.get(purpose, UPDATE_LANE)


def _lane_default(context: DefaultExecutionContext) -> int:
    """Set a new outbox row's lane from its purpose, however it was inserted."""
    parameters: dict[str, Any] = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return lane_of(str(parameters.get("purpose", "")))


class OutboxMessage(Base):
    """A message to deliver, written in the same transaction as the change that caused it."""

    __tablename__ = "outbox_messages"
    # The claim reads pending rows lane by lane, oldest due first: this index, in that order.
    __table_args__ = (Index("ix_outbox_claim", "status", "priority", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    purpose: Mapped[str] = mapped_column(String(24))  # alert | reporter_update | escalation
    priority: Mapped[int] = mapped_column(SmallInteger, default=_lane_default,
                                          server_default=str(UPDATE_LANE))
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    contact_point_id: Mapped[int | None] = mapped_column(ForeignKey("contact_points.id"))
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"))
    channel: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(5), default="sq")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    last_error: Mapped[str] = mapped_column(Text, default="")
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    # The provider's own delivery report (queued, sent, delivered, undelivered, failed), kept
    # monotonic: a late "sent" never overwrites "delivered".
    delivery_status: Mapped[str | None] = mapped_column(String(16))
    delivery_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The awareness campaign a bulk message belongs to: cancelling skips them all at once.
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)


class DeliveryAttempt(Base):
    """One try at delivering an outbox message, and how it ended: the delivery audit trail."""

    __tablename__ = "delivery_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox_messages.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    worker: Mapped[str] = mapped_column(String(64), default="")
    outcome: Mapped[str] = mapped_column(String(16))  # sent | retry | permanent | skipped
    error: Mapped[str] = mapped_column(Text, default="")
    provider_id: Mapped[str | None] = mapped_column(String(64))
    retry_after_seconds: Mapped[float | None] = mapped_column(Float)
