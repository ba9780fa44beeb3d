"""The audit log for admins, filtered (being built)."""

from __future__ import annotations

from flask import Blueprint, Flask

from web.auth import admin_required

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("/")
@admin_required
def index() -> str:
    """Show the audit log."""
    return ""


def init_app(app: Flask) -> None:
    """Serve the audit log."""
    app.register_blueprint(bp)
