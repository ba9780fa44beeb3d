"""Administration: contact points, schools, teachers, codes, rules, deadlines (being built)."""

from __future__ import annotations

from flask import Blueprint, Flask

from web.auth import login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@login_required
def index() -> str:
    """Show the administration overview."""
    return ""


def init_app(app: Flask) -> None:
    """Serve the administration pages."""
    app.register_blueprint(bp)
