"""POST /open311/v2/requests: a form-encoded hazard from a keyed client, checked at the edge.

The key is checked first (403), then every field (400, each problem one error of the list),
then the key's rate (429 with Retry-After).
Fields have length limits and the body at most BODY_LIMIT bytes; the submitter's name,
e-mail and phone are checked for length and then dropped: nothing of them is stored.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urlsplit

from flask import Request, Response, current_app
from werkzeug.exceptions import RequestEntityTooLarge

from alerts.limits import SharedLimits
from alerts.pacing import Limit, Rate
from handlers.filing import target_text
from handlers.i18n import Verbatim, msg
from models.db import get_db
from service.open311_clients import key_hash, key_is_valid
from service.open311_filing import Filed, Submission, file_submission
from web import get_catalogs, get_conversations, get_settings
from web.open311_format import answer, errors, printable
from web.open311_services import CODES, language_of

BODY_LIMIT = 16 * 1024
LIMITS = {"address_string": 200, "description": 4000, "media_url": 500, "email": 254,
          "phone": 32, "first_name": 80, "last_name": 80, "service_code": 32,
          "device_id": 200, "account_id": 200}
TOO_LARGE = f"the request body is larger than {BODY_LIMIT} bytes"
# Each key files at most 60 at once, then one every 10 seconds: a leaked key cannot flood
# the contact points with alerts. Shared by every web process (the rate_buckets table).
RATE = Rate(per_second=0.1, burst=60)
SLOW_DOWN = "too many requests with this api_key: wait as Retry-After says, then send again"
BAD_KEY = "api_key is missing, unknown or revoked: ask the service's administrators for a key"
REFUSED = {
    "no_place": "the location is outside the area this service covers, or the address "
                "names no place it knows",
    "ambiguous_place": "address_string may name several places ({places}): send lat and "
                       "long, or add the municipality",
}
NOTICE = msg("Thank you. Your report {reference} has been received.")
SENT_TO = msg("Sent to {targets}.")


def post_request(request: Request, fmt: str) -> Response:
    """File a hazard from the form, or answer the spec's error list."""
    request.max_content_length = BODY_LIMIT
    try:
        if (request.content_length or 0) > BODY_LIMIT:
            raise RequestEntityTooLarge
        form = request.form
    except RequestEntityTooLarge:
        return errors(fmt, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, TOO_LARGE)
    now = datetime.now(UTC)
    key = form.get("api_key", "")
    with get_db(current_app).session() as session:
        if not key_is_valid(session, key):
            return errors(fmt, HTTPStatus.FORBIDDEN, BAD_KEY)
    language = language_of(request, get_settings(current_app).default_language)
    checked = check_form(form, key, now, language)
    if isinstance(checked, list):
        return errors(fmt, HTTPStatus.BAD_REQUEST, *checked)
    wait = SharedLimits(get_db(current_app)).take([Limit(f"open311:{key_hash(key)[:24]}", RATE)])
    if wait > 0:
        refusal = errors(fmt, HTTPStatus.TOO_MANY_REQUESTS, SLOW_DOWN)
        refusal.headers["Retry-After"] = str(math.ceil(wait))
        return refusal
    conversations = get_conversations(current_app)
    filed = file_submission(get_db(current_app), conversations.places,
                            conversations.translate, checked)
    if filed.reference is None:
        return refused(fmt, filed)
    return answer(fmt, "service_requests", [{
        "service_request_id": filed.reference, "service_notice": notice(filed, language),
        "account_id": None}])


def check_form(form: Mapping[str, str], key: str, now: datetime,
               language: str) -> Submission | list[str]:
    """Return the submission the form describes, or the list of what is wrong with it."""
    values = {name: printable(str(form.get(name, "") or "")).strip()
              for name in (*LIMITS, "lat", "long")}
    problems = [f"{name} is longer than {limit} characters"
                for name, limit in LIMITS.items() if len(values[name]) > limit]
    code = values["service_code"]
    if not code:
        problems.append("service_code is required")
    elif code not in CODES:
        problems.append(f"service_code {code[:32]!r} is not a service: see services.json")
    point = coordinates(values["lat"], values["long"], problems)
    if point is None and not values["address_string"]:
        problems.append("a location is required: lat and long, or address_string")
    url = values["media_url"]
    if url and urlsplit(url).scheme not in ("http", "https"):
        problems.append("media_url must be an http or https address")
    if problems:
        return problems
    submission = Submission(api_key=key, category=code, at=now, address=values["address_string"],
                            description=values["description"], media_url=url,
                            language=language)
    return replace(submission, lat=point[0], lon=point[1]) if point else submission


def coordinates(lat: str, lon: str, problems: list[str]) -> tuple[float, float] | None:
    """Return the point given as lat and long, noting a bad or half-given one in `problems`."""
    if not lat and not lon:
        return None
    try:
        point = (float(lat[:32]), float(lon[:32]))
    except ValueError:
        problems.append("lat and long must both be given, as decimal degrees")
        return None
    if not all(map(math.isfinite, point)) or abs(point[0]) > 90 or abs(point[1]) > 180:
        problems.append("lat must be within -90..90 and long within -180..180")
        return None
    return point


def refused(fmt: str, filed: Filed) -> Response:
    """Answer a submission that was not filed: a key gone meanwhile (403), or no place (400)."""
    if filed.refused == "bad_key":
        return errors(fmt, HTTPStatus.FORBIDDEN, BAD_KEY)
    text = REFUSED.get(filed.refused or "", "the request could not be filed")
    return errors(fmt, HTTPStatus.BAD_REQUEST, text.format(places="; ".join(filed.candidates)))


def notice(filed: Filed, language: str) -> str:
    """Return what the client may show the person: thanks, the reference, who will act."""
    catalogs = get_catalogs(current_app)
    lines = [catalogs(msg(NOTICE.msgid, reference=Verbatim(filed.reference or "")), language)]
    if filed.routing is not None:
        lines.append(catalogs(msg(SENT_TO.msgid, targets=target_text(filed.routing)),
                              language))
    return " ".join(lines)
