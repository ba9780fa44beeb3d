"""Administration of contact points: list, add, edit, deactivate, and Telegram link codes."""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from bot.linking import new_code
from handlers.categories import ROLES
from models import ContactPoint, Municipality, User
from models.db import get_db
from models.phones import normalize_phone
from web.audit import record

LANGUAGES = ("sq", "sr", "en")


def _municipalities(session: Session, user: User) -> list[Municipality]:
    """Return the municipalities the user may put a contact point in."""
    query = select(Municipality).order_by(Municipality.name_sq)
    if user.role != "admin":
        query = query.where(Municipality.id == user.municipality_id)
    return list(session.scalars(query))


def _point(session: Session, user: User, point_id: int) -> ContactPoint:
    """Return a contact point the user manages, or abort 404."""
    from web.admin import own_municipality

    point = session.get(ContactPoint, point_id)
    if point is None:
        abort(HTTPStatus.NOT_FOUND)
    own_municipality(user, point.municipality_id)
    return point


def _apply(session: Session, user: User, point: ContactPoint) -> list[str]:
    """Copy the form onto a contact point; return what is wrong with it (nothing: saved)."""
    from web.admin import own_municipality

    form, problems = request.form, []
    name = form.get("name", "").strip()[:160]
    role = form.get("role", "")
    if not name:
        problems.append("name")
    if role not in ROLES:
        problems.append("role")
    municipality = form.get("municipality", "")
    municipality_id = int(municipality) if municipality.isdigit() else None
    if user.role != "admin" or municipality_id is not None:
        own_municipality(user, municipality_id)
    phone = form.get("phone", "").strip()
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValueError as error:
            problems.append(str(error))
    order = form.get("escalation_order", "1")
    if problems:
        return problems
    point.name, point.role, point.municipality_id = name, role, municipality_id
    point.phone = phone or None
    point.telegram_chat_id = form.get("telegram_chat_id", "").strip()[:32] or None
    point.email = form.get("email", "").strip()[:254] or None
    point.escalation_order = int(order) if order.isdigit() and int(order) > 0 else 1
    language = form.get("language", "sq")
    point.language = language if language in LANGUAGES else "sq"
    point.note = form.get("note", "")[:2000]
    point.updated_by = f"dashboard:{user.email}"
    return []


def points() -> str:
    """List the contact points the user manages."""
    user: User = g.user
    with get_db(current_app).session() as session:
        query = select(ContactPoint).order_by(ContactPoint.municipality_id, ContactPoint.role,
                                              ContactPoint.escalation_order)
        if user.role != "admin":
            query = query.where(ContactPoint.municipality_id == user.municipality_id)
        found = list(session.scalars(query))
        for point in found:
            _ = point.municipality
        return render_template("admin/points.html", points=found, roles=ROLES)


def edit_point(point_id: int | None = None) -> str | Response:
    """Add a contact point, or edit one; a POST saves it."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        point = _point(session, user, point_id) if point_id else ContactPoint(active=True)
        problems: list[str] = []
        if request.method == "POST":
            problems = _apply(session, user, point)
            if not problems:
                session.add(point)
                session.flush()
                record(session, user.id, "admin", change="contact point", point=point.id)
                return redirect(url_for("admin.points"))
            flash("; ".join(problems), "error")
        return render_template("admin/point.html", point=point, roles=ROLES,
                               municipalities=_municipalities(session, user),
                               languages=LANGUAGES, code=None)


def toggle_point(point_id: int) -> Response:
    """Deactivate a contact point (or reactivate it): it is never deleted."""
    with get_db(current_app).transaction() as session:
        point = _point(session, g.user, point_id)
        point.active = not point.active
        point.updated_by = f"dashboard:{g.user.email}"
        record(session, g.user.id, "admin", change="activate" if point.active else
               "deactivate", point=point.id)
    return redirect(url_for("admin.points"))


def link_code(point_id: int) -> str:
    """Create a one-time code that links the contact point's Telegram chat."""
    with get_db(current_app).transaction() as session:
        point = _point(session, g.user, point_id)
        code = new_code(session, point, datetime.now(UTC))
        record(session, g.user.id, "admin", change="link code", point=point.id)
        return render_template("admin/point.html", point=point, roles=ROLES,
                               municipalities=_municipalities(session, g.user),
                               languages=LANGUAGES, code=code)


def register(bp: Blueprint) -> None:
    """Add the contact-point pages to the administration blueprint."""
    from web.admin import manager_required

    bp.add_url_rule("/points", "points", manager_required(points))
    bp.add_url_rule("/points/new", "new_point", manager_required(edit_point),
                    methods=["GET", "POST"])
    bp.add_url_rule("/points/<int:point_id>", "point", manager_required(edit_point),
                    methods=["GET", "POST"])
    bp.add_url_rule("/points/<int:point_id>/toggle", "toggle_point",
                    manager_required(toggle_point), methods=["POST"])
    bp.add_url_rule("/points/<int:point_id>/code", "link_code", manager_required(link_code),
                    methods=["POST"])
