"""Geo import, place matching and routing over the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from models.db import Database
from models.geo import Municipality, Settlement
from models.geo_import import GeoImportError, import_geo
from models.people import ContactPoint, RoutingRule, School
from service.places import RECHECK_SECONDS, PlaceIndex
from service.routes import route_report
from tests.conftest import SHARED_GEO

GNS = SHARED_GEO / "kosovo_settlements_gns.csv"


def municipality(session: Session, name_sq: str) -> Municipality:
    """Return a seeded municipality by its Albanian name."""
    return session.scalars(select(Municipality).where(Municipality.name_sq == name_sq)).one()


def test_reimport_changes_nothing(geo_db: Database) -> None:
    """Importing the same files again adds, updates and removes nothing."""
    gns_rows = select(func.count()).select_from(Settlement).where(Settlement.source == "gns")
    with geo_db.transaction() as session:
        before = session.scalar(gns_rows)
        boundaries = import_geo(session, SHARED_GEO / "geoBoundaries-XKX-ADM2.geojson")
        settlements = import_geo(session, GNS)
        after = session.scalar(gns_rows)
        boundary = municipality(session, "Drenas").boundary
    assert (boundaries.kind, boundaries.unchanged, boundaries.updated) == ("boundaries", 38, 0)
    assert (settlements.kind, settlements.added, settlements.updated, settlements.removed) == (
        "gns", 0, 0, 0)
    assert settlements.unchanged == before == after
    assert settlements.skipped > 0 and settlements.problems  # GNS has nameless places
    assert boundary is not None and boundary["type"] == "Polygon"


def test_reimport_replaces_rows_of_the_source(geo_db: Database, tmp_path: Path) -> None:
    """An edited file updates changed rows and drops missing ones; the original restores all."""
    with GNS.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    edited = tmp_path / "gns.csv"
    with edited.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow({**rows[0], "name": "Renamed Village"})
        writer.writerows(rows[2:])
    try:
        with geo_db.transaction() as session:
            summary = import_geo(session, edited)
            renamed = session.scalars(select(Settlement).where(
                Settlement.source == "gns", Settlement.source_id == rows[0]["gns_ufi"])).one()
            gone = session.scalar(select(Settlement.id).where(
                Settlement.source == "gns", Settlement.source_id == rows[1]["gns_ufi"]))
        assert (summary.updated, summary.removed, summary.added) == (1, 1, 0)
        assert renamed.name == "Renamed Village"
        assert gone is None
    finally:
        with geo_db.transaction() as session:
            restored = import_geo(session, GNS)
    assert (restored.updated, restored.added, restored.removed) == (1, 1, 0)


def test_albanian_places_match_by_bashkia(geo_db: Database) -> None:
    """The Albania file places villages by "Bashkia …" names, refusing Kosovo ones."""
    with geo_db.transaction() as session:
        summary = import_geo(session, SHARED_GEO / "albania_places_osm2019.csv")
        fier = municipality(session, "Fier")
        in_fier = session.scalar(select(func.count()).select_from(Settlement).where(
            Settlement.source == "osm2019_al", Settlement.municipality_id == fier.id))
    # Loaded with the other shipped files; loading it again changes nothing.
    assert summary.kind == "osm2019_al" and summary.unchanged > 4000
    assert (summary.added, summary.updated, summary.removed) == (0, 0, 0)
    assert in_fier and in_fier > 10
    assert any("Komuna e Junikut" in problem for problem in summary.problems)


@pytest.mark.parametrize("content", ["a,b\n1,2\n", '{"type": "Feature"}', "", "{not json"])
def test_unknown_file_is_refused(db: Database, tmp_path: Path, content: str) -> None:
    """A file of another shape gets a clear error and changes nothing."""
    path = tmp_path / "other.csv"
    path.write_text(content, encoding="utf-8")
    with db.transaction() as session, pytest.raises(GeoImportError, match="other.csv"):
        import_geo(session, path)


def test_match_place(geo_db: Database) -> None:
    """Typed places match names, aliases and villages, shown in the person's language."""
    index = PlaceIndex()
    with geo_db.session() as session:
        (drenas,) = index.match_place(session, "gllogoc", "sq")
        (serbian,) = index.match_place(session, "gllogoc", "sr")
        (village,) = index.match_place(session, "fshati Arllat", "sq")
        several = index.match_place(session, "Novo Selo", "sq")
        nothing = index.match_place(session, "asdf", "sq")
    assert (drenas.municipality, drenas.country, drenas.how) == ("Drenas", "XK", "alias")
    assert serbian.municipality == "Glogovac"
    assert (village.label(), village.how) == ("Arllat, Drenas", "settlement")
    assert village.lat is not None
    assert len({p.municipality_id for p in several}) == len(several) >= 2
    assert nothing == []


