"""Database binding: engine and session factory, bound to an app or used alone."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session, sessionmaker

# Errors that say the database is out of reach for now (restarting, locked, the pool
# exhausted), not that what was asked of it was wrong: try again later.
UNREACHABLE = (OperationalError, InterfaceError, PoolTimeout)

if TYPE_CHECKING:
    from flask import Flask

EXTENSION_KEY = "sinjalizo.db"


def make_engine(url: str, **options: Any) -> Engine:
    """Create an engine tuned for the backend: WAL and foreign keys on SQLite."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30}, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    options.setdefault("pool_pre_ping", True)
    return create_engine(url, **options)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """Turn on what SQLite leaves off: foreign keys, WAL, a patient busy timeout."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


class Database:
    """Owns one engine and session factory; bind it to a Flask app with `init_app`."""

    def __init__(self, url: str | None = None) -> None:
        self.engine: Engine | None = None
        self._sessions: sessionmaker[Session] | None = None
        if url is not None:
            self.bind(url)

    def bind(self, url: str) -> None:
        """Connect to `url`, replacing any previous engine."""
        if self.engine is not None:
            self.engine.dispose()
        self.engine = make_engine(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def init_app(self, app: Flask) -> None:
        """Bind to the app's DATABASE_URL and register the database on the app."""
        self.bind(app.config["DATABASE_URL"])
        app.extensions[EXTENSION_KEY] = self

    @property
    def is_sqlite(self) -> bool:
        """Tell whether the bound backend is SQLite."""
        return self.engine is not None and self.engine.dialect.name == "sqlite"

    def session(self) -> Session:
        """Open a new ORM session; the caller commits or rolls back."""
        if self._sessions is None:
            raise RuntimeError("database is not bound; call bind() or init_app() first")
        return self._sessions()

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Run a block in one transaction: commit on success, roll back on any error."""
        with self.session() as session, session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        if self.engine is not None:
            self.engine.dispose()


def get_db(app: Flask) -> Database:
    """Return the database bound to `app`."""
    db = app.extensions.get(EXTENSION_KEY)
    if not isinstance(db, Database):
        raise RuntimeError("the app has no database; build it with create_app()")
    return db
