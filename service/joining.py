"""Hazards reported twice: finding open ones near a pin, and joining one as a confirmation."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from handlers.types import JoinReport, NearbyReport, Reply
from models import Report, ReportEvent, ReportFollower
from models.reports import OPEN_STATUSES

RADIUS_M = 100.0
WINDOW = timedelta(days=30)
EARTH_RADIUS_M = 6_371_000.0
METRES_PER_DEGREE = 111_320.0  # of latitude, near enough everywhere for a 100 m box

# Built once: the index (kind, category, created_at) narrows it; the box does the rest.
CANDIDATES = select(Report.reference, Report.latitude, Report.longitude,
                    Report.created_at).where(
    Report.kind == "hazard", Report.category == bindparam("category"),
    # A typed village's centre says little about where the danger is: pins only.
    Report.location == "pin",
    Report.created_at >= bindparam("since"), Report.status.in_(OPEN_STATUSES),
    Report.simulated == bindparam("simulated"),
    Report.latitude.between(bindparam("south"), bindparam("north")),
    Report.longitude.between(bindparam("west"), bindparam("east")))


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Return the great-circle distance between two points in metres (haversine)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    h = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def open_hazards_near(session: Session, category: str, lat: float, lon: float,
                      now: datetime, simulated: bool = False) -> list[NearbyReport]:
    """Return open pinned hazards of `category` within 100 m from the last 30 days, nearest first.

    The simulator's conversations see only simulated reports, and real ones only real ones.
    """
    dlat = RADIUS_M / METRES_PER_DEGREE
    dlon = RADIUS_M / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    rows = session.connection().execute(CANDIDATES, {
        "category": category, "since": now - WINDOW, "south": lat - dlat, "north": lat + dlat,
        "west": lon - dlon, "east": lon + dlon, "simulated": simulated})
    found = []
    for row in rows:
        metres = distance_m(lat, lon, row.latitude, row.longitude)
        if metres <= RADIUS_M:
            found.append(NearbyReport(row.reference, round(metres), row.created_at))
    return sorted(found, key=lambda n: (n.distance_m, n.reference))


def join_report(session: Session, join: JoinReport, contact_id: int, channel: str,
                at: datetime) -> Reply:
    """Add the contact to an open report as a confirmation, once; return the reply to send."""
    report = session.scalars(select(Report).where(Report.reference == join.reference)
                             .with_for_update()).first()
    if report is None or report.status not in OPEN_STATUSES or report.kind != "hazard":
        return join.gone
    if report.reporter_contact_id == contact_id or session.scalar(
            select(ReportFollower.id).where(ReportFollower.report_id == report.id,
                                            ReportFollower.contact_id == contact_id)):
        return join.done  # their own report, or joined before: nothing is counted twice
    session.add(ReportFollower(report_id=report.id, contact_id=contact_id, created_at=at))
    report.confirmations = (report.confirmations or 0) + 1
    # "follower": not the reporter, and as anonymous to staff as any reporter.
    session.add(ReportEvent(report_id=report.id, at=at, actor="follower", kind="confirmation",
                            from_status=report.status, to_status=report.status,
                            note=f"confirmed by a second reporter ({channel})",
                            data={"channel": channel}))
    return join.done
