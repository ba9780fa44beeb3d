"""Liveness endpoint for deployers and tests, and the placeholder front page."""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Blueprint, Response, current_app, jsonify, url_for
from markupsafe import escape
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from handlers.i18n import msg
from models.db import get_db
from web import get_catalogs, get_settings

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

INDEX_BODY = msg("The service is running. The dashboard will be added later.")
INDEX_LINK = msg("Health check")


@bp.get("/healthz")
def healthz() -> tuple[Response, HTTPStatus]:
    """Answer 200 when the database answers `SELECT 1`, else 503."""
    engine = get_db(current_app).engine
    try:
        if engine is None:
            raise RuntimeError("database is not bound")
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, RuntimeError) as error:
        # Logged here because the JSON deliberately carries no connection details.
        log.warning("health check: database unreachable", exc_info=True)
        body = {"status": "error", "database": "unreachable", "error": type(error).__name__}
        return jsonify(body), HTTPStatus.SERVICE_UNAVAILABLE
    return jsonify({"status": "ok", "database": "ok"}), HTTPStatus.OK


@bp.get("/")
def index() -> Response:
    """Show a tiny page until the dashboard arrives, linking the health check."""
    language = get_settings(current_app).default_language
    catalogs = get_catalogs(current_app)
    body, link = (escape(catalogs(m, language)) for m in (INDEX_BODY, INDEX_LINK))
    page = (
        f'<!doctype html>\n<html lang="{language}"><head><meta charset="utf-8">'
        "<title>Sinjalizo</title></head>\n"
        f"<body><h1>Sinjalizo</h1><p>{body}</p>"
        f'<p><a href="{url_for("health.healthz")}">{link}</a></p></body></html>\n'
    )
    return Response(page, mimetype="text/html")
