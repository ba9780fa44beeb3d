"""CSV imports of schools, teachers and contact points, row by row, with per-row errors."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from models.geo import Municipality
from models.people import ContactPoint, School, Teacher
from models.phones import normalize_phone, phone_country
from routing.text import fold

ROLES = (
    "child_protection", "police_liaison", "dropout_team", "education",
    "public_services", "school", "coordinator", "national",
)
LANGUAGES = ("sq", "sr", "en")
SCHOOL_COLUMNS = ("code", "name", "municipality")
TEACHER_COLUMNS = ("phone", "name", "school_code")
CONTACT_POINT_COLUMNS = (
    "name", "role", "municipality", "school_code", "phone",
    "telegram_chat_id", "email", "escalation_order", "language", "country", "whatsapp",
)
COUNTRIES = ("XK", "AL")
# A contact-point file may leave out the optional columns; these three it must have.
CONTACT_POINT_REQUIRED = ("name", "role", "municipality")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_CHAT_ID = re.compile(r"^-?\d{1,20}$")

Progress = Callable[[int, int], None]
"""Called after each row with (rows done, rows in the file)."""
Outcome = Literal["added", "updated", "unchanged"]
SchoolFinder = Callable[[dict[str, str]], School | None]


@dataclass(frozen=True)
class RowError:
    """Why one row (or the header, line 1) of an import file was refused."""

    line: int
    column: str | None
    message: str

    def __str__(self) -> str:
        """Render the error as an operator reads it: 'line 4: municipality "X" not found'."""
        return f"line {self.line}: {self.message}"


@dataclass
class ImportResult:
    """What an import did: rows added, updated and left unchanged, and the rows refused."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Tell whether every row was accepted."""
        return not self.errors

    def __str__(self) -> str:
        """Summarise the import in one line."""
        refused = len(self.errors)
        return (
            f"{self.added} added, {self.updated} updated, {self.unchanged} unchanged, "
            f"{refused} row{'' if refused == 1 else 's'} refused"
        )


class RowProblem(Exception):
    """Raised inside a row handler to refuse the row; the import goes on with the next one."""

    def __init__(self, column: str | None, message: str) -> None:
        """Record which column was wrong and the message the operator will read."""
        super().__init__(message)
        self.column = column
        self.message = message


class MunicipalityIndex:
    """Finds a municipality as people write it: any name or alias, ignoring case and accents."""

    def __init__(self, municipalities: Iterable[Municipality]) -> None:
        """Index every folded name, alias and code of the given municipalities."""
        self._by_key: dict[str, list[Municipality]] = {}
        for muni in municipalities:
            for name in (muni.code, muni.name_sq, muni.name_sr or "", *muni.aliases):
                bucket = self._by_key.setdefault(fold(name), [])
                if name and muni not in bucket:
                    bucket.append(muni)
        self._by_key.pop("", None)

    @classmethod
    def load(cls, session: Session) -> MunicipalityIndex:
        """Build the index from every municipality in the database."""
        return cls(session.scalars(select(Municipality)))

    def find(self, written: str, column: str = "municipality") -> Municipality:
        """Return the one municipality `written` names, or refuse the row saying why."""
        found = self._by_key.get(fold(written), [])
        if len(found) == 1:
            return found[0]
        if found:
            names = ", ".join(sorted(m.name_sq for m in found))
            raise RowProblem(column, f'{column} "{written}" is ambiguous: {names}')
        hint = self.suggest(written)
        tail = f"; did you mean {hint}?" if hint else ""
        raise RowProblem(column, f'{column} "{written}" not found{tail}')

    def suggest(self, written: str) -> str | None:
        """Return the Albanian name of the closest-spelled municipality, if any is close."""
        best = process.extractOne(
            fold(written), list(self._by_key), scorer=fuzz.ratio, score_cutoff=75
        )
        if best is None:
            return None
        return str(self._by_key[best[0]][0].name_sq)


def _text(row: dict[str, str], column: str, max_len: int, required: bool = True) -> str:
    """Return a cell's stripped text, refusing it when missing (if required) or too long."""
    value = row.get(column, "").strip()
    if required and not value:
        raise RowProblem(column, f"{column} is empty")
    if len(value) > max_len:
        raise RowProblem(column, f"{column} is longer than {max_len} characters")
    return value


def _phone(row: dict[str, str], column: str, default_region: str) -> str:
    """Return a cell's phone number in E.164, refusing the row when it is not a number."""
    try:
        return normalize_phone(row.get(column, ""), default_region)
    except ValueError as error:
        raise RowProblem(column, f"{column}: {error}") from error


