"""Shared fixtures: every database test runs on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Page
from sqlalchemy import create_engine, text

from models import Base
from models.db import Database, get_db
from models.migrate import upgrade
from tests.browser import chromium_page, live_server
from tests.fake_telegram import TOKEN as TELEGRAM_TOKEN
from tests.fake_telegram import FakeTelegram, fake_telegram
from tests.pgcluster import ThrowawayPostgres

if TYPE_CHECKING:
    from locales import Catalogs
    from service.conversation import Conversations
    from tests.dialog import Chat

# The place data the project ships (data/geo); tests read the same files a fresh install loads.
SHARED_GEO = Path(__file__).resolve().parents[1] / "data" / "geo"
TELEGRAM_SECRET = "webhook-secret-for-tests"
# Reference data loaded once per backend and kept between tests.
KEPT_TABLES = {"municipalities", "settlements", "alembic_version"}


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """Yield the URL of a PostgreSQL server: the one named in the environment, or our own."""
    given = os.environ.get("SINJALIZO_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    cluster = ThrowawayPostgres()
    url = cluster.start()
    try:
        yield url
    finally:
        cluster.stop()


def _fresh_postgres_database(server_url: str, name: str) -> str:
    """Create an empty database on the server and return its URL."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> str:
    """Yield a migrated, seeded database URL for each backend in turn."""
    from models.seed import seed_municipalities

    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = _fresh_postgres_database(server, f"sinjalizo_test_{worker}")
    upgrade(url)
    db = Database(url)
    with db.transaction() as session:
        seed_municipalities(session)
    db.dispose()
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """Yield a database bound to the backend under test, emptied of test data afterwards."""
    database = Database(database_url)
    try:
        yield database
    finally:
        with database.transaction() as session:
            for table in reversed(Base.metadata.sorted_tables):
                if table.name not in KEPT_TABLES:
                    session.execute(table.delete())
        database.dispose()


@pytest.fixture
def geo_db(db: Database) -> Database:
    """Return the database with the project's own data/geo loaded (once per backend)."""
    from models.seed.geo import seed_places

    with db.transaction() as session:
        seed_places(session)  # a few cheap queries once the places are there
    return db


@pytest.fixture
def app(db: Database, database_url: str) -> Iterator[Flask]:
    """Yield a web app on the backend under test; `db` empties its test data afterwards."""
    from web import create_app

    application = create_app({"DATABASE_URL": database_url, "TESTING": True})
    yield application
    get_db(application).dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """Return a test client for the app."""
    return app.test_client()


@pytest.fixture(scope="session")
def catalogs() -> Catalogs:
    """Return the translation catalogs, loaded once."""
    from locales import Catalogs

    return Catalogs.load()


@pytest.fixture
def demo_db(geo_db: Database) -> Database:
    """Return the database with places loaded and the demo contact points, schools, teachers."""
    from models.seed import seed_demo

    with geo_db.transaction() as session:
        seed_demo(session)
    return geo_db


@pytest.fixture
def conversations(demo_db: Database, catalogs: Catalogs) -> Conversations:
    """Return the conversation service over the demo database."""
    from service.conversation import Conversations
    from service.places import PlaceIndex

    return Conversations(demo_db, catalogs, PlaceIndex())


@pytest.fixture
def chat(conversations: Conversations, catalogs: Catalogs) -> Callable[..., Chat]:
    """Return a factory of people chatting: chat(channel="sms", address="+383...")."""
    from tests.dialog import Chat

    def make(channel: str = "sms", address: str = "+38344999001", **options: Any) -> Chat:
        return Chat(conversations, catalogs, channel=channel, address=address, **options)

    return make


@pytest.fixture
def teacher_phone(demo_db: Database) -> str:
    """Return the phone of the demo teacher at the Drenas demo school."""
    from sqlalchemy import select

    from models import Municipality, School, Teacher

    with demo_db.session() as session:
        phone = session.scalar(select(Teacher.phone).join(School).join(Municipality)
                               .where(Municipality.name_sq == "Drenas"))
    assert phone, "the demo has a teacher in Drenas"
    return phone


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    """Yield a running fake of the Telegram Bot API."""
    with fake_telegram() as running:
        yield running


@pytest.fixture
def tg_app(demo_db: Database, database_url: str, fake: FakeTelegram) -> Iterator[Flask]:
    """Yield a web app whose Telegram settings point at the fake."""
    from web import create_app

    application = create_app({
        "DATABASE_URL": database_url, "TESTING": True, "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN,
        "TELEGRAM_API_BASE": fake.base_url, "TELEGRAM_WEBHOOK_SECRET": TELEGRAM_SECRET})
    yield application
    get_db(application).dispose()


@pytest.fixture
def tg(tg_app: Flask) -> FlaskClient:
    """Return a test client of the Telegram-configured app."""
    return tg_app.test_client()


PASSWORD = "correct horse battery"
# Dashboard users of the demo data: who they are, their role, municipality and report roles.
DASHBOARD_USERS = {
    "admin@example.org": ("admin", None, None),
    "prizren@example.org": ("coordinator", "Prizren", None),
    "focal.prizren@example.org": ("focal", "Prizren", ["child_protection"]),
    "focal.drenas@example.org": ("focal", "Drenas", ["public_services", "child_protection"]),
}


@pytest.fixture
def dashboard(demo_db: Database, database_url: str, fake: FakeTelegram) -> Iterator[Flask]:
    """Yield the web app on the demo data with its dashboard users; Telegram is the fake."""
    from models.accounts import save_user
    from web import create_app

    with demo_db.transaction() as session:
        for email, (role, municipality, roles) in DASHBOARD_USERS.items():
            save_user(session, email, PASSWORD, role, municipality, roles)
    application = create_app({
        "DATABASE_URL": database_url, "TESTING": True, "MAP_TILES": "",
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TOKEN, "TELEGRAM_API_BASE": fake.base_url})
    yield application
    get_db(application).dispose()


class AuthActions:
    """Signs a test client in and out of the dashboard, with the forms' CSRF tokens."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def token(self, path: str = "/login") -> str:
        """Return the CSRF token of a page's form."""
        import re

        page = self.client.get(path).get_data(as_text=True)
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found, f"no CSRF token on {path}"
        return found.group(1)

    def login(self, email: str = "admin@example.org", password: str = PASSWORD) -> Any:
        """Sign in; return the response."""
        return self.client.post("/login", data={"email": email, "password": password,
                                                "csrf_token": self.token()})

    def post(self, path: str, data: dict[str, str], page: str = "/reports") -> Any:
        """POST a form with a valid CSRF token taken from `page`."""
        return self.client.post(path, data={**data, "csrf_token": self.token(page)})


@pytest.fixture
def auth(dashboard: Flask) -> AuthActions:
    """Return sign-in actions on a fresh client of the dashboard."""
    return AuthActions(dashboard.test_client())


@pytest.fixture
def site(dashboard: Flask) -> Iterator[str]:
    """Serve the dashboard on a loopback port, for the browser tests."""
    with live_server(dashboard) as base:
        yield base


@pytest.fixture
def page() -> Iterator[Page]:
    """Yield a page of Debian's headless Chromium."""
    with chromium_page() as opened:
        yield opened
