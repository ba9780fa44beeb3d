"""Shared fixtures: every database test runs on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from models import Base
from models.db import Database
from models.migrate import upgrade
from tests.pgcluster import ThrowawayPostgres

SHARED_GEO = Path(__file__).resolve().parents[2] / "shared" / "data" / "geo"
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
    """Return the database with Kosovo boundaries and settlements loaded from ../shared."""
    from models.geo_import import import_geo
    from models.geo import Settlement
    from sqlalchemy import func, select

    with db.transaction() as session:
        if not session.scalar(select(func.count()).select_from(Settlement)):
            for name in ("geoBoundaries-XKX-ADM2.geojson", "kosovo_settlements_gns.csv"):
                import_geo(session, SHARED_GEO / name)
    return db
