"""Administration: the overview page and the blueprint that gathers the sections.

Admins manage everything; a coordinator manages their own municipality's contact points,
schools, teachers and link codes, and imports rows of their municipality only. Routing rules
and escalation deadlines are for admins. Focal points get 403 everywhere under /admin.
Every change is written to the audit log. The sections live in their own modules:
admin_points (contact points, link codes), admin_schools (schools, teachers),
admin_services (the service directory), admin_imports (CSV uploads), admin_rules (routing
rules), admin_deadlines (deadlines), admin_subject (a person's data: export, erasure),
admin_open311 (Open311 applications' keys).
"""

from __future__ import annotations

from flask import Blueprint, Flask, current_app, g, render_template

from handlers.i18n import msg
from models import Municipality, User
from models.db import get_db
from web import (
    admin_deadlines,
    admin_imports,
    admin_open311,
    admin_points,
    admin_rules,
    admin_schools,
    admin_services,
    admin_subject,
)
from web.admin_common import manager_required
from web.i18n import place_name, text

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@manager_required
def index() -> str:
    """Link the administration sections the user may use."""
    user: User = g.user
    town = None
    if user.municipality_id is not None:
        with get_db(current_app).session() as session:
            found = session.get(Municipality, user.municipality_id)
            if found is not None:
                town = text(msg("You manage the municipality of {municipality}.",
                                municipality=place_name(found)))
    return render_template("admin/index.html", town=town)


for section in (admin_points, admin_schools, admin_services, admin_imports, admin_rules,
                admin_deadlines, admin_subject, admin_open311):
    section.register(bp)


def init_app(app: Flask) -> None:
    """Serve the administration pages."""
    app.register_blueprint(bp)
