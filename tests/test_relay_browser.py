"""Asking the reporter in a real Chromium, and no page or export ever showing their address.

Every page the browser shows while staff ask, read the answer, look at the list, the audit
log and the statistics, and the six-monthly report they export, is searched for the
reporters' Telegram chat id and phone numbers.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from models.db import Database
from tests.browser import CHROMIUM
from tests.conftest import PASSWORD
from tests.dialog import Chat, references, rows
from tests.test_dashboard import PRIZREN_CHILD
from tests.test_dialogs import FOUND, HAZARD_BY_SMS, HAZARD_KIND, HAZARD_PHOTO, MENU, SEND

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is missing: `make test` installs it")
TELEGRAM_REPORTER = "5550481"
SMS_REPORTER = "+38344999481"
CONSENTING = "+38349200002"
ADDRESSES = (TELEGRAM_REPORTER, SMS_REPORTER, SMS_REPORTER[1:], CONSENTING, CONSENTING[1:])
QUESTION = "A është gropa para shkollës apo pas saj?"


class Seen(list[str]):
    """The pages shown so far, as the browser rendered them, and their paths."""

    def __init__(self) -> None:
        """Start with no page seen."""
        super().__init__()
        self.paths: set[str] = set()

    def look(self, page: Page) -> None:
        """Keep the page shown now (after the navigation that led to it)."""
        page.wait_for_load_state()
        self.append(page.content())
        self.paths.add(urlsplit(page.url).path)


# Links a crawl does not follow: they sign out, switch language, act, or fetch a file.
NOT_FOLLOWED = re.compile(r"/logout|/language/|/attachments/|/toggle|/code$|\.geojson$|/static/")
MAX_PAGES = 150


def crawl(page: Page, site: str, seen: Seen) -> None:
    """Visit every page the signed-in user can reach by links from the start page, once each.

    Pages are told apart by their path: a list's filters and later pages show the same rows
    as the list itself does, in other orders.
    """
    queue, visited = [f"{site}/"], set[str]()
    while queue and len(visited) < MAX_PAGES:
        url = queue.pop(0)
        path = urlsplit(url).path
        if path in visited:
            continue
        visited.add(path)
        page.goto(url)
        seen.look(page)
        for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.href)"):
            if href.startswith(site) and not NOT_FOLLOWED.search(urlsplit(href).path):
                queue.append(href.split("#")[0])
    assert len(visited) < MAX_PAGES, "the crawl stopped before it saw every page"


def sign_in(page: Page, site: str, email: str) -> None:
    """Sign in through the form (after signing out whoever was signed in)."""
    page.context.clear_cookies()
    page.goto(f"{site}/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    expect(page.locator("h1")).to_have_text("Raportimet")


def reporters(chat: Callable[..., Chat]) -> tuple[Chat, str, Chat, str, str]:
    """File a Telegram and an SMS hazard in Drenas and a child in Prizren, a moment ago."""
    now = datetime.now(UTC) - timedelta(minutes=10)
    telegram = chat("telegram", TELEGRAM_REPORTER, now=now)
    telegram.replay(rows(
        ("/start", MENU), ("[hazard]", HAZARD_KIND), ("[stray_dogs]", ""),
        ("/location 42.6265 20.8939", ("Drenas", FOUND)), ("[yes]", HAZARD_PHOTO),
        ("kalo", ""), ("Qen endacakë te porta e shkollës", SEND), ("[send]", "R-")))
    sms = chat("sms", SMS_REPORTER, now=now)
    sms.replay(HAZARD_BY_SMS)
    consenting = chat("sms", CONSENTING, now=now)
    consenting.replay(PRIZREN_CHILD)
    return (telegram, references(telegram)[0], sms, references(sms)[0],
            references(consenting)[0])


def ask(page: Page, site: str, reference: str, seen: Seen) -> None:
    """Ask the reporter from the report's page."""
    page.goto(f"{site}/reports/{reference}")
    seen.look(page)
    page.fill("#ask-form textarea[name=question]", QUESTION)
    page.click("#ask-form button[type=submit]")
    expect(page.locator(".flash")).to_contain_text(reference)
    expect(page.locator(".timeline")).to_contain_text(QUESTION)
    seen.look(page)


def test_ask_answer_and_no_address_anywhere(site: str, page: Page, chat: Callable[..., Chat],
                                            demo_db: Database, tmp_path: Path) -> None:
    """Both reporters are asked from their pages and answer; no page or file has an address."""
    telegram, by_telegram, sms, by_sms, child = reporters(chat)
    seen = Seen()
    sign_in(page, site, "focal.drenas@example.org")
    for reporter, reference, answer in ((telegram, by_telegram, "Te porta e madhe"),
                                        (sms, by_sms, "Pas shkolles, te kendi")):
        ask(page, site, reference, seen)
        reporter.now = datetime.now(UTC)
        reporter.replay(rows((answer, reference)))
        page.reload()
        expect(page.locator(".timeline")).to_contain_text(answer)
        seen.look(page)
    crawl(page, site, seen)

    sign_in(page, site, "admin@example.org")
    for path in (f"/reports/{by_telegram}", f"/reports/{by_sms}", f"/reports/{child}",
                 "/audit?action=ask"):
        page.goto(site + path)
        seen.look(page)
    crawl(page, site, seen)
    assert {"/admin/", "/audit/", "/stats", "/simulator/"} <= seen.paths
    today = date.today()
    page.goto(f"{site}/stats?from={today - timedelta(days=30)}&to={today}")
    seen.look(page)
    with page.expect_download() as waiting:
        page.click("#export button")
    export = tmp_path / "report.zip"
    waiting.value.save_as(export)

    bodies = [*seen, *unpacked(export)]
    for body in bodies:
        for address in ADDRESSES:
            assert address not in body
    assert any(QUESTION in body and "Te porta e madhe" in body for body in bodies)


def unpacked(path: Path) -> list[str]:
    """Return the text of every file in a ZIP, and of every part of an XLSX inside it."""
    texts: list[str] = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            data = archive.read(name)
            if name.endswith(".xlsx"):
                inner = path.with_suffix(".inner.zip")
                inner.write_bytes(data)
                texts += unpacked(inner)
            else:
                texts.append(data.decode("utf-8", "replace"))
    return texts
