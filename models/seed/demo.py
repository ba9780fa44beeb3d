"""A demo set for trying the service: schools, teachers and contact points with fake numbers."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.geo import Municipality
from models.people import ContactPoint, School, Teacher
from routing.text import fold

# (seed code, local phone prefix): Kosovo mobiles +383 44 …, Albanian mobiles +355 69 ….
DEMO_MUNICIPALITIES = (
    ("XK-07", "+3834400"),  # Drenas
    ("XK-20", "+3834400"),  # Prishtinë
    ("XK-21", "+3834400"),  # Prizren
    ("AL-01", "+35569000"),  # Berat
    ("AL-53", "+35569000"),  # Tiranë
)
# Roles each demo municipality gets, in order; True marks the roles tied to the demo school.
DEMO_ROLES = (
    ("child_protection", False),
    ("police_liaison", False),
    ("dropout_team", True),
    ("education", False),
    ("public_services", False),
    ("school", True),
    ("coordinator", False),
)
# Each country's national office takes the reports of its country that no municipality holds.
NATIONAL = (
    ("XK", "Demo: national fallback", "+38344000999", "demo.national@example.org"),
    ("AL", "Demo: Albania national fallback", "+355690000999", "demo.national.al@example.org"),
)
DEMO_NOTE = "Demo data with fake numbers; not a real contact."
UPDATED_BY = "sinjalizo seed --demo"


@dataclass
class _Tally:
    """What one municipality's demo seeding added, and how much was already there."""

    added: list[str]
    present: int = 0

    def line(self, label: str) -> str:
        """Describe the outcome in one line for the operator."""
        if not self.added:
            return f"{label}: already present"
        tail = "; the rest already present" if self.present else ""
        return f"{label}: added {', '.join(self.added)}{tail}"


def demo_phone(prefix: str, municipality_index: int, item: int) -> str:
    """Return a well-formed but obviously fake number (runs of zeros) for a demo row."""
    return f"{prefix}{municipality_index}{item:03d}"


def _school(session: Session, muni: Municipality, tally: _Tally) -> School:
    """Find or create the municipality's demo school."""
    code = f"DEMO-{fold(muni.name_sq).upper().replace(' ', '-')}-1"
    school = session.scalar(select(School).where(School.code == code))
    if school is not None:
        tally.present += 1
        return school
    school = School(code=code, name=f"Shkolla fillore Demo, {muni.name_sq}", municipality=muni)
    session.add(school)
    tally.added.append(f"school {code}")
    return school


def _teacher(session: Session, school: School, phone: str, tally: _Tally) -> None:
    """Find or create the demo school's one teacher."""
    if session.scalar(select(Teacher).where(Teacher.phone == phone)) is not None:
        tally.present += 1
        return
    session.add(Teacher(phone=phone, name=f"Mësues Demo ({school.code})", school=school))
    tally.added.append(f"teacher {phone}")


def _contact_point(
    session: Session, name: str, role: str, muni: Municipality | None, **fields: object
) -> bool:
    """Create a demo contact point unless one with this name, role and place exists."""
    municipality_id = muni.id if muni is not None else None
    found = session.scalar(
        select(ContactPoint.id).where(
            ContactPoint.name == name,
            ContactPoint.role == role,
            ContactPoint.municipality_id.is_(None)
            if municipality_id is None
            else ContactPoint.municipality_id == municipality_id,
        )
    )
    if found is not None:
        return False
    session.add(
        ContactPoint(
            name=name, role=role, municipality=muni, language="sq", escalation_order=1,
            note=DEMO_NOTE, updated_by=UPDATED_BY, **fields,
        )
    )
    return True


def _seed_municipality(session: Session, muni: Municipality, prefix: str, index: int) -> str:
    """Seed one municipality's demo school, teacher and contact points; describe it."""
    tally = _Tally(added=[])
    school = _school(session, muni, tally)
    _teacher(session, school, demo_phone(prefix, index, 100), tally)
    session.flush()
    made = 0
    slug = fold(muni.name_sq).replace(" ", "-")
    for item, (role, tied_to_school) in enumerate(DEMO_ROLES, start=1):
        label = role.replace("_", " ")
        if _contact_point(
            session, f"Demo: {muni.name_sq} {label}", role, muni,
            school=school if tied_to_school else None,
            phone=demo_phone(prefix, index, item),
            email=f"demo.{slug}.{role.replace('_', '-')}@example.org",
        ):
            made += 1
        else:
            tally.present += 1
    if made:
        tally.added.append(f"{made} contact points")
    return tally.line(muni.name_sq)


def seed_demo(session: Session) -> list[str]:
    """Create the demo set if missing and return one line per municipality, plus the national one.

    :raise LookupError: when the municipalities have not been seeded yet.
    """
    lines: list[str] = []
    for index, (code, prefix) in enumerate(DEMO_MUNICIPALITIES, start=1):
        muni = session.scalar(select(Municipality).where(Municipality.code == code))
        if muni is None:
            raise LookupError(f"municipality {code} is missing; seed the municipalities first")
        lines.append(_seed_municipality(session, muni, prefix, index))
    for country, name, phone, email in NATIONAL:
        added = _contact_point(session, name, "national", None, phone=phone, email=email,
                               country=country)
        lines.append(f"National ({country}): "
                     f"{'added 1 contact point' if added else 'already present'}")
    session.flush()
    return lines
