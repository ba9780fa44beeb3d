"""The public page's map: the shipped municipal boundaries and the hazards, as inline SVG.

No tiles, no scripts: the boundaries the dashboard's report map draws (web/report_map.py,
loaded from data/geo) are simplified to about 200 m once per process, projected with the
latitude's scale, and drawn as paths; each hazard with a point is a dot linking to its entry
in the list. A municipality chosen in the filter is drawn alone; otherwise every loaded one.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Flask
from shapely.geometry import MultiPolygon, Polygon, shape
from sqlalchemy import select
from sqlalchemy.orm import Session

from models import Municipality
from service.publication import PublicHazard
from web.report_map import boundary_feature

OUTLINES_KEY = "sinjalizo.public_outlines"
OUTLINES_TTL = 3600.0  # seconds: `sinjalizo import geo` shows on the public map within the hour
TOLERANCE = 0.002  # degrees, about 200 m: the outline stays recognisable and the page light
WIDTH = 800.0
MARGIN = 12.0

Ring = list[tuple[float, float]]  # (lon, lat) pairs


@dataclass(frozen=True)
class Outline:
    """A municipality's simplified boundary: its id, name and rings."""

    id: int
    name: str
    rings: tuple[Ring, ...]


@dataclass(frozen=True)
class Dot:
    """A hazard's point on the map, in SVG coordinates."""

    reference: str
    open: bool
    x: float
    y: float


@dataclass(frozen=True)
class SvgMap:
    """What the template draws: the view box, the outlines as path data, and the dots."""

    width: float
    height: float
    paths: tuple[tuple[str, str], ...]  # (municipality name, path data)
    dots: tuple[Dot, ...]


def outlines(app: Flask, session: Session) -> dict[int, Outline]:
    """Return every loaded boundary, simplified; read from the database once an hour."""
    cached = app.extensions.get(OUTLINES_KEY)
    if isinstance(cached, tuple) and time.monotonic() - cached[0] < OUTLINES_TTL:
        return dict(cached[1])
    found: dict[int, Outline] = {}
    ids = session.scalars(select(Municipality.id).where(Municipality.boundary.is_not(None)))
    for municipality_id in list(ids):
        feature = boundary_feature(session, municipality_id)
        if feature is not None:
            found[municipality_id] = Outline(municipality_id, feature["properties"]["name"],
                                             tuple(_rings(feature["geometry"])))
    app.extensions[OUTLINES_KEY] = (time.monotonic(), found)
    return dict(found)


def _rings(geometry: dict[str, Any]) -> Iterable[Ring]:
    """Yield the outer rings of a (multi)polygon, simplified."""
    simple = shape(geometry).simplify(TOLERANCE, preserve_topology=True)
    polygons = simple.geoms if isinstance(simple, MultiPolygon) else [simple]
    for polygon in polygons:
        if isinstance(polygon, Polygon) and not polygon.is_empty:
            yield [(float(x), float(y)) for x, y in polygon.exterior.coords]


def svg_map(drawn: Sequence[Outline], hazards: Sequence[PublicHazard]) -> SvgMap | None:
    """Project the outlines and the hazards' points into one view; None when nothing to draw."""
    points = [(h.reference, h.open, h.longitude, h.latitude) for h in hazards
              if h.longitude is not None and h.latitude is not None]
    lons = [x for o in drawn for r in o.rings for x, _ in r] + [p[2] for p in points]
    lats = [y for o in drawn for r in o.rings for _, y in r] + [p[3] for p in points]
    if not lons:
        return None
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    # Degrees of longitude shrink with latitude; without this Kosovo looks wide and flat.
    squeeze = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * squeeze, 0.02)
    span_y = max(north - south, 0.02)
    scale = (WIDTH - 2 * MARGIN) / max(span_x, span_y)
    height = span_y * scale + 2 * MARGIN

    def at(lon: float, lat: float) -> tuple[float, float]:
        """Return the SVG coordinates of a point."""
        return (round(MARGIN + (lon - west) * squeeze * scale, 1),
                round(MARGIN + (north - lat) * scale, 1))

    paths = tuple((o.name, " ".join(_path(r, at) for r in o.rings)) for o in drawn)
    dots = tuple(Dot(ref, is_open, *at(lon, lat)) for ref, is_open, lon, lat in points)
    return SvgMap(WIDTH, round(height, 1), paths, dots)


def _path(ring: Ring, at: Any) -> str:
    """Return one ring as SVG path data."""
    projected = [at(lon, lat) for lon, lat in ring]
    head, *rest = projected
    return f"M{head[0]} {head[1]}" + "".join(f"L{x} {y}" for x, y in rest) + "Z"
