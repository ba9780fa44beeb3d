"""The place data the project ships: loaded by a fresh install's first `seed`, once, and
reported back through `sinjalizo reports --json`."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from models.db import Database
from models.geo import Municipality, Settlement
from models.geo_import import _osm_names
from models.migrate import upgrade
from models.seed import seed_municipalities
from models.seed.geo import BUNDLED, GEO_DIR, seed_places
from service.places import PlaceIndex
from sinjalizo.cli import main
from tests.conftest import _fresh_postgres_database
from tests.dialog import Chat, references, rows
from tests.test_places_dialogs import (
    STREET,
    TO_PLACE,
    TO_PLACE_TELEGRAM,
    finish_hazard,
    last_reply,
)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
              ) -> Iterator[str]:
    """Yield the URL of a brand-new, empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('fresh') / 'fresh.sqlite3'}"
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    server = request.getfixturevalue("postgres_server")
    yield _fresh_postgres_database(server, f"sinjalizo_fresh_{worker}")


def test_shipped_files_are_all_there_with_their_sources() -> None:
    """Every file the first start loads is in data/geo, and SOURCES.md credits each one."""
    sources = (GEO_DIR / "SOURCES.md").read_text(encoding="utf-8")
    for name, _kind in BUNDLED:
        assert (GEO_DIR / name).is_file(), name
        assert f"`{name}`" in sources
    for credit in ("© OpenStreetMap contributors", "ODbL", "geoBoundaries",
                   "NGA GEOnet Names Server", "GeoNames", "only a guess"):
        assert credit in sources


def test_fresh_install_seed_knows_every_village(empty_url: str) -> None:
    """`db upgrade` then `seed` on an empty database: Arllat and Kashar are known at once."""
    runner = CliRunner()
    assert runner.invoke(main, ["--database-url", empty_url, "db", "upgrade"]).exit_code == 0
    first = runner.invoke(main, ["--database-url", empty_url, "seed"])
    assert first.exit_code == 0, first.output
    assert "geoBoundaries-XKX-ADM2.geojson: 38 boundaries loaded" in first.output
    assert "albania_places_osm2019.csv" in first.output
    db = Database(empty_url)
    try:
        with db.session() as session:
            index = PlaceIndex()
            [arllat] = index.match_place(session, "Arllat", "sq", "XK")
            [kashar] = index.match_place(session, "Kashar", "sq", "AL")
            drenas = index.locate(session, 42.6265, 20.8939, "sq")
            count = session.scalar(select(func.count()).select_from(Settlement))
        assert arllat.label() == "Arllat, Drenas" and kashar.label() == "Kashar, Tiranë"
        assert drenas is not None and drenas.how == "polygon"
        again = runner.invoke(main, ["--database-url", empty_url, "seed"])
        assert again.exit_code == 0 and "Map data: already loaded." in again.output
        with db.transaction() as session:
            started = time.perf_counter()
            assert seed_places(session) == []
            assert time.perf_counter() - started < 0.5  # a start on a loaded database is quick
            assert session.scalar(select(func.count()).select_from(Settlement)) == count
            assert count and count > 8000
            assert session.scalar(select(func.count()).select_from(Municipality).where(
                Municipality.boundary.is_not(None))) == 38
    finally:
        db.dispose()


def test_missing_files_are_skipped_with_a_warning(empty_url: str, tmp_path: Path,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    """An install without data/geo still starts; the log names each file it lacks."""
    upgrade(empty_url)
    db = Database(empty_url)
    try:
        with db.transaction() as session:
            seed_municipalities(session)
            assert seed_places(session, tmp_path) == []
    finally:
        db.dispose()
    warned = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert [name for name, _kind in BUNDLED if any(name in w for w in warned)] == [
        name for name, _kind in BUNDLED]


@pytest.mark.parametrize(("written", "names"), [
    ("Banjë - Banja", ["Banjë", "Banja"]),
    ("Hoçë e Madhe - Velika Hoča", ["Hoçë e Madhe", "Velika Hoča"]),
    ("Valis (Kashar)", ["Valis", "Valis (Kashar)"]),
    ("Arllat", ["Arllat"]),
    ("", [""]),
])
def test_osm_names_split_into_what_people_type(written: str, names: list[str]) -> None:
    """OSM's bilingual names and "Hamlet (Village)" names match each part people write."""
    assert _osm_names(written) == names


@pytest.mark.parametrize(("text", "country", "label"), [
    ("Isniq", "XK", "Isniq, Deçan"),          # only in the Kosovo OSM file
    ("Banja", "XK", None),                    # half of a bilingual OSM name
    ("Kashar", "AL", "Kashar, Tiranë"),
    ("Kashar", "XK", "Kashar, Tiranë"),       # abroad, exact: asked back with its country
])
def test_real_places_of_both_gazetteers(geo_db: Database, text: str, country: str,
                                        label: str | None) -> None:
    """Villages from every shipped file are found; a guess never jumps to Jashar, Viti."""
    with geo_db.session() as session:
        found = PlaceIndex().match_place(session, text, "sq", country)
    assert found
    assert all(p.settlement is not None for p in found)
    assert "Jashar" not in {p.settlement for p in found}
    if label is not None:
        assert found[0].label() == label


def test_mitrovica_is_two_places(geo_db: Database) -> None:
    """The bare name is both halves; in Serbian each half has its Serbian name."""
    with geo_db.session() as session:
        index = PlaceIndex()
        sq = [p.municipality for p in index.match_place(session, "mitrovice", "sq", "XK")]
        sr = [p.municipality for p in index.match_place(session, "Mitrovica", "sr", None)]
    assert sq == ["Mitrovicë e Jugut", "Mitrovicë e Veriut"]
    assert sr == ["Kosovska Mitrovica", "Severna Kosovska Mitrovica"]


def test_reports_json_carries_the_words_and_how_located(chat: Callable[..., Chat],
                                                        database_url: str) -> None:
    """Each report's line has place_text (the reporter's words) and location."""
    street = chat("sms", "+38344990201")
    street.replay(TO_PLACE + rows((STREET, ""), ("po", "")))
    finish_hazard(street, last_reply(street))
    typed = chat("sms", "+38344990202")
    typed.replay(TO_PLACE + rows(("Gllogoc", "")))
    finish_hazard(typed, last_reply(typed))
    pinned = chat("telegram", "5550301")
    pinned.replay(TO_PLACE_TELEGRAM + rows(("/location 42.6265 20.8939", ""), ("[yes]", "")))
    finish_hazard(pinned, last_reply(pinned))
    result = CliRunner().invoke(main, ["--database-url", database_url, "reports", "--json"])
    assert result.exit_code == 0, result.output
    lines = {record["reference"]: record for record in map(json.loads,
                                                            result.output.splitlines())}
    [by_street], [by_name], [by_pin] = (references(p) for p in (street, typed, pinned))
    assert (lines[by_street]["place_text"], lines[by_street]["location"]) == (STREET,
                                                                             "settlement")
    assert lines[by_street]["settlement"] == "Komoran"
    assert (lines[by_name]["place_text"], lines[by_name]["location"]) == ("Gllogoc",
                                                                         "municipality")
    assert (lines[by_pin]["place_text"], lines[by_pin]["location"]) == (None, "pin")
    for record in lines.values():
        assert {"reference", "kind", "category", "municipality", "status", "urgent",
                "routed_to", "place_text", "location"} <= record.keys()
