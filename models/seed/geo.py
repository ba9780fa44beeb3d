"""The place data shipped in `data/geo/`, loaded once into a database that lacks it."""

from __future__ import annotations

import logging
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.geo import Municipality, Settlement
from models.geo_import import ImportSummary, import_geo

log = logging.getLogger(__name__)

# The repository's data folder (see data/geo/SOURCES.md for each file's source and licence).
GEO_DIR = Path(__file__).resolve().parents[2] / "data" / "geo"
# Each shipped file and the import kind it becomes, boundaries first: a pin is placed by them.
BUNDLED = (
    ("geoBoundaries-XKX-ADM2.geojson", "boundaries"),
    ("kosovo_settlements_gns.csv", "gns"),
    ("kosovo_places_osm2019.csv", "osm2019_xk"),
    ("albania_places_osm2019.csv", "osm2019_al"),
)


def seed_places(session: Session, folder: Path = GEO_DIR) -> list[ImportSummary]:
    """Load every shipped geo file whose data the database lacks; return what was loaded.

    One cheap query per file decides, so a start on a loaded database costs milliseconds; a
    newer copy of a file is loaded on purpose with `sinjalizo import geo FILE`.
    """
    loaded: list[ImportSummary] = []
    for name, kind in BUNDLED:
        if has_places(session, kind):
            continue
        path = folder / name
        if not path.is_file():
            log.warning("place data %s is missing; villages of it cannot be matched", path)
            continue
        loaded.append(import_geo(session, path))
    return loaded


def has_places(session: Session, kind: str) -> bool:
    """Tell whether the data of one import kind is in the database already."""
    if kind == "boundaries":
        query = select(Municipality.id).where(Municipality.country == "XK",
                                              Municipality.boundary.is_not(None))
    else:
        query = select(Settlement.id).where(Settlement.source == kind)
    return session.scalar(query.limit(1)) is not None


def describe(loaded: list[ImportSummary]) -> list[str]:
    """Say in a line per file what the first start loaded, for the operator."""
    return [f"Map data {Path(s.path).name}: {s.added or s.updated} "
            f"{'boundaries' if s.kind == 'boundaries' else 'places'} loaded"
            for s in loaded]
