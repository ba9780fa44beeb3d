"""Statistics and the six-monthly report (being built)."""

from __future__ import annotations

from flask import Blueprint, Flask

from web.auth import login_required

bp = Blueprint("stats", __name__)


@bp.get("/stats")
@login_required
def index() -> str:
    """Show the statistics page."""
    return ""


def init_app(app: Flask) -> None:
    """Serve the statistics pages."""
    app.register_blueprint(bp)
