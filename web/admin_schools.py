"""Administration of schools and teachers: list, add, deactivate (imports: web/admin.py)."""

from __future__ import annotations

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
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from models import Municipality, School, Teacher, User
from models.db import get_db
from models.phones import normalize_phone
from web.audit import record


def schools() -> str | Response:
    """List schools and their teachers; a POST adds a school or a teacher."""
    from web.admin import own_municipality

    user: User = g.user
    with get_db(current_app).transaction() as session:
        if request.method == "POST":
            form = request.form
            if form.get("what") == "school":
                municipality = form.get("municipality", "")
                where = int(municipality) if municipality.isdigit() else None
                own_municipality(user, where)
                code, name = form.get("code", "").strip()[:32], form.get("name", "").strip()
                if not code or not name or where is None or session.scalar(
                        select(School.id).where(School.code == code)):
                    flash("code (unused), name and municipality are needed", "error")
                else:
                    session.add(School(code=code, name=name[:160], municipality_id=where))
                    record(session, user.id, "admin", change="add school", code=code)
            else:
                school = session.get(School, int(form.get("school", "0") or 0))
                if school is None:
                    abort(HTTPStatus.NOT_FOUND)
                own_municipality(user, school.municipality_id)
                try:
                    phone = normalize_phone(form.get("phone", ""),
                                            school.municipality.country)
                except ValueError as error:
                    flash(str(error), "error")
                else:
                    if session.scalar(select(Teacher.id).where(Teacher.phone == phone)):
                        flash(f"{phone} is already registered", "error")
                    else:
                        session.add(Teacher(phone=phone, name=form.get("name", "")[:120],
                                            school=school))
                        record(session, user.id, "admin", change="add teacher", phone=phone)
            return redirect(url_for("admin.schools"))
        query = select(School).options(selectinload(School.municipality)).order_by(School.code)
        towns = select(Municipality).order_by(Municipality.name_sq)
        if user.role != "admin":
            query = query.where(School.municipality_id == user.municipality_id)
            towns = towns.where(Municipality.id == user.municipality_id)
        listed = list(session.scalars(query))
        teachers = list(session.scalars(select(Teacher).where(
            Teacher.school_id.in_([s.id for s in listed])).order_by(Teacher.name)))
        return render_template("admin/schools.html", schools=listed, teachers=teachers,
                               municipalities=list(session.scalars(towns)))


def toggle(what: str, ident: int) -> Response:
    """Deactivate (or reactivate) a school or a teacher."""
    from web.admin import own_municipality

    with get_db(current_app).transaction() as session:
        row: School | Teacher | None = session.get(School, ident) if what == "school" \
            else session.get(Teacher, ident)
        if row is None:
            abort(HTTPStatus.NOT_FOUND)
        where = row.municipality_id if isinstance(row, School) else row.school.municipality_id
        own_municipality(g.user, where)
        row.active = not row.active
        record(session, g.user.id, "admin", change=f"toggle {what}", id=ident,
               active=row.active)
    return redirect(url_for("admin.schools"))


def register(bp: Blueprint) -> None:
    """Add the school and teacher pages to the administration blueprint."""
    from web.admin import manager_required

    bp.add_url_rule("/schools", "schools", manager_required(schools),
                    methods=["GET", "POST"])
    bp.add_url_rule("/<any(school, teacher):what>/<int:ident>/toggle", "toggle",
                    manager_required(toggle), methods=["POST"])
