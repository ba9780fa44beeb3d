"""The audit log: every view and change of a report, with the user and the time."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy.orm import Session

from models.users import add_audit_entry


def record(session: Session, user_id: int | None, action: str, report_id: int | None = None,
           **detail: Any) -> None:
    """Add one audit entry in the caller's transaction."""
    address = (request.remote_addr or "") if has_request_context() else ""
    add_audit_entry(session, datetime.now(UTC), action, detail, user_id=user_id,
                    report_id=report_id, address=address)
