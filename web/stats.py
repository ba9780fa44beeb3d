"""The statistics page of a period, within the user's scope, and its six-monthly export.

The page opens on the current half-year (January–June or July–December of today, in
Europe/Tirane); the form, or the links to the half-years before, choose another period. An
admin may narrow everything to one country; anyone else sees their municipality's reports.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from datetime import date, datetime, timedelta
from http import HTTPStatus
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, g, render_template, request
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from handlers.categories import ROLES
from handlers.place_answers import COUNTRY_NAMES
from locales import LANGUAGES, LOCAL_ZONE
from models import Municipality, User
from models.db import get_db
from service.period_report import ALL_MUNICIPALITIES, write_report
from service.report_sections import TOP, Period, Section, Words, sections
from service.statistics import LONGEST, PeriodStats, compute
from web import get_catalogs
from web.audit import record
from web.auth import login_required
from web.i18n import language
from web.reports import deadlines
from web.scope import chosen_country, statistics_scope

bp = Blueprint("stats", __name__)
HALF_YEARS_SHOWN = 4  # links to the current half-year and the three before


def half_year(today: date) -> tuple[date, date]:
    """Return the half-year `today` falls in: 1 January–30 June or 1 July–31 December."""
    if today.month > 6:
        return date(today.year, 7, 1), date(today.year, 12, 31)
    return date(today.year, 1, 1), date(today.year, 6, 30)


def half_years(today: date, count: int = HALF_YEARS_SHOWN) -> list[tuple[date, date]]:
    """Return the current half-year and the ones before it, newest first."""
    found = [half_year(today)]
    while len(found) < count:
        found.append(half_year(found[-1][0] - timedelta(days=1)))
    return found


def today() -> date:
    """Return today's date in Europe/Tirane."""
    return datetime.now(LOCAL_ZONE).date()


def period(values: MultiDict[str, str]) -> tuple[date, date, bool]:
    """Read the period from a form; the current half-year when absent or wrong (then True)."""
    default = half_year(today())
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


def scope_label(session: Session, user: User, country: str, words: Words) -> str:
    """Return whose reports are counted: all, a country's, a municipality's, or roles' there."""
    place = session.get(Municipality, user.municipality_id) \
        if user.role != "admin" and user.municipality_id is not None else None
    if place is None:
        return words(COUNTRY_NAMES[country]) if country else words(ALL_MUNICIPALITIES)
    name = place.name(words.language)
    roles = [words(ROLES[role]) for role in user.report_roles or [] if role in ROLES]
    return " · ".join([name, *roles]) if user.role == "focal" else name


def report(session: Session, user: User, start: date, end: date, country: str,
           words: Words) -> tuple[PeriodStats, tuple[Section, ...], str]:
    """Compute the period's figures within the user's scope, and its report's sections."""
    scope = statistics_scope(user, country)
    stats = compute(session, start, end, scope, deadlines=deadlines(session))
    label = scope_label(session, user, country, words)
    return stats, sections(session, stats, Period(start, end, scope), words, label), label


def _audited(start: date, end: date, country: str) -> dict[str, str]:
    """Return what the audit log keeps of a statistics request."""
    return {"start": start.isoformat(), "end": end.isoformat(),
            **({"country": country} if country else {})}


@bp.get("/stats")
@login_required
def index() -> str:
    """Show a period's figures and charts (the current half-year by default)."""
    start, end, wrong = period(request.args)
    country = chosen_country(g.user, request.args.get("country"))
    words = Words(get_catalogs(current_app), language())
    with get_db(current_app).transaction() as session:
        stats, shown, scope = report(session, g.user, start, end, country, words)
        record(session, g.user.id, "stats", None, **_audited(start, end, country))
    return render_template("stats/index.html", stats=stats, report=shown, scope=scope,
                           wrong=wrong, longest=LONGEST.days, top=TOP, country=country,
                           countries=COUNTRY_NAMES, half_years=half_years(today()),
                           report_languages=LANGUAGES)


@bp.post("/stats/export")
@login_required
def export() -> Response:
    """Send the six-monthly report as a ZIP of its CSV, XLSX and printable HTML."""
    start, end, wrong = period(request.form)
    if wrong:  # the page's own form always sends a valid period
        abort(HTTPStatus.BAD_REQUEST)
    country = chosen_country(g.user, request.form.get("country"))
    wanted = request.form.get("language", "")
    words = Words(get_catalogs(current_app), wanted if wanted in LANGUAGES else language())
    with get_db(current_app).transaction() as session:
        stats, shown, scope = report(session, g.user, start, end, country, words)
        record(session, g.user.id, "export", None, **_audited(start, end, country))
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as folder:
        paths = write_report(shown, stats, Path(folder), words, scope)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in paths:
                archive.write(path, path.name)
    name = f"report-{start.isoformat()}-{end.isoformat()}.zip"
    return Response(buffer.getvalue(), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def init_app(app: Flask) -> None:
    """Serve the statistics pages."""
    app.register_blueprint(bp)
