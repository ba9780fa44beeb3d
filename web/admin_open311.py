"""Open311 clients, for admins: issue a key (shown once, never again), list, revoke.

Only the key's hash is stored, so a lost key cannot be shown again: revoke it and issue a new
one. Each issue and revocation is in the audit log with the admin who made it.
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from handlers.i18n import Verbatim, msg
from models import ApiClient, User
from models.db import get_db
from service.open311_clients import ClientError, Issued, clients, issue, revoke
from web import get_settings
from web.admin_common import number, problem
from web.auth import admin_required
from web.i18n import text

BAD_NAME = msg("Give the application a name of at most 80 characters that no other "
               "application has.")
REVOKED = msg("The key of “{name}” is revoked: from now on it is refused.")


def open311_page() -> Response:
    """List the Open311 clients; issue a key, or revoke one."""
    user: User = g.user
    issued: Issued | None = None
    now = datetime.now(UTC)
    address = request.remote_addr or ""
    with get_db(current_app).transaction() as session:
        if request.method == "POST" and "revoke" in request.form:
            client = session.get(ApiClient, number(request.form.get("revoke", "")) or 0)
            if client is not None and revoke(session, client, now, user_id=user.id,
                                             address=address):
                flash(text(msg(REVOKED.msgid, name=Verbatim(client.name))), "info")
            return redirect(url_for("admin.open311_page"))
        if request.method == "POST":
            try:
                issued = issue(session, request.form.get("name", "")[:200], now,
                               user_id=user.id, address=address)
            except ClientError:
                problem(BAD_NAME)
                return redirect(url_for("admin.open311_page"))
        listed = clients(session)
        # The key is in this one answer only; a reload shows the list without it.
        page = make_response(render_template(
            "admin/open311.html", clients=listed, issued=issued,
            discovery=get_settings(current_app).public_base_url.rstrip("/")
            + "/open311/v2/discovery.json",
            creators={c.id: (c.creator.name or c.creator.email) if c.creator else ""
                      for c in listed}))
    page.headers["Cache-Control"] = "no-store"  # nor may a cache keep the key
    return page


def register(bp: Blueprint) -> None:
    """Add the admin-only Open311 clients page."""
    bp.add_url_rule("/open311", "open311_page", admin_required(open311_page),
                    methods=["GET", "POST"])
