"""Case pages in a real headless Chromium, in Serbian: what a person sees holds no code.

The admin signs in, picks Serbian from the page's own language links, works on a report
through the form, and reads every case of tests/case_scenarios.py, the report list and the
audit log as Chromium renders them.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import test_case_pages
from tests.browser import CHROMIUM
from tests.test_case_pages import raw_codes
from tests.test_dashboard_browser import sign_in

cases = test_case_pages.cases  # the same reports, filed the same way

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(),
                                reason="Debian's chromium is missing: `make test` installs it")


def seen(page: Page, site: str, path: str) -> str:
    """Open a page and return the text Chromium shows on it."""
    page.goto(f"{site}{path}")
    return page.inner_text("body")


def test_case_pages_in_serbian_show_no_code(site: str, page: Page,
                                            cases: dict[str, str]) -> None:
    """Every case page, the list and the log read in Serbian words, after work in the form."""
    sign_in(page, site)
    page.click("a.lang:text-is('sr')")
    expect(page.locator("html")).to_have_attribute("lang", "sr")
    page.goto(f"{site}/reports/{cases['unrouted']}")
    page.select_option("#status-form select[name=status]", "in_progress")
    page.fill("#status-form textarea[name=note]", "Ekipa izlazi na teren sutra.")
    page.click("#status-form button[type=submit]")
    timeline = page.locator(".timeline")
    expect(timeline).to_contain_text("Arta Krasniqi (administrator) počinje rad na prijavi")
    expect(timeline).to_contain_text("„Ekipa izlazi na teren sutra.“")
    for path in [*(f"/reports/{r}" for r in cases.values()), "/reports", "/audit/"]:
        text = seen(page, site, path)
        assert raw_codes(" ".join(text.split()), "sr") == [], (path, text)
    text = seen(page, site, f"/reports/{cases['child']}")
    assert "Prijavilac podnosi prijavu SMS porukom" in text
    assert "Sinjalizo više nema kome da prosledi prijavu" in text
    text = seen(page, site, f"/reports/{cases['dropout']}")
    assert "Odeljenje 7A, učenik A.K., 12 dana odsustva, razlog: rad" in text
    assert "Nastavnik podnosi prijavu SMS porukom" in text
