"""Sending limits shared by every process: one rate bucket per key, kept in the database."""

from __future__ import annotations

from sqlalchemy import Float, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class RateBucket(Base):
    """One sending limit (a bot, a chat, a Twilio number) as GCRA state, in epoch seconds.

    `tat` is the theoretical arrival time of the next message; a message may go once
    `tat - tolerance` has passed, and moves `tat` on by `interval`. `paused_until` is set
    from a provider's 429 (Telegram's retry_after, Twilio's Retry-After). Times are the
    database server's clock, so processes on different machines agree.
    """

    __tablename__ = "rate_buckets"

    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    interval: Mapped[float] = mapped_column(Float, default=0.0)
    tolerance: Mapped[float] = mapped_column(Float, default=0.0)
    tat: Mapped[float] = mapped_column(Float, default=0.0)
    paused_until: Mapped[float] = mapped_column(Float, default=0.0)
