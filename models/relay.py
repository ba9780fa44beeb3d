"""Questions the service relays to reporters, and their answers: never the address itself.

A focal point's question to the reporter of a report, and the service's own question to a
hazard's reporter and followers seven days after it was resolved ("is it really fixed?"),
are kept here with the answer that came back. Staff read them on the report's timeline;
the contact behind `contact_id` is never shown to them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, utcnow

QUESTION_KINDS = ("question", "fixed")  # a focal point's question | "is it really fixed?"


class ReporterQuestion(Base):
    """One question relayed to one reporter (or follower) about a report, and its answer."""

    __tablename__ = "reporter_questions"
    __table_args__ = (
        # The share confirmed fixed of a period: checks by the resolution they asked about.
        Index("ix_reporter_questions_kind_resolved", "kind", "resolved_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id"), index=True)
    # NULL: a check that found nobody who could be asked (kept so it is not tried again),
    # or a question whose person was removed (`identity_removed`; see service/identity.py).
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # question | fixed
    text: Mapped[str] = mapped_column(Text, default="")  # the question, as the asker wrote it
    asked_by: Mapped[str] = mapped_column(String(120))  # "contact_point:7", "staff:3", "system"
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A fixed check: the resolution it asks about (a report reopened and resolved again is
    # asked again, about its new resolution).
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer: Mapped[str] = mapped_column(Text, default="")  # the words; "yes"/"no" for fixed
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The person asked was removed (retention, or at their request): the question still
    # counts as asked in the statistics, though nobody can be linked to it any more.
    identity_removed: Mapped[bool] = mapped_column(Boolean, default=False,
                                                   server_default=sql_text("false"))
