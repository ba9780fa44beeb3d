"""Monthly roll-ups of the reports, which the statistics read instead of every report.

`report_tallies` holds, per counted report (simulated ones never are), what it was last
counted as; `report_rollups` sums those by local month, municipality, country, kind and one
breakdown (category, sex, age band, school, dropout reason); `duration_rollups` counts the
times to take-up and to resolution by month, country, kind, urgency and duration class.
models/tallies.py keeps the three exact in the transaction that changes a report.

Absent values are stored as 0 (an id) or "" (a word), never NULL, so that every key is a
real primary key that an upsert can find.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class ReportTally(Base):
    """What one report was last counted as in the roll-ups."""

    __tablename__ = "report_tallies"

    # Not a foreign key: a deleted report must leave its tally behind to be subtracted.
    report_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    month: Mapped[int] = mapped_column(Integer)  # local calendar month as YYYYMM
    municipality_id: Mapped[int] = mapped_column(Integer)  # 0: none
    country: Mapped[str] = mapped_column(String(2))  # "": unknown
    kind: Mapped[str] = mapped_column(String(24))
    category: Mapped[str] = mapped_column(String(32))
    urgent: Mapped[bool] = mapped_column(Boolean)
    unrouted: Mapped[bool] = mapped_column(Boolean)
    escalated: Mapped[bool] = mapped_column(Boolean)
    sex: Mapped[str] = mapped_column(String(16))  # children only; "" not said
    age_band: Mapped[str] = mapped_column(String(16))
    school_id: Mapped[int] = mapped_column(Integer)  # dropouts only; 0 none
    reason: Mapped[str] = mapped_column(String(32))
    # Duration classes in minutes (see tallies.duration_class); None: the step not reached.
    to_take_up: Mapped[int | None] = mapped_column(Integer)
    to_resolve: Mapped[int | None] = mapped_column(Integer)


class ReportRollup(Base):
    """How many reports of one month, place and kind had one value of one breakdown."""

    __tablename__ = "report_rollups"

    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    municipality_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(32), primary_key=True)
    reports: Mapped[int] = mapped_column(Integer)
    urgent: Mapped[int] = mapped_column(Integer)
    unrouted: Mapped[int] = mapped_column(Integer)
    escalated: Mapped[int] = mapped_column(Integer)


class DurationRollup(Base):
    """How many reports of one month, country, kind and urgency took a step in one class."""

    __tablename__ = "duration_rollups"

    month: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    urgent: Mapped[bool] = mapped_column(Boolean, primary_key=True)
    step: Mapped[str] = mapped_column(String(8), primary_key=True)  # take_up | resolve
    minutes: Mapped[int] = mapped_column(Integer, primary_key=True)  # the class's lower bound
    reports: Mapped[int] = mapped_column(Integer)
