"""Acting on a report from the dashboard: status changes, questions, reassignment, audited.

The status form and the question form are the focal action table's (handlers/focal_actions.py),
applied as the Telegram buttons and the chat words apply it, as a staff actor, so each is
an event on the report and the reporter is told (or asked) through the outbox. A report
outside the user's scope is a 404, whatever the form says.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, request, url_for
from werkzeug.wrappers import Response

from alerts.lifecycle import Actor
from alerts.reassign import reassign
from handlers.categories import STATUSES
from handlers.focal_actions import by_target
from handlers.i18n import Verbatim, msg
from models import CLOSE_REASONS, ContactPoint, User
from models.db import get_db
from service.focal import act
from service.relay import ask_reporter as relay_question
from web import get_catalogs
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
    """Take up, mark in progress, resolve or close a report, with a note."""
    user: User = g.user
    target = request.form.get("status", "")
    reason = request.form.get("reason") or None
    note = request.form.get("note", "").strip()[:NOTE_LIMIT]
    action = by_target(target)
    if action is None:
        abort(HTTPStatus.BAD_REQUEST, "unknown status")
    if "reason" in action.needs and reason not in CLOSE_REASONS:
        flash(text(REASON_NEEDED), "error")
        return redirect(url_for("reports.detail", reference=reference))
    with get_db(current_app).transaction() as session:
        report = scoped_report(session, user, reference)
        acted = act(session, actor(user), report.reference, action, reason=reason, note=note,
                    now=datetime.now(UTC))
        refused = acted.outcome not in ("changed", "unchanged")
        record(session, user.id, "status", report.id, to=target, reason=reason,
               refused=refused)
        status = report.status
    if refused:
        flash(text(msg(REFUSED.msgid, status=STATUSES[status])), "error")
    else:
        flash(text(msg(CHANGED.msgid, reference=Verbatim(report.reference),
                       status=STATUSES[status])), "info")
    return redirect(url_for("reports.detail", reference=reference))


@bp.post("/reports/<reference>/ask")
@login_required
def ask_reporter(reference: str) -> Response:
    """Send the reporter a question through the service; their answer comes to the timeline."""
    user: User = g.user
    question = request.form.get("question", "")
    with get_db(current_app).transaction() as session:
        report = scoped_report(session, user, reference)
        asked = relay_question(session, report, actor(user), question, datetime.now(UTC),
                               get_catalogs(current_app))
        # The question is staff's own words; the reporter's address is never in the log.
        record(session, user.id, "ask", report.id, question=" ".join(question.split()),
               outcome=asked.outcome)
    flash(text(asked.message(page=True)), "info" if asked.outcome == "sent" else "error")
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
