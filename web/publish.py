"""Publishing a hazard on the public page from its case page: the text, and each photo.

People write names and phone numbers into descriptions and photograph faces, so nothing of a
report reaches /hazards until staff publish it: a description they wrote or edited from the
reporter's words, and each photo one by one. Only hazards can be published. Admins, the
municipality's coordinator and the focal point holding the hazard may do it (web/scope.py);
anyone else who opens the form gets 403. Each step is an event on the timeline and audited.
"""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus

from flask import Blueprint, Flask, abort, current_app, flash, g, redirect, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from handlers.i18n import msg
from models import Attachment, Report, ReportEvent, User
from models.db import get_db
from web.actions import actor
from web.audit import record
from web.auth import login_required
from web.i18n import text
from web.scope import visible

bp = Blueprint("publish", __name__)
PUBLIC_TEXT_LIMIT = 2000
PUBLISHED = msg("The description is now on the public page of hazards.")
WITHDRAWN = msg("The description was withdrawn from the public page.")
EMPTY = msg("Please write the text to publish: nothing was published.")
PHOTO_PUBLISHED = msg("The photo is now on the public page of hazards.")
PHOTO_WITHDRAWN = msg("The photo was withdrawn from the public page.")


def publishable(session: Session, user: User, reference: str) -> Report:
    """Return a hazard the user may publish; 404 for no such hazard, 403 outside their scope."""
    report = session.scalar(select(Report).where(Report.reference == reference.upper(),
                                                 Report.kind == "hazard",
                                                 Report.simulated.is_(False)))
    if report is None:
        abort(HTTPStatus.NOT_FOUND)
    if session.scalar(select(Report.id).where(Report.id == report.id, visible(user))) is None:
        abort(HTTPStatus.FORBIDDEN)
    return report


def _event(session: Session, report: Report, user: User, *, kind: str, note: str,
           **data: object) -> None:
    """Add a publication event to the report's timeline."""
    now = datetime.now(UTC)
    session.add(ReportEvent(report_id=report.id, at=now, actor=actor(user).label, kind=kind,
                            note=note, data=data))


@bp.post("/reports/<reference>/public/description")
@login_required
def publish_description(reference: str) -> Response:
    """Publish the text staff wrote or approved as the hazard's public description."""
    user: User = g.user
    written = " ".join(request.form.get("description", "").split())[:PUBLIC_TEXT_LIMIT]
    with get_db(current_app).transaction() as session:
        report = publishable(session, user, reference)
        if not written:
            flash(text(EMPTY), "error")
            return redirect(url_for("reports.detail", reference=report.reference))
        report.public_description = written
        report.public_approved_at = datetime.now(UTC)
        report.public_approved_by = user.id
        _event(session, report, user, kind="published", note="description published",
               text=written)
        record(session, user.id, "publish", report.id)
    flash(text(PUBLISHED), "info")
    return redirect(url_for("reports.detail", reference=reference.upper()))


@bp.post("/reports/<reference>/public/withdraw")
@login_required
def withdraw_description(reference: str) -> Response:
    """Take the hazard's public description off the public page."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        report = publishable(session, user, reference)
        if report.public_description is not None:
            # The approval was of the text withdrawn; the timeline keeps who withdrew it.
            report.public_description = None
            report.public_approved_at = report.public_approved_by = None
            _event(session, report, user, kind="unpublished", note="description withdrawn")
            record(session, user.id, "withdraw", report.id)
    flash(text(WITHDRAWN), "info")
    return redirect(url_for("reports.detail", reference=reference.upper()))


@bp.post("/reports/<reference>/public/photos/<int:attachment_id>")
@login_required
def photo(reference: str, attachment_id: int) -> Response:
    """Publish or withdraw one photo of the hazard (form field `publish`: 1 or 0)."""
    user: User = g.user
    publish = request.form.get("publish") == "1"
    with get_db(current_app).transaction() as session:
        report = publishable(session, user, reference)
        found = session.scalar(select(Attachment).where(Attachment.id == attachment_id,
                                                        Attachment.report_id == report.id))
        if found is None:
            abort(HTTPStatus.NOT_FOUND)
        if found.public != publish:
            found.public = publish
            if publish:
                _event(session, report, user, kind="photo_published", note="photo published",
                       attachment=found.id)
            else:
                _event(session, report, user, kind="photo_withdrawn", note="photo withdrawn",
                       attachment=found.id)
            record(session, user.id, "publish" if publish else "withdraw", report.id,
                   attachment=found.id)
    flash(text(PHOTO_PUBLISHED if publish else PHOTO_WITHDRAWN), "info")
    return redirect(url_for("reports.detail", reference=reference.upper()))


def init_app(app: Flask) -> None:
    """Serve the publication actions."""
    app.register_blueprint(bp)
