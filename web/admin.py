"""Administration: the overview, CSV imports, routing rules and escalation deadlines.

Admins manage everything; a coordinator manages their own municipality's contact points,
schools and teachers (web/admin_points.py, web/admin_schools.py) and imports rows of their
municipality only. Routing rules and deadlines are for admins. Focal points see none of it.
Every change is written to the audit log.
"""

from __future__ import annotations

import csv
import functools
import io
import tempfile
from collections.abc import Callable
from http import HTTPStatus
from pathlib import Path
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    Flask,
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

from handlers.categories import ROLES
from models import Municipality, RoutingRule, School, User
from models.db import get_db
from models.imports import (
    ImportResult,
    MunicipalityIndex,
    RowError,
    import_contact_points,
    import_schools,
    import_teachers,
)
from routing.rules import DEFAULT_RULES
from web import get_settings
from web.audit import record
from web.auth import admin_required, login_required
from web.reports import deadlines

bp = Blueprint("admin", __name__, url_prefix="/admin")
View = TypeVar("View", bound=Callable[..., Any])
IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    "schools": import_schools, "teachers": import_teachers,
    "contact-points": import_contact_points}
MAX_UPLOAD = 5 * 1024 * 1024


def manager_required(view: View) -> View:
    """Let admins and coordinators through; focal points get 403."""

    @functools.wraps(view)
    @login_required
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        """Run the view only for an admin or a coordinator."""
        if g.user.role not in ("admin", "coordinator"):
            abort(HTTPStatus.FORBIDDEN)
        return view(*args, **kwargs)

    return cast(View, wrapped)


def own_municipality(user: User, municipality_id: int | None) -> None:
    """Abort 404 unless the user manages that municipality."""
    if user.role != "admin" and municipality_id != user.municipality_id:
        abort(HTTPStatus.NOT_FOUND)


@bp.get("/")
@manager_required
def index() -> str:
    """Link the administration sections."""
    return render_template("admin/index.html")


def outside_rows(session: Session, user: User, kind: str, text: str) -> list[RowError]:
    """Return the rows of an upload that name a municipality the coordinator does not manage."""
    index = MunicipalityIndex.load(session)
    schools = {s.code.lower(): s.municipality_id for s in session.scalars(select(School))}
    problems = []
    for line, row in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        cells = {k.strip().lower(): (v or "").strip() for k, v in row.items() if k}
        try:
            where = schools.get(cells.get("school_code", "").lower()) if kind == "teachers" \
                else index.find(cells.get("municipality", "")).id
        except Exception:  # an unknown name is reported by the import itself
            continue
        if where is not None and where != user.municipality_id:
            problems.append(RowError(line, None, "this row belongs to another municipality"))
    return problems


@bp.route("/import/<kind>", methods=["GET", "POST"])
@manager_required
def import_file(kind: str) -> str:
    """Upload a CSV of schools, teachers or contact points and show what was done."""
    if kind not in IMPORTERS:
        abort(HTTPStatus.NOT_FOUND)
    result: ImportResult | None = None
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read(MAX_UPLOAD + 1) if upload is not None else b""
        if not data or len(data) > MAX_UPLOAD:
            abort(HTTPStatus.BAD_REQUEST, "no file, or a file over 5 MB")
        with get_db(current_app).transaction() as session:
            refused = [] if g.user.role == "admin" else outside_rows(
                session, g.user, kind, data.decode("utf-8-sig", errors="replace"))
            if refused:
                result = ImportResult(errors=refused)
            else:
                with tempfile.TemporaryDirectory() as folder:
                    path = Path(folder) / "upload.csv"
                    path.write_bytes(data)
                    result = IMPORTERS[kind](session, path) if kind != "contact-points" else \
                        import_contact_points(session, path,
                                              updated_by=f"dashboard:{g.user.email}")
            record(session, g.user.id, "admin", change=f"import {kind}", result=str(result))
    return render_template("admin/import.html", kind=kind, result=result)


@bp.route("/rules", methods=["GET", "POST"])
@admin_required
def rules() -> str | Response:
    """Show the built-in routing table and the database rules; add or remove a rule."""
    with get_db(current_app).transaction() as session:
        if request.method == "POST":
            change_rule(session, g.user)
            return redirect(url_for("admin.rules"))
        stored = list(session.scalars(select(RoutingRule).order_by(RoutingRule.kind,
                                                                     RoutingRule.id)))
        names = {row.id: row.name_sq for row in session.execute(
            select(Municipality.id, Municipality.name_sq))}
        municipalities = sorted(names.items(), key=lambda item: item[1])
        return render_template("admin/rules.html", defaults=DEFAULT_RULES, stored=stored,
                               names=names, municipalities=municipalities, roles=ROLES)


def change_rule(session: Session, user: User) -> None:
    """Add a routing rule from the form, or remove the one named."""
    form = request.form
    if form.get("remove", "").isdigit():
        rule = session.get(RoutingRule, int(form["remove"]))
        if rule is not None:
            session.delete(rule)
            record(session, user.id, "admin", change="remove rule", rule=rule.id)
        return
    roles = [r for r in form.getlist("roles") if r in ROLES]
    if form.get("kind") not in ("hazard", "child_at_risk", "dropout") or not roles:
        flash("kind and at least one role are needed", "error")
        return
    urgent = {"yes": True, "no": False}.get(form.get("urgent", ""))
    municipality = form.get("municipality", "")
    rule = RoutingRule(kind=form["kind"], category=form.get("category", "").strip() or None,
                       urgent=urgent,
                       municipality_id=int(municipality) if municipality.isdigit() else None,
                       roles=" ".join(roles), note=form.get("note", "")[:500])
    session.add(rule)
    session.flush()
    record(session, user.id, "admin", change="add rule", rule=rule.id, roles=rule.roles)


@bp.get("/deadlines")
@admin_required
def deadlines_page() -> str:
    """Show the escalation deadlines in effect and where they come from."""
    source = get_settings(current_app).escalation_file or "alerts/deadlines.toml"
    table = deadlines(current_app)
    rows = [(kind, table.deadline_for(kind, False), table.deadline_for(kind, True))
            for kind in ("child_at_risk", "dropout", "hazard")]
    return render_template("admin/deadlines.html", rows=rows, source=source)


def _add_sections() -> None:
    """Add the contact-point, school and teacher pages to the blueprint, once, at import."""
    from web import admin_points, admin_schools

    admin_points.register(bp)
    admin_schools.register(bp)


_add_sections()


def init_app(app: Flask) -> None:
    """Serve the administration pages."""
    app.register_blueprint(bp)
