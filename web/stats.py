"""The statistics page of a period, within the user's scope, and its six-monthly export."""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date, datetime
from http import HTTPStatus
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, g, render_template, request
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from handlers.categories import ROLES
from locales import LOCAL_ZONE
from models import Municipality, User
from models.db import get_db
from service.period_report import ALL_MUNICIPALITIES, TOP_MUNICIPALITIES, labelled, write_report
from service.statistics import LONGEST, PeriodStats, compute
from web import get_catalogs
from web.audit import record
from web.auth import login_required
from web.i18n import language, text
from web.reports import deadlines
from web.scope import visible

bp = Blueprint("stats", __name__)


def last_half_year(today: date) -> tuple[date, date]:
    """Return the last complete half-year before `today`: 1 January–30 June or 1 July–31 Dec."""
    if today.month > 6:
        return date(today.year, 1, 1), date(today.year, 6, 30)
    return date(today.year - 1, 7, 1), date(today.year - 1, 12, 31)


def period(values: MultiDict[str, str]) -> tuple[date, date, bool]:
    """Read the period from a form; the last half-year when absent or wrong (then True)."""
    default = last_half_year(datetime.now(LOCAL_ZONE).date())
    if not values.get("from") and not values.get("to"):
        return *default, False
    try:
        start = date.fromisoformat(values.get("from", ""))
        end = date.fromisoformat(values.get("to", ""))
    except ValueError:
        return *default, True
    if end < start or end - start > LONGEST:
        return *default, True
    return start, end, False


def scope_label(session: Session, user: User) -> str:
    """Return whose reports the user sees: all, their municipality's, or their roles' there."""
    place = session.get(Municipality, user.municipality_id) \
        if user.role != "admin" and user.municipality_id is not None else None
    if place is None:
        return text(ALL_MUNICIPALITIES)
    roles = [text(ROLES[role]) for role in user.report_roles or [] if role in ROLES]
    name = place.name(language())
    return " · ".join([name, *roles]) if user.role == "focal" else name


def figures(session: Session, user: User, start: date, end: date) -> PeriodStats:
    """Compute the period's statistics within the user's scope."""
    return compute(session, start, end, visible(user), deadlines=deadlines(session))


@bp.get("/stats")
@login_required
def index() -> str:
    """Show a period's counts, response times and charts (the last half-year by default)."""
    start, end, wrong = period(request.args)
    with get_db(current_app).transaction() as session:
        stats = figures(session, g.user, start, end)
        scope = scope_label(session, g.user)
        record(session, g.user.id, "stats", start=start.isoformat(), end=end.isoformat())
    names = labelled(stats, get_catalogs(current_app), language())
    return render_template("stats/index.html", stats=stats, names=names, scope=scope,
                           wrong=wrong, longest=LONGEST.days, top=TOP_MUNICIPALITIES)


@bp.post("/stats/export")
@login_required
def export() -> Response:
    """Send the six-monthly report as a ZIP of its CSV, XLSX and printable HTML."""
    start, end, wrong = period(request.form)
    if wrong:  # the page's own form always sends a valid period
        abort(HTTPStatus.BAD_REQUEST)
    with get_db(current_app).transaction() as session:
        stats = figures(session, g.user, start, end)
        scope = scope_label(session, g.user)
        record(session, g.user.id, "export", start=start.isoformat(), end=end.isoformat())
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        paths = write_report(stats, Path(folder), get_catalogs(current_app), language(), scope)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, path.name)
    name = f"report-{start.isoformat()}-{end.isoformat()}.zip"
    return Response(buffer.getvalue(), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def init_app(app: Flask) -> None:
    """Serve the statistics pages."""
    app.register_blueprint(bp)

