"""Response headers that keep the dashboard's pages in their own frame and their own origin."""

from __future__ import annotations

from flask import Flask
from werkzeug.wrappers import Response

# Scripts and styles only from our own static files; map tiles from the configured server.
POLICY = ("default-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; "
          "style-src 'self'; script-src 'self'; object-src 'none'; frame-ancestors 'none'; "
          "base-uri 'self'; form-action 'self'")


def secure_headers(response: Response) -> Response:
    """Add the security headers to every dashboard response."""
    response.headers.setdefault("Content-Security-Policy", POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def init_app(app: Flask) -> None:
    """Send the headers with every response."""
    app.after_request(secure_headers)
