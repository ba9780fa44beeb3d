"""The public page of hazards at /hazards: a list and a map anyone may open, without signing in.

Everything on it comes from service/publication.py, which carries nothing about reporters:
only hazards, an approximate place, and the description and photos staff published. The page
is Albanian unless the visitor picked another language (the switch, or `?lang=`), works
without JavaScript, and loads nothing from other sites. A visitor may say "me too" once per
hazard: the count goes up by one and the browser remembers the references it pressed, no more.
"""

from __future__ import annotations

import re
from datetime import datetime
from http import HTTPStatus
from typing import Any

from babel.dates import format_date
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select, update
from werkzeug.wrappers import Response as BaseResponse

from handlers.categories import HAZARDS, category_label
from handlers.i18n import msg, nmsg
from locales import LANGUAGES, LOCAL_ZONE
from models import Attachment, Municipality, Report
from models.base import utcnow
from models.db import get_db
from service.publication import public_condition, public_hazard, public_hazards
from web import get_catalogs
from web.attachments import PHOTO_CHANNELS, fetch_attachment
from web.i18n import by_name, text
from web.public_map import outlines, svg_map

bp = Blueprint("public", __name__)
COOKIE = "me_too"
COOKIE_DAYS = 365
COOKIE_KEEPS = 200  # references remembered, the newest; an older one may be pressed again
REFERENCE = re.compile(r"^[A-Z0-9-]{1,12}$")
CATEGORIES = {choice.key: choice.label for choice in HAZARDS}
# Where a hazard stands, as a resident reads it (the dashboard's words are for staff).
PUBLIC_STATUSES = {
    "received": msg("Reported; the responsible office is being told"),
    "routed": msg("Reported; the responsible office has been told"),
    "acknowledged": msg("Taken up by the responsible office"),
    "in_progress": msg("The responsible office is working on it"),
    "reopened": msg("Reported again: it is not fixed yet"),
    "resolved": msg("Resolved by the responsible office"),
    "closed": msg("Closed by the responsible office"),
}
ALREADY = msg("You have already said that this hazard concerns you too. Thank you.")


@bp.before_request
def choose_language() -> None:
    """Read the page in ?lang=, else the language picked on the page, else Albanian."""
    asked, picked = request.args.get("lang"), session.get("language")
    g.language = asked if asked in LANGUAGES else picked if picked in LANGUAGES else "sq"


def day(value: datetime | None) -> str:
    """Format a date as the reader's language writes it, in local time."""
    if value is None:
        return "–"
    locale = get_catalogs(current_app).locale(str(g.language))
    return format_date(value.astimezone(LOCAL_ZONE), "medium", locale=locale)


def _filters() -> dict[str, Any]:
    """Return the filters asked for, dropping anything that is not a municipality or category."""
    place = request.args.get("municipality", "")
    category = request.args.get("category", "")
    return {"municipality": int(place) if place.isdigit() else None,
            "category": category if category in CATEGORIES else None}


def _query(filters: dict[str, Any]) -> dict[str, Any]:
    """Return the filters (and a language asked for in the address) as query arguments."""
    query = {key: value for key, value in filters.items() if value is not None}
    if request.args.get("lang") in LANGUAGES:
        query["lang"] = request.args["lang"]
    return query


def joined(count: int) -> str:
    """Say how many people said a hazard concerns them too."""
    return text(nmsg("{num} person says this concerns them too",
                     "{num} people say this concerns them too", count))


@bp.get("/hazards")
def hazards() -> BaseResponse:
    """Show the public hazards, filtered, as a list and a map."""
    filters = _filters()
    language = str(g.language)
    with get_db(current_app).session() as db_session:
        found = public_hazards(db_session, language=language,
                               municipality_id=filters["municipality"],
                               category=filters["category"])
        municipalities = by_name(db_session.scalars(select(Municipality)))
        every = outlines(current_app, db_session)
    chosen = filters["municipality"]
    drawn = [every[chosen]] if chosen in every else [] if chosen else list(every.values())
    page = render_template(
        "public/hazards.html", hazards=found, filters=filters, query=_query(filters),
        municipalities=municipalities, categories=CATEGORIES, statuses=PUBLIC_STATUSES,
        category_label=category_label, day=day, joined=joined, map=svg_map(drawn, found),
        pressed=_pressed(), here={k: v for k, v in _query(filters).items() if k != "lang"})
    response = current_app.make_response(page)
    # The page holds the visitor's own form token (signed anew each second), so only their
    # browser may keep it, and it asks again each time: a "me too" or a withdrawn text shows
    # at once. The photos, the same for everyone, are cached publicly (see `photo`).
    response.cache_control.private = True
    response.cache_control.no_cache = True
    response.vary.add("Cookie")
    return response


@bp.get("/hazards/<reference>/photos/<int:attachment_id>")
def photo(reference: str, attachment_id: int) -> Response:
    """Serve a photo staff published of a public hazard; anything else is 404."""
    with get_db(current_app).session() as db_session:
        hazard = public_hazard(db_session, reference, language="sq")
        if hazard is None or attachment_id not in hazard.photo_ids:
            abort(HTTPStatus.NOT_FOUND)
        found = db_session.get(Attachment, attachment_id)
        if found is None or found.channel not in PHOTO_CHANNELS:
            abort(HTTPStatus.NOT_FOUND)
        channel, file_id = found.channel, found.file_id
    content, kind = fetch_attachment(channel, file_id)
    # Short, so that a withdrawn photo leaves shared caches within minutes.
    return Response(content, mimetype=kind, headers={
        "Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"})


@bp.post("/hazards/<reference>/me-too")
def me_too(reference: str) -> BaseResponse:
    """Add one to a public hazard's "me too", once per browser; keep nothing about who."""
    reference = reference.strip().upper()
    pressed = _pressed()
    back = redirect(url_for("public.hazards", **_query(_filters())) + f"#{reference}")
    if not REFERENCE.match(reference):
        abort(HTTPStatus.NOT_FOUND)
    if reference in pressed:
        flash(text(ALREADY), "info")
        return back
    with get_db(current_app).transaction() as db_session:
        done = db_session.execute(
            update(Report).where(Report.reference == reference, public_condition(utcnow()))
            .values(me_too=Report.me_too + 1).execution_options(synchronize_session=False))
        if getattr(done, "rowcount", 0) != 1:
            abort(HTTPStatus.NOT_FOUND)
        count = db_session.scalar(select(Report.me_too + Report.confirmations).where(
            Report.reference == reference))
    flash(text(nmsg("Thank you. {num} person has said that this hazard concerns them too.",
                    "Thank you. {num} people have said that this hazard concerns them too.",
                    count or 0)), "info")
    remembered = [*(r for r in pressed if r != reference), reference][-COOKIE_KEEPS:]
    back.set_cookie(COOKIE, ".".join(remembered), max_age=COOKIE_DAYS * 86400,
                    path="/hazards", httponly=True, samesite="Lax",
                    secure=request.is_secure)
    return back


def _pressed() -> list[str]:
    """Return the references this browser has said "me too" to (its cookie, checked)."""
    raw = request.cookies.get(COOKIE, "")
    return [r for r in raw.split(".") if REFERENCE.match(r)][-COOKIE_KEEPS:]


def init_app(app: Flask) -> None:
    """Serve the public page."""
    app.register_blueprint(bp)
