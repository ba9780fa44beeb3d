"""What the public may see of hazards: the projection behind /hazards and Open311.

Only hazards are ever published, never a child at risk or a dropout, and never a simulated
report. A hazard shows while it is open and for `resolved_days` after it was resolved or
closed; one closed as a duplicate (the report it repeats is shown) or as not actionable (often
not a hazard at all) is not shown once closed. Nothing about the reporter leaves this module:
the description is the text staff approved for publication, never the reporter's own words,
photos are those staff published, and the point is rounded to about a hundred metres.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, or_, select
from sqlalchemy.orm import Session

from models import OPEN_STATUSES, Attachment, Municipality, Report
from models.base import utcnow
from models.names import display_name

PUBLIC_KIND = "hazard"
FINISHED = ("resolved", "closed")
# Closed for these reasons, a hazard leaves the public page at once.
HIDDEN_CLOSE_REASONS = ("duplicate", "not_actionable")
DECIMALS = 3  # about 110 m of latitude: the street, not the house
MAX_LIMIT = 1000

COLUMNS = (Report.id, Report.reference, Report.category, Report.status, Report.settlement,
           Report.latitude, Report.longitude, Report.created_at, Report.updated_at,
           Report.resolved_at, Report.public_description, Report.me_too,
           Report.confirmations, Municipality.code, Municipality.name_sq,
           Municipality.name_sr)


@dataclass(frozen=True)
class PublicHazard:
    """One hazard as the public sees it: no reporter, an approximate place, approved text."""

    reference: str
    category: str
    status: str  # the report's status
    open: bool
    municipality: str | None  # the municipality's name in `language`
    settlement: str | None
    latitude: float | None  # approximate: rounded to 3 decimals
    longitude: float | None  # approximate: rounded to 3 decimals
    created_at: datetime
    updated_at: datetime
    resolved_at: datetime | None
    description: str | None  # public_description only, else None
    photo_ids: tuple[int, ...]  # attachment ids with public=True only
    me_too: int  # visitors' "me too" plus people who joined in the bot (confirmations)


def public_condition(now: datetime, resolved_days: int = 30) -> ColumnElement[bool]:
    """Return the condition of a report the public may see at `now`."""
    finished = and_(Report.status.in_(FINISHED),
                    Report.resolved_at >= now - timedelta(days=resolved_days),
                    or_(Report.close_reason.is_(None),
                        Report.close_reason.not_in(HIDDEN_CLOSE_REASONS)))
    return and_(Report.kind == PUBLIC_KIND, Report.simulated.is_(False),
                or_(Report.status.in_(OPEN_STATUSES), finished))


def public_hazards(session: Session, *, language: str, municipality_id: int | None = None,
                   category: str | None = None, since: datetime | None = None,
                   until: datetime | None = None, open: bool | None = None,
                   references: Sequence[str] | None = None, limit: int = 1000,
                   resolved_days: int = 30, now: datetime | None = None,
                   ) -> list[PublicHazard]:
    """Return the public hazards, newest first, filtered as asked (at most 1,000).

    `open` keeps only open hazards (True) or only resolved or closed ones (False);
    `references` keeps only those references, in any case. Both apply before the limit.

    :raise ValueError: when more than 1,000 references are asked for.
    """
    wanted = None if references is None else _references(references)
    if wanted == []:
        return []  # nothing asked for: no query
    query = _select(now or utcnow(), resolved_days)
    if municipality_id is not None:
        query = query.where(Report.municipality_id == municipality_id)
    if category:
        query = query.where(Report.category == category)
    if since is not None:
        query = query.where(Report.created_at >= since)
    if until is not None:
        query = query.where(Report.created_at < until)
    if open is not None:
        query = query.where(Report.status.in_(OPEN_STATUSES if open else FINISHED))
    if wanted is not None:
        query = query.where(Report.reference.in_(wanted))
    query = query.order_by(Report.created_at.desc(), Report.id.desc())
    rows = session.execute(query.limit(max(0, min(limit, MAX_LIMIT)))).all()
    return _project(session, rows, language)


def _references(references: Sequence[str]) -> list[str]:
    """Return the references as stored (upper case), each once; refuse more than 1,000."""
    if len(references) > MAX_LIMIT:
        raise ValueError(f"at most {MAX_LIMIT} references at once")
    return list(dict.fromkeys(r.strip().upper() for r in references if r.strip()))


def public_hazard(session: Session, reference: str, *, language: str,
                  resolved_days: int = 30, now: datetime | None = None,
                  ) -> PublicHazard | None:
    """Return one public hazard by reference, or None when the public may not see it."""
    query = _select(now or utcnow(), resolved_days).where(
        Report.reference == reference.strip().upper())
    found = _project(session, session.execute(query).all(), language)
    return found[0] if found else None


def _select(now: datetime, resolved_days: int) -> Any:
    """Return the one query of public hazards' columns, with their municipality's names."""
    return (select(*COLUMNS).outerjoin(Municipality, Municipality.id == Report.municipality_id)
            .where(public_condition(now, resolved_days)))


def _project(session: Session, rows: Sequence[Row[Any]], language: str,
             ) -> list[PublicHazard]:
    """Turn the rows into public hazards, with their published photos (one more query)."""
    photos = _public_photos(session, [row.id for row in rows])
    return [PublicHazard(
        reference=row.reference, category=row.category, status=row.status,
        open=row.status in OPEN_STATUSES, municipality=_municipality_name(row, language),
        settlement=row.settlement or None, latitude=_approximate(row.latitude),
        longitude=_approximate(row.longitude), created_at=row.created_at,
        updated_at=row.updated_at, resolved_at=row.resolved_at,
        description=row.public_description or None, photo_ids=photos.get(row.id, ()),
        me_too=(row.me_too or 0) + (row.confirmations or 0)) for row in rows]


def _public_photos(session: Session, report_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """Return the published photo ids of each report, oldest first."""
    if not report_ids:
        return {}
    found: dict[int, list[int]] = defaultdict(list)
    for report_id, attachment_id in session.execute(
            select(Attachment.report_id, Attachment.id)
            .where(Attachment.report_id.in_(report_ids), Attachment.public.is_(True),
                   Attachment.kind == "photo")
            .order_by(Attachment.id)):
        found[report_id].append(attachment_id)
    return {report_id: tuple(ids) for report_id, ids in found.items()}


def _municipality_name(row: Row[Any], language: str) -> str | None:
    """Return the municipality's name as a reader of `language` knows it, or None."""
    if row.code is None:
        return None
    if language == "sr":
        return display_name(row.code, "sr", row.name_sr or row.name_sq)
    return str(row.name_sq)


def _approximate(degrees: float | None) -> float | None:
    """Round a coordinate to about a hundred metres, so no house can be told."""
    return None if degrees is None else round(degrees, DECIMALS)
