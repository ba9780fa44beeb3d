"""CSV imports from the dashboard: the importers of models/imports.py, within the user's scope.

The importers cannot be told to keep to one municipality, so a coordinator's upload is
screened first: each row that would add or change something of another municipality is
blanked out (line numbers stay as they were) and listed as refused with the reason.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Callable, Iterator
from http import HTTPStatus
from pathlib import Path

from flask import Blueprint, abort, current_app, g, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.i18n import msg
from models import Municipality, School, Teacher, User
from models.db import get_db
from models.imports import (
    ImportResult,
    MunicipalityIndex,
    RowError,
    RowProblem,
    import_contact_points,
    import_schools,
    import_teachers,
)
from models.phones import normalize_phone
from models.service_imports import import_services
from web.admin_common import changed_by, manager_required, problem
from web.audit import record
from web.i18n import text

MAX_UPLOAD = 5 * 1024 * 1024
NO_FILE = msg("Choose a CSV file of at most 5 MB.")
OTHER_MUNICIPALITY = msg("This row belongs to another municipality; only its coordinator or an "
                         "admin may import it.")
NATIONAL = msg("Only an admin may import a national contact point.")
Screen = Callable[[dict[str, str]], str | None]


def run_import(session: Session, user: User, kind: str, data: bytes) -> ImportResult:
    """Import an uploaded file of `kind` as the user may, and return what was done."""
    refused: list[RowError] = []
    if user.role != "admin":
        data, refused = screen_rows(data, _screen(session, user, kind))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "upload.csv"
        path.write_bytes(data)
        if kind == "schools":
            result = import_schools(session, path)
        elif kind == "teachers":
            result = import_teachers(session, path)
        elif kind == "services":
            result = import_services(session, path, updated_by=changed_by(user))
        else:
            result = import_contact_points(session, path, updated_by=changed_by(user))
    result.errors = sorted([*result.errors, *refused], key=lambda error: error.line)
    return result


def screen_rows(data: bytes, screen: Screen) -> tuple[bytes, list[RowError]]:
    """Blank out the rows `screen` refuses, keeping every other byte and the line numbers."""
    try:
        # Read as the importer reads: BOM dropped, line endings untouched.
        lines = io.StringIO(data.decode("utf-8-sig"), newline="")
    except UnicodeDecodeError:
        return data, []  # the importer refuses the whole file, with its own message
    consumed: list[str] = []

    def feed() -> Iterator[str]:
        """Hand the csv reader one line at a time, remembering the lines it took."""
        for line in lines:
            consumed.append(line)
            yield line

    reader = csv.reader(feed())
    kept: list[str] = []
    refused: list[RowError] = []
    try:
        header = [name.strip().lower() for name in next(reader, [])]
        kept.append("".join(consumed))
        consumed.clear()
        for cells in reader:
            # A row may span several lines (a quoted cell with a line break): keep them together.
            raw, span = "".join(consumed), len(consumed)
            consumed.clear()
            reason = screen(dict(zip(header, cells, strict=False))) if any(cells) else None
            if reason is None:
                kept.append(raw)
            else:
                refused.append(RowError(reader.line_num, None, reason))
                kept.append("\n" * span)  # empty lines: skipped, and later lines keep count
    except csv.Error:
        return data, []  # the importer refuses the whole file, with its own message
    return "".join(kept).encode(), refused


def _screen(session: Session, user: User, kind: str) -> Screen:
    """Return the check that refuses a coordinator's row touching another municipality."""
    own = user.municipality_id
    other, national = text(OTHER_MUNICIPALITY), text(NATIONAL)
    index = MunicipalityIndex.load(session)

    def municipality_of(row: dict[str, str]) -> int | None:
        """Return the id of the municipality a row names (None: left to the importer)."""
        try:
            return index.find(row.get("municipality", "").strip()).id
        except RowProblem:
            return None

    if kind == "schools":
        owners = {code: town for code, town in session.execute(
            select(School.code, School.municipality_id))}

        def school(row: dict[str, str]) -> str | None:
            """Refuse a school named for, or already held by, another municipality."""
            towns = {owners.get(row.get("code", "").strip()), municipality_of(row)} - {None}
            return other if towns - {own} else None

        return school
    if kind == "teachers":
        return _teacher_screen(session, own, other)
    if kind == "services":
        # A service is its municipality's: a row naming another is another's.
        return lambda row: other if municipality_of(row) not in (None, own) else None

    def point(row: dict[str, str]) -> str | None:
        """Refuse a national contact point, or one of another municipality."""
        if not row.get("municipality", "").strip():
            return national if row.get("role", "").strip() == "national" else None
        town = municipality_of(row)
        return other if town is not None and town != own else None

    return point


def _teacher_screen(session: Session, own: int | None, other: str) -> Screen:
    """Refuse a teacher of another municipality's school, or one already registered there."""
    exact = {code: (town, country) for code, town, country in session.execute(
        select(School.code, School.municipality_id, Municipality.country).join(
            Municipality, School.municipality_id == Municipality.id))}
    loose = {code.casefold(): found for code, found in exact.items()}
    registered = {phone: town for phone, town in session.execute(
        select(Teacher.phone, School.municipality_id).join(School, Teacher.school_id == School.id))}

    def teacher(row: dict[str, str]) -> str | None:
        """Find the row's school as the importer does, then the number's current school."""
        code = row.get("school_code", "").strip()
        found = exact.get(code) or loose.get(code.casefold())
        if found is None:
            return None
        if found[0] != own:
            return other
        try:
            phone = normalize_phone(row.get("phone", ""), found[1])
        except ValueError:
            return None
        return other if registered.get(phone, own) != own else None

    return teacher


KINDS = {"schools": msg("Schools"), "teachers": msg("Teachers"),
         "contact-points": msg("Contact points"), "services": msg("Services")}


def import_file(kind: str) -> str:
    """Upload a CSV of schools, teachers, contact points or services; show what was done."""
    if kind not in KINDS:
        abort(HTTPStatus.NOT_FOUND)
    result: ImportResult | None = None
    if request.method == "POST":
        upload = request.files.get("file")
        data = upload.read(MAX_UPLOAD + 1) if upload is not None else b""
        if not data or len(data) > MAX_UPLOAD:
            problem(NO_FILE)
        else:
            user: User = g.user
            with get_db(current_app).transaction() as session:
                result = run_import(session, user, kind, data)
                record(session, user.id, "admin", change="import", kind=kind,
                       file=(upload.filename or "")[:200] if upload else "",
                       added=result.added, updated=result.updated,
                       unchanged=result.unchanged, refused=len(result.errors))
    return render_template("admin/import.html", kind=kind, label=KINDS[kind], result=result)


def register(bp: Blueprint) -> None:
    """Add the import page to the administration blueprint."""
    bp.add_url_rule("/import/<kind>", "import_file", manager_required(import_file),
                    methods=["GET", "POST"])
