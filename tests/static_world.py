"""A small in-memory World for engine-only tests (the real one reads the database)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime

from handlers.types import (
    Directory,
    EarlierFlag,
    NearbyReport,
    Place,
    RouteTarget,
    Routing,
    ServiceInfo,
    StatusView,
    TeacherInfo,
)
from routing.countries import country_of_phone
from routing.text import fold

DRENAS = Place(7, "Drenas", "XK")
PRISHTINE = Place(20, "Prishtinë", "XK")
TIRANE = Place(53, "Tiranë", "AL")
NAMES = {"drenas": DRENAS, "gllogoc": DRENAS, "prishtine": PRISHTINE, "tirane": TIRANE}
VILLAGES = {"arllat": [Place(7, "Drenas", "XK", "Arllat")],
            "dobroshevc": [Place(7, "Drenas", "XK", "Dobroshevc"),
                           Place(20, "Prishtinë", "XK", "Dobroshevc")]}
TEACHER_PHONE = "+38344111222"
FOCAL_PHONE = "+38344333444"
SERVICE_PHONE = "+38344777888"
REPORTED_BEFORE = "+38344555666"  # filed a report in Drenas before
SERVICES = (
    ServiceInfo(1, "Qendra Labirinti", "OJQ Labirinti", "+383 44 777 888",
                "Rr. Skënderbeu 12, Drenas", "E hënë–e premte 08:00–16:00", ("sq", "sr"),
                ("psychosocial", "violence")),
    ServiceInfo(2, "Ndihma Juridike Falas", "Agjencia për Ndihmë Juridike Falas",
                "+383 38 200 18 100", "Zyra e Komunës, kati 2", "E mërkurë 09:00–12:00",
                ("sq",), ("legal_aid",)),
)


@dataclass
class StaticWorld:
    """Answers the engine's questions from a few fixed facts; remembers nothing filed."""

    references: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def match_place(self, text: str, language: str, country: str | None = None) -> list[Place]:
        """Match a few names and villages, as the gazetteer would (home country first)."""
        key = fold(text)
        if key in NAMES:
            return [NAMES[key]]
        found = list(VILLAGES.get(key, []))
        return [p for p in found if p.country == country] or found

    def reporter_country(self, channel: str, address: str) -> str | None:
        """Tell the country of Kosovo and Albanian phone numbers only."""
        return country_of_phone(address)

    def locate(self, lat: float, lon: float, language: str) -> Place | None:
        """Place pins in Kosovo in Drenas and pins in Albania in Tiranë; else nowhere."""
        if 41.8 < lat < 43.3 and 20.0 < lon < 21.8:
            return Place(7, "Drenas", "XK", lat=lat, lon=lon, how="polygon")
        if 39.6 < lat < 41.8 and 19.2 < lon < 21.1:
            return Place(53, "Tiranë", "AL", lat=lat, lon=lon, how="nearest_seat")
        return None

    def teacher(self, channel: str, address: str) -> TeacherInfo | None:
        """Know one teacher, at a school in Drenas."""
        if address == TEACHER_PHONE:
            return TeacherInfo(1, 1, "Shkolla Demo", 7, "Drenas", "XK")
        return None

    def report_status(self, reference: str, channel: str, address: str) -> StatusView | None:
        """Know no reports."""
        return None

    def my_reports(self, channel: str, address: str, limit: int = 5) -> list[StatusView]:
        """Know no reports."""
        return []

    def route(self, kind: str, category: str, urgent: bool, municipality_id: int | None,
              school_id: int | None, language: str, country: str | None = None) -> Routing:
        """Route everything to one role in the municipality."""
        role = {"dropout": "dropout_team", "hazard": "public_services"}.get(kind,
                                                                            "child_protection")
        return Routing((RouteTarget(role, "Drenas", (1,), "XK-07"),))

    def is_contact_point(self, channel: str, address: str) -> bool:
        """Know one focal point."""
        return address == FOCAL_PHONE

    def new_reference(self) -> str:
        """Return R-00000N references in order."""
        return f"R-{next(self.references):06d}"

    def open_hazards_near(self, category: str, lat: float, lon: float,
                          now: datetime) -> list[NearbyReport]:
        """Know no open hazards."""
        return []

    def earlier_flag(self, channel: str, address: str, school_id: int, class_name: str,
                     pupil: str, now: datetime) -> EarlierFlag | None:
        """Know no earlier flags."""
        return None

    def services(self, municipality_id: int, need: str | None, language: str) -> Directory:
        """Know two services, both in Drenas."""
        if municipality_id != DRENAS.municipality_id:
            return Directory(None)
        return Directory("XK-07", tuple(s for s in SERVICES if need is None or need in s.needs))

    def last_place(self, channel: str, address: str, language: str) -> Place | None:
        """Know one person who reported before, in Drenas."""
        return DRENAS if address == REPORTED_BEFORE else None

    def is_service(self, channel: str, address: str) -> bool:
        """Know one service's phone."""
        return address == SERVICE_PHONE
