"""How exactly a report is located, as the focal point reads it: the alert, the report's page
over HTTP, and its map in a real Chromium (only a pin is a marker; anything else an area)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select
from sqlalchemy.orm import Session

from alerts.content import prepare
from locales import Catalogs
from models import Municipality, OutboxMessage, Report
from models.db import Database
from sinjalizo.settings import Settings
from tests.browser import CHROMIUM
from tests.conftest import AuthActions
from tests.dialog import Chat, references, rows
from tests.test_dashboard_browser import sign_in
from tests.test_places_dialogs import (
    STREET,
    TO_PLACE,
    TO_PLACE_TELEGRAM,
    finish_hazard,
    last_reply,
)

SETTINGS = Settings(public_base_url="https://sinjalizo.example")
needs_chromium = pytest.mark.skipif(not CHROMIUM.exists(),
                                    reason="Debian's chromium is missing: `make test` installs it")


def file_at(chat: Callable[..., Chat], how: str) -> str:
    """File a hazard located by a street (settlement), a municipality's name, or a pin."""
    if how == "pin":
        person = chat("telegram", "5550401")
        person.replay(TO_PLACE_TELEGRAM + rows(("/location 42.6265 20.8939", ""),
                                               ("[yes]", "")))
    elif how == "albanian municipality":  # no boundaries are loaded for Albania
        person = chat("sms", "+355692990401")
        person.replay(TO_PLACE + rows(("Tiranë", "")))
    else:
        person = chat("sms", "+38344990401")
        said = STREET if how == "settlement" else "Gllogoc"
        person.replay(TO_PLACE + rows((said, "")) + (rows(("po", "")) if how == "settlement"
                                                      else ()))
    finish_hazard(person, last_reply(person))
    [reference] = references(person)
    return reference


def alert_text(session: Session, reference: str, catalogs: Catalogs, language: str) -> str:
    """Render the first alert of a report in a language."""
    report = session.scalars(select(Report).where(Report.reference == reference)).one()
    row = session.scalars(select(OutboxMessage).where(
        OutboxMessage.report_id == report.id, OutboxMessage.purpose == "alert")).first()
    assert row is not None
    row.language = language
    text = prepare(session, row, catalogs, SETTINGS)
    assert isinstance(text, str), text
    return text


def test_alert_of_a_street_address(chat: Callable[..., Chat], demo_db: Database,
                                   catalogs: Catalogs) -> None:
    """The alert quotes the reporter and says the village centre is only approximate."""
    reference = file_at(chat, "settlement")
    with demo_db.transaction() as session:
        text = alert_text(session, reference, catalogs, "en")
        sq = alert_text(session, reference, catalogs, "sq")
    assert f"Place, in the reporter's words: {STREET}" in text
    assert "Located at the centre of Komoran, Drenas: approximate, not an exact point." in text
    assert "Area on the map: https://www.openstreetmap.org/#map=14/" in text
    assert "mlat=" not in text  # no marker: nobody should look for it at the centre
    assert "qendra e fshatit Komoran, Drenas" in sq and "e përafërt" in sq


def test_alert_of_a_municipality_and_of_a_pin(chat: Callable[..., Chat], demo_db: Database,
                                              catalogs: Catalogs) -> None:
    """A municipality has no point at all; a shared pin has a marked map link."""
    by_name, by_pin = file_at(chat, "municipality"), file_at(chat, "pin")
    with demo_db.transaction() as session:
        named = alert_text(session, by_name, catalogs, "en")
        pinned = alert_text(session, by_pin, catalogs, "sr")
    assert "Place, in the reporter's words: Gllogoc" in named
    assert "Located by the municipality only: no point on the map." in named
    assert "openstreetmap" not in named
    assert "Mapa: https://www.openstreetmap.org/?mlat=42.6265&mlon=20.8939" in pinned
    assert "rečima prijavioca" not in pinned  # a pin has no words of the reporter


def test_report_page_shows_words_and_how_located(auth: AuthActions, chat: Callable[..., Chat],
                                                 demo_db: Database) -> None:
    """The page keeps the reporter's words apart from the place matched, and its precision."""
    street, named, pinned = (file_at(chat, how) for how in ("settlement", "municipality", "pin"))
    auth.login()
    page = auth.client.get(f"/reports/{street}").get_data(as_text=True)
    assert f'<dd id="place-words">{STREET}</dd>' in page
    assert "Komoran, Drenas: qendra e fshatit, e përafërt" in page  # Albanian by default
    assert 'data-location="settlement"' in page and 'data-radius="1500"' in page
    page = auth.client.get(f"/reports/{named}").get_data(as_text=True)
    assert "Drenas: vetëm komuna, e përafërt" in page
    assert 'data-location="municipality"' in page and "boundary.geojson" in page
    page = auth.client.get(f"/reports/{pinned}").get_data(as_text=True)
    assert "Pikë e saktë: vendndodhja që ndau raportuesi" in page
    assert 'data-location="pin"' in page and "data-radius" not in page


def test_boundary_is_served_to_staff_only(auth: AuthActions, demo_db: Database) -> None:
    """A municipality's outline comes from the database, as GeoJSON, after sign-in."""
    with demo_db.session() as session:
        drenas = session.scalars(select(Municipality.id).where(
            Municipality.name_sq == "Drenas")).one()
        tirana = session.scalars(select(Municipality.id).where(
            Municipality.name_sq == "Tiranë")).one()
    path = f"/municipalities/{drenas}/boundary.geojson"
    assert auth.client.get(path).status_code == 302  # to the sign-in page
    auth.login()
    response = auth.client.get(path)
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    feature = response.get_json()
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Polygon"
    assert "private" in response.headers["Cache-Control"]
    assert auth.client.get(f"/municipalities/{tirana}/boundary.geojson").status_code == 404
    assert auth.client.get("/municipalities/99999/boundary.geojson").status_code == 404


@needs_chromium
def test_map_draws_areas_and_only_pins_as_markers(site: str, page: Page,
                                                  chat: Callable[..., Chat],
                                                  demo_db: Database) -> None:
    """A village is a circle, a municipality its boundary (or a circle round its seat), a pin
    a marker, under the dashboard's content security policy."""
    street, named, pinned, albanian = (file_at(chat, how) for how in (
        "settlement", "municipality", "pin", "albanian municipality"))
    sign_in(page, site)
    drawn = {}
    for reference in (street, named, pinned, albanian):
        page.goto(f"{site}/reports/{reference}")
        ready = page.locator("#map[data-ready='1']")
        expect(ready).to_be_visible()
        drawn[reference] = (ready.get_attribute("data-drawn"),
                            page.locator("#map .leaflet-marker-icon").count(),
                            page.locator("#map path.leaflet-interactive").count())
    assert drawn[street] == ("circle", 0, 1)
    assert drawn[named] == ("boundary", 0, 1)
    assert drawn[pinned] == ("marker", 1, 0)
    assert drawn[albanian] == ("circle", 0, 1)  # round the seat, when no outline is loaded
    page.goto(f"{site}/reports/{street}")
    expect(page.locator("#place-words")).to_have_text(STREET)
    expect(page.locator("#located")).to_contain_text("Komoran, Drenas")
