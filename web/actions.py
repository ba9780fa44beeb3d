"""Acting on a report from the dashboard: status changes and reassignment, each audited.

Every action goes through the same lifecycle as a focal point's Telegram button or SMS
reply, as a staff actor, so it is an event on the report and the reporter is told through
the outbox. A report outside the user's scope is a 404, whatever the form says.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, request, url_for
from werkzeug.wrappers import Response

from alerts.lifecycle import Actor, Refused, change_status
from alerts.reassign import reassign
from handlers.categories import STATUSES
from handlers.i18n import Verbatim, msg
from models import CLOSE_REASONS, ContactPoint, User
from models.db import get_db
from web.audit import record
from web.auth import login_required
from web.i18n import text
from web.reports import scoped_report
from web.scope import may_reassign_anywhere

bp = Blueprint("actions", __name__)
NOTE_LIMIT = 2000
CHANGED = msg("Report {reference} is now: {status}.")
REFUSED = msg("That change is not possible now: the report is {status}.")
REASON_NEEDED = msg("Please choose why the report is closed.")
MOVED = msg("Report {reference} was passed to {name}.")
NOT_MOVED = msg("The report could not be passed on: it is finished, or the contact point is "
                "no longer active.")


def actor(user: User) -> Actor:
    """Return the lifecycle's actor for a dashboard user."""
    return Actor("staff", user.id, user.email)


@bp.post("/reports/<reference>/status")
@login_required
def set_status(reference: str) -> Response:
    """Acknowledge, mark in progress, resolve or close a report, with a note."""
    user: User = g.user
    target = request.form.get("status", "")
    reason = request.form.get("reason") or None
    note = request.form.get("note", "").strip()[:NOTE_LIMIT]
    if target not in STATUSES or target in ("received", "routed"):
        abort(HTTPStatus.BAD_REQUEST, "unknown status")
    if target == "closed" and reason not in CLOSE_REASONS:
        flash(text(REASON_NEEDED), "error")
        return redirect(url_for("reports.detail", reference=reference))
    with get_db(current_app).transaction() as session:
        report = scoped_report(session, user, reference)
        result = change_status(session, report.reference, actor(user), target, reason=reason,
                               note=note, now=datetime.now(UTC))
        refused = isinstance(result, Refused)
        record(session, user.id, "status", report.id, to=target, reason=reason,
               refused=refused)
        status = report.status
    if refused:
        flash(text(msg(REFUSED.msgid, status=STATUSES[status])), "error")
    else:
        flash(text(msg(CHANGED.msgid, reference=Verbatim(report.reference),
                       status=STATUSES[target])), "info")
    return redirect(url_for("reports.detail", reference=reference))


@bp.post("/reports/<reference>/reassign")
@login_required
def reassign_report(reference: str) -> Response:
    """Pass a report to another contact point (in another municipality for coordinators)."""
    user: User = g.user
    point_id = request.form.get("contact_point", "")
    note = request.form.get("note", "").strip()[:NOTE_LIMIT]
    if not point_id.isdigit():
        abort(HTTPStatus.BAD_REQUEST, "no contact point chosen")
    with get_db(current_app).transaction() as session:
        report = scoped_report(session, user, reference)
        point = session.get(ContactPoint, int(point_id))
        if point is None or (not may_reassign_anywhere(user)
                             and point.municipality_id != report.municipality_id):
            abort(HTTPStatus.FORBIDDEN)
        done = reassign(session, report.reference, point.id, actor(user), note,
                        datetime.now(UTC))
        record(session, user.id, "reassign", report.id, to=point.id, done=done is not None)
    if done is None:
        flash(text(NOT_MOVED), "error")
        return redirect(url_for("reports.detail", reference=reference))
    flash(text(msg(MOVED.msgid, reference=Verbatim(done.reference),
                   name=Verbatim(done.point_name))), "info")
    if done.moved and user.role != "admin":
        return redirect(url_for("reports.index"))  # now another municipality's report
    return redirect(url_for("reports.detail", reference=reference))


def init_app(app: Flask) -> None:
    """Serve the action endpoints."""
    app.register_blueprint(bp)
