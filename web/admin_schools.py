"""Administration of schools and teachers: list, add, edit, deactivate (imports: web/admin.py)."""

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


def edit_school(ident: int) -> str | Response:
    """Edit a school's code, name and municipality."""
    from web.admin import own_municipality

    user: User = g.user
    with get_db(current_app).transaction() as session:
        school = session.get(School, ident)
        if school is None:
            abort(HTTPStatus.NOT_FOUND)
        own_municipality(user, school.municipality_id)
        towns = select(Municipality).order_by(Municipality.name_sq)
        if user.role != "admin":
            towns = towns.where(Municipality.id == user.municipality_id)
        if request.method == "POST":
            form = request.form
            code, name = form.get("code", "").strip()[:32], form.get("name", "").strip()[:160]
            where = form.get("municipality", "")
            taken = session.scalar(select(School.id).where(School.code == code,
                                                            School.id != school.id))
            if not code or not name or not where.isdigit() or taken:
                flash("code (unused), name and municipality are needed", "error")
            else:
                own_municipality(user, int(where))
                school.code, school.name, school.municipality_id = code, name, int(where)
                record(session, user.id, "admin", change="edit school", id=school.id)
                return redirect(url_for("admin.schools"))
        return render_template("admin/school.html", school=school,
                               municipalities=list(session.scalars(towns)))


def edit_teacher(ident: int) -> str | Response:
    """Edit a teacher's name, phone and school."""
    from web.admin import own_municipality

    user: User = g.user
    with get_db(current_app).transaction() as session:
        teacher = session.get(Teacher, ident)
        if teacher is None:
            abort(HTTPStatus.NOT_FOUND)
        own_municipality(user, teacher.school.municipality_id)
        query = select(School).where(School.active).order_by(School.code)
        if user.role != "admin":
            query = query.where(School.municipality_id == user.municipality_id)
        if request.method == "POST":
            form = request.form
            school = session.get(School, int(form.get("school", "0") or 0))
            if school is None:
                abort(HTTPStatus.BAD_REQUEST, "no such school")
            own_municipality(user, school.municipality_id)
            try:
                phone = normalize_phone(form.get("phone", ""), school.municipality.country)
            except ValueError as error:
                flash(str(error), "error")
            else:
                if session.scalar(select(Teacher.id).where(Teacher.phone == phone,
                                                           Teacher.id != teacher.id)):
                    flash(f"{phone} is already registered", "error")
                else:
                    teacher.name = form.get("name", "").strip()[:120] or teacher.name
                    teacher.phone, teacher.school = phone, school
                    record(session, user.id, "admin", change="edit teacher", id=teacher.id)
                    return redirect(url_for("admin.schools"))
        return render_template("admin/teacher.html", teacher=teacher,
                               schools=list(session.scalars(query)))


def register(bp: Blueprint) -> None:
    """Add the school and teacher pages to the administration blueprint."""
    from web.admin import manager_required

    bp.add_url_rule("/schools", "schools", manager_required(schools),
                    methods=["GET", "POST"])
    bp.add_url_rule("/schools/<int:ident>", "school", manager_required(edit_school),
                    methods=["GET", "POST"])
    bp.add_url_rule("/teachers/<int:ident>", "teacher", manager_required(edit_teacher),
                    methods=["GET", "POST"])
    bp.add_url_rule("/<any(school, teacher):what>/<int:ident>/toggle", "toggle",
                    manager_required(toggle), methods=["POST"])
