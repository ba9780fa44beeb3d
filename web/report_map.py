"""Where a report is, for its page: the matched place, how exact it is, and what the map draws.

Only a shared pin is drawn as a marker. A village's centre is drawn as a circle of about
1.5 km, a municipality as its boundary when one is loaded (else a circle round its seat), so
nobody takes an approximate point for the spot of the report.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from handlers.i18n import Msg, Verbatim, msg
from models import Municipality, Report

SETTLEMENT_RADIUS_M = 1500
SEAT_RADIUS_M = 5000


def located(report: Report, language: str) -> Msg | Verbatim:
    """Say where the report was located and how exactly, as staff read it."""
    municipality = report.municipality.name(language) if report.municipality else None
    if report.location == "pin" or (report.location is None and report.latitude is not None):
        return msg("Exact point: the location the reporter shared")
    if report.location == "settlement":
        place = ", ".join(part for part in (report.settlement, municipality) if part)
        return msg("{place}: the village centre, approximate (the map shows an area of about "
                   "1.5 km)", place=Verbatim(place or "?"))
    if report.location == "municipality" and municipality:
        return msg("{municipality}: the municipality only, approximate",
                   municipality=Verbatim(municipality))
    return Verbatim("–")


def map_data(session: Session, report: Report) -> dict[str, Any] | None:
    """Return what the map draws (location, point, radius, boundary), or None for no map."""
    lat, lon = report.latitude, report.longitude
    if lat is not None and lon is not None and report.location in (None, "pin"):
        return {"location": "pin", "lat": lat, "lon": lon}
    if lat is not None and lon is not None and report.location == "settlement":
        return {"location": "settlement", "lat": lat, "lon": lon,
                "radius": SETTLEMENT_RADIUS_M}
    municipality = report.municipality
    if report.location != "municipality" or municipality is None:
        return None
    outlined = session.scalar(select(Municipality.id).where(
        Municipality.id == municipality.id, Municipality.boundary.is_not(None)))
    return {"location": "municipality", "lat": municipality.seat_lat,
            "lon": municipality.seat_lon, "radius": SEAT_RADIUS_M,
            "boundary": municipality.id if outlined is not None else None}


def boundary_feature(session: Session, municipality_id: int) -> dict[str, Any] | None:
    """Return a municipality's boundary as a GeoJSON feature, or None when none is loaded."""
    row = session.execute(select(Municipality.name_sq, Municipality.boundary).where(
        Municipality.id == municipality_id)).first()
    if row is None or row.boundary is None:
        return None
    return {"type": "Feature", "geometry": row.boundary, "properties": {"name": row.name_sq}}
