"""Seed data the project carries itself: the municipalities, and an optional demo set."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.geo import Municipality

SEED_FILE = "municipalities.toml"
# The columns the seed owns; `boundary` belongs to `sinjalizo import geo` and is left alone.
SEEDED_FIELDS = ("country", "name_sq", "name_sr", "aliases", "seat_name", "seat_lat", "seat_lon")


@dataclass(frozen=True)
class MunicipalityFact:
    """One municipality as the seed file states it."""

    code: str
    country: str
    name_sq: str
    name_sr: str | None
    aliases: list[str]
    seat_name: str
    seat_lat: float
    seat_lon: float


def load_municipalities() -> list[MunicipalityFact]:
    """Read the packaged seed file into municipality facts, in file order."""
    raw = resources.files(__name__).joinpath(SEED_FILE).read_text(encoding="utf-8")
    entries: list[dict[str, Any]] = tomllib.loads(raw)["municipality"]
    return [
        MunicipalityFact(
            code=entry["code"],
            country=entry["country"],
            name_sq=entry["name_sq"],
            name_sr=entry.get("name_sr"),
            aliases=list(entry.get("aliases", [])),
            seat_name=entry["seat_name"],
            seat_lat=float(entry["seat_lat"]),
            seat_lon=float(entry["seat_lon"]),
        )
        for entry in entries
    ]


def seed_municipalities(session: Session) -> int:
    """Insert or update every seeded municipality by code; return how many rows changed."""
    existing = {m.code: m for m in session.scalars(select(Municipality))}
    changed = 0
    for fact in load_municipalities():
        row = existing.get(fact.code)
        if row is None:
            row = Municipality(code=fact.code)
            session.add(row)
        elif all(getattr(row, name) == getattr(fact, name) for name in SEEDED_FIELDS):
            continue
        for name in SEEDED_FIELDS:
            setattr(row, name, getattr(fact, name))
        changed += 1
    session.flush()
    return changed


def seed_demo(session: Session) -> list[str]:
    """Create the demo schools, teachers and contact points; return what was done, line by line."""
    from models.seed.demo import seed_demo as _seed_demo

    return _seed_demo(session)


__all__ = ["MunicipalityFact", "load_municipalities", "seed_demo", "seed_municipalities"]
