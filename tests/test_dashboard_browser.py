"""The dashboard in a real headless Chromium: sign in, filter, acknowledge, resolve with a note."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select, update

from models import Report
from models.db import Database
from tests.browser import CHROMIUM
from tests.conftest import PASSWORD
from tests.dialog import Chat, references
from tests.test_dashboard import PRIZREN_CHILD
from tests.test_dialogs import test_hazard_by_telegram_with_pin_and_photo as file_pinned_hazard

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is missing: `make test` installs it")


def sign_in(page: Page, site: str, email: str = "admin@example.org") -> None:
    """Sign in through the form."""
    page.goto(f"{site}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Raportimet")


def test_sign_in_filter_acknowledge_and_resolve(site: str, page: Page,
                                                chat: Callable[..., Chat],
                                                demo_db: Database) -> None:
    """A focal point signs in, filters to hazards, takes one up and resolves it with a note."""
    file_pinned_hazard(chat, demo_db)
    child = chat("sms", "+38349300002")
    child.replay(PRIZREN_CHILD)
    with demo_db.session() as session:
        hazard = session.scalars(select(Report.reference).where(Report.kind == "hazard")).one()
    sign_in(page, site)
    rows = page.locator("table.reports tbody tr")
    expect(rows).to_have_count(2)
    page.select_option("select[name=kind]", "hazard")
    page.click("#filters button[type=submit]")
    expect(rows).to_have_count(1)
    page.click(f"text={hazard}")
    expect(page.locator("#map[data-ready='1']")).to_be_visible()  # Leaflet ran under the CSP
    page.select_option("#status-form select[name=status]", "acknowledged")
    page.click("#status-form button[type=submit]")
    expect(page.locator("#status")).to_contain_text("marrë përsipër")
    page.select_option("#status-form select[name=status]", "resolved")
    page.fill("#status-form textarea[name=note]", "Qentë u larguan nga shkolla.")
    page.click("#status-form button[type=submit]")
    expect(page.locator("#status")).to_contain_text("zgjidhur", ignore_case=True)
    expect(page.locator(".timeline")).to_contain_text("Qentë u larguan nga shkolla.")
    assert references(child)


def test_stored_script_never_runs(site: str, page: Page, chat: Callable[..., Chat],
                                  demo_db: Database) -> None:
    """A description holding a script shows as text and no dialog ever opens."""
    file_pinned_hazard(chat, demo_db)
    with demo_db.transaction() as session:
        session.execute(update(Report).values(
            description='<script>alert("x")</script><img src=x onerror=alert(1)>'))
        reference = session.scalars(select(Report.reference)).one()
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, site)
    page.goto(f"{site}/reports/{reference}")
    expect(page.locator(".description")).to_contain_text('<script>alert("x")</script>')
    page.wait_for_timeout(300)
    assert dialogs == []


def test_lockout_in_the_browser(site: str, page: Page) -> None:
    """The sixth wrong password says the account is locked."""
    for _ in range(6):
        page.goto(f"{site}/login")
        page.fill("input[name=email]", "prizren@example.org")
        page.fill("input[name=password]", "wrong password")
        page.click("form button[type=submit]")
    expect(page.locator(".flash.error")).to_contain_text("30")


def test_simulator_in_the_browser(site: str, page: Page, demo_db: Database) -> None:
    """An admin files a hazard with buttons and a pin in the Telegram pane; it is simulated."""
    sign_in(page, site)
    page.goto(f"{site}/simulator/")
    telegram = page.locator("#telegram")
    telegram.locator("input[name=text]").fill("Tung")
    telegram.locator("form.say button").first.click()
    for key in ("hazard", "stray_dogs"):
        page.locator(f'#telegram form:has(input[name=data][value="o:{key}"]) button').click()
    page.locator("#telegram form.pin button").click()
    page.locator('#telegram form:has(input[name=data][value="o:yes"]) button').click()
    page.locator("#telegram form:has(input[name=photo]) button").click()
    telegram = page.locator("#telegram")
    telegram.locator("input[name=text]").fill("Qen endacakë te shkolla")
    telegram.locator("form.say button").first.click()
    page.locator('#telegram form:has(input[name=data][value="o:send"]) button').click()
    expect(page.locator("#telegram .transcript")).to_contain_text("R-")
    with demo_db.session() as session:
        report = session.scalars(select(Report)).one()
    assert report.simulated and report.latitude == 42.6265


def test_simulator_whatsapp_in_the_browser(site: str, page: Page, demo_db: Database) -> None:
    """An admin files a hazard in the WhatsApp pane: numbers, a pin, a photo; it is simulated."""
    sign_in(page, site)
    page.goto(f"{site}/simulator/")

    def write(text: str) -> None:
        """Type one WhatsApp message and wait for the pane to answer it."""
        before = page.locator("#whatsapp .transcript li").count()
        page.locator("#whatsapp input[name=text]").fill(text)
        page.locator("#whatsapp form.say button").click()
        expect(page.locator("#whatsapp .transcript li.bot")).not_to_have_count(0)
        expect(page.locator("#whatsapp .transcript li")).not_to_have_count(before)
        expect(page.locator("#whatsapp")).not_to_have_attribute("aria-busy", "true")

    write("Tung")
    expect(page.locator("#whatsapp .bubble").last).to_contain_text("1) ")
    write("1")
    write("1")
    page.locator("#whatsapp .attach summary").click()
    page.locator("#whatsapp .attach form.pin button").click()
    expect(page.locator("#whatsapp .bubble").last).to_contain_text("Drenas")
    write("po")
    page.locator("#whatsapp form:has(input[name=photo]) button").click()
    expect(page.locator("#whatsapp li.mine .bubble").last).to_contain_text("\U0001f5bc")
    write("Pusetë pa kapak para shkollës")
    write("po")
    expect(page.locator("#whatsapp .transcript")).to_contain_text("R-")
    expect(page.locator("#whatsapp .meta").last).to_contain_text("shenj")
    with demo_db.session() as session:
        report = session.scalars(select(Report)).one()
        photos = len(report.attachments)
    assert report.simulated and (report.channel, report.latitude) == ("whatsapp", 42.6265)
    assert photos == 1


def test_six_monthly_export_in_the_browser(site: str, page: Page, tmp_path: Path) -> None:
    """The export button downloads a ZIP with the CSV, the XLSX and the HTML."""
    sign_in(page, site)
    page.goto(f"{site}/stats?from=2025-01-01&to=2025-06-30")
    expect(page.locator("table[data-section]").first).to_be_attached()
    with page.expect_download() as waiting:
        page.click("#export button")
    target = tmp_path / "report.zip"
    waiting.value.save_as(target)
    names = zipfile.ZipFile(target).namelist()
    assert sorted(name.rsplit(".", 1)[1] for name in names) == ["csv", "html", "xlsx"]
