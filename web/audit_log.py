"""The audit log for admins: who saw or changed what, when, filtered, newest first.

Paging is by keyset on (at, id), like the report list: the next page is "older than the
last entry shown", which stays fast however long the log grows. Reading the log is itself
logged (action "audit").
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask, current_app, g, render_template, request
from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict

from models import AuditEntry, Report, User
from models.db import get_db
from service.report_queries import local_midnight
from web.audit import record
from web.audit_words import ACTIONS as ACTION_WORDS
from web.audit_words import Named, said_detail
from web.auth import admin_required
from web.filters import cursor_of, read_cursor, read_day
from web.i18n import language

bp = Blueprint("audit", __name__, url_prefix="/audit")
PAGE_SIZE = 100
# The actions the dashboard records. A fixed list, so the page never scans the whole log
# for its distinct actions; an action typed into the address still filters.
ACTIONS = ("list", "view", "status", "ask", "reassign", "attachment", "login", "login_failed",
           "login_locked", "stats", "export", "admin", "simulator", "audit", "retention",
           "subject_export", "subject_erase")


def conditions(args: MultiDict[str, str]) -> list[ColumnElement[bool]]:
    """Return the SQL conditions of the filters and the cursor in a query string."""
    where: list[ColumnElement[bool]] = []
    if args.get("user", "").isdigit():
        where.append(AuditEntry.user_id == int(args["user"]))
    if args.get("action"):
        where.append(AuditEntry.action == args["action"][:32])
    if args.get("reference", "").strip():
        where.append(AuditEntry.report_id.in_(select(Report.id).where(
            Report.reference == args["reference"].strip().upper()[:12])))
    start, end = read_day(args.get("from")), read_day(args.get("to"))
    if start:
        where.append(AuditEntry.at >= local_midnight(start))
    if end:
        where.append(AuditEntry.at < local_midnight(end + timedelta(days=1)))
    cursor = read_cursor(args.get("before"))
    if cursor:
        where.append(tuple_(AuditEntry.at, AuditEntry.id) < tuple_(*cursor))
    return where


@bp.get("/")
@admin_required
def index() -> str:
    """List audit entries, filtered by user, action, report and dates."""
    args = request.args
    filters = {k: v for k, v in args.items() if k != "before" and v}
    with get_db(current_app).transaction() as session:
        entries = list(session.scalars(
            select(AuditEntry).where(*conditions(args))
            .options(selectinload(AuditEntry.user))
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(PAGE_SIZE + 1)))
        references = {row.id: row.reference for row in session.execute(
            select(Report.id, Report.reference).where(
                Report.id.in_({e.report_id for e in entries if e.report_id is not None})))}
        users = list(session.scalars(select(User).order_by(User.email)))
        named = Named.load(session, language(), ((e.action, e.detail or {}) for e in entries))
        details = {e.id: said_detail(e.action, e.detail, named) for e in entries}
        record(session, g.user.id, "audit", filters=filters)
        page = entries[:PAGE_SIZE]
        more = {**filters, "before": cursor_of(page[-1].at, page[-1].id)} \
            if len(entries) > PAGE_SIZE else None
        action = args.get("action", "")[:32]
        actions = ACTIONS if not action or action in ACTIONS else (*ACTIONS, action)
        return render_template("audit/index.html", entries=page, references=references,
                               users=users, actions=actions, args=args, more=more,
                               details=details, action_words=ACTION_WORDS)


def init_app(app: Flask) -> None:
    """Serve the audit log."""
    app.register_blueprint(bp)
