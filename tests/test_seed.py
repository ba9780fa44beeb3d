"""The municipality seed and the demo set: complete, idempotent, on both backends."""

from __future__ import annotations

from collections import Counter

from click.testing import CliRunner
from sqlalchemy import func, select

from models.db import Database
from models.geo import Municipality
from models.people import ContactPoint, School, Teacher
from models.phones import normalize_phone
from models.seed import load_municipalities, seed_demo, seed_municipalities
from models.seed.demo import DEMO_ROLES
from routing.text import fold
from sinjalizo.cli import main

DEMO_PLACES = ("Drenas", "Prishtinë", "Prizren", "Berat", "Tiranë")


def test_seed_file_has_every_municipality_once() -> None:
    """The packaged file lists 38 Kosovo and 61 Albanian municipalities with unique codes."""
    facts = load_municipalities()
    assert len(facts) == 99
    assert len({f.code for f in facts}) == 99
    assert Counter(f.country for f in facts) == {"XK": 38, "AL": 61}
    assert all(f.code.startswith(f"{f.country}-") for f in facts)
    assert all(-90 < f.seat_lat < 90 and -180 < f.seat_lon < 180 for f in facts)


def test_folded_names_point_to_one_municipality_each() -> None:
    """No written name (after folding) belongs to two municipalities."""
    owners: dict[str, set[str]] = {}
    for fact in load_municipalities():
        for name in (fact.name_sq, fact.name_sr or "", *fact.aliases):
            if name:
                owners.setdefault(fold(name), set()).add(fact.code)
    assert {name: codes for name, codes in owners.items() if len(codes) > 1} == {}


def test_database_holds_the_seed(db: Database) -> None:
    """The seeded database has 99 municipalities, 38 in Kosovo and 61 in Albania."""
    with db.transaction() as session:
        counts = dict(
            session.execute(
                select(Municipality.country, func.count()).group_by(Municipality.country)
            ).all()
        )
    assert counts == {"XK": 38, "AL": 61}


def test_drenas_carries_its_other_names(db: Database) -> None:
    """Drenas is XK-07, Glogovac in Serbian, and also known as Gllogoc and Gllogovc."""
    with db.transaction() as session:
        drenas = session.scalars(select(Municipality).where(Municipality.code == "XK-07")).one()
    assert drenas.name_sq == "Drenas"
    assert drenas.name_sr == "Glogovac"
    assert {"Gllogoc", "Gllogovc", "Glogovac", "Глоговац", "Komuna e Drenasit"} <= set(
        drenas.aliases
    )


def test_seed_is_idempotent(db: Database) -> None:
    """Seeding again changes nothing and adds no rows."""
    with db.transaction() as session:
        assert seed_municipalities(session) == 0
        assert session.scalar(select(func.count()).select_from(Municipality)) == 99


def test_seed_repairs_an_edited_row(db: Database) -> None:
    """A seeded row changed by hand is put back, counted once, and keeps its boundary."""
    with db.transaction() as session:
        tirane = session.scalars(select(Municipality).where(Municipality.code == "AL-53")).one()
        tirane.seat_name = "Somewhere"
        tirane.boundary = {"type": "Point", "coordinates": [19.8, 41.3]}
    try:
        with db.transaction() as session:
            assert seed_municipalities(session) == 1
        with db.transaction() as session:
            tirane = session.scalars(select(Municipality).where(Municipality.code == "AL-53")).one()
            assert tirane.seat_name == "Tiranë"
            assert tirane.boundary == {"type": "Point", "coordinates": [19.8, 41.3]}
    finally:
        with db.transaction() as session:
            tirane = session.scalars(select(Municipality).where(Municipality.code == "AL-53")).one()
            tirane.boundary = None


def test_seed_demo_makes_every_role_in_five_places_and_is_idempotent(db: Database) -> None:
    """The demo set has a school, a teacher and a contact point per role in each demo place."""
    with db.transaction() as session:
        first = seed_demo(session)
    assert len(first) == 7  # five places, and one national office per country
    assert all("added" in line for line in first)
    with db.transaction() as session:
        points = session.scalars(select(ContactPoint)).all()
        roles = Counter(
            (p.municipality.name_sq if p.municipality else None, p.role) for p in points
        )
        expected: dict[tuple[str | None, str], int] = {
            (place, role): 1 for place in DEMO_PLACES for role, _ in DEMO_ROLES
        }
        expected[(None, "national")] = 2
        assert roles == expected
        assert sorted(p.country or "" for p in points if p.role == "national") == ["AL", "XK"]
        assert all(normalize_phone(p.phone or "") == p.phone for p in points)
        assert all(p.language == "sq" and p.escalation_order == 1 for p in points)
        school_roles = {p.role for p in points if p.school is not None}
        assert school_roles == {"dropout_team", "school"}
        assert session.scalar(select(func.count()).select_from(School)) == 5
        teachers = session.scalars(select(Teacher)).all()
        assert len(teachers) == 5
        assert {t.phone[:4] for t in teachers} == {"+383", "+355"}
        names = {p.name for p in points}
        assert "Demo: Drenas child protection" in names
    with db.transaction() as session:
        again = seed_demo(session)
        assert all(line.endswith("already present") for line in again)
        assert session.scalar(select(func.count()).select_from(ContactPoint)) == len(points)


def test_seed_command_prints_the_demo(database_url: str, db: Database) -> None:
    """`sinjalizo seed --demo` reports the municipalities and each demo line."""
    runner = CliRunner()
    result = runner.invoke(main, ["--database-url", database_url, "seed", "--demo"])
    assert result.exit_code == 0, result.output
    assert "99 in the seed, 0 added or updated" in result.output
    assert "Drenas: added school DEMO-DRENAS-1" in result.output
    again = runner.invoke(main, ["--database-url", database_url, "seed", "--demo"])
    assert again.exit_code == 0, again.output
    assert "Drenas: already present" in again.output


def test_seed_command_asks_for_migration_first(tmp_path: object) -> None:
    """On an empty database the command says to run `sinjalizo db upgrade`."""
    url = f"sqlite:///{tmp_path}/empty.sqlite3"
    result = CliRunner().invoke(main, ["--database-url", url, "seed"])
    assert result.exit_code != 0
    assert "sinjalizo db upgrade" in result.output
