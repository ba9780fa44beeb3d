"""Pins to municipalities over the shared Kosovo polygons and the seeded seats."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from shapely.geometry import Point, shape

from models.seed import load_municipalities
from routing.geo import (
    Boundaries,
    Seat,
    distance_km,
    in_service_area,
    locate_pin,
    nearest_seat,
)
from tests.conftest import SHARED_GEO

FACTS = load_municipalities()
IDS = {fact.name_sq: i for i, fact in enumerate(FACTS, start=1)}
SEATS = tuple(Seat(i, f.country, f.seat_lat, f.seat_lon) for i, f in enumerate(FACTS, start=1))


@pytest.fixture(scope="module")
def polygons() -> dict[int, dict[str, Any]]:
    """Read the Kosovo polygons, keyed by the municipality whose seat each one holds."""
    data = json.loads((SHARED_GEO / "geoBoundaries-XKX-ADM2.geojson").read_text(encoding="utf-8"))
    found: dict[int, dict[str, Any]] = {}
    for feature in data["features"]:
        polygon = shape(feature["geometry"])
        owner = [s.municipality_id for s in SEATS if polygon.contains(Point(s.lon, s.lat))]
        assert len(owner) == 1, feature["properties"]["shapeName"]
        found[owner[0]] = feature["geometry"]
    return found


@pytest.fixture(scope="module")
def boundaries(polygons: dict[int, dict[str, Any]]) -> Boundaries:
    """Build the boundaries of all 38 Kosovo municipalities."""
    return Boundaries(polygons.items())


def test_pin_inside_drenas_by_polygon(boundaries: Boundaries) -> None:
    """A pin in Drenas is placed by its polygon."""
    assert boundaries.locate(42.6265, 20.8939) == IDS["Drenas"]
    found = locate_pin(42.6265, 20.8939, boundaries, SEATS)
    assert found is not None
    assert (found.municipality_id, found.how) == (IDS["Drenas"], "polygon")


def test_pin_in_tirana_by_nearest_seat(boundaries: Boundaries) -> None:
    """Albania has no polygons: a pin in Tirana goes to Tiranë by its seat."""
    assert boundaries.locate(41.3275, 19.8187) is None
    found = locate_pin(41.3275, 19.8187, boundaries, SEATS)
    assert found is not None
    assert (found.municipality_id, found.how) == (IDS["Tiranë"], "nearest_seat")
    assert found.distance_km < 2


@pytest.mark.parametrize(("lat", "lon"), [
    (48.2082, 16.3738),  # Vienna
    (41.5, 17.5),  # the Adriatic, far off Durrës
    (42.0, 21.43),  # Skopje, inside Kosovo's rough box but far from its polygons
    (43.14, 21.27),  # Kuršumlija, Serbia
    (math.nan, 20.0),
])
def test_pins_far_away_are_refused(boundaries: Boundaries, lat: float, lon: float) -> None:
    """A pin outside Kosovo and Albania finds no municipality."""
    assert locate_pin(lat, lon, boundaries, SEATS) is None


def test_service_area() -> None:
    """The rough boxes hold Prishtinë and Tiranë, not Vienna or the open sea."""
    assert in_service_area(42.6629, 21.1655)
    assert in_service_area(41.3275, 19.8187)
    assert not in_service_area(48.2082, 16.3738)
    assert not in_service_area(41.0, 17.0)


def test_pins_on_both_sides_of_a_municipal_border(
        boundaries: Boundaries, polygons: dict[int, dict[str, Any]]) -> None:
    """A pin 200 m inside Drenas is Drenas; 200 m outside it is a neighbour in Kosovo."""
    drenas = shape(polygons[IDS["Drenas"]])
    lon, lat = drenas.buffer(-0.002).exterior.coords[0]
    assert boundaries.locate(lat, lon) == IDS["Drenas"]
    lon, lat = drenas.buffer(0.002).exterior.coords[0]
    outside = boundaries.locate(lat, lon)
    assert outside is not None and outside != IDS["Drenas"]


def test_pin_across_the_albanian_border_goes_to_albania(boundaries: Boundaries) -> None:
    """At Morinë, just over the border from Prizren, the pin belongs to Kukës, not Kosovo."""
    found = locate_pin(42.11, 20.56, boundaries, SEATS)
    assert found is not None
    assert (found.municipality_id, found.how) == (IDS["Kukës"], "nearest_seat")


def test_pin_just_outside_kosovo_is_gps_noise(
        boundaries: Boundaries, polygons: dict[int, dict[str, Any]]) -> None:
    """A kilometre north of Kosovo's northernmost point still lands in Leposaviq."""
    leposaviq = shape(polygons[IDS["Leposaviq"]])
    lon, lat = max(leposaviq.exterior.coords, key=lambda xy: xy[1])
    found = locate_pin(lat + 0.01, lon, boundaries, SEATS)
    assert found is not None
    assert found.municipality_id == IDS["Leposaviq"]


def test_without_polygons_every_seat_competes() -> None:
    """Before `import geo`, a pin in Drenas is placed by the nearest seat."""
    found = locate_pin(42.6265, 20.8939, Boundaries([]), SEATS)
    assert found is not None
    assert (found.municipality_id, found.how) == (IDS["Drenas"], "nearest_seat")


def test_nearest_seat_and_distance() -> None:
    """Distances are great-circle kilometres; no seats means no answer."""
    assert nearest_seat(41.3275, 19.8187, []) is None
    found = nearest_seat(42.6265, 20.8939, SEATS)
    assert found is not None and found[0] == IDS["Drenas"]
    assert distance_km(42.6629, 21.1655, 41.3275, 19.8187) == pytest.approx(185, abs=10)
