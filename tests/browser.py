"""Debian's Chromium driven by Playwright, and a live server for the app it browses.

Never a browser download: Playwright launches /usr/bin/chromium, which `make test` installs
from Debian. The flags keep Chromium off the network it would otherwise reach for at start.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage"]


@contextmanager
def live_server(app: Flask) -> Iterator[str]:
    """Serve the app on a free loopback port in a thread; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


@contextmanager
def chromium_page(base_url: str | None = None) -> Iterator[Page]:
    """Yield a page of a fresh headless Chromium in Albanian and Tirana's time zone."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=FLAGS)
        try:
            context = browser.new_context(base_url=base_url, locale="sq-AL",
                                          timezone_id="Europe/Tirane", accept_downloads=True)
            context.set_default_timeout(15_000)
            yield context.new_page()
        finally:
            browser.close()
