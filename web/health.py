"""Liveness endpoint for deployers and tests, and the answer when the database is away.

A request that cannot reach the database (PostgreSQL restarting, the pool exhausted) answers
503 with Retry-After, never a reply that pretends it was handled: Telegram and Twilio retry a
webhook that failed, and the retry is then stored once (processed-inbound records).
"""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.wrappers import Response as PlainResponse

from models.db import UNREACHABLE, get_db

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)
RETRY_AFTER_SECONDS = 30


def init_app(app: Flask) -> None:
    """Serve /healthz and answer 503 to any request the database cannot serve right now."""
    app.register_blueprint(bp)
    for error in UNREACHABLE:
        app.register_error_handler(error, database_unavailable)


def database_unavailable(error: Exception) -> PlainResponse:
    """Log the lost database and answer 503 with Retry-After, so the sender tries again."""
    log.error("database unavailable for %s %s", request.method, request.path, exc_info=error)
    return ServiceUnavailable(retry_after=RETRY_AFTER_SECONDS).get_response()


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

