"""Work done once a day however many workers run: when it last ran, and what it did."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime


class PeriodicRun(Base):
    """The last run of one periodic job (e.g. "retention"), claimed by one worker."""

    __tablename__ = "periodic_runs"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What the last run did, as counts ({"reports": 3, …}); {"more": true} when it stopped
    # at its batch limit and runs again soon.
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