def test_locate(geo_db: Database) -> None:
    """Pins are placed by polygon in Kosovo, by seat in Albania, and refused far away."""
    index = PlaceIndex()
    with geo_db.session() as session:
        drenas = index.locate(session, 42.6265, 20.8939, "sq")
        tirana = index.locate(session, 41.3275, 19.8187, "sq")
        vienna = index.locate(session, 48.2082, 16.3738, "sq")
    assert drenas is not None and (drenas.municipality, drenas.how) == ("Drenas", "polygon")
    assert tirana is not None and (tirana.municipality, tirana.how) == ("Tiranë", "nearest_seat")
    assert vienna is None


def test_index_follows_imports(geo_db: Database, tmp_path: Path) -> None:
    """A new import shows in matches within seconds, without restarting: the index rebuilds."""
    clock = [1000.0]
    index = PlaceIndex(clock=lambda: clock[0])
    with geo_db.session() as session:
        assert index.match_place(session, "Fshatiqytet", "sq") == []
    extra = tmp_path / "osm.csv"
    extra.write_text("osm_node,name,name_en,lat,lon,place,population,muni_by_polygon\n"
                     "1,Fshatiqytet,,42.60,20.90,village,,Drenas\n", encoding="utf-8")
    try:
        with geo_db.transaction() as session:
            import_geo(session, extra)
        with geo_db.session() as session:
            # Trusted for a moment (no count of thousands of rows per question), then checked.
            assert index.match_place(session, "Fshatiqytet", "sq") == []
            clock[0] += RECHECK_SECONDS
            (found,) = index.match_place(session, "Fshatiqytet", "sq")
        assert found.label() == "Fshatiqytet, Drenas"
    finally:
        with geo_db.transaction() as session:
            import_geo(session, SHARED_GEO / "kosovo_places_osm2019.csv")


@pytest.mark.parametrize(("text", "expected"), [
    ("Drenas", "Drenas"), ("gllogoc", "Drenas"), ("prishtine", "Prishtinë"),
    ("Prishtinë", "Prishtinë"), ("Bashkia Fier", "Fier"),
    ("Prishtna", None), ("Arllat", None), ("", None),
])
def test_find_municipality_is_exact(db: Database, text: str, expected: str | None) -> None:
    """CSV imports name municipalities exactly: no fuzzy guesses, no villages."""
    with db.session() as session:
        found = PlaceIndex().find_municipality(session, text)
        assert (found.name_sq if found else None) == expected


def add_contact_points(session: Session) -> dict[str, int]:
    """Insert a school and contact points in Drenas plus a national fallback; return their ids."""
    drenas = municipality(session, "Drenas")
    school = School(code="SH-1", name="Shkolla Arllat", municipality_id=drenas.id)
    session.add(school)
    session.flush()
    points = {
        "cp_backup": ContactPoint(name="Backup", role="child_protection",
                                  municipality_id=drenas.id, escalation_order=2),
        "cp_primary": ContactPoint(name="Primary", role="child_protection",
                                   municipality_id=drenas.id, escalation_order=1),
        "police": ContactPoint(name="Police", role="police_liaison", municipality_id=drenas.id),
        "education": ContactPoint(name="DKA", role="education", municipality_id=drenas.id),
        "school": ContactPoint(name="School", role="school", municipality_id=drenas.id,
                               school_id=school.id),
        "national": ContactPoint(name="National", role="national"),
    }
    session.add_all(points.values())
    session.flush()
    return {"drenas": drenas.id, "school_id": school.id,
            **{key: cp.id for key, cp in points.items()}}


def test_route_report(db: Database) -> None:
    """Reports go to the roles' contact points in order, or to the national fallback."""
    with db.transaction() as session:
        ids = add_contact_points(session)
        urgent = route_report(session, "child_at_risk", "neglect", True, ids["drenas"], None, "sr")
        dropout = route_report(session, "dropout", "absence", False, None, ids["school_id"], "sq")
        hazard = route_report(session, "hazard", "dump", False, ids["drenas"], None, "sq")
        nowhere = route_report(session, "hazard", "dump", False, None, None, "sq")
    assert not urgent.unrouted
    assert [(t.role, t.municipality, t.contact_point_ids) for t in urgent.targets] == [
        ("child_protection", "Glogovac", (ids["cp_primary"], ids["cp_backup"])),
        ("police_liaison", "Glogovac", (ids["police"],))]
    assert [(t.role, t.contact_point_ids) for t in dropout.targets] == [
        ("education", (ids["education"],))]
    assert hazard.unrouted and nowhere.unrouted
    assert [(t.role, t.municipality, t.contact_point_ids) for t in hazard.targets] == [
        ("national", None, (ids["national"],))]


def test_route_report_follows_data_rules(db: Database) -> None:
    """A routing rule row for the municipality overrides the built-in table."""
    with db.transaction() as session:
        ids = add_contact_points(session)
        session.add(RoutingRule(kind="hazard", category="school_area",
                                municipality_id=ids["drenas"], roles="school education"))
        session.flush()
        routing = route_report(session, "hazard", "school_area", False, ids["drenas"],
                               ids["school_id"], "sq")
    assert not routing.unrouted
    assert [(t.role, t.contact_point_ids) for t in routing.targets] == [
        ("school", (ids["school"],)), ("education", (ids["education"],))]
