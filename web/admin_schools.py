"""Administration of schools and teachers: list, add, edit, deactivate (imports: admin_imports)."""

from __future__ import annotations

from http import HTTPStatus

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload
from werkzeug.wrappers import Response

from handlers.i18n import Verbatim, msg
from models import School, Teacher, User
from models.db import get_db
from models.phones import normalize_phone
from web.admin_common import manager_required, municipalities, number, own_municipality, problem
from web.audit import record

SCHOOL_NEEDED = msg("A school needs a code that no other school has, a name and a municipality.")
PHONE_TAKEN = msg("{phone} is already registered to another teacher.")
NAME_NEEDED = msg("The name is empty.")


def _school(session: Session, user: User, ident: int | None) -> School:
    """Return a school the user manages, or abort 404."""
    school = session.get(School, ident) if ident is not None else None
    if school is None:
        abort(HTTPStatus.NOT_FOUND)
    own_municipality(user, school.municipality_id)
    return school


def _teacher(session: Session, user: User, ident: int) -> Teacher:
    """Return a teacher of a school the user manages, or abort 404."""
    teacher = session.get(Teacher, ident)
    if teacher is None:
        abort(HTTPStatus.NOT_FOUND)
    own_municipality(user, teacher.school.municipality_id)
    return teacher


def _save_school(session: Session, user: User, school: School) -> bool:
    """Copy the form's code, name and municipality onto a school if valid; else say why."""
    form = request.form
    code, name = form.get("code", "").strip(), form.get("name", "").strip()
    town = number(form.get("municipality", ""))
    own_municipality(user, town)
    taken = session.scalar(select(School.id).where(School.code == code, School.id != school.id)) \
        if school.id else session.scalar(select(School.id).where(School.code == code))
    if not code or len(code) > 32 or not name or len(name) > 160 or town is None or taken:
        problem(SCHOOL_NEEDED)
        return False
    school.code, school.name, school.municipality_id = code, name, town
    return True


def _save_teacher(session: Session, user: User, teacher: Teacher) -> bool:
    """Copy the form's name, phone (read as E.164) and school onto a teacher if valid."""
    form = request.form
    school = _school(session, user, number(form.get("school", "")))
    name = form.get("name", "").strip()
    if not name or len(name) > 120:
        problem(NAME_NEEDED)
        return False
    try:
        phone = normalize_phone(form.get("phone", ""), school.municipality.country)
    except ValueError as error:
        problem(str(error))
        return False
    clash = select(Teacher.id).where(Teacher.phone == phone)
    if teacher.id:
        clash = clash.where(Teacher.id != teacher.id)
    if session.scalar(clash):
        problem(msg(PHONE_TAKEN.msgid, phone=Verbatim(phone)))
        return False
    teacher.name, teacher.phone, teacher.school = name, phone, school
    return True


def schools() -> str | Response:
    """List schools and their teachers; a POST adds a school or a teacher."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        if request.method == "POST":
            if request.form.get("what") == "school":
                school = School(active=True)
                if _save_school(session, user, school):
                    session.add(school)
                    session.flush()
                    record(session, user.id, "admin", change="school added", school=school.id,
                           code=school.code, name=school.name)
            else:
                teacher = Teacher(active=True)
                if _save_teacher(session, user, teacher):
                    session.add(teacher)
                    session.flush()
                    record(session, user.id, "admin", change="teacher added",
                           teacher=teacher.id, phone=teacher.phone, school=teacher.school_id)
            return redirect(url_for("admin.schools", municipality=request.args.get(
                "municipality")))
        return _listing(session, user)


def _listing(session: Session, user: User) -> str:
    """Render the schools the user manages (an admin picks a municipality) with teachers."""
    town = number(request.args.get("municipality", "")) if user.role == "admin" \
        else user.municipality_id
    query = select(School).options(selectinload(School.municipality)).order_by(School.code)
    if town is not None:
        query = query.where(School.municipality_id == town)
    listed = list(session.scalars(query))
    teachers = list(session.scalars(select(Teacher).where(
        Teacher.school_id.in_([s.id for s in listed])).order_by(Teacher.name)))
    return render_template("admin/schools.html", schools=listed, teachers=teachers,
                           municipalities=municipalities(session, user), chosen=town)


def toggle(what: str, ident: int) -> Response:
    """Deactivate (or reactivate) a school or a teacher: rows are never deleted."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        row = _school(session, user, ident) if what == "school" \
            else _teacher(session, user, ident)
        row.active = not row.active
        record(session, user.id, "admin", change=("activated " if row.active else
                                                  "deactivated ") + what, id=ident)
    return redirect(url_for("admin.schools"))


def edit_school(ident: int) -> str | Response:
    """Edit a school's code, name and municipality."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        school = _school(session, user, ident)
        if request.method == "POST" and _save_school(session, user, school):
            record(session, user.id, "admin", change="school edited", school=school.id,
                   code=school.code, name=school.name, municipality=school.municipality_id)
            return redirect(url_for("admin.schools"))
        return render_template("admin/school.html", school=school,
                               municipalities=municipalities(session, user))


def edit_teacher(ident: int) -> str | Response:
    """Edit a teacher's name, phone and school."""
    user: User = g.user
    with get_db(current_app).transaction() as session:
        teacher = _teacher(session, user, ident)
        if request.method == "POST" and _save_teacher(session, user, teacher):
            record(session, user.id, "admin", change="teacher edited", teacher=teacher.id,
                   phone=teacher.phone, school=teacher.school_id)
            return redirect(url_for("admin.schools"))
        query = select(School).where(or_(School.active, School.id == teacher.school_id)
                                     ).order_by(School.code)
        if user.role != "admin":
            query = query.where(School.municipality_id == user.municipality_id)
        else:
            query = query.where(School.municipality_id == teacher.school.municipality_id)
        return render_template("admin/teacher.html", teacher=teacher,
                               schools=list(session.scalars(query)))


def register(bp: Blueprint) -> None:
    """Add the school and teacher pages to the administration blueprint."""
    bp.add_url_rule("/schools", "schools", manager_required(schools),
                    methods=["GET", "POST"])
    bp.add_url_rule("/schools/<int:ident>", "school", manager_required(edit_school),
                    methods=["GET", "POST"])
    bp.add_url_rule("/teachers/<int:ident>", "teacher", manager_required(edit_teacher),
                    methods=["GET", "POST"])
    bp.add_url_rule("/<any(school, teacher):what>/<int:ident>/toggle", "toggle",
                    manager_required(toggle), methods=["POST"])