def _set(obj: object, values: dict[str, object]) -> bool:
    """Assign the values that differ from what `obj` holds; tell whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _read_rows(
    path: Path, required: tuple[str, ...]
) -> tuple[list[tuple[int, dict[str, str]]], RowError | None]:
    """Read a UTF-8 CSV (BOM or not) into (line, row) pairs, or say why the file is unusable."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            header = [name.strip().lower() for name in next(reader, [])]
            missing = [name for name in required if name not in header]
            if missing:
                columns = ", ".join(missing)
                return [], RowError(1, None, f"header lacks the column(s): {columns}")
            rows: list[tuple[int, dict[str, str]]] = []
            for cells in reader:
                if any(cell.strip() for cell in cells):
                    rows.append((reader.line_num, dict(zip(header, cells, strict=False))))
            return rows, None
    except UnicodeDecodeError as error:
        return [], RowError(0, None, f"the file is not UTF-8 text (byte {error.start})")
    except csv.Error as error:
        return [], RowError(0, None, f"the file is not valid CSV ({error})")


def _run(
    path: str | Path,
    required: tuple[str, ...],
    handle: Callable[[dict[str, str]], Outcome],
    progress: Progress | None,
) -> ImportResult:
    """Feed each row to `handle`, tallying outcomes and collecting refused rows."""
    result = ImportResult()
    rows, fatal = _read_rows(Path(path), required)
    if fatal is not None:
        result.errors.append(fatal)
        return result
    for done, (line, row) in enumerate(rows, start=1):
        try:
            outcome = handle(row)
        except RowProblem as problem:
            result.errors.append(RowError(line, problem.column, problem.message))
        else:
            setattr(result, outcome, getattr(result, outcome) + 1)
        if progress is not None:
            progress(done, len(rows))
    return result


def import_schools(
    session: Session, path: str | Path, progress: Progress | None = None
) -> ImportResult:
    """Add or update schools (by code) from a `code,name,municipality` CSV file."""
    index = MunicipalityIndex.load(session)
    schools = {s.code: s for s in session.scalars(select(School))}

    def handle(row: dict[str, str]) -> Outcome:
        """Validate one school row and upsert it."""
        code = _text(row, "code", 32)
        name = _text(row, "name", 160)
        muni = index.find(_text(row, "municipality", 80))
        school = schools.get(code)
        if school is None:
            schools[code] = School(code=code, name=name, municipality=muni)
            session.add(schools[code])
            return "added"
        return "updated" if _set(school, {"name": name, "municipality": muni}) else "unchanged"

    result = _run(path, SCHOOL_COLUMNS, handle, progress)
    session.flush()
    return result


def _school_finder(session: Session) -> SchoolFinder:
    """Return a lookup of a row's `school_code` cell: exact first, then ignoring case."""
    exact = {s.code: s for s in session.scalars(select(School))}
    loose = {code.casefold(): s for code, s in exact.items()}

    def find(row: dict[str, str]) -> School | None:
        """Return the school the row names, None when the cell is empty, or refuse the row."""
        code = row.get("school_code", "").strip()
        if not code:
            return None
        school = exact.get(code) or loose.get(code.casefold())
        if school is None:
            raise RowProblem("school_code", f'school_code "{code}" not found; import schools first')
        return school

    return find


def import_teachers(
    session: Session, path: str | Path, progress: Progress | None = None
) -> ImportResult:
    """Add or update teachers (by phone, stored E.164) from a `phone,name,school_code` CSV file."""
    find_school = _school_finder(session)
    teachers = {t.phone: t for t in session.scalars(select(Teacher))}

    def handle(row: dict[str, str]) -> Outcome:
        """Validate one teacher row and upsert it."""
        name = _text(row, "name", 120)
        _text(row, "school_code", 32)
        school = find_school(row)
        assert school is not None  # the cell was checked non-empty just above
        # A local number is read in the school's own country first.
        phone = _phone(row, "phone", school.municipality.country)
        teacher = teachers.get(phone)
        if teacher is None:
            teachers[phone] = Teacher(phone=phone, name=name, school=school)
            session.add(teachers[phone])
            return "added"
        return "updated" if _set(teacher, {"name": name, "school": school}) else "unchanged"

    result = _run(path, TEACHER_COLUMNS, handle, progress)
    session.flush()
    return result


