"""Pins to municipalities: point in polygon where boundaries are loaded, else the nearest seat."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy
import shapely
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

EARTH_RADIUS_KM = 6371.0088
# Rough (min_lat, min_lon, max_lat, max_lon) of each served country, a little padded.
COUNTRY_BOXES: dict[str, tuple[float, float, float, float]] = {
    "XK": (41.80, 19.95, 43.30, 21.85),
    "AL": (39.60, 19.20, 42.70, 21.10),
}
# A pin this close outside a complete set of boundaries is GPS noise at the border.
EDGE_TOLERANCE_KM = 3.0
# Beyond this a seat is a poorer guess than a polygon at the edge tolerance (a pin in
# North Macedonia just over the Kosovo border is not in a far Albanian municipality).
NEAR_SEAT_KM = 30.0
_KM_PER_DEGREE = 111.0


@dataclass(frozen=True)
class Seat:
    """A municipality's seat, with the country it is in."""

    municipality_id: int
    country: str
    lat: float
    lon: float


@dataclass(frozen=True)
class Located:
    """Where a pin fell: the municipality and how it was found (polygon or nearest_seat)."""

    municipality_id: int
    how: str
    distance_km: float = 0.0


class Boundaries:
    """Municipal polygons in an R-tree, prepared for fast point-in-polygon tests."""

    def __init__(self, boundaries: Iterable[tuple[int, Mapping[str, Any]]]) -> None:
        pairs = [(mid, geometry_of(geometry)) for mid, geometry in boundaries]
        self.municipality_ids = [mid for mid, _geom in pairs]
        self._geometries = [geom for _mid, geom in pairs]
        shapely.prepare(self._geometries)
        self._tree = STRtree(self._geometries)

    def __len__(self) -> int:
        """Return how many municipalities have a boundary."""
        return len(self.municipality_ids)

    def locate(self, lat: float, lon: float) -> int | None:
        """Return the municipality whose polygon contains the point, or None."""
        point = Point(lon, lat)
        for index in sorted(self._tree.query(point)):
            if shapely.intersects(self._geometries[index], point):
                return self.municipality_ids[int(index)]
        return None

    def nearest(self, lat: float, lon: float, max_km: float) -> int | None:
        """Return the municipality whose polygon lies within about `max_km` of the point."""
        if not self.municipality_ids:
            return None
        found = self._tree.query_nearest(Point(lon, lat), max_distance=max_km / _KM_PER_DEGREE)
        return self.municipality_ids[int(min(found))] if len(found) else None


def geometry_of(geojson: Mapping[str, Any]) -> Any:
    """Build a GeoJSON polygon or multipolygon from arrays (far quicker than `shape`)."""
    coordinates = geojson.get("coordinates")
    if geojson.get("type") == "Polygon" and coordinates:
        return _polygon(coordinates)
    if geojson.get("type") == "MultiPolygon" and coordinates:
        return shapely.multipolygons([_polygon(rings) for rings in coordinates])
    return shape(geojson)


def _polygon(rings: Sequence[Any]) -> Any:
    """Build one polygon from its outer ring and holes."""
    holes = [numpy.asarray(ring, dtype=float) for ring in rings[1:]]
    return shapely.polygons(numpy.asarray(rings[0], dtype=float), holes=holes or None)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points in kilometres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))


def nearest_seat(lat: float, lon: float, seats: Iterable[Seat]) -> tuple[int, float] | None:
    """Return the municipality with the nearest seat and its distance in km; None if no seats."""
    best: tuple[int, float] | None = None
    for seat in seats:
        km = distance_km(lat, lon, seat.lat, seat.lon)
        if best is None or km < best[1]:
            best = (seat.municipality_id, km)
    return best


def countries_at(lat: float, lon: float) -> tuple[str, ...]:
    """Return the served countries whose rough bounding box holds the point."""
    return tuple(country for country, (south, west, north, east) in COUNTRY_BOXES.items()
                 if south <= lat <= north and west <= lon <= east)


def in_service_area(lat: float, lon: float) -> bool:
    """Tell whether the point is roughly in Kosovo or Albania."""
    return bool(countries_at(lat, lon))


def locate_pin(lat: float, lon: float, boundaries: Boundaries,
               seats: Sequence[Seat]) -> Located | None:
    """Place a pin by polygon, else by the nearest seat without a polygon, else None if far away.

    Where a country's boundaries are loaded they cover it without gaps, so a pin outside them
    is in a neighbouring country: only seats of municipalities without a polygon compete.
    """
    if not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    inside = boundaries.locate(lat, lon)
    if inside is not None:
        return Located(inside, "polygon")
    countries = countries_at(lat, lon)
    if not countries:
        return None
    outlined = set(boundaries.municipality_ids)
    open_seats = [s for s in seats if s.country in countries and s.municipality_id not in outlined]
    found = nearest_seat(lat, lon, open_seats)
    if found is not None and found[1] <= NEAR_SEAT_KM:
        return Located(found[0], "nearest_seat", found[1])
    edge = boundaries.nearest(lat, lon, EDGE_TOLERANCE_KM)
    if edge is not None:
        return Located(edge, "polygon")
    return Located(found[0], "nearest_seat", found[1]) if found is not None else None
