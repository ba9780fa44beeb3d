"""The public projection of hazards: only hazards, only what staff approved, no reporter."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from models import Municipality
from models.db import Database
from service.publication import PublicHazard, public_hazard, public_hazards
from tests.public_data import APPROVED, NOW, SECRETS, seed_public

FIELDS = {"reference", "category", "status", "open", "municipality", "settlement", "latitude",
          "longitude", "created_at", "updated_at", "resolved_at", "description", "photo_ids",
          "me_too"}


def test_only_public_hazards_with_approved_parts(geo_db: Database) -> None:
    """Open and recently resolved hazards, newest first; nothing unapproved, no reporter."""
    seeded = seed_public(geo_db)
    with geo_db.session() as session:
        hazards = public_hazards(session, language="sq")
    assert [h.reference for h in hazards] == [seeded.approved, seeded.plain, seeded.resolved]
    assert {f.name for f in dataclasses.fields(PublicHazard)} == FIELDS
    first, plain, resolved = hazards
    assert first.description == APPROVED and first.photo_ids == (seeded.public_photo,)
    assert first.me_too == 3, "visitors' two plus the one who joined in the bot"
    assert (first.latitude, first.longitude) == (42.625, 20.893)
    assert first.municipality == "Drenas" and first.settlement == "Komoran" and first.open
    assert plain.description is None and plain.photo_ids == ()
    assert plain.municipality == "Prizren" and plain.settlement is None
    assert not resolved.open and resolved.resolved_at is not None
    for hazard in hazards:
        shown = repr(hazard)
        assert not [secret for secret in SECRETS if secret in shown]


def test_one_hazard_by_reference(geo_db: Database) -> None:
    """A public hazard is found by reference; a child, dropout or stale one is not."""
    seeded = seed_public(geo_db)
    with geo_db.session() as session:
        found = public_hazard(session, seeded.approved.lower(), language="sr")
        assert found is not None and found.municipality == "Glogovac"
        for hidden in (seeded.child, seeded.dropout, seeded.stale, seeded.duplicate,
                       seeded.simulated, "NOSUCH"):
            assert public_hazard(session, hidden, language="sq") is None, hidden


def test_filters_and_a_single_query(geo_db: Database) -> None:
    """Municipality, category and dates narrow the list; one query plus one for photos."""
    seeded = seed_public(geo_db)
    statements: list[str] = []
    with geo_db.session() as session:
        prizren = session.scalar(select(Municipality.id).where(
            Municipality.name_sq == "Prizren"))
        event.listen(session.bind, "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
        by_place = public_hazards(session, language="sq", municipality_id=prizren)
        assert len(statements) == 2, statements
        assert [h.reference for h in by_place] == [seeded.plain]
        by_category = public_hazards(session, language="sq", category="open_pit")
        assert [h.reference for h in by_category] == [seeded.approved, seeded.resolved]
        recent = public_hazards(session, language="sq", since=NOW - timedelta(days=3),
                                until=NOW - timedelta(hours=36))
        assert [h.reference for h in recent] == [seeded.plain]
        assert len(public_hazards(session, language="sq", limit=1)) == 1
        assert public_hazards(session, language="sq", resolved_days=5)[-1].reference == (
            seeded.plain)


def test_open_and_references_filter_inside_the_query(geo_db: Database) -> None:
    """Open or finished only, and a list of references in any case, narrow before the limit."""
    seeded = seed_public(geo_db)
    statements: list[str] = []
    with geo_db.session() as session:
        event.listen(session.bind, "before_cursor_execute",
                     lambda *args: statements.append(args[2]))
        assert [h.reference for h in public_hazards(session, language="sq", open=True)] == [
            seeded.approved, seeded.plain]
        finished = public_hazards(session, language="sq", open=False, limit=1)
        assert [h.reference for h in finished] == [seeded.resolved]
        asked = [seeded.resolved.lower(), f" {seeded.approved} ", seeded.child, seeded.stale,
                 seeded.approved, "NOSUCH"]
        found = public_hazards(session, language="sq", references=asked)
        assert [h.reference for h in found] == [seeded.approved, seeded.resolved]
        assert public_hazards(session, language="sq", references=[]) == []
        assert len(statements) == 6, "one query and one for photos each; none for no rows"
        with pytest.raises(ValueError):
            public_hazards(session, language="sq", references=["R-1"] * 1001)
