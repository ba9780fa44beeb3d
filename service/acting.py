"""A stand-in teacher of a school, for the simulator and `sinjalizo chat --as-teacher`.

Trying the dropout flow needs a registered teacher. Registering a made-up one would show in
the administration and could be taken for a real person; instead the sender acts, turn by
turn, as a teacher of the chosen school: a `TeacherInfo` with no teacher row behind it,
passed to `Conversations.handle(teacher=...)`. Whoever uses it files simulated reports only.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from handlers.types import TeacherInfo
from models import Municipality, School

STAND_IN_ID = 0  # the teacher id of a stand-in: no teacher row has it


@dataclass(frozen=True)
class SchoolChoice:
    """A school a stand-in teacher may teach at, as the simulator's select lists it."""

    id: int
    label: str


def stand_in_teacher(session: Session, *, school_id: int | None = None,
                     code: str | None = None) -> TeacherInfo | None:
    """Return a stand-in teacher of the active school with that id or code, else None."""
    if school_id is not None:
        where: ColumnElement[bool] = School.id == school_id
    elif code:
        where = School.code == code.strip()
    else:
        return None
    row = session.execute(
        select(School.id, School.name, School.municipality_id, Municipality.name_sq,
               Municipality.country)
        .join(Municipality, School.municipality_id == Municipality.id)
        .where(where, School.active)).first()
    if row is None:
        return None
    return TeacherInfo(teacher_id=STAND_IN_ID, school_id=row.id, school_name=row.name,
                       municipality_id=row.municipality_id, municipality=row.name_sq,
                       country=row.country)


def school_choices(session: Session) -> list[SchoolChoice]:
    """Return the active schools, by municipality and name, labelled "name (code), place"."""
    rows = session.execute(
        select(School.id, School.code, School.name, Municipality.name_sq)
        .join(Municipality, School.municipality_id == Municipality.id)
        .where(School.active).order_by(Municipality.name_sq, School.name, School.id))
    return [SchoolChoice(row.id, f"{row.name} ({row.code}), {row.name_sq}") for row in rows]
