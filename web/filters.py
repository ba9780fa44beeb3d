"""The report list's filters: read from the query string, turned into SQL conditions.

Parsing forgives anything odd (an unknown status, a malformed date) by ignoring it, so a
hand-edited address never fails. Paging is by keyset on (created_at, id), newest first:
the page after is "older than the last row shown", which stays fast at any depth.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, tuple_
from werkzeug.datastructures import MultiDict

from alerts.deadlines import Deadlines
from handlers.categories import CHILD_CONCERNS, DROPOUT_STATUSES, HAZARDS
from models import STATUSES, Report
from service.report_queries import KINDS, local_midnight, overdue

COUNTRIES = ("XK", "AL")
CATEGORIES = {"hazard": HAZARDS, "child_at_risk": CHILD_CONCERNS, "dropout": DROPOUT_STATUSES}
PAGE_SIZE = 50


@dataclass(frozen=True)
class Filters:
    """What the list is narrowed to; empty fields mean "any"."""

    kind: str = ""
    category: str = ""
    status: str = ""
    urgent: str = ""  # "yes" | "no" | ""
    municipality: int | None = None
    country: str = ""  # XK | AL | "" (admins only: anyone else's municipality fixes it)
    date_from: date | None = None
    date_to: date | None = None
    unrouted: bool = False
    overdue: bool = False
    before: tuple[datetime, int] | None = None  # the keyset cursor
    extra: dict[str, Any] = field(default_factory=dict)

    def query_args(self, **changes: Any) -> dict[str, str]:
        """Return the filters as query-string arguments (for links and the next page)."""
        args = {"kind": self.kind, "category": self.category, "status": self.status,
                "urgent": self.urgent,
                "municipality": str(self.municipality) if self.municipality else "",
                "country": self.country,
                "from": self.date_from.isoformat() if self.date_from else "",
                "to": self.date_to.isoformat() if self.date_to else "",
                "unrouted": "1" if self.unrouted else "", "overdue": "1" if self.overdue else ""}
        args.update({k: str(v) for k, v in changes.items()})
        return {k: v for k, v in args.items() if v}


def read_day(value: str | None) -> date | None:
    """Read a YYYY-MM-DD date, or None."""
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def read_cursor(value: str | None) -> tuple[datetime, int] | None:
    """Read a "ISO-time~id" keyset cursor, or None."""
    if not value or "~" not in value:
        return None
    at, _, ident = value.rpartition("~")
    try:
        parsed = datetime.fromisoformat(at)
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)), int(ident)
    except ValueError:
        return None


def cursor_of(at: datetime, row_id: int) -> str:
    """Return the keyset cursor pointing just past a row (a report, an audit entry)."""
    return f"{at.isoformat()}~{row_id}"


def parse(args: MultiDict[str, str]) -> Filters:
    """Read the filters from a query string."""
    kind = args.get("kind", "")
    categories = {c.key for c in CATEGORIES.get(kind, ())} or \
        {c.key for choices in CATEGORIES.values() for c in choices}
    municipality = args.get("municipality", "")
    return Filters(
        kind=kind if kind in KINDS else "",
        category=args.get("category", "") if args.get("category") in categories else "",
        status=args.get("status", "") if args.get("status") in STATUSES else "",
        urgent=args.get("urgent", "") if args.get("urgent") in ("yes", "no") else "",
        municipality=int(municipality) if municipality.isdigit() else None,
        country=args.get("country", "") if args.get("country") in COUNTRIES else "",
        date_from=read_day(args.get("from")), date_to=read_day(args.get("to")),
        unrouted=args.get("unrouted") == "1", overdue=args.get("overdue") == "1",
        before=read_cursor(args.get("before")),
    )


def conditions(filters: Filters, deadlines: Deadlines, now: datetime
               ) -> list[ColumnElement[bool]]:
    """Return the SQL conditions of the filters (the scope is added by the caller)."""
    found: list[ColumnElement[bool]] = []
    if filters.kind:
        found.append(Report.kind == filters.kind)
    if filters.category:
        found.append(Report.category == filters.category)
    if filters.status:
        found.append(Report.status == filters.status)
    if filters.urgent:
        found.append(Report.urgent.is_(filters.urgent == "yes"))
    if filters.municipality is not None:
        found.append(Report.municipality_id == filters.municipality)
    if filters.country:
        found.append(Report.country == filters.country)
    if filters.date_from:
        found.append(Report.created_at >= local_midnight(filters.date_from))
    if filters.date_to:
        found.append(Report.created_at < local_midnight(filters.date_to + timedelta(days=1)))
    if filters.unrouted:
        found.append(Report.unrouted.is_(True))
    if filters.overdue:
        found.append(overdue(deadlines, now))
    if filters.before is not None:
        found.append(tuple_(Report.created_at, Report.id) < tuple_(*filters.before))
    return found
