"""Who is who on a report's page: actors and contact points by name and role, never by id.

The audit trail stores actors as "reporter", "system", "staff:1" or "contact_point:21";
people read "the reporter", "Sinjalizo", "Arta Krasniqi (focal point, Drenas)" and
"Besa Gashi (Centre for Social Work, Drenas)". A reporter is
never named: not their number, not their chat.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from handlers.i18n import Msg, PlaceName, Verbatim, msg
from models import ContactPoint, Municipality, User
from models.services import Service
from web.case_words import POINT_ROLES, USER_ROLES

Text = Msg | Verbatim
# Actors that are no person in our tables.
ACTORS: dict[str, Text] = {
    "reporter": msg("the reporter"),
    "follower": msg("another reporter"),  # someone who joined the report as a confirmation
    "system": Verbatim("Sinjalizo"),
}
# A teacher's flag is filed by the teacher: the page says so.
TEACHER = msg("the teacher")
PERSON = msg("{name} ({role})")
PERSON_IN = msg("{name} ({role}, {municipality})")
GONE_USER = msg("a dashboard user who no longer exists")
GONE_POINT = msg("a contact point that no longer exists")
SOME_POINT = msg("a contact point")
SERVICE = msg("local service")  # the role said after a service's name
GONE_SERVICE = msg("a service that is no longer in the directory")


def ident(actor: str, kind: str) -> int | None:
    """Return the id in an actor like "staff:1" when it is of `kind`, else None."""
    found, _, number = actor.partition(":")
    return int(number) if found == kind and number.isdigit() else None


class Names:
    """The dashboard users and contact points one page names, looked up once."""

    def __init__(self, language: str, users: dict[int, User],
                 points: dict[int, ContactPoint],
                 services: dict[int, Service] | None = None) -> None:
        self.language, self.users, self.points = language, users, points
        self.services = services or {}
        self.reporter: Text = ACTORS["reporter"]

    @classmethod
    def load(cls, session: Session, language: str, actors: Iterable[str],
             point_ids: Iterable[int | None]) -> Names:
        """Look up the users and contact points among these actors and ids."""
        actors = list(actors)
        user_ids = {i for i in (ident(a, "staff") for a in actors) if i is not None}
        wanted = {i for i in (ident(a, "contact_point") for a in actors) if i is not None}
        wanted |= {i for i in point_ids if isinstance(i, int)}
        users: list[User] = list(session.scalars(select(User).where(
            User.id.in_(user_ids)).options(selectinload(User.municipality)))) \
            if user_ids else []
        points: list[ContactPoint] = list(session.scalars(select(ContactPoint).where(
            ContactPoint.id.in_(wanted)).options(selectinload(ContactPoint.municipality)))) \
            if wanted else []
        service_ids = {i for i in (ident(a, "service") for a in actors) if i is not None}
        services: list[Service] = list(session.scalars(select(Service).where(
            Service.id.in_(service_ids)).options(selectinload(Service.municipality)))) \
            if service_ids else []
        return cls(language, {u.id: u for u in users}, {p.id: p for p in points},
                   {s.id: s for s in services})

    def actor(self, actor: str) -> Text:
        """Name whoever made a change; an actor of another shape shows as stored."""
        if actor == "reporter":
            return self.reporter
        if actor in ACTORS:
            return ACTORS[actor]
        user_id, point_id = ident(actor, "staff"), ident(actor, "contact_point")
        if user_id is not None:
            user = self.users.get(user_id)
            return GONE_USER if user is None else self.user(user)
        if point_id is not None:
            return self.point(point_id) if point_id in self.points else GONE_POINT
        service_id = ident(actor, "service")
        if service_id is not None:
            service = self.services.get(service_id)
            return GONE_SERVICE if service is None else self._person(
                service.name, SERVICE, service.municipality)
        return Verbatim(actor)

    def user(self, user: User) -> Text:
        """Name a dashboard user: name (else e-mail), role and municipality."""
        role = USER_ROLES.get(user.role, Verbatim(user.role))
        return self._person(user.name or user.email, role, user.municipality)

    def point(self, point_id: int | None, name: str | None = None,
              role: str | None = None) -> Text:
        """Name a contact point as it was named then (when given), with its role and place.

        The role is the contact point's own (a coordinator stays a coordinator when it holds
        an escalated child-protection alert); `role` only stands in for one not found.
        """
        found = self.points.get(point_id) if point_id is not None else None
        name = name or (found.name if found is not None else None)
        role = found.role if found is not None else role
        if not name:
            return SOME_POINT
        said = POINT_ROLES.get(role or "", Verbatim(role or "")) if role else None
        if said is None:
            return Verbatim(name)
        return self._person(name, said, found.municipality if found is not None else None)

    def entry(self, entry: Any, role: str | None = None) -> Text:
        """Name a contact point as an event's data keeps it: {"point", "name", "role"}."""
        if not isinstance(entry, dict):
            return SOME_POINT
        point_id = entry.get("point")
        return self.point(point_id if isinstance(point_id, int) else None,
                          str(entry.get("name") or "") or None,
                          str(entry.get("role") or "") or role or None)

    def _person(self, name: str, role: Text, place: Municipality | None) -> Msg:
        """Return "name (role)", with the municipality when there is one."""
        if place is None:
            return msg(PERSON.msgid, name=Verbatim(name), role=role)
        return msg(PERSON_IN.msgid, name=Verbatim(name), role=role,
                   municipality=PlaceName(place.code, place.name(self.language)))
