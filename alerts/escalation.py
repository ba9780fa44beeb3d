"""Escalation: an alert nobody acknowledged in time goes to the next contact point in the chain."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.deadlines import Deadlines
from models import ContactPoint, OutboxMessage, Report, ReportEvent, ReportRoute
from routing.rules import Candidate, national_for
from service.filing import alert_row

# Statuses whose alerts still wait for someone to take the report up.
UNACKNOWLEDGED = ("received", "routed")
Why = Literal["deadline", "failed", "deactivated"]
# The error content.prepare passes when an alert's contact point was switched off.
DEACTIVATED = "contact point deactivated"


def chain(role: str, municipality_id: int | None, school_id: int | None,
          candidates: Iterable[Candidate], country: str | None = None) -> tuple[Candidate, ...]:
    """Return who may hold a role's alert, in order: holders, the coordinator, then national.

    The national points are those of the report's `country`, as routing chooses them.
    """
    every = list(candidates)

    def ranked(keep: Callable[[Candidate], bool]) -> list[Candidate]:
        return sorted((c for c in every if keep(c)), key=lambda c: (c.escalation_order, c.id))

    serving = {c.id for c in national_for(country, every)}
    national = ranked(lambda c: c.id in serving)
    if municipality_id is None or role == "national":
        return tuple(national)
    own_school = ranked(lambda c: c.role == role and school_id is not None
                        and c.school_id == school_id)
    municipal = ranked(lambda c: c.role == role and c.school_id is None
                       and c.municipality_id == municipality_id)
    coordinators = ranked(lambda c: c.role == "coordinator"
                          and c.municipality_id == municipality_id)
    # As routing does: the school's own people first, and only them for the "school" role.
    holders = own_school if role == "school" else own_school + municipal
    return tuple(dict.fromkeys(holders + coordinators + national))


def next_in_chain(ordered: Sequence[Candidate], current_id: int | None,
                  used: Iterable[int | None]) -> Candidate | None:
    """Return the next active contact point after the current one not yet alerted, or None."""
    ids = [c.id for c in ordered]
    start = ids.index(current_id) + 1 if current_id in ids else 0
    done = set(used)
    return next((c for c in ordered[start:] if c.active and c.id not in done), None)


def is_due(since: datetime, deadline: timedelta, now: datetime) -> bool:
    """Tell whether an alert sent at `since` has waited past its deadline at `now`."""
    return now - since >= deadline


def escalate_due(session: Session, now: datetime, deadlines: Deadlines) -> int:
    """Escalate every unacknowledged alert past its deadline; return how many steps were taken."""
    earliest = now - deadlines.shortest()
    routes = session.scalars(
        select(ReportRoute).join(Report)
        .where(Report.status.in_(UNACKNOWLEDGED), Report.simulated.is_(False),
               ReportRoute.state == "alerted", ReportRoute.created_at <= earliest)
        .order_by(ReportRoute.id)
        # Several workers may run this at once: each route is escalated by one of them.
        .with_for_update(skip_locked=True, of=ReportRoute)).all()
    steps = 0
    for route in routes:
        report = route.report
        if is_due(route.created_at, deadlines.deadline_for(report.kind, report.urgent), now):
            steps += escalate_route(session, route, now, "deadline")
    return steps


def escalate_now(session: Session, row: OutboxMessage, error: str, now: datetime) -> None:
    """Mark the route of an undeliverable alert failed and alert the next contact point at once."""
    escalate_row(session, row, error, now)


def escalate_row(session: Session, row: OutboxMessage, error: str, now: datetime) -> bool:
    """Do what escalate_now does; return whether the next contact point was alerted."""
    if row.purpose not in ("alert", "escalation") or row.report_id is None:
        return False
    payload: dict[str, Any] = row.payload if isinstance(row.payload, dict) else {}
    query = (select(ReportRoute).where(ReportRoute.report_id == row.report_id,
                                       ReportRoute.contact_point_id == row.contact_point_id,
                                       ReportRoute.state == "alerted")
             .order_by(ReportRoute.id.desc()).with_for_update())
    if isinstance(payload.get("role"), str):
        query = query.where(ReportRoute.role == payload["role"])
    route = session.scalars(query).first()
    if route is None:
        # Already escalated, acknowledged or failed: one failure escalates once.
        return False
    why: Why = "deactivated" if error == DEACTIVATED else "failed"
    return escalate_route(session, route, now, why, error) > 0



def escalate_route(session: Session, route: ReportRoute, now: datetime, why: Why,
                   error: str = "") -> int:
    """Move one role's alert one step along its chain; return 1 for a step, 0 at the end."""
    report = route.report
    route.state = "escalated" if why == "deadline" else "failed"
    route.escalated_at = now
    if report.status not in UNACKNOWLEDGED:
        return 0
    points = session.scalars(select(ContactPoint).where(
        ContactPoint.role.in_((route.role, "coordinator", "national"))))
    candidates = [Candidate(p.id, p.role, p.municipality_id, p.school_id, p.escalation_order,
                            p.active, p.country) for p in points]
    used = session.scalars(select(ReportRoute.contact_point_id).where(
        ReportRoute.report_id == report.id, ReportRoute.role == route.role)).all()
    country = report.municipality.country if report.municipality is not None else report.country
    ordered = chain(route.role, report.municipality_id, report.school_id, candidates, country)
    found = next_in_chain(ordered, route.contact_point_id, used)
    point = session.get(ContactPoint, found.id) if found is not None else None
    reason = f"{why}: {error}" if error else why
    if point is None:
        if why == "deadline":
            # Kept apart from "escalated" so the end of the chain is recorded only once.
            route.state = "exhausted"
        session.add(ReportEvent(report_id=report.id, at=now, actor="system", kind="escalation",
                                note=f"{route.role}: escalation chain exhausted ({reason})",
                                data={"role": route.role, "why": why, "exhausted": True,
                                      "from": _named(route.contact_point), "error": error}))
        return 0
    session.add(ReportRoute(report_id=report.id, contact_point_id=point.id, role=route.role,
                            created_at=now, level=route.level + 1, state="alerted"))
    old = route.contact_point.name if route.contact_point is not None else "?"
    session.add(ReportEvent(report_id=report.id, at=now, actor="system", kind="escalation",
                            note=f"{route.role}: {old} -> {point.name} ({reason})",
                            data={"role": route.role, "why": why,
                                  "from": _named(route.contact_point), "to": _named(point),
                                  "error": error}))
    row = alert_row(report.id, report.reference, point, route.role, now)
    row.update(purpose="escalation", payload={
        "event": "escalation", "reference": report.reference, "role": route.role,
        "level": route.level + 1, "why": why})
    session.add(OutboxMessage(**row))
    return 1


def _named(point: ContactPoint | None) -> dict[str, Any] | None:
    """Return a contact point as an event's data names it: its id and name at the time."""
    return None if point is None else {"point": point.id, "name": point.name}
