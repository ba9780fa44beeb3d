"""The report list and a report's page, each view written to the audit log."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import and_, select
from sqlalchemy.orm import Session, selectinload
from werkzeug.wrappers import Response

from alerts.content import CLOSE_REASONS
from alerts.deadlines import Deadlines
from handlers.categories import ROLES, STATUSES, category_label
from handlers.focal_actions import FOCAL_ACTIONS, FocalAction, available
from handlers.i18n import Msg
from handlers.place_answers import COUNTRY_NAMES
from handlers.relay import QUESTION_LIMIT
from models import ContactPoint, Municipality, Report, ReportRoute, User
from models.db import get_db
from service.deadlines import in_effect
from service.relay import Asked, askable
from service.report_queries import KINDS, overdue
from web import get_settings
from web.audit import record
from web.auth import login_required
from web.case_words import CHANNELS
from web.filters import CATEGORIES, PAGE_SIZE, conditions, cursor_of, parse
from web.i18n import by_name, language, text
from web.referral_panel import referral_context
from web.report_facts import detail_facts
from web.report_map import boundary_feature, located, map_data
from web.scope import holds, may_reassign_anywhere, visible
from web.timeline import timeline

bp = Blueprint("reports", __name__)
DEADLINES_KEY = "sinjalizo.deadlines"
PHONE_CHANNELS = frozenset({"sms", "whatsapp"})  # channels whose address is a number one can call


def file_deadlines(app: Flask) -> Deadlines:
    """Return the escalation deadlines of the deadlines file (read once)."""
    found = app.extensions.get(DEADLINES_KEY)
    if not isinstance(found, Deadlines):
        found = app.extensions[DEADLINES_KEY] = Deadlines.load(
            get_settings(app).escalation_file or None)
    return found


def deadlines(session: Session) -> Deadlines:
    """Return the escalation deadlines in effect: the file's, with the dashboard's settings."""
    return in_effect(session, file_deadlines(current_app))


def scoped_report(session: Session, user: User, reference: str) -> Report:
    """Return a report the user may see, or abort 404 (the same as one that does not exist)."""
    report = session.scalar(select(Report).where(Report.reference == reference.upper(),
                                                 visible(user)))
    if report is None:
        abort(HTTPStatus.NOT_FOUND)
    return report


@bp.get("/")
@login_required
def home() -> Response:
    """Start at the report list."""
    return redirect(url_for("reports.index"))


@bp.get("/reports")
@login_required
def index() -> str:
    """List the reports the user may see, newest first, 50 a page, filtered."""
    user: User = g.user
    filters = parse(request.args)
    if user.role != "admin":  # anyone else's municipality fixes the country
        filters = replace(filters, country="")
    now = datetime.now(UTC)
    with get_db(current_app).transaction() as session:
        table = deadlines(session)
        where = [visible(user), *conditions(filters, table, now)]
        rows = list(session.scalars(
            select(Report).where(and_(*where)).options(selectinload(Report.municipality))
            .order_by(Report.created_at.desc(), Report.id.desc()).limit(PAGE_SIZE + 1)))
        late = set(session.scalars(select(Report.id).where(
            Report.id.in_([r.id for r in rows]), overdue(table, now))))
        municipalities = by_name(session.scalars(select(Municipality))) \
            if user.role == "admin" else []
        record(session, user.id, "list", filters=filters.query_args())
        page = rows[:PAGE_SIZE]
        more = filters.query_args(before=cursor_of(page[-1].created_at, page[-1].id)) \
            if len(rows) > PAGE_SIZE else None
        return render_template(
            "reports/index.html", reports=page, late=late, filters=filters, more=more,
            kinds=KINDS, categories=CATEGORIES, statuses=STATUSES,
            municipalities=municipalities, category_label=category_label,
            countries=COUNTRY_NAMES if user.role == "admin" else {})


def _reporter(session: Session, user: User, report: Report) -> str | None:
    """Return the reporter's number: only to those holding the report, when they agreed.

    An anonymous reporter is never shown, and a Telegram chat id is no number to call:
    they are asked through the service instead ("Ask the reporter").
    """
    contact = report.reporter
    if report.anonymous or not report.callback_consent or contact is None \
            or contact.channel not in PHONE_CHANNELS:
        return None
    held = session.scalar(select(Report.id).where(Report.id == report.id, holds(user)))
    return contact.address if held is not None else None


def _ask_refused(session: Session, report: Report) -> Msg | None:
    """Say why the reporter cannot be asked now, or None when the form may be shown."""
    refused = askable(session, report, datetime.now(UTC))
    return Asked(refused, report.reference).message(page=True) if refused else None


def status_actions(status: str) -> list[FocalAction]:
    """Return the status actions of the focal action table open from `status`."""
    return [a for a in FOCAL_ACTIONS if a.kind == "status" and available(a, status)]


def _targets(session: Session, user: User, report: Report) -> list[ContactPoint]:
    """Return the contact points the user may pass the report to."""
    query = select(ContactPoint).where(ContactPoint.active).options(
        selectinload(ContactPoint.municipality)).order_by(
        ContactPoint.municipality_id, ContactPoint.role, ContactPoint.name)
    if not may_reassign_anywhere(user):
        query = query.where(ContactPoint.municipality_id == report.municipality_id)
    return list(session.scalars(query))


@bp.get("/reports/<reference>")
@login_required
def detail(reference: str) -> str:
    """Show one report: its facts, map, photos, timeline and the actions open to the user."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        report = scoped_report(session, user, reference)
        record(session, user.id, "view", report.id)
        routes = list(session.scalars(select(ReportRoute).where(
            ReportRoute.report_id == report.id).order_by(ReportRoute.id)))
        events, sent_to = timeline(session, language(), report.kind,
                                   list(report.events), routes)
        context: dict[str, Any] = {
            "report": report, "sent_to": sent_to, "events": events,
            "facts": detail_facts(report, text), "channel": CHANNELS.get(report.channel),
            "attachments": list(report.attachments),
            "reporter": _reporter(session, user, report),
            "category": category_label(report.kind, report.category),
            "statuses": STATUSES, "roles": ROLES, "close_reasons": CLOSE_REASONS,
            "status_actions": status_actions(report.status),
            "ask_refused": _ask_refused(session, report),
            "question_limit": QUESTION_LIMIT,
            "targets": _targets(session, user, report),
            "tiles": current_app.config.get("MAP_TILES", DEFAULT_TILES),
            "located": located(report, language()), "map": map_data(session, report),
            "late": session.scalar(select(Report.id).where(
                Report.id == report.id, overdue(deadlines(session),
                                                datetime.now(UTC)))) is not None,
            **referral_context(session, report),
        }
        return render_template("reports/detail.html", **context)


@bp.get("/municipalities/<int:municipality_id>/boundary.geojson")
@login_required
def boundary(municipality_id: int) -> Response:
    """Serve a municipality's boundary for a report's map; 404 when none is loaded."""
    with get_db(current_app).session() as session:
        feature = boundary_feature(session, municipality_id)
    if feature is None:
        abort(HTTPStatus.NOT_FOUND)
    response = jsonify(feature)
    response.mimetype = "application/geo+json"
    # Boundaries change only with `sinjalizo import geo`; a day in the browser's cache is fine.
    response.cache_control.private = True
    response.cache_control.max_age = 86400
    return response


DEFAULT_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"


def sentence(said: str) -> str:
    """Begin a sentence with a capital, whoever it names first ("raportuesi" -> "Raportuesi")."""
    return said[:1].upper() + said[1:]


def init_app(app: Flask) -> None:
    """Serve the report pages."""
    app.register_blueprint(bp)
    app.jinja_env.filters["sentence"] = sentence
