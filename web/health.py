"""Liveness endpoint for deployers and tests."""

from __future__ import annotations

import logging
from http import HTTPStatus

from flask import Blueprint, Response, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from models.db import get_db

log = logging.getLogger(__name__)

bp = Blueprint("health", __name__)



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

