"""The simulator: the real engine as a Telegram-like or SMS-like chat (being built)."""

from __future__ import annotations

from flask import Blueprint, Flask

from web.auth import admin_required

bp = Blueprint("simulator", __name__, url_prefix="/simulator")


@bp.get("/")
@admin_required
def index() -> str:
    """Show the simulator."""
    return ""


def init_app(app: Flask) -> None:
    """Serve the simulator."""
    app.register_blueprint(bp)
