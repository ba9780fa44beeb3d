"""The public page of hazards in a real headless Chromium: filter, the SVG map, "me too"."""

from __future__ import annotations

from contextlib import AbstractContextManager

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select

from models import Municipality, Report
from models.db import Database
from tests.browser import CHROMIUM, live_server
from tests.public_data import APPROVED, SECRETS, seed_public

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is missing: `make test` installs it")


def test_a_visitor_filters_sees_the_map_and_says_me_too(site: str, page: Page,
                                                        demo_db: Database) -> None:
    """Without signing in: the list, the outlines and dots, a filter, then "me too" once."""
    seeded = seed_public(demo_db)
    outside: list[str] = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(site) else None)
    page.goto(f"{site}/hazards")
    expect(page.locator("html")).to_have_attribute("lang", "sq")
    expect(page.locator(f"#{seeded.approved}")).to_contain_text(APPROVED)
    svg = page.locator("svg#hazard-map")
    expect(svg).to_be_visible()
    assert page.locator("svg#hazard-map path.boundary").count() >= 30
    expect(page.locator("svg#hazard-map a.hazard-dot circle")).to_have_count(3)
    assert svg.bounding_box() is not None and svg.bounding_box()["height"] > 100  # type: ignore[index]

    with demo_db.session() as session:
        prizren = session.scalar(select(Municipality.id).where(
            Municipality.name_sq == "Prizren"))
    page.select_option("select[name=municipality]", str(prizren))
    page.click("#hazard-filters button[type=submit]")
    expect(page.locator(".hazard-item")).to_have_count(1)
    expect(page.locator(f"#{seeded.plain}")).to_contain_text("Qen endacakë")
    expect(page.locator("svg#hazard-map path.boundary")).to_have_count(1)
    expect(page.locator("svg#hazard-map circle")).to_have_count(1)

    item = page.locator(f"#{seeded.plain}")
    item.locator("button[type=submit]").click()
    expect(page.locator(".flash")).to_contain_text("Faleminderit. 1 person ka thënë")
    expect(page.locator(f"#{seeded.plain} .pressed")).to_be_visible()
    expect(page.locator(f"#{seeded.plain} button")).to_have_count(0)
    assert f"municipality={prizren}" in page.url, "the filter is kept"

    page.click("a.lang:text-is('sr')")
    expect(page.locator("html")).to_have_attribute("lang", "sr")
    expect(page.locator(f"#{seeded.plain}")).to_contain_text("Psi lutalice")
    body = page.content()
    assert [s for s in SECRETS if s in body] == []
    assert outside == [], "nothing is fetched from another site"
    with demo_db.session() as session:
        assert session.scalar(select(Report.me_too).where(
            Report.reference == seeded.plain)) == 1


def other_site() -> AbstractContextManager[str]:
    """Serve an empty page from another loopback port: a site that is not ours."""
    other = Flask("another_site")
    other.add_url_rule("/", "page", lambda: "<!doctype html><title>Another site</title>")
    return live_server(other)


def test_another_sites_page_reads_open311_without_private_data(site: str, page: Page,
                                                                demo_db: Database) -> None:
    """A page on another origin fetches Open311's requests in JSON and XML, as a map app would."""
    seeded = seed_public(demo_db)
    with other_site() as other:
        page.goto(other)
        fetched = page.evaluate("""async (base) => {
            const json = await fetch(base + '/open311/v2/requests.json');
            const xml = await fetch(base + '/open311/v2/requests.xml');
            return {status: json.status, body: await json.text(), xml: await xml.text()};
        }""", site)
    assert fetched["status"] == 200
    body, xml = fetched["body"], fetched["xml"]
    assert seeded.approved in body and APPROVED in body and seeded.approved in xml
    for private in (seeded.child, seeded.dropout, seeded.simulated, seeded.duplicate, *SECRETS):
        assert private not in body and private not in xml, private
