"""GET /open311/v2/requests and requests/{id}: public hazards only, through the publication.

Every field comes from service/publication.py (PublicHazard): hazards only, an approximate
place, the description staff approved, never the reporter. The window is start_date to
end_date on the report's filing time, 90 days at most and the last 90 days by default, and at
most 1,000 requests, newest first, as GeoReport v2 sets. `media_url` is the public page's
address of the first photo staff published (web/public.py), else empty.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import Any

from flask import Request, Response, current_app, url_for

from handlers.categories import category_label
from locales import Catalogs
from models.db import get_db
from service.publication import PublicHazard, public_hazard, public_hazards
from web import get_catalogs, get_settings
from web.open311_format import answer, errors, w3c
from web.open311_services import CODES, language_of

WINDOW = timedelta(days=90)
MAX_ROWS = 1000
# service_request_id=R-…,R-…: all in one query. 200 references, commas encoded, keep the
# request line under the 4,094 bytes gunicorn (and most proxies) accept by default.
MAX_IDS = 200
STATUSES = ("open", "closed")


def parse_w3c(value: str) -> datetime | None:
    """Return a W3C datetime (with Z or an offset; a bare date is midnight UTC), or None."""
    text = value.strip()[:40]
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def window(args: Mapping[str, str], now: datetime) -> tuple[datetime, datetime] | str:
    """Return the asked (start, end), the last 90 days by default, or what is wrong."""
    raw_start, raw_end = args.get("start_date", ""), args.get("end_date", "")
    start, end = parse_w3c(raw_start), parse_w3c(raw_end)
    if (raw_start and start is None) or (raw_end and end is None):
        return "start_date and end_date must be W3C datetimes, e.g. 2026-11-01T00:00:00Z"
    if end is None:
        # A start in the future, alone, asks for nothing yet rather than for an error.
        end = max(start, min(start + WINDOW, now)) if start is not None else now
    if start is None:
        start = end - WINDOW
    if end < start:
        return "end_date is before start_date"
    if end - start > WINDOW:
        return "start_date and end_date may be at most 90 days apart"
    return start, end


def get_requests(request: Request, fmt: str) -> Response:
    """List public hazards filtered as the spec allows, or the error list."""
    args = request.args
    language = language_of(request, get_settings(current_app).default_language)
    status = args.get("status", "").strip().lower()
    code = args.get("service_code", "").strip()
    problems = []
    if status and status not in STATUSES:
        problems.append("status must be open or closed")
    if code and code not in CODES:
        problems.append("service_code is not a service: see services.json")
    ids = [i.strip() for i in args.get("service_request_id", "").split(",") if i.strip()]
    if len(ids) > MAX_IDS:
        problems.append(f"at most {MAX_IDS} service_request_id values at once")
    span = window(args, datetime.now(UTC)) if not ids else None
    if isinstance(span, str):
        problems.append(span)
    if problems:
        return errors(fmt, HTTPStatus.BAD_REQUEST, *problems)
    with get_db(current_app).session() as session:
        if ids:  # the spec: the other filters are ignored when ids are given
            found = by_reference(public_hazards(
                session, language=language, references=[i[:16] for i in ids],
                limit=MAX_ROWS), ids)
        else:
            assert span is not None and not isinstance(span, str)
            found = public_hazards(session, language=language, category=code or None,
                                   since=span[0], until=span[1] + timedelta(microseconds=1),
                                   open=(status == "open") if status else None,
                                   limit=MAX_ROWS)
    catalogs = get_catalogs(current_app)
    return answer(fmt, "service_requests", [as_request(h, catalogs, language) for h in found])


def by_reference(found: list[PublicHazard], ids: list[str]) -> list[PublicHazard]:
    """Return the hazards found in the order their ids were asked for, each once."""
    order = {i[:16].strip().upper(): n for n, i in reversed(list(enumerate(ids)))}
    return sorted(found, key=lambda hazard: order.get(hazard.reference, len(order)))


def get_request(reference: str, request: Request, fmt: str) -> Response:
    """Show one public hazard, or the spec's 404 when it is unknown or not public."""
    language = language_of(request, get_settings(current_app).default_language)
    with get_db(current_app).session() as session:
        found = public_hazard(session, reference[:16], language=language)
    if found is None:
        return errors(fmt, HTTPStatus.NOT_FOUND, f"no public service request {reference[:16]!r}")
    return answer(fmt, "service_requests", [as_request(found, get_catalogs(current_app),
                                                       language)])


def as_request(hazard: PublicHazard, catalogs: Catalogs, language: str) -> dict[str, Any]:
    """Return a public hazard as a GeoReport v2 service request, in the spec's field order."""
    place = ", ".join(p for p in dict.fromkeys((hazard.settlement, hazard.municipality)) if p)
    return {
        "service_request_id": hazard.reference,
        "status": "open" if hazard.open else "closed",
        "status_notes": None,
        "service_name": catalogs(category_label("hazard", hazard.category), language),
        "service_code": hazard.category,
        "description": hazard.description,
        "agency_responsible": hazard.municipality,
        "service_notice": None,
        "requested_datetime": w3c(hazard.created_at),
        "updated_datetime": w3c(hazard.updated_at),
        "expected_datetime": None,
        "address": place or None,
        "address_id": None,
        "zipcode": None,
        "lat": hazard.latitude,
        "long": hazard.longitude,
        "media_url": media_url(hazard),
    }


def media_url(hazard: PublicHazard) -> str | None:
    """Return the public address of the hazard's first published photo, if it has one."""
    if not hazard.photo_ids or "public.photo" not in current_app.view_functions:
        return None
    base = get_settings(current_app).public_base_url.rstrip("/")
    return base + url_for("public.photo", reference=hazard.reference,
                          attachment_id=hazard.photo_ids[0])
