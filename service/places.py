"""Places over the database: the pure gazetteer and boundaries, built once per database."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from handlers.types import Place
from models.geo import Municipality, Settlement
from models.names import all_name_forms
from routing.geo import Boundaries, Seat, locate_pin
from routing.places import Gazetteer, MunicipalityEntry, PlaceMatch, SettlementEntry

# Changes after `sinjalizo import geo` or a re-seed show in these numbers; an edit that keeps
# them all equal needs PlaceIndex.invalidate().
_SIGNATURE = select(
    select(func.count()).select_from(Municipality).scalar_subquery(),
    # IS NOT NULL, unlike count(boundary), need not read the large JSON values.
    select(func.count()).where(Municipality.boundary.is_not(None)).scalar_subquery(),
    select(func.count()).select_from(Settlement).scalar_subquery(),
    select(func.coalesce(func.max(Settlement.id), 0)).scalar_subquery(),
)


@dataclass(frozen=True)
class _Built:
    """Everything matching needs, detached from any session."""

    signature: tuple[int, ...]
    gazetteer: Gazetteer
    boundaries: Boundaries
    seats: tuple[Seat, ...]
    municipalities: dict[int, Municipality]  # transient copies, for names and country


# Built indexes by database, shared by every PlaceIndex of the process: the web app, the bot
# and the worker of `sinjalizo run` build it once, not once each (about a second).
_BUILT: dict[str, _Built] = {}
_LOCK = threading.Lock()
# How long an index checked against the database is trusted before checking again: the
# signature counts thousands of settlements, and imports are rare (an operator's command).
RECHECK_SECONDS = 2.0


class PlaceIndex:
    """Matches typed places and pins, rebuilding its index when the geo tables change."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._built = _BUILT
        self._lock = _LOCK
        self._clock = clock
        self._checked: dict[str, float] = {}  # database -> when its signature was last read

    def invalidate(self) -> None:
        """Forget every built index, so the next question rebuilds from the database."""
        with self._lock:
            self._built.clear()
            self._checked.clear()

    def match_place(self, session: Session, text: str, language: str,
                    country: str | None = None) -> list[Place]:
        """Return the places typed text may name, best first, one per municipality.

        `country` is the reporter's (XK | AL) when known: its places come first, and a misspelt
        name is never matched in the other country.
        """
        built = self._index(session)
        return [self._place(built, m, language) for m in built.gazetteer.match(text, country)]

    def locate(self, session: Session, lat: float, lon: float, language: str) -> Place | None:
        """Return the municipality of a pin by polygon or nearest seat; None when far away."""
        built = self._index(session)
        found = locate_pin(lat, lon, built.boundaries, built.seats)
        if found is None:
            return None
        m = built.municipalities[found.municipality_id]
        return Place(m.id, m.name(language), m.country, None, lat, lon, found.how)

    def find_municipality(self, session: Session, text: str) -> Municipality | None:
        """Return the one municipality named or aliased exactly by `text` (no fuzzy guesses)."""
        found = {m.municipality_id for m in self._index(session).gazetteer.match(text)
                 if m.how in ("name", "alias")}
        return session.get(Municipality, found.pop()) if len(found) == 1 else None

    def municipality(self, session: Session, municipality_id: int) -> Municipality | None:
        """Return a municipality's id, code, country and names (a detached copy), if it exists."""
        return self._index(session).municipalities.get(municipality_id)

    @staticmethod
    def _place(built: _Built, match: PlaceMatch, language: str) -> Place:
        """Turn a gazetteer match into the engine's Place."""
        m = built.municipalities[match.municipality_id]
        if match.settlement is None:
            return Place(m.id, m.name(language), m.country, how=match.how)
        return Place(m.id, m.name(language), m.country, match.settlement, match.lat, match.lon,
                     match.how)

    def _index(self, session: Session) -> _Built:
        """Return the index for the session's database, rebuilt if the geo tables changed."""
        key = session.get_bind().engine.url.render_as_string(hide_password=False)
        built = self._built.get(key)
        now = self._clock()
        if built is not None and now - self._checked.get(key, -RECHECK_SECONDS) < RECHECK_SECONDS:
            return built
        row = session.execute(_SIGNATURE).one()
        signature = tuple(int(value or 0) for value in row)
        self._checked[key] = now
        if built is not None and built.signature == signature:
            return built
        with self._lock:
            built = self._built.get(key)
            if built is None or built.signature != signature:
                built = _build(session, signature)
                self._built[key] = built
            return built


def case_forms(code: str) -> tuple[str, ...]:
    """Return the other cases people write a municipality in ("qendra e Prizrenit", "u Peći")."""
    forms = all_name_forms().get(code)
    if forms is None:
        return ()
    return tuple(dict.fromkeys(f for f in (forms.sq_gen, forms.sq_loc, forms.sr_loc)
                               if not f.startswith("opštini ")))


def _build(session: Session, signature: tuple[int, ...]) -> _Built:
    """Read municipalities, boundaries and settlements into the pure structures."""
    rows = list(session.scalars(select(Municipality).order_by(Municipality.id)))
    entries = [MunicipalityEntry(m.id, m.code, m.country, m.name_sq, m.name_sr,
                                 (*(m.aliases or ()), *case_forms(m.code)), m.seat_lat,
                                 m.seat_lon) for m in rows]
    settlements = [SettlementEntry(s.id, s.municipality_id, s.name, tuple(s.alt_names or ()),
                                   s.lat, s.lon)
                   for s in session.execute(select(
                       Settlement.id, Settlement.municipality_id, Settlement.name,
                       Settlement.alt_names, Settlement.lat, Settlement.lon
                   ).order_by(Settlement.id))]
    copies = {m.id: Municipality(id=m.id, code=m.code, country=m.country, name_sq=m.name_sq,
                                 name_sr=m.name_sr) for m in rows}
    # One query for the deferred polygons, rather than one per municipality.
    outlines = session.execute(select(Municipality.id, Municipality.boundary).where(
        Municipality.boundary.is_not(None)).order_by(Municipality.id))
    return _Built(
        signature=signature,
        gazetteer=Gazetteer(entries, settlements),
        boundaries=Boundaries((mid, boundary) for mid, boundary in outlines if boundary),
        seats=tuple(Seat(m.id, m.country, m.seat_lat, m.seat_lon) for m in rows),
        municipalities=copies,
    )
