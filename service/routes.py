"""Routing over the database: rule rows and contact points fed to the pure routing functions."""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from handlers.types import RouteTarget, Routing
from models.geo import Municipality
from models.people import ContactPoint, RoutingRule, School
from routing.rules import Candidate, Rule, choose_contact_points, roles_for


def route_report(session: Session, kind: str, category: str, urgent: bool,
                 municipality_id: int | None, school_id: int | None, language: str) -> Routing:
    """Route a report by (kind, category, municipality[, school]) to contact points by role."""
    if municipality_id is None and school_id is not None:
        municipality_id = session.scalar(select(School.municipality_id).where(
            School.id == school_id))
    roles = roles_for(kind, category, urgent, municipality_id, load_rules(session, kind))
    choice = choose_contact_points(roles, municipality_id, school_id,
                                   load_candidates(session, municipality_id, school_id))
    names: dict[int, str] = {}
    for target in choice.targets:
        mid = target.municipality_id
        if mid is not None and mid not in names:
            municipality = session.get(Municipality, mid)
            names[mid] = municipality.name(language) if municipality else str(mid)
    return Routing(
        tuple(RouteTarget(t.role, None if t.municipality_id is None else names[t.municipality_id],
                          t.contact_point_ids) for t in choice.targets),
        unrouted=choice.unrouted,
    )


def load_rules(session: Session, kind: str) -> list[Rule]:
    """Return the data rules for a kind, oldest first so that it wins ties."""
    rows = session.scalars(select(RoutingRule).where(RoutingRule.kind == kind)
                           .order_by(RoutingRule.id))
    return [Rule(r.kind, r.category, r.urgent, r.municipality_id, tuple(r.roles.split()))
            for r in rows]


def load_candidates(session: Session, municipality_id: int | None,
                    school_id: int | None) -> list[Candidate]:
    """Return the active contact points that could take a report here, national ones included."""
    where: list[ColumnElement[bool]] = [ContactPoint.municipality_id.is_(None)]
    if municipality_id is not None:
        where.append(ContactPoint.municipality_id == municipality_id)
    if school_id is not None:
        where.append(ContactPoint.school_id == school_id)
    rows = session.execute(
        select(ContactPoint.id, ContactPoint.role, ContactPoint.municipality_id,
               ContactPoint.school_id, ContactPoint.escalation_order)
        .where(ContactPoint.active, or_(*where)).order_by(ContactPoint.id))
    return [Candidate(r.id, r.role, r.municipality_id, r.school_id, r.escalation_order)
            for r in rows]
