"""`sinjalizo import geo FILE`: municipal boundaries and settlements, recognised by content."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from shapely.geometry import Point, shape
from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from models.geo import Municipality, Settlement
from routing.text import fold

GNS_COLUMNS = frozenset({"gns_ufi", "name", "alt_names", "lat", "lon", "feature",
                         "muni_by_polygon"})
OSM_XK_COLUMNS = frozenset({"osm_node", "name", "name_en", "lat", "lon", "place",
                            "muni_by_polygon"})
OSM_AL_COLUMNS = frozenset({"osm_node", "name", "name_en", "lat", "lon", "place",
                            "nearest_geonames_bashki_APPROX"})
SETTLEMENT_FIELDS = ("municipality_id", "name", "alt_names", "lat", "lon", "kind")


class GeoImportError(ValueError):
    """The file is not one of the geographic files Sinjalizo knows how to load."""


@dataclass
class ImportSummary:
    """What one import did: rows added, updated, removed and skipped, and why."""

    path: str
    kind: str  # boundaries | gns | osm2019_xk | osm2019_al
    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        """Describe the import in a line, then one line per kind of problem."""
        head = (f"{self.kind}: {self.added} added, {self.updated} updated, "
                f"{self.removed} removed, {self.unchanged} unchanged, {self.skipped} skipped")
        return "\n".join([head, *(f"  {problem}" for problem in self.problems)])


def import_geo(session: Session, path: str | Path) -> ImportSummary:
    """Load a boundary GeoJSON or a settlements CSV into the database, replacing older rows.

    :raise GeoImportError: when the file is neither of the known shapes.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise GeoImportError(f"{path}: cannot read the file ({exc})") from exc
    if text.lstrip().startswith("{"):
        return _import_boundaries(session, path, text)
    rows = csv.DictReader(text.splitlines())
    columns = frozenset(rows.fieldnames or ())
    if GNS_COLUMNS <= columns:
        return _import_settlements(session, path, "gns", _gns_rows(rows))
    if OSM_XK_COLUMNS <= columns:
        return _import_settlements(session, path, "osm2019_xk",
                                   _osm_rows(rows, "muni_by_polygon", "XK"))
    if OSM_AL_COLUMNS <= columns:
        return _import_settlements(session, path, "osm2019_al",
                                   _osm_rows(rows, "nearest_geonames_bashki_APPROX", "AL"))
    raise GeoImportError(
        f"{path}: not a known geo file; expected a GeoJSON FeatureCollection of municipalities "
        "or a CSV with the columns of kosovo_settlements_gns.csv, kosovo_places_osm2019.csv "
        f"or albania_places_osm2019.csv (found columns: {', '.join(sorted(columns)) or 'none'})")


@dataclass(frozen=True)
class _Row:
    """One settlement read from a file, before its municipality is resolved."""

    line: int
    source_id: str
    name: str
    alt_names: list[str]
    lat: str
    lon: str
    kind: str
    municipality: str
    country: str


def _gns_rows(rows: Iterable[dict[str, str]]) -> Iterator[_Row]:
    """Read GNS populated places; the polygon-derived municipality is the one to trust."""
    for line, row in enumerate(rows, start=2):
        feature = row.get("feature") or ""
        kind = "town" if feature.startswith(("PPLA", "PPLC")) else "village"
        alt = [a.strip() for a in (row.get("alt_names") or "").split("|") if a.strip()]
        yield _Row(line, row["gns_ufi"], row["name"].strip(), alt, row["lat"], row["lon"], kind,
                   row.get("muni_by_polygon") or "", "XK")


def _osm_rows(rows: Iterable[dict[str, str]], column: str, country: str) -> Iterator[_Row]:
    """Read OSM place nodes, with the English name as an alternative when it differs."""
    for line, row in enumerate(rows, start=2):
        name, *others = _osm_names(row["name"])
        english = (row.get("name_en") or "").strip()
        alt = [*others, *([english] if english and english not in (name, *others) else [])]
        municipality = (row.get(column) or "").strip().removeprefix("Bashkia ")
        yield _Row(line, row["osm_node"], name, alt, row["lat"], row["lon"],
                   (row.get("place") or "village")[:20], municipality, country)


def _osm_names(written: str) -> list[str]:
    """Split an OSM name into the names people type, the first one first.

    Kosovo nodes carry both languages ("Banjë - Banja"); Albanian hamlets name their village
    ("Valis (Kashar)"), which stays as a further name.
    """
    written = written.strip()
    head = written.split(" (", 1)[0].strip() if written.endswith(")") else written
    names = [part.strip() for part in head.split(" - ") if part.strip()] or [written]
    return [*names, *([written] if head != written else [])]


def _names(session: Session) -> dict[tuple[str, str], list[Municipality]]:
    """Index municipalities by (country, folded name or alias)."""
    index: dict[tuple[str, str], list[Municipality]] = {}
    for m in session.scalars(select(Municipality).order_by(Municipality.id)):
        for name in {fold(n) for n in (m.name_sq, m.name_sr or "", *m.aliases)} - {""}:
            index.setdefault((m.country, name), []).append(m)
    return index


