"""Where a report is, as an alert says it: the reporter's words, and how exact the point is."""

from __future__ import annotations

from collections.abc import Iterator

from handlers.i18n import Msg, Verbatim, msg
from models import Report


def place_lines(report: Report, language: str) -> Iterator[Msg]:
    """Yield the reporter's own words for the place, then where it was located and how exactly.

    Only a shared pin is a point; a village's centre or a municipality is an area, and the
    alert says so, so that nobody looks for a manhole at the village centre.
    """
    if report.place_text:
        yield msg("Place, in the reporter's words: {place}", place=Verbatim(report.place_text))
    lat, lon = report.latitude, report.longitude
    if report.location == "settlement":
        where = report.settlement or "?"
        if report.municipality is not None:
            where = f"{where}, {report.municipality.name(language)}"
        yield msg("Located at the centre of {place}: approximate, not an exact point.",
                  place=Verbatim(where))
        if lat is not None and lon is not None:
            yield msg("Area on the map: {link}", link=Verbatim(area_link(lat, lon)))
    elif report.location == "municipality" and report.municipality is not None:
        yield msg("Located by the municipality only: no point on the map.")
    elif lat is not None and lon is not None:
        yield msg("Map: {link}", link=Verbatim(map_link(lat, lon)))


def map_link(lat: float, lon: float) -> str:
    """Return an OpenStreetMap link with a marker on a pin."""
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def area_link(lat: float, lon: float) -> str:
    """Return an OpenStreetMap link showing the area around a point, with no marker on it."""
    return f"https://www.openstreetmap.org/#map=14/{lat}/{lon}"
