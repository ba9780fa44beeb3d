"""The web app factory, the health check on both backends, and the front page."""

from __future__ import annotations

from http import HTTPStatus

from flask.testing import FlaskClient

from models.db import get_db
from tests.pgcluster import free_port
from web import create_app, get_settings


def test_healthz_ok(client: FlaskClient) -> None:
    """The health check answers 200 when the database is reachable."""
    response = client.get("/healthz")
    assert response.status_code == HTTPStatus.OK
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_dead_database() -> None:
    """The health check answers 503 when nothing listens on the PostgreSQL port."""
    url = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/nowhere"
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    try:
        response = app.test_client().get("/healthz")
    finally:
        get_db(app).dispose()
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    body = response.get_json()
    assert body["status"] == "error"
    assert body["database"] == "unreachable"


def test_front_page_leads_to_sign_in(client: FlaskClient) -> None:
    """The front page sends a visitor to the Albanian sign-in form."""
    response = client.get("/")
    assert response.status_code == HTTPStatus.FOUND
    page = client.get(response.headers["Location"])
    assert page.status_code == HTTPStatus.OK and page.mimetype == "text/html"
    assert 'lang="sq"' in page.get_data(as_text=True)


def test_overrides_reach_settings() -> None:
    """Overrides are applied to the settings, with the URL scheme normalised."""
    app = create_app({"DATABASE_URL": "postgres://u@127.0.0.1:1/x", "TESTING": True})
    try:
        assert app.config["TESTING"] is True
        assert get_settings(app).database_url == "postgresql+psycopg://u@127.0.0.1:1/x"
        assert app.config["DATABASE_URL"] == get_settings(app).db_url
    finally:
        get_db(app).dispose()
