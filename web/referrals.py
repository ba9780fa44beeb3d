"""Referrals on a report's page: refer to a service, record its answer, revoke, close as referred.

Whoever sees the report (web/scope.py) may act on its referrals, as a staff actor, exactly as
its other actions; a report out of scope, or a referral of another report, is a 404. The
service normally answers by SMS; the focal point may record its answer here on its behalf.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, request, url_for
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from handlers.i18n import Verbatim, msg
from handlers.needs import NEED_KEYS
from handlers.referral_texts import REFERRAL_STATES
from models import Report, User
from models.db import get_db
from models.services import Referral
from service.referrals import Answered, NotDone, answer, close_as_referred, refer
from web.actions import actor
from web.audit import record
from web.auth import login_required
from web.i18n import text
from web.reports import scoped_report

bp = Blueprint("referrals", __name__)
NOTE_LIMIT = 2000
REFERRED = msg("Report {reference} was referred to {service}.")
ALREADY = msg("Report {reference} is already referred to {service}, which has not finished "
              "with it yet.")
NOT_REFERRED = msg("The report could not be referred: it is finished, or the service is no "
                   "longer active.")
CHANGED = msg("The referral to {service} is now: {state}.")
REASON_NEEDED = msg("Please write why the service declined.")
NOT_CHANGED = msg("That change is not possible now: the referral is {state}.")
CLOSED = msg("Report {reference} is closed as referred to {service}.")
NOT_CLOSED = msg("The report could not be closed as referred.")
ANSWERS = ("accepted", "declined", "done", "revoked")


def _referral(session: Session, report: Report, referral_id: int) -> Referral:
    """Return a referral of this report, or abort 404."""
    referral = session.get(Referral, referral_id)
    if referral is None or referral.report_id != report.id:
        abort(HTTPStatus.NOT_FOUND)
    return referral


@bp.post("/reports/<reference>/referrals")
@login_required
def make(reference: str) -> Response:
    """Refer the report to a service of its municipality, telling the service if asked."""
    user: User = g.user
    chosen = request.form.get("service", "")
    need = request.form.get("need") or None
    if not chosen.isdigit() or (need is not None and need not in NEED_KEYS):
        abort(HTTPStatus.BAD_REQUEST, "no service chosen")
    note = request.form.get("note", "").strip()[:NOTE_LIMIT]
    with get_db(current_app).transaction() as session:
        report = scoped_report(session, user, reference)
        result = refer(session, report.reference, int(chosen), actor(user), note=note,
                       need=need, notify=request.form.get("notify") == "on",
                       now=datetime.now(UTC))
        record(session, user.id, "referral", report.id, service=int(chosen),
               done=not isinstance(result, NotDone))
    if isinstance(result, NotDone):
        flash(text(NOT_REFERRED), "error")
    else:
        said = ALREADY if result.already else REFERRED
        flash(text(msg(said.msgid, reference=Verbatim(result.reference),
                       service=Verbatim(result.service))), "info")
    return redirect(url_for("reports.detail", reference=reference) + "#referrals")


@bp.post("/reports/<reference>/referrals/<int:referral_id>")
@login_required
def change(reference: str, referral_id: int) -> Response:
    """Record the service's answer on its behalf (accepted, declined, done), or revoke."""
    user: User = g.user
    outcome = request.form.get("state", "")
    reason = request.form.get("reason", "").strip()[:NOTE_LIMIT]
    if outcome not in ANSWERS:
        abort(HTTPStatus.BAD_REQUEST, "unknown referral state")
    with get_db(current_app).transaction() as session:
        report = scoped_report(session, user, reference)
        referral = _referral(session, report, referral_id)
        result = answer(session, referral.id, actor(user), outcome, reason=reason,
                        now=datetime.now(UTC))
        record(session, user.id, "referral", report.id, referral=referral.id, to=outcome,
               done=isinstance(result, Answered))
        name, state = referral.service.name, referral.state
    if isinstance(result, Answered):
        flash(text(msg(CHANGED.msgid, service=Verbatim(name),
                       state=REFERRAL_STATES[result.state])), "info")
    elif result.problem == "reason_required":
        flash(text(REASON_NEEDED), "error")
    else:
        flash(text(msg(NOT_CHANGED.msgid, state=REFERRAL_STATES[state])), "error")
    return redirect(url_for("reports.detail", reference=reference) + "#referrals")


@bp.post("/reports/<reference>/referrals/<int:referral_id>/close")
@login_required
def close(reference: str, referral_id: int) -> Response:
    """Close the report as referred, pointing at this referral."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        report = scoped_report(session, user, reference)
        referral = _referral(session, report, referral_id)
        done = close_as_referred(session, referral.id, actor(user), datetime.now(UTC))
        record(session, user.id, "status", report.id, to="closed", reason="referred",
               referral=referral.id, refused=not done)
        name = referral.service.name
    flash(text(msg(CLOSED.msgid, reference=Verbatim(report.reference), service=Verbatim(name)))
          if done else text(NOT_CLOSED), "info" if done else "error")
    return redirect(url_for("reports.detail", reference=reference))


def init_app(app: Flask) -> None:
    """Serve the referral actions."""
    app.register_blueprint(bp)