def _contact_fields(
    row: dict[str, str], index: MunicipalityIndex, find_school: SchoolFinder
) -> dict[str, object]:
    """Validate a contact-point row and return its column values, or refuse the row."""
    role = _text(row, "role", 32)
    if role not in ROLES:
        raise RowProblem("role", f'role "{role}" is not one of: {", ".join(ROLES)}')
    written = row.get("municipality", "").strip()
    if role == "national" and written:
        raise RowProblem("municipality", "municipality must be empty for the national role")
    if role != "national" and not written:
        raise RowProblem("municipality", "municipality is empty (only the national role has none)")
    muni = index.find(written) if written else None
    school = find_school(row)
    if school is not None and muni is not None and school.municipality_id != muni.id:
        raise RowProblem("school_code", f'school_code "{school.code}" is not in {muni.name_sq}')
    country = _country(row, muni)
    phone_cell = row.get("phone", "").strip()
    region = muni.country if muni else country or "XK"
    phone = _phone(row, "phone", region) if phone_cell else None
    chat_id = row.get("telegram_chat_id", "").strip() or None
    if chat_id is not None and not _CHAT_ID.match(chat_id):
        raise RowProblem("telegram_chat_id", f'telegram_chat_id "{chat_id}" is not a number')
    email = _text(row, "email", 254, required=False) or None
    if email is not None and not _EMAIL.match(email):
        raise RowProblem("email", f'email "{email}" is not an e-mail address')
    # An optional last column: the number alerted on WhatsApp ("whatsapp:" prefix allowed).
    whatsapp_cell = row.get("whatsapp", "").strip().removeprefix("whatsapp:")
    whatsapp = _phone({"whatsapp": whatsapp_cell}, "whatsapp", region) if whatsapp_cell \
        else None
    if phone is None and chat_id is None and email is None and whatsapp is None:
        raise RowProblem("phone", "no phone, telegram_chat_id, whatsapp or email: nobody could"
                                  " be alerted")
    order_cell = row.get("escalation_order", "").strip() or "1"
    if not order_cell.isdigit() or int(order_cell) < 1:
        raise RowProblem("escalation_order", f'escalation_order "{order_cell}" is not 1, 2, 3…')
    language = row.get("language", "").strip().lower() or "sq"
    if language not in LANGUAGES:
        raise RowProblem("language", f'language "{language}" is not one of: sq, sr, en')
    return {
        "municipality": muni, "school": school, "phone": phone, "telegram_chat_id": chat_id,
        "email": email, "escalation_order": int(order_cell), "language": language,
        "whatsapp": whatsapp,
        # A national point without a written country is its phone's country, else both's.
        "country": None if muni is not None else country or phone_country(phone),
    }


def _country(row: dict[str, str], muni: Municipality | None) -> str | None:
    """Return the row's `country` cell (XK | AL, or None when empty), or refuse the row.

    Only a national point needs one; a municipal point's must match its municipality.
    """
    written = row.get("country", "").strip().upper()
    if not written:
        return None
    if written not in COUNTRIES:
        raise RowProblem("country", f'country "{written}" is not XK (Kosovo) or AL (Albania)')
    if muni is not None and muni.country != written:
        raise RowProblem("country", f'country "{written}" does not match {muni.name_sq} '
                                    f"({muni.country})")
    return written


def import_contact_points(
    session: Session,
    path: str | Path,
    progress: Progress | None = None,
    updated_by: str = "sinjalizo import",
) -> ImportResult:
    """Add or update contact points, keyed by (name, role, municipality), from a CSV file."""
    index = MunicipalityIndex.load(session)
    find_school = _school_finder(session)
    points = {(p.name, p.role, p.municipality_id): p for p in session.scalars(select(ContactPoint))}

    def handle(row: dict[str, str]) -> Outcome:
        """Validate one contact-point row and upsert it."""
        name = _text(row, "name", 160)
        values = _contact_fields(row, index, find_school)
        role = row["role"].strip()
        muni = values["municipality"]
        key = (name, role, muni.id if isinstance(muni, Municipality) else None)
        point = points.get(key)
        if point is None:
            point = ContactPoint(name=name, role=role, updated_by=updated_by, **values)
            points[key] = point
            session.add(point)
            return "added"
        if not _set(point, values):
            return "unchanged"
        point.updated_by = updated_by
        return "updated"

    result = _run(path, CONTACT_POINT_REQUIRED, handle, progress)
    session.flush()
    return result
