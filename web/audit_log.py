"""The audit log for admins: who saw or changed what, when, filtered, newest first."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from flask import Blueprint, Flask, current_app, g, render_template, request
from sqlalchemy import and_, select, tuple_
from sqlalchemy.orm import selectinload

from models import AuditEntry, Report, User
from models.db import get_db
from service.report_queries import local_midnight
from web.audit import record
from web.auth import admin_required

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 100


def _day(value: str | None) -> datetime | None:
    """Return the start of a YYYY-MM-DD local day, or None."""
    try:
        return local_midnight(date.fromisoformat(value)) if value else None
    except ValueError:
        return None


def _cursor(value: str | None) -> tuple[datetime, int] | None:
    """Read an "ISO-time~id" cursor, or None."""
    at, _, ident = (value or "").rpartition("~")
    try:
        parsed = datetime.fromisoformat(at)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)), int(ident)
    except ValueError:
        return None


@bp.get("/")
@admin_required
def index() -> str:
    """List audit entries, filtered by user, action, report and dates."""
    args = request.args
    where = []
    if args.get("user", "").isdigit():
        where.append(AuditEntry.user_id == int(args["user"]))
    if args.get("action"):
        where.append(AuditEntry.action == args["action"][:32])
    if args.get("reference"):
        where.append(AuditEntry.report_id.in_(select(Report.id).where(
            Report.reference == args["reference"].strip().upper()[:12])))
    start, end = _day(args.get("from")), _day(args.get("to"))
    if start:
        where.append(AuditEntry.at >= start)
    if end:
        where.append(AuditEntry.at < end + timedelta(days=1))
    cursor = _cursor(args.get("before"))
    if cursor:
        where.append(tuple_(AuditEntry.at, AuditEntry.id) < tuple_(*cursor))
    with get_db(current_app).transaction() as session:
        entries = list(session.scalars(
            select(AuditEntry).where(and_(*where)).options(selectinload(AuditEntry.user))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(PAGE_SIZE + 1)))
        references = {row.id: row.reference for row in session.execute(
            select(Report.id, Report.reference).where(
                Report.id.in_({e.report_id for e in entries if e.report_id})))}
        users = list(session.scalars(select(User).order_by(User.email)))
        actions = sorted(set(session.scalars(select(AuditEntry.action).distinct())))
        record(session, g.user.id, "audit", filters={k: v for k, v in args.items()
                                                      if k != "before"})
        page = entries[:PAGE_SIZE]
        more = None
        if len(entries) > PAGE_SIZE:
            more = {**{k: v for k, v in args.items() if k != "before"},
                    "before": f"{page[-1].at.isoformat()}~{page[-1].id}"}
        return render_template("audit/index.html", entries=page, references=references,
                               users=users, actions=actions, args=args, more=more)


def init_app(app: Flask) -> None:
    """Serve the audit log."""
    app.register_blueprint(bp)
