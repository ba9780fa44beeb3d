"""SQL statements per SMS turn, counted through the real webhook on both backends.

A turn that files nothing takes at most 4 statements; one that files a report at most 8 on
PostgreSQL, where the turn's closing writes go in one statement (data-modifying WITH).
SQLite has no data-modifying WITH: there each table a filing writes (report, events,
routes, alerts, tally, roll-ups, contact, state, replies) is a statement of its own, so its
filing turn has a limit of its own, one statement per table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event

from locales import Catalogs
from models.db import Database, get_db
from service.places import PlaceIndex
from tests.test_sms_webhook import PUBLIC, REFERENCE, TOKEN, SmsActions
from web import create_app, get_conversations

NOTHING_FILED = 4
FILED = {"postgresql": 8, "sqlite": 13}


class Statements:
    """Counts the statements an engine sends while armed."""

    def __init__(self) -> None:
        """Start disarmed, at zero."""
        self.count, self.armed = 0, False

    def __call__(self, *_args: Any) -> None:
        """Count one statement when armed."""
        self.count += self.armed

    def during(self, send: Any) -> tuple[int, Any]:
        """Return how many statements `send()` took, and what it returned."""
        self.count, self.armed = 0, True
        try:
            answer = send()
        finally:
            self.armed = False
        return self.count, answer


@pytest.fixture
def sms_app(demo_db: Database, database_url: str) -> Iterator[Flask]:
    """Yield a web app with Twilio configured, on the demo data of the backend under test."""
    del demo_db  # loaded before the app reads it
    application = create_app({"DATABASE_URL": database_url, "TESTING": True,
                              "TWILIO_AUTH_TOKEN": TOKEN, "PUBLIC_BASE_URL": PUBLIC})
    yield application
    get_db(application).dispose()


@pytest.fixture
def counted(sms_app: Flask) -> Iterator[Statements]:
    """Count the app's statements; the place index is kept from re-reading its tables.

    The index looks at its tables' signature at most every two seconds, which is no part of
    a turn: its clock stands still here so that a slow machine counts the same.
    """
    get_conversations(sms_app).places = PlaceIndex(clock=lambda: 0.0)
    statements = Statements()
    engine = get_db(sms_app).engine
    assert engine is not None
    event.listen(engine, "before_cursor_execute", statements)
    yield statements
    event.remove(engine, "before_cursor_execute", statements)


def test_statements_per_turn(sms_app: Flask, counted: Statements, catalogs: Catalogs,
                             teacher_phone: str) -> None:
    """A teacher's one-line flag files in at most 8; a first and a second message in 4."""
    sms = SmsActions(sms_app.test_client(), catalogs)
    # Warm up: the first flag builds the place index and the statement caches.
    assert REFERENCE.search("\n".join(sms.send("BRAKTISJE 7A AK 12", teacher_phone)))
    sms.send("Tung", "+38344999100")
    backend = get_db(sms_app).engine.dialect.name  # type: ignore[union-attr]
    filing, answer = counted.during(lambda: sms.send("MUNGESE 8B EB 5", teacher_phone))
    assert REFERENCE.search("\n".join(answer)), answer
    first, _ = counted.during(lambda: sms.send("Tung", "+38344999101"))
    second, _ = counted.during(lambda: sms.send("1", "+38344999101"))
    assert filing <= FILED[backend], f"a filing turn took {filing} statements"
    assert first <= NOTHING_FILED, f"a first message took {first} statements"
    assert second <= NOTHING_FILED, f"a second message took {second} statements"
