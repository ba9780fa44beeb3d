"""Liveness endpoint for deployers and tests, and the placeholder front page."""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Blueprint, Response, current_app, jsonify, url_for
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from handlers.i18n import N_
from models.db import get_db

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)

INDEX_TITLE = N_("Sinjalizo")
INDEX_BODY = N_("Shërbimi po punon. Paneli i punës do të shtohet më vonë.")
INDEX_LINK = N_("Kontrolli i gjendjes")


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
    page = (
        '<!doctype html>\n<html lang="sq"><head><meta charset="utf-8">'
        f"<title>{INDEX_TITLE}</title></head>\n"
        f"<body><h1>{INDEX_TITLE}</h1><p>{INDEX_BODY}</p>"
        f'<p><a href="{url_for("health.healthz")}">{INDEX_LINK}</a></p></body></html>\n'
    )
    return Response(page, mimetype="text/html")
