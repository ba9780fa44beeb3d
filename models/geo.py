"""Places: municipalities (with seat and optional boundary) and settlements."""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base
from models.names import display_name


class Municipality(Base):
    """A Kosovo or Albanian municipality, the unit reports are routed by."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(8), unique=True)  # e.g. "XK-12", "AL-09"
    country: Mapped[str] = mapped_column(String(2), index=True)
    name_sq: Mapped[str] = mapped_column(String(80))
    name_sr: Mapped[str | None] = mapped_column(String(80))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    seat_name: Mapped[str] = mapped_column(String(80))
    seat_lat: Mapped[float] = mapped_column(Float)
    seat_lon: Mapped[float] = mapped_column(Float)
    # GeoJSON geometry, loaded at run time by `sinjalizo import geo` (never shipped).
    # Deferred: a polygon is large, and only the place index ever reads it.
    boundary: Mapped[dict[str, Any] | None] = mapped_column(JSON, deferred=True)

    settlements: Mapped[list[Settlement]] = relationship(back_populates="municipality")

    def name(self, language: str) -> str:
        """Return the municipality's name as a speaker of `language` writes it."""
        if language == "sr":
            # The Serbian name from the names table (Gračanica, Skadar), else the seed's.
            return display_name(self.code, "sr", self.name_sr or self.name_sq)
        return self.name_sq


class Settlement(Base):
    """A village or town inside a municipality, matched from typed place names."""

    __tablename__ = "settlements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    alt_names: Mapped[list[str]] = mapped_column(JSON, default=list)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(20), default="village")
    source: Mapped[str] = mapped_column(String(40), default="")
    source_id: Mapped[str] = mapped_column(String(40), default="")

    municipality: Mapped[Municipality] = relationship(back_populates="settlements")
