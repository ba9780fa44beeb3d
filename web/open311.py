"""Open311 GeoReport v2 at /open311/v2/: discovery, services, requests (read and file).

Each resource answers in the format its extension names (`.json` or `.xml`). Reading is
open to anyone and shows public hazards only (web/open311_requests.py); filing needs a key
an admin issued (web/open311_post.py, web/admin_open311.py). No session, no CSRF: a client
is an application, identified by its key alone.
"""

from __future__ import annotations

from http import HTTPStatus

from flask import Blueprint, Flask, Response, current_app, request

from handlers.i18n import msg
from web import get_catalogs, get_settings
from web.open311_format import answer, errors
from web.open311_post import post_request
from web.open311_requests import get_request, get_requests
from web.open311_services import CODES, language_of, services

bp = Blueprint("open311", __name__, url_prefix="/open311/v2")
FORMAT = "<any(json, xml):fmt>"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-12-01T00:00:00Z"  # when this endpoint last changed in a way clients see
CONTACT = msg("Sinjalizo, the child-protection reporting service of the municipalities. "
              "Write to the service's administrators at {address}.")
KEY_SERVICE = msg("Keys for filing reports are issued by the service's administrators, one "
                  "per application; ask them at {address}.")


@bp.get(f"/discovery.{FORMAT}")
def discovery(fmt: str) -> Response:
    """Describe this endpoint: where it is, which specification, which formats."""
    base = get_settings(current_app).public_base_url.rstrip("/")
    catalogs = get_catalogs(current_app)
    language = language_of(request, get_settings(current_app).default_language)
    return answer(fmt, "discovery", {
        "changeset": CHANGESET,
        "contact": catalogs(msg(CONTACT.msgid, address=base), language),
        "key_service": catalogs(msg(KEY_SERVICE.msgid, address=base), language),
        "endpoints": [{"specification": SPECIFICATION, "url": f"{base}{bp.url_prefix}",
                       "changeset": CHANGESET, "type": "production",
                       "formats": ["text/xml", "application/json"]}],
    })


@bp.get(f"/services.{FORMAT}")
def service_list(fmt: str) -> Response:
    """List the hazard categories as services, named in the asked language."""
    language = language_of(request, get_settings(current_app).default_language)
    return answer(fmt, "services", services(get_catalogs(current_app), language))


@bp.get(f"/services/<code>.{FORMAT}")
def service_definition(code: str, fmt: str) -> Response:
    """Answer 404: no service has attributes (metadata is false), so none has a definition."""
    said = "no service has a definition: every service's metadata is false" \
        if code in CODES else f"no service {code[:32]!r}"
    return errors(fmt, HTTPStatus.NOT_FOUND, said)


@bp.route(f"/requests.{FORMAT}", methods=["GET", "POST"])
def requests(fmt: str) -> Response:
    """List public hazards (GET), or file one for a keyed client (POST)."""
    if request.method == "POST":
        return post_request(request, fmt)
    return get_requests(request, fmt)


@bp.get(f"/requests/<reference>.{FORMAT}")
def one_request(reference: str, fmt: str) -> Response:
    """Show one public hazard by its reference."""
    return get_request(reference, request, fmt)


def init_app(app: Flask) -> None:
    """Serve the Open311 endpoint."""
    app.register_blueprint(bp)
