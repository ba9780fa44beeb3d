"""Dashboard users, and the audit log of what they saw and changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from models.base import Base, UTCDateTime, utcnow
from models.geo import Municipality

USER_ROLES = ("admin", "coordinator", "focal")


class User(Base):
    """Someone who signs in to the dashboard: an admin, a coordinator or a focal point."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    # How colleagues know the person ("Arta Krasniqi"); the timeline shows the e-mail without it.
    name: Mapped[str] = mapped_column(String(120), default="", server_default="")
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(16))  # admin | coordinator | focal
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    # A focal point's report roles in its municipality, e.g. ["child_protection"].
    report_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(5), default="sq")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    municipality: Mapped[Municipality | None] = relationship()


class AuditEntry(Base):
    """One view or change by a dashboard user (or a refused attempt), with when and what."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))  # view, list, status, reassign, login…
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    address: Mapped[str] = mapped_column(String(64), default="")  # the client's IP

    user: Mapped[User | None] = relationship()


def add_audit_entry(session: Session, at: datetime, action: str, detail: dict[str, Any], *,
                    user_id: int | None = None, report_id: int | None = None,
                    address: str = "") -> None:
    """Add one audit entry in the caller's transaction (a request, the worker or the CLI)."""
    session.add(AuditEntry(at=at, user_id=user_id, action=action, report_id=report_id,
                           detail=detail, address=address[:64]))
