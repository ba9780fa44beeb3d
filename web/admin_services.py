"""Administration of the service directory: list, add, edit, deactivate, within one's scope.

A coordinator manages the services of their municipality (another's are a 404, as for
contact points); an admin manages all. The form obeys the same rules as a row of
`sinjalizo import services`, through the importer's own row check.
"""

from __future__ import annotations

from http import HTTPStatus

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from werkzeug.wrappers import Response

from handlers.i18n import msg
from handlers.needs import LANGUAGE_NAMES, NEEDS
from models import Municipality, User
from models.db import get_db
from models.imports import RowProblem
from models.service_imports import service_fields, service_key
from models.services import Service
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
MUNICIPALITY_NEEDED = msg("Please choose the municipality.")
NAME_TAKEN = msg("The municipality already has a service of that name.")
FIELDS = ("name", "provider", "municipality_id", "needs", "phone", "email", "address", "hours",
          "languages", "note")
NEED_CHOICES = tuple(c for c in NEEDS if c.key != "any")


def _service(session: Session, user: User, service_id: int) -> Service:
    """Return a service the user manages, or abort 404."""
    service = session.get(Service, service_id)
    if service is None:
        abort(HTTPStatus.NOT_FOUND)
    own_municipality(user, service.municipality_id)
    return service


def _taken(session: Session, service: Service, name: str, municipality_id: int) -> bool:
    """Tell whether another service of the municipality has that name (case aside)."""
    key = service_key(name, municipality_id)
    return any(service_key(other.name, other.municipality_id) == key and other.id != service.id
               for other in session.scalars(select(Service).where(
                   Service.municipality_id == municipality_id)))


def _apply(session: Session, user: User, service: Service) -> bool:
    """Copy the form onto a service if it is valid; else show why and return False."""
    form = request.form
    name = " ".join(form.get("name", "").split())
    if not name or len(name) > 160:
        problem(NAME_NEEDED)
        return False
    muni = session.get(Municipality, number(form.get("municipality", "")) or -1)
    own_municipality(user, muni.id if muni is not None else None)
    if muni is None:  # only an admin gets here: a coordinator's was a 404
        problem(MUNICIPALITY_NEEDED)
        return False
    row = {key: form.get(key, "") for key in ("provider", "phone", "email", "address", "hours")}
    row["needs"] = ";".join(form.getlist("needs"))
    row["languages"] = ";".join(form.getlist("languages"))
    try:
        values = service_fields(row, muni)
    except RowProblem as refused:
        problem(refused.message)
        return False
    if _taken(session, service, name, muni.id):
        problem(NAME_TAKEN)
        return False
    service.name, service.municipality_id = name, muni.id
    service.note = form.get("note", "")[:2000]
    for key, value in values.items():
        setattr(service, key, value)
    service.updated_by = changed_by(user)
    return True


def services() -> str:
    """List the services the user manages (an admin may narrow it to a municipality)."""
    user: User = g.user
    with get_db(current_app).session() as session:
        query = (select(Service).options(selectinload(Service.municipality))
                 .order_by(Service.municipality_id, Service.name, Service.id))
        town = number(request.args.get("municipality", "")) if user.role == "admin" \
            else user.municipality_id
        if town is not None:
            query = query.where(Service.municipality_id == town)
        need = request.args.get("need", "")
        found = [s for s in session.scalars(query) if not need or need in (s.needs or ())]
        return render_template("admin/services.html", services=found, needs=NEED_CHOICES,
                               need=need, municipalities=municipalities(session, user),
                               chosen=town, language_names=LANGUAGE_NAMES)


def edit_service(service_id: int | None = None) -> str | Response:
    """Add a service, or edit one; a POST saves it."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        service = _service(session, user, service_id) if service_id else Service(
            active=True, municipality_id=user.municipality_id, needs=[], languages=[])
        if request.method == "POST" and _apply(session, user, service):
            session.add(service)
            session.flush()
            record(session, user.id, "admin", change="service saved", service=service.id,
                   values={key: getattr(service, key) for key in FIELDS})
            return redirect(url_for("admin.service", service_id=service.id))
        return _page(session, user, service)


def _page(session: Session, user: User, service: Service) -> str:
    """Render a service's form (a refused form comes back as it was typed)."""
    values = {"name": service.name or "", "provider": service.provider or "",
              "municipality": str(service.municipality_id or ""),
              "phone": service.phone or "", "email": service.email or "",
              "address": service.address or "", "hours": service.hours or "",
              "note": service.note or ""}
    needs, languages = list(service.needs or ()), list(service.languages or ())
    if request.method == "POST":
        values.update({k: v for k, v in request.form.items() if k in values})
        needs, languages = request.form.getlist("needs"), request.form.getlist("languages")
    return render_template("admin/service.html", service=service, values=values,
                           chosen_needs=needs, chosen_languages=languages,
                           needs=NEED_CHOICES, language_names=LANGUAGE_NAMES,
                           municipalities=municipalities(session, user))


def toggle_service(service_id: int) -> Response:
    """Deactivate a service (or reactivate it): it is never deleted, its referrals stay."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        service = _service(session, user, service_id)
        service.active = not service.active
        service.updated_by = changed_by(user)
        record(session, user.id, "admin", change="service activated" if service.active
               else "service deactivated", service=service.id, name=service.name)
    return redirect(url_for("admin.services"))


def register(bp: Blueprint) -> None:
    """Add the service directory's pages to the administration blueprint."""
    bp.add_url_rule("/services", "services", manager_required(services))
    bp.add_url_rule("/services/new", "new_service", manager_required(edit_service),
                    methods=["GET", "POST"])
    bp.add_url_rule("/services/<int:service_id>", "service", manager_required(edit_service),
                    methods=["GET", "POST"])
    bp.add_url_rule("/services/<int:service_id>/toggle", "toggle_service",
                    manager_required(toggle_service), methods=["POST"])
