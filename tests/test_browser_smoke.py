"""The browser test infrastructure itself: Debian's Chromium clicks a button on a tiny app."""

from __future__ import annotations

import pytest
from flask import Flask
from playwright.sync_api import expect

from tests.browser import CHROMIUM, chromium_page, live_server

PAGE = """<!doctype html>
<html lang="sq"><head><meta charset="utf-8"><title>Provë</title></head>
<body>
<p id="status">Pa klikuar</p>
<button id="go" onclick="document.getElementById('status').textContent = 'U klikua'">Kliko</button>
</body></html>
"""


def tiny_app() -> Flask:
    """Build a one-page Flask app whose button changes a paragraph's text with inline JS."""
    app = Flask(__name__)

    @app.get("/")
    def index() -> str:
        """Serve the page with the button."""
        return PAGE

    return app


@pytest.mark.skipif(not CHROMIUM.exists(),
                    reason="Debian's chromium is missing: `make test` installs it")
def test_chromium_clicks_a_button_on_a_live_server() -> None:
    """Chromium opens the served page, clicks the button, and the inline script runs."""
    with live_server(tiny_app()) as base, chromium_page(base) as page:
        page.goto("/")
        expect(page.locator("#status")).to_have_text("Pa klikuar")
        assert page.evaluate("navigator.language") == "sq-AL"
        assert page.evaluate("Intl.DateTimeFormat().resolvedOptions().timeZone") == "Europe/Tirane"
        page.click("#go")
        expect(page.locator("#status")).to_have_text("U klikua")
