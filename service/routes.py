"""Routing over the database: rule rows and contact points fed to the pure routing functions."""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from handlers.types import RouteTarget, Routing
from models.geo import Municipality
from models.names import display_name
from models.people import ContactPoint, RoutingRule, School
from routing.rules import Candidate, Rule, choose_contact_points, roles_for
from service.places import PlaceIndex


def route_report(session: Session, kind: str, category: str, urgent: bool,
                 municipality_id: int | None, school_id: int | None, language: str,
                 country: str | None = None, *, places: PlaceIndex | None = None,
                 seen: MutableMapping[int, Any] | None = None) -> Routing:
    """Route a report by (kind, category, municipality[, school]) to contact points by role.

    `country` (XK | AL) is the report's when its municipality is not known; a known
    municipality's own country wins. It picks the national points of a report nobody holds.
    With `places`, municipalities are read from its tables rather than the database; `seen`
    receives the candidate contact points' rows by id (their names and addresses), so that
    filing need not read them again.
    """
    if municipality_id is None and school_id is not None:
        municipality_id = session.scalar(select(School.municipality_id).where(
            School.id == school_id))
    if municipality_id is not None:
        country = municipality_country(session, municipality_id, places) or country
    roles = roles_for(kind, category, urgent, municipality_id, load_rules(session, kind))
    candidates = load_candidates(session, municipality_id, school_id, seen)
    choice = choose_contact_points(roles, municipality_id, school_id, candidates, country)
    names: dict[int | None, tuple[str | None, str | None]] = {None: (None, None)}
    for target in choice.targets:
        mid = target.municipality_id
        if mid is not None and mid not in names:
            names[mid] = _name_and_code(session, mid, language, places)
    return Routing(
        tuple(RouteTarget(t.role, names[t.municipality_id][0], t.contact_point_ids,
                          names[t.municipality_id][1]) for t in choice.targets),
        unrouted=choice.unrouted,
    )


# Built once: every filed report runs these, and building costs more than running.
RULES = (select(RoutingRule.kind, RoutingRule.category, RoutingRule.urgent,
                RoutingRule.municipality_id, RoutingRule.roles)
         .where(RoutingRule.kind == bindparam("kind")).order_by(RoutingRule.id))
CANDIDATES = (select(ContactPoint.id, ContactPoint.role, ContactPoint.municipality_id,
                     ContactPoint.school_id, ContactPoint.escalation_order, ContactPoint.country,
                     ContactPoint.name, ContactPoint.telegram_chat_id, ContactPoint.phone,
                     ContactPoint.whatsapp, ContactPoint.email, ContactPoint.language)
              .where(ContactPoint.active,
                     or_(ContactPoint.municipality_id.is_(None),
                         ContactPoint.municipality_id == bindparam("municipality_id"),
                         ContactPoint.school_id == bindparam("school_id")))
              .order_by(ContactPoint.id))
NAMES = select(Municipality.code, Municipality.name_sq, Municipality.name_sr).where(
    Municipality.id == bindparam("municipality_id"))
COUNTRY = select(Municipality.country).where(Municipality.id == bindparam("municipality_id"))


def country_of(session: Session, municipality_id: int) -> str | None:
    """Return the country (XK | AL) of a municipality, None if there is no such one."""
    found = session.connection().execute(COUNTRY, {"municipality_id": municipality_id}).scalar()
    return str(found) if found else None


def load_rules(session: Session, kind: str) -> list[Rule]:
    """Return the data rules for a kind, oldest first so that it wins ties."""
    rows = session.connection().execute(RULES, {"kind": kind})
    return [Rule(r.kind, r.category, r.urgent, r.municipality_id, tuple(r.roles.split()))
            for r in rows]


def load_candidates(session: Session, municipality_id: int | None, school_id: int | None,
                    seen: MutableMapping[int, Any] | None = None) -> list[Candidate]:
    """Return the active contact points that could take a report here, national ones included.

    `seen`, when given, receives each candidate's row by id.
    """
    rows = session.connection().execute(CANDIDATES, {"municipality_id": municipality_id,
                                        "school_id": school_id}).all()
    if seen is not None:
        seen.update((r.id, r) for r in rows)
    return [Candidate(r.id, r.role, r.municipality_id, r.school_id, r.escalation_order,
                      country=r.country) for r in rows]


def municipality_country(session: Session, municipality_id: int,
                         places: PlaceIndex | None) -> str | None:
    """Return a municipality's country, from the place tables when they are at hand."""
    if places is None:
        return country_of(session, municipality_id)
    found = places.municipality(session, municipality_id)
    return str(found.country) if found is not None and found.country else None


def _name_and_code(session: Session, municipality_id: int, language: str,
                   places: PlaceIndex | None) -> tuple[str | None, str | None]:
    """Return a municipality's name and code, from the place tables when they are at hand."""
    found = places.municipality(session, municipality_id) if places is not None else None
    if found is None:
        return municipality_name_and_code(session, municipality_id, language)
    return found.name(language), str(found.code)


def municipality_name_and_code(session: Session, municipality_id: int,
                               language: str) -> tuple[str | None, str | None]:
    """Return a municipality's name in the reader's language, and its code."""
    row = session.connection().execute(NAMES, {"municipality_id": municipality_id}).first()
    if row is None:
        return str(municipality_id), None
    if language == "sr":
        return display_name(row.code, "sr", row.name_sr or row.name_sq), str(row.code)
    return str(row.name_sq), str(row.code)