def _import_settlements(session: Session, path: Path, source: str,
                        rows: Iterable[_Row]) -> ImportSummary:
    """Upsert the file's settlements by (source, source_id) and drop those it no longer has."""
    summary = ImportSummary(str(path), source)
    names = _names(session)
    skipped: Counter[str] = Counter()
    first_line: dict[str, int] = {}
    wanted: dict[str, dict[str, Any]] = {}
    for row in rows:
        found = names.get((row.country, fold(row.municipality)), [])
        problem = _row_problem(row)
        if problem is None and len(found) != 1:
            problem = f"unknown municipality {row.municipality or '(none)'!r}"
        if problem is not None:
            summary.skipped += 1
            skipped[problem] += 1
            first_line.setdefault(problem, row.line)
            continue
        lat, lon = float(row.lat), float(row.lon)
        wanted[row.source_id] = {"municipality_id": found[0].id, "name": row.name[:120],
                                 "alt_names": row.alt_names, "lat": lat, "lon": lon,
                                 "kind": row.kind}
    # One line per kind of problem: a file can have hundreds of nameless hamlets.
    summary.problems.extend(f"{problem}: {count} rows, first at line {first_line[problem]}"
                            for problem, count in skipped.most_common())
    _store(session, source, wanted, summary)
    return summary


def _row_problem(row: _Row) -> str | None:
    """Say what makes a row unusable, if anything."""
    if not row.name or not row.source_id:
        return "no name or id"
    try:
        lat, lon = float(row.lat), float(row.lon)
    except ValueError:
        return f"bad coordinates {row.lat!r}, {row.lon!r}"
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return f"coordinates out of range {lat}, {lon}"
    return None


def _store(session: Session, source: str, wanted: dict[str, dict[str, Any]],
           summary: ImportSummary) -> None:
    """Write the wanted rows in bulk, counting what changed."""
    columns = [getattr(Settlement, name) for name in SETTLEMENT_FIELDS]
    existing = {row.source_id: row for row in session.execute(
        select(Settlement.id, Settlement.source_id, *columns).where(Settlement.source == source))}
    changes = []
    for source_id, values in wanted.items():
        old = existing.get(source_id)
        if old is None:
            continue
        if all(getattr(old, name) == values[name] for name in SETTLEMENT_FIELDS):
            summary.unchanged += 1
        else:
            changes.append({"id": old.id, **values})
    gone = [row.id for source_id, row in existing.items() if source_id not in wanted]
    new = [{"source": source, "source_id": source_id, **values}
           for source_id, values in wanted.items() if source_id not in existing]
    if changes:
        session.execute(update(Settlement), changes)
    if gone:
        session.execute(delete(Settlement).where(Settlement.id.in_(gone)))
    if new:
        session.execute(insert(Settlement), new)
    summary.added, summary.updated, summary.removed = len(new), len(changes), len(gone)
    session.flush()


def _import_boundaries(session: Session, path: Path, text: str) -> ImportSummary:
    """Store each feature's geometry on the municipality it names (or whose seat it holds)."""
    summary = ImportSummary(str(path), "boundaries")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GeoImportError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise GeoImportError(f"{path}: expected a GeoJSON FeatureCollection of municipalities")
    names = _names(session)
    municipalities = [m for found in names.values() for m in found]
    for number, feature in enumerate(data.get("features") or [], start=1):
        label = str((feature.get("properties") or {}).get("shapeName") or f"feature {number}")
        geometry = feature.get("geometry") or {}
        if geometry.get("type") not in ("Polygon", "MultiPolygon"):
            summary.skipped += 1
            summary.problems.append(f"{label}: not a polygon")
            continue
        target = _boundary_owner(label, shape(geometry), names, municipalities)
        if target is None:
            summary.skipped += 1
            summary.problems.append(f"{label}: no municipality of that name or seat")
            continue
        if target.boundary == geometry:
            summary.unchanged += 1
        else:
            summary.updated += 1
            target.boundary = geometry
    session.flush()
    return summary


def _boundary_owner(label: str, polygon: Any, names: dict[tuple[str, str], list[Municipality]],
                    municipalities: Iterable[Municipality]) -> Municipality | None:
    """Match "Municipality of Drenas" by name; failing that, the one municipality seated inside."""
    name = fold(label.removeprefix("Municipality of "))
    by_name = {m.id: m for (_country, key), found in names.items() if key == name for m in found}
    if len(by_name) == 1:
        return next(iter(by_name.values()))
    # geoBoundaries spells some names otherwise ("Peja", "Han i Elezit"); the seat settles it.
    seated = {m.id: m for m in municipalities if polygon.contains(Point(m.seat_lon, m.seat_lat))}
    return next(iter(seated.values())) if len(seated) == 1 else None
