"""Administration of contact points: list, add, edit, deactivate, and Telegram link codes."""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload
from werkzeug.wrappers import Response

from bot.linking import VALIDITY, new_code
from handlers.categories import ROLES
from handlers.i18n import Verbatim, msg
from handlers.place_answers import COUNTRY_NAMES as COUNTRIES
from models import ContactPoint, Municipality, School, User
from models.db import get_db

# The importer's row check is reused so that a form and a CSV row obey the same rules.
from models.imports import LANGUAGES, MunicipalityIndex, RowProblem, _contact_fields
from web.admin_common import (
    changed_by,
    manager_required,
    municipalities,
    number,
    own_municipality,
    problem,
)
from web.audit import record

NAME_NEEDED = msg("The name is empty.")
NO_SUCH_SCHOOL = msg("There is no school with the code {code}.")
INACTIVE = msg("This contact point is inactive: activate it before linking a Telegram chat.")
FIELDS = ("name", "role", "municipality_id", "school_id", "phone", "telegram_chat_id", "email",
          "escalation_order", "language", "country", "whatsapp", "note")


def _point(session: Session, user: User, point_id: int) -> ContactPoint:
    """Return a contact point the user manages, or abort 404."""
    point = session.get(ContactPoint, point_id)
    if point is None:
        abort(HTTPStatus.NOT_FOUND)
    own_municipality(user, point.municipality_id)
    return point


def _school(session: Session, code: str) -> School | None:
    """Return the school a typed code names, case aside (None when there is none)."""
    return session.scalars(select(School).where(func.lower(School.code) == code.lower())).first()


def _apply(session: Session, user: User, point: ContactPoint) -> bool:
    """Copy the form onto a contact point if it is valid; else show why and return False."""
    form = request.form
    name = form.get("name", "").strip()
    if not name or len(name) > 160:
        problem(NAME_NEEDED)
        return False
    town = number(form.get("municipality", ""))
    muni = session.get(Municipality, town) if town is not None else None
    if user.role != "admin" or muni is not None:
        own_municipality(user, muni.id if muni is not None else -1)
    code = form.get("school_code", "").strip()
    school = _school(session, code) if code else None
    if code and school is None:
        problem(msg(NO_SUCH_SCHOOL.msgid, code=Verbatim(code)))
        return False
    row = {"role": form.get("role", ""), "municipality": muni.code if muni else "",
           "school_code": school.code if school else "", "phone": form.get("phone", ""),
           "telegram_chat_id": form.get("telegram_chat_id", ""), "email": form.get("email", ""),
           "whatsapp": form.get("whatsapp", ""),
           "escalation_order": form.get("escalation_order", ""),
           "language": form.get("language", ""),
           "country": form.get("country", "") if muni is None else ""}
    try:
        values = _contact_fields(row, MunicipalityIndex([muni] if muni else []),
                                 lambda _row: school)
    except RowProblem as refused:
        problem(refused.message)
        return False
    point.name, point.role, point.note = name, row["role"], form.get("note", "")[:2000]
    for key, value in values.items():
        setattr(point, key, value)
    point.updated_by = changed_by(user)
    return True


def points() -> str:
    """List the contact points the user manages (an admin may narrow it to a municipality)."""
    user: User = g.user
    with get_db(current_app).session() as session:
        query = (select(ContactPoint)
                 .options(selectinload(ContactPoint.municipality),
                          selectinload(ContactPoint.school))
                 .order_by(ContactPoint.municipality_id, ContactPoint.role,
                           ContactPoint.escalation_order, ContactPoint.id))
        town = number(request.args.get("municipality", "")) if user.role == "admin" \
            else user.municipality_id
        if town is not None:
            query = query.where(ContactPoint.municipality_id == town)
        return render_template("admin/points.html", points=list(session.scalars(query)),
                               roles=ROLES, municipalities=municipalities(session, user),
                               chosen=town, countries=COUNTRIES)


def edit_point(point_id: int | None = None) -> str | Response:
    """Add a contact point, or edit one; a POST saves it."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        point = _point(session, user, point_id) if point_id else ContactPoint(
            active=True, municipality_id=user.municipality_id)
        if request.method == "POST" and _apply(session, user, point):
            session.add(point)
            session.flush()
            record(session, user.id, "admin", change="contact point saved", point=point.id,
                   values={key: getattr(point, key) for key in FIELDS})
            return redirect(url_for("admin.point", point_id=point.id))
        return _page(session, user, point)


def _page(session: Session, user: User, point: ContactPoint, code: str | None = None,
          expires: datetime | None = None) -> str:
    """Render a contact point's form, with a link code just made if there is one."""
    values = {"name": point.name or "", "role": point.role or "",
              "municipality": str(point.municipality_id or ""),
              "school_code": point.school.code if point.school else "",
              "phone": point.phone or "", "telegram_chat_id": point.telegram_chat_id or "",
              "whatsapp": point.whatsapp or "",
              "email": point.email or "", "escalation_order": str(point.escalation_order or 1),
              "language": point.language or "sq", "country": point.country or "",
              "note": point.note or ""}
    if request.method == "POST" and code is None:
        values.update(request.form.to_dict())  # a refused form comes back as it was typed
    return render_template("admin/point.html", point=point, values=values, roles=ROLES,
                           municipalities=municipalities(session, user),
                           languages=LANGUAGES, countries=COUNTRIES, code=code,
                           expires=expires)


def toggle_point(point_id: int) -> Response:
    """Deactivate a contact point (or reactivate it): it is never deleted."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        point = _point(session, user, point_id)
        point.active = not point.active
        point.updated_by = changed_by(user)
        record(session, user.id, "admin", change="activated" if point.active else
               "deactivated", point=point.id, name=point.name)
    return redirect(url_for("admin.points"))


def link_code(point_id: int) -> str | Response:
    """Create a one-time code that links the contact point's Telegram chat, and show it."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        point = _point(session, user, point_id)
        if not point.active:
            problem(INACTIVE)
            return redirect(url_for("admin.point", point_id=point.id))
        now = datetime.now(UTC)
        code = new_code(session, point, now)
        # The code itself stays out of the log: whoever reads the log could redeem it.
        record(session, user.id, "admin", change="link code made", point=point.id)
        return _page(session, user, point, code, now + VALIDITY)


def register(bp: Blueprint) -> None:
    """Add the contact-point pages to the administration blueprint."""
    bp.add_url_rule("/points", "points", manager_required(points))
    bp.add_url_rule("/points/new", "new_point", manager_required(edit_point),
                    methods=["GET", "POST"])
    bp.add_url_rule("/points/<int:point_id>", "point", manager_required(edit_point),
                    methods=["GET", "POST"])
    bp.add_url_rule("/points/<int:point_id>/toggle", "toggle_point",
                    manager_required(toggle_point), methods=["POST"])
    bp.add_url_rule("/points/<int:point_id>/code", "link_code", manager_required(link_code),
                    methods=["POST"])
